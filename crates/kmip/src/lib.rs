//! The typed KMIP 1.0–1.4 message model, on the TTLV codec of `keyward-ttlv`.
//!
//! Every KMIP structure is a Rust type implementing [`ToTtlv`] and
//! [`FromTtlv`]. Decoding a well-formed message and encoding it again gives
//! the same bytes, and encoding then decoding a typed value gives the same
//! value; all 418 OASIS 1.0–1.4 test case files are checked so.
//!
//! | module | what |
//! | --- | --- |
//! | [`message`] | request and response messages, headers, batch items, credentials |
//! | [`operations`] | the payload of every operation; [`operations::RequestPayload`] and [`operations::ResponsePayload`] have one variant per operation |
//! | [`objects`] | managed objects, key block, key value and material, transparent keys, key wrapping |
//! | [`attributes`] | [`attributes::Attribute`] with its value typed by name, Template-Attribute |
//! | [`version`] | [`version::downgrade`]: remove what an older client's version lacks |
//! | [`enums`] | every KMIP 1.4 enumeration and mask (generated) |
//! | [`codec`] | the traits, primitives, `StructReader` and [`kmip_struct!`] |
//!
//! A server decodes with [`message::RequestMessage::from_ttlv_per_item`] (so
//! that a bad batch item fails alone), dispatches on each item's payload
//! variant, and encodes its answer with
//! [`message::ResponseMessage::into_ttlv_for`] at the client's version.
//!
//! ```
//! use keyward_kmip::message::*;
//! use keyward_kmip::operations::*;
//! use keyward_kmip::objects::*;
//! use keyward_kmip::enums::*;
//! use keyward_kmip::{Bytes, DateTime};
//! use keyward_ttlv::{binary, Limits, Version};
//!
//! // A client's Get request, as received.
//! let request = RequestMessage {
//!     header: RequestHeader::new(ProtocolVersion::new(1, 0)),
//!     batch_items: vec![RequestBatchItem::new(GetRequest {
//!         unique_identifier: Some("1".into()),
//!         ..Default::default()
//!     })],
//! };
//! let bytes = request.to_bytes();
//!
//! let decoded = RequestMessage::from_ttlv_per_item(binary::decode(&bytes, &Limits::default())?)?;
//! let mut answers = Vec::new();
//! for item in decoded.batch_items {
//!     let answer = match item {
//!         Ok(item) => match item.payload {
//!             RequestPayload::Get(get) => ResponseBatchItem::success(GetResponse {
//!                 unique_identifier: get.unique_identifier.unwrap_or_default(),
//!                 object: Object::SymmetricKey(SymmetricKey {
//!                     key_block: KeyBlock::new(
//!                         KeyFormatType::Raw,
//!                         KeyMaterial::Bytes(Bytes::new(vec![0u8; 32])),
//!                         Some(CryptographicAlgorithm::AES),
//!                         Some(256),
//!                     ),
//!                 }),
//!             }),
//!             other => ResponseBatchItem::failure(
//!                 Some(other.operation()),
//!                 ResultReason::OperationNotSupported,
//!                 None,
//!             ),
//!         }
//!         .with_id(item.unique_batch_item_id),
//!         Err(bad) => ResponseBatchItem::failure(bad.operation, ResultReason::InvalidMessage, None)
//!             .with_id(bad.unique_batch_item_id),
//!     };
//!     answers.push(answer);
//! }
//! let response = ResponseMessage {
//!     header: ResponseHeader::new(decoded.header.protocol_version, DateTime(1_700_000_000)),
//!     batch_items: answers,
//! };
//! let version = decoded.header.protocol_version.version().unwrap_or(Version::V1_4);
//! let wire = binary::encode(&response.into_ttlv_for(version));
//! # let _ = wire;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod attributes;
pub mod codec;
pub mod enums;
pub mod message;
pub mod objects;
pub mod operations;
pub mod version;

pub use codec::{BigInt, Bytes, DateTime, FromTtlv, Interval, ModelError, SecretText, ToTtlv};
