//! The KMIP door: binary TTLV over mutual TLS (KMIP 1.0–1.4).
//!
//! [`KmipServer`] accepts connections, completes the TLS handshake (a client
//! certificate chaining to the users CA is required), resolves the peer's
//! access credential into a [`keyward_core::Caller`], then serves request
//! messages one after the other on the connection until the peer closes it,
//! goes idle, or the server shuts down. Each batch item goes through
//! [`keyward_core::Kms::execute`]; this module only translates.

mod server;

pub use server::{KmipLimits, KmipServer};
