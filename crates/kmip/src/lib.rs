//! The typed KMIP 1.0–1.4 message model, on the TTLV codec of `keyward-ttlv`.
//!
//! Every KMIP structure is a Rust type implementing [`codec::ToTtlv`] and
//! [`codec::FromTtlv`]; conversion round-trips byte for byte.

pub mod attributes;
pub mod codec;
pub mod enums;
pub mod message;
pub mod objects;
pub mod operations;
pub mod version;

pub use codec::{BigInt, Bytes, DateTime, FromTtlv, Interval, ModelError, ToTtlv};
