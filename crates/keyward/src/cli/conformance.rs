//! `keyward conformance`: replays OASIS KMIP XML test cases against a KMIP
//! server and prints a verdict per file.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use keyward_client::ClientIdentity;
use keyward_conformance::{RunOptions, Runner, expand_inputs};
use keyward_ttlv::xml;

/// `keyward conformance` arguments.
#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// The KMIP server, `HOST:PORT` (the host is checked against its certificate).
    #[arg(long)]
    pub server: String,
    /// The client (access) certificate, PEM.
    #[arg(long)]
    pub cert: PathBuf,
    /// The client certificate's private key, PEM.
    #[arg(long)]
    pub key: PathBuf,
    /// The CA that signed the server's certificate, PEM.
    #[arg(long)]
    pub ca: PathBuf,
    /// How far (seconds) a `$NOW` time in a response may be from the run's
    /// time: the server's clock may differ from this machine's.
    #[arg(long, default_value_t = 60)]
    pub clock_tolerance: u64,
    /// Also print, for each failure, the request sent and the response received (KMIP XML).
    #[arg(long)]
    pub verbose: bool,
    /// Test-case files, or directories searched for `*.xml` (run in path order).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Why the conformance command failed.
#[derive(Debug, thiserror::Error)]
pub enum ConformanceError {
    /// The certificate, key or CA could not be used.
    #[error("client credential: {0}")]
    Identity(keyward_client::ClientError),
    /// A file or directory could not be read.
    #[error("{0}")]
    Input(keyward_conformance::LoadError),
    /// No test case was found.
    #[error("no *.xml test case in the files and directories given")]
    NoFiles,
    /// Some test cases failed (each is on stdout).
    #[error("{failed} of {total} test cases failed")]
    Failed {
        /// How many failed.
        failed: usize,
        /// How many ran.
        total: usize,
    },
    /// The async runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

/// Runs the test cases; `Ok` only when every one passed.
pub fn run(args: ConformanceArgs) -> Result<(), ConformanceError> {
    let identity = ClientIdentity::from_pem_files(&args.cert, &args.key, &args.ca)
        .map_err(ConformanceError::Identity)?;
    let tls = identity.tls_config().map_err(ConformanceError::Identity)?;
    let files = expand_inputs(&args.files).map_err(ConformanceError::Input)?;
    if files.is_empty() {
        return Err(ConformanceError::NoFiles);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ConformanceError::Runtime)?;
    let options = RunOptions { clock_tolerance: Duration::from_secs(args.clock_tolerance) };
    let mut runner = Runner::new(args.server, tls, options);
    let (mut passed, mut failed) = (0, 0);
    runtime.block_on(async {
        for file in &files {
            let report = runner.run_file(file).await;
            println!("{report}");
            if args.verbose
                && let Err(failure) = &report.result
            {
                for (what, message) in [("sent", &failure.request), ("received", &failure.response)]
                {
                    if let Some(message) = message {
                        println!("  {what}:");
                        for line in xml::to_string(message).lines() {
                            println!("    {line}");
                        }
                    }
                }
            }
            if report.passed() {
                passed += 1;
            } else {
                failed += 1;
            }
        }
    });
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        return Err(ConformanceError::Failed { failed, total: passed + failed });
    }
    Ok(())
}
