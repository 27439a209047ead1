//! KMIP TTLV: the wire format of the Key Management Interoperability Protocol.
//!
//! This crate is the codec and nothing else: it knows how items are laid out on
//! the wire and how the KMIP XML and JSON encodings name them, but nothing about
//! what a request means. The typed message model (`keyward-kmip`) sits on top.
//!
//! * [`Ttlv`] is one item: a [`Tag`] and a [`Value`] (which, for a structure,
//!   holds the children in order).
//! * [`binary`] decodes and encodes the binary form. Decoding is built for a
//!   server reading hostile bytes: [`binary::read_header`] gives a frame's full
//!   length from its first 8 bytes, [`binary::decode`] checks every length,
//!   padding byte, type and UTF-8 string against [`Limits`], and reports the
//!   byte offset of the first problem. It never panics and never allocates more
//!   than the declared, allowed size.
//! * [`xml`] and [`json`] are the KMIP XML and JSON encodings (as used by the
//!   OASIS test cases), both ways, with names from the KMIP 1.4 tables in
//!   [`spec`]. [`text`] holds what they share, notably the placeholders of
//!   the OASIS test cases (`$NOW`, `$UNIQUE_IDENTIFIER_0`).
//!
//! ```
//! use keyward_ttlv::{binary, spec::tags, Limits, Ttlv, Value};
//!
//! let item = Ttlv::structure(tags::PROTOCOL_VERSION, vec![
//!     Ttlv::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(1)),
//!     Ttlv::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(4)),
//! ]);
//! let bytes = binary::encode(&item);
//! assert_eq!(binary::decode(&bytes, &Limits::default()).unwrap(), item);
//! ```

pub mod binary;
mod error;
pub mod json;
mod limits;
pub mod spec;
mod tag;
pub mod text;
mod value;
mod version;
pub mod xml;

pub use error::{DecodeError, DecodeErrorKind, TextError};
pub use limits::Limits;
pub use tag::Tag;
pub use value::{ItemType, Ttlv, Value};
pub use version::Version;
