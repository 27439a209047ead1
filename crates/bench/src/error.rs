//! Why a benchmark could not run.

/// A benchmark that could not be run at all (as opposed to operations that failed, which
/// are counted in the report).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A command-line option has a value that cannot work.
    #[error("invalid option {option}: {reason}")]
    Option {
        /// The option, as written on the command line.
        option: &'static str,
        /// What is wrong and what would work.
        reason: String,
    },
    /// The certificate, key or CA file could not be loaded.
    #[error("cannot load the client credential: {0}")]
    Credential(String),
    /// No connection could be opened to the server.
    #[error(
        "cannot connect to {server}: {reason} (check the address, that the server is running, and that --ca is the CA of its certificate)"
    )]
    Connect {
        /// The server address.
        server: String,
        /// What failed.
        reason: String,
    },
    /// Preparing the workload failed (for a reason other than the server refusing it).
    #[error("setting up the {workload} workload failed at {step}: {reason}")]
    Setup {
        /// The workload.
        workload: String,
        /// The setup step.
        step: String,
        /// What failed.
        reason: String,
    },
    /// The async runtime or a task failed.
    #[error("internal error: {0}")]
    Internal(String),
}
