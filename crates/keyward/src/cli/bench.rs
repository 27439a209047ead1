//! `keyward bench kmip …`: the load generator (crate `keyward-bench`) on the command line.
//!
//! ```text
//! keyward bench kmip --server 127.0.0.1:5696 --cert cert.pem --key key.pem --ca ca.pem \
//!     --workload get --connections 8 --duration 10 --json
//! ```
//!
//! Memory with many idle connections, the server's RSS watched (Linux, same machine):
//!
//! ```text
//! ulimit -n 20000
//! keyward bench kmip --server 127.0.0.1:5696 --cert cert.pem --key key.pem --ca ca.pem \
//!     --workload idle --connections 10000 --duration 30 --server-pid SERVER_PID
//! ```
//!
//! A Keyward server closes a connection idle for longer than its `[kmip]
//! idle_timeout_secs` (default 300; environment `KEYWARD_KMIP_IDLE_TIMEOUT_SECS`) and
//! serves at most `[kmip] max_connections` at once (default 10,000;
//! `KEYWARD_KMIP_MAX_CONNECTIONS`): raise them before holding more, or longer.
//!
//! The report goes to stdout (one JSON object with `--json`); the progress bar goes to
//! stderr, and only when stderr is a terminal and `--json` is not given.

use clap::Subcommand;
use keyward_bench::BenchError;
use keyward_bench::options::KmipArgs;

/// `keyward bench` subcommands: one per protocol.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Load a KMIP server (Keyward or any other) over mutual TLS and report ops/s,
    /// latency percentiles and errors by result reason.
    Kmip(Box<KmipArgs>),
}

/// Runs a bench command and prints its report.
///
/// # Errors
/// [`BenchError`] when the options are invalid or the benchmark cannot run.
pub fn run(command: BenchCommand) -> Result<(), BenchError> {
    let BenchCommand::Kmip(args) = command;
    let config = args.into_config()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Internal(format!("cannot start the runtime: {e}")))?;
    let report = runtime.block_on(keyward_bench::run_kmip(&config))?;
    if config.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}
