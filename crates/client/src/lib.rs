//! A KMIP client over mutual TLS.
//!
//! [`Connection`] sends one request message and reads one response message at
//! a time over a kept-alive TLS stream; [`ClientIdentity`] loads the PEM files
//! an access credential comes as (`cert.pem`, `key.pem`, `ca.pem`). The
//! conformance runner, the load generator and the server's tests all speak
//! KMIP through this crate, so they exercise the same framing a product does.
//!
//! ```no_run
//! # async fn demo() -> Result<(), keyward_client::ClientError> {
//! use keyward_client::{ClientIdentity, Connection};
//! use keyward_kmip::message::{ProtocolVersion, RequestBatchItem, RequestHeader, RequestMessage};
//! use keyward_kmip::operations::DiscoverVersionsRequest;
//!
//! let identity = ClientIdentity::from_pem_files("cert.pem", "key.pem", "ca.pem")?;
//! let mut connection = Connection::connect("127.0.0.1:5696", &identity.tls_config()?).await?;
//! let request = RequestMessage {
//!     header: RequestHeader::new(ProtocolVersion::new(1, 4)),
//!     batch_items: vec![RequestBatchItem::new(DiscoverVersionsRequest::default())],
//! };
//! let response = connection.call(&request).await?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod connection;
mod error;
mod identity;

pub use connection::Connection;
pub use error::ClientError;
pub use identity::ClientIdentity;
