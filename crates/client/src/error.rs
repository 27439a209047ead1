//! The client's errors.

use keyward_kmip::codec::ModelError;
use keyward_ttlv::DecodeError;

/// Why a KMIP exchange failed on the client side.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A PEM file could not be read.
    #[error("cannot read {path}: {source}")]
    ReadFile {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A certificate or key was not usable.
    #[error("{0}")]
    Pki(#[from] keyward_pki::Error),
    /// The server name is not a valid DNS name or IP address.
    #[error("invalid server name {0:?}")]
    ServerName(String),
    /// The connection or handshake failed.
    #[error("connection failed: {0}")]
    Io(#[from] std::io::Error),
    /// The server's answer is not valid TTLV.
    #[error("the server sent invalid TTLV: {0}")]
    Decode(#[from] DecodeError),
    /// The server's answer is TTLV but not a KMIP response message.
    #[error("the server sent an invalid response message: {0}")]
    Model(#[from] ModelError),
    /// The server closed the connection before answering.
    #[error("the server closed the connection")]
    Closed,
}
