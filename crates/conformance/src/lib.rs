//! A KMIP conformance runner: replays the OASIS XML test cases
//! (`kmip-testcases/`) against any KMIP server and says, per file, whether
//! every response matched.
//!
//! * [`TestCase`] reads a file into its ordered (request, expected response)
//!   pairs ([`Exchange`]).
//! * [`Runner`] replays files over a new [`keyward_client::Connection`] each:
//!   it binds each request's placeholders (`$NOW-3600` to the current time,
//!   `$UNIQUE_IDENTIFIER_0` to what an earlier response held there), sends
//!   it, and compares the response with the expected one field by field, with
//!   the leniencies a real server needs, each documented in [`compare`]
//!   (vendor Result Message text, times, attribute order, values the server
//!   chooses). [`RunState::run`] does the same over any [`Transport`].
//! * [`FileReport`] is the verdict: pass, or the first [`Failure`] with the
//!   request index and the path of the field that differs.
//! * [`profiles`] lists which mandatory test case belongs to which KMIP
//!   server profile, and which profiles Keyward claims.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use keyward_client::ClientIdentity;
//! use keyward_conformance::{RunOptions, Runner};
//!
//! let identity = ClientIdentity::from_pem_files("cert.pem", "key.pem", "ca.pem")?;
//! let mut runner = Runner::new("127.0.0.1:5696", identity.tls_config()?, RunOptions::default());
//! let report = runner.run_file("SKLC-M-1-14.xml".as_ref()).await;
//! println!("{report}"); // PASS SKLC-M-1-14.xml, or FAIL …: request 2 of 3 (GetAttributes): …
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod compare;
pub mod profiles;
mod replay;
mod report;
mod testcase;

pub use replay::{RunOptions, RunState, Runner, Transport};
pub use report::{Failure, FailureKind, FileReport, LoadError};
pub use testcase::{Exchange, TestCase, expand_inputs};
