//! What a run says about each file, and why a file cannot be run.

use std::fmt;
use std::path::PathBuf;

use keyward_client::ClientError;
use keyward_ttlv::text::Mismatch;
use keyward_ttlv::{TextError, Ttlv};

/// Why a test-case file could not be read as a test case.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not KMIP XML.
    #[error("{} is not a KMIP XML test case: {source}", path.display())]
    Xml {
        /// The file.
        path: PathBuf,
        /// Where and what.
        source: TextError,
    },
    /// The file holds no message.
    #[error("{} holds no KMIP message", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The messages do not alternate request, response.
    #[error(
        "{}, line {line}: exchange {} should start with a <{expected}> but has <{found}>; a test \
         case alternates RequestMessage and ResponseMessage (server-to-client files such as \
         TC-NP-* cannot be replayed)",
        path.display(), index + 1
    )]
    Sequence {
        /// The file.
        path: PathBuf,
        /// The exchange (0-based).
        index: usize,
        /// The line of the offending element.
        line: usize,
        /// The element expected.
        expected: &'static str,
        /// The element found.
        found: String,
    },
    /// The last request has no expected response.
    #[error(
        "{}, line {line}: request {} has no ResponseMessage after it",
        path.display(), index + 1
    )]
    MissingResponse {
        /// The file.
        path: PathBuf,
        /// The exchange (0-based).
        index: usize,
        /// The line of the request.
        line: usize,
    },
}

/// What went wrong in a file.
#[derive(Debug, thiserror::Error)]
pub enum FailureKind {
    /// The file could not be read as a test case.
    #[error("{0}")]
    Load(#[from] LoadError),
    /// The connection to the server could not be made.
    #[error("cannot connect: {0}")]
    Connect(ClientError),
    /// A request could not be built: a placeholder has no value.
    #[error("cannot build the request: {0}")]
    Bind(TextError),
    /// The expected response cannot be read.
    #[error("cannot read the expected response: {0}")]
    Expected(TextError),
    /// The exchange with the server failed.
    #[error("exchange failed: {0}")]
    Transport(ClientError),
    /// The response differs from the expected one.
    #[error("{0}")]
    Mismatch(Mismatch),
}

/// Why a file failed: the first problem, and at which exchange.
#[derive(Debug)]
pub struct Failure {
    /// The exchange (0-based request index), when the failure is about one.
    pub request_index: Option<usize>,
    /// The operations of that request (`"GetAttributes"`).
    pub operations: Option<String>,
    /// How many exchanges the file has.
    pub exchanges: usize,
    /// What went wrong.
    pub kind: FailureKind,
    /// The request sent at that exchange, when it was built.
    pub request: Option<Ttlv>,
    /// The response received at that exchange, when there was one.
    pub response: Option<Ttlv>,
}

impl Failure {
    /// The path of the mismatching field (`ResponseMessage/BatchItem[1]/…`),
    /// when the failure is a mismatch.
    pub fn field_path(&self) -> Option<&str> {
        match &self.kind {
            FailureKind::Mismatch(m) => Some(&m.location),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(index) = self.request_index {
            write!(f, "request {} of {}", index + 1, self.exchanges)?;
            if let Some(operations) = &self.operations {
                write!(f, " ({operations})")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Failure {}

/// The verdict on one file.
#[derive(Debug)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// Pass, or the first failure.
    pub result: Result<(), Failure>,
}

impl FileReport {
    /// Whether every response matched.
    pub fn passed(&self) -> bool {
        self.result.is_ok()
    }
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Ok(()) => write!(f, "PASS {}", self.path.display()),
            Err(failure) => write!(f, "FAIL {}: {failure}", self.path.display()),
        }
    }
}
