//! `keyward bench`: a load generator for KMIP servers, Keyward's or anyone's.
//!
//! Given a server address and an access credential (certificate, key and the CA of the
//! server's certificate), it opens C concurrent mutual-TLS connections, prepares what a
//! named workload needs (keys, names, a ciphertext), runs the workload for a warm-up and
//! then for a measured duration or count, and reports the rate of successful operations,
//! latency percentiles from an HDR histogram, and errors by result reason.
//!
//! The `idle` workload measures what connections cost instead: it opens C connections
//! (a TLS handshake and one Discover Versions each, a bounded number at a time), holds
//! them idle for the duration and reports how many were opened and held. With
//! `--server-pid` (Linux, a server on the same machine) any workload also reports the
//! server process's resident memory at the start and end of the measured phase and its
//! peak in between, and the CPU time it used over the phase (user and system, and per
//! operation).
//!
//! | module | what it does |
//! | --- | --- |
//! | [`options`] | the command-line options and their validation into a [`options::BenchConfig`] |
//! | [`workloads`] | the workload names, the `mixed` ratio, and the KMIP requests each workload sends |
//! | [`runner`] | the [`runner::Driver`] trait (one operation on one connection) and the concurrent loop |
//! | [`report`] | percentiles, the JSON object and the human-readable summary |
//! | [`memory`] | a server process's resident memory, sampled over the measured phase (`--server-pid`) |
//! | [`cpu`] | a server process's CPU time over the measured phase (`--server-pid`) |
//!
//! The runner knows nothing about KMIP: a protocol plugs in by implementing
//! [`runner::Driver`] (open a connection; perform one operation on it). KMIP is the first
//! implementation ([`workloads::KmipDriver`]); a REST data-plane driver can be added beside
//! it without touching the runner or the report.
//!
//! Requests are those a careful client sends, so that other servers accept them too: a
//! Create carries Cryptographic Algorithm, Length and Usage Mask; Encrypt, Decrypt and Sign
//! carry full Cryptographic Parameters; batches carry Unique Batch Item IDs. A workload the
//! server (or the chosen KMIP version) does not support is reported as `unsupported`, with
//! the server's reason, rather than skipped or counted as errors.
//!
//! ```no_run
//! # async fn demo() -> Result<(), keyward_bench::BenchError> {
//! use clap::Parser;
//! use keyward_bench::options::KmipArgs;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     args: KmipArgs,
//! }
//! let cli = Cli::parse_from([
//!     "bench", "--server", "127.0.0.1:5696", "--cert", "cert.pem", "--key", "key.pem",
//!     "--ca", "ca.pem", "--workload", "get", "--connections", "8", "--duration", "10",
//! ]);
//! let config = cli.args.into_config()?;
//! let report = keyward_bench::run_kmip(&config).await?;
//! println!("{}", report.to_json());
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod cpu;
mod error;
pub mod memory;
pub mod options;
pub mod report;
pub mod runner;
pub mod workloads;

pub use error::BenchError;

use options::BenchConfig;
use report::Report;

/// Runs the KMIP benchmark `config` describes: setup, warm-up, measured phase.
///
/// A workload the server does not support gives a [`Report`] whose status is
/// unsupported, not an error.
///
/// # Errors
/// [`BenchError`] when the credential cannot be loaded, no connection can be opened, or
/// the setup fails for a reason other than the server refusing the workload.
pub async fn run_kmip(config: &BenchConfig) -> Result<Report, BenchError> {
    workloads::run(config).await
}
