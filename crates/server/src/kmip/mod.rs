//! The KMIP door: binary TTLV over mutual TLS (KMIP 1.0–1.4).
//!
//! [`KmipServer`] accepts connections, completes the TLS handshake (a client
//! certificate chaining to the users CA is required), resolves the peer's
//! access credential into a [`keyward_core::Caller`], then serves request
//! messages one after the other on the connection until the peer closes it,
//! goes idle, or the server shuts down. The pipeline of one message is
//! read frame → decode → authenticate → dispatch → encode → write; each
//! batch item goes through [`keyward_core::Kms::execute`], so this module
//! only translates.
//!
//! | module | what it does |
//! | --- | --- |
//! | `server` | the listener, connection limit, graceful drain |
//! | `connection` | one connection: handshake, framing, idle timeout |
//! | `auth` | the peer's access credential → caller, revocation checks |
//! | `dispatch` | one message: versions, batches, Discover Versions, Poll, Cancel |

mod auth;
mod connection;
mod dispatch;
mod handshakes;
mod server;

pub use dispatch::SUPPORTED_VERSIONS;
pub use server::{KmipLimits, KmipServer};
