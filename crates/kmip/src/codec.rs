//! Conversion between typed KMIP values and TTLV items.
//!
//! [`ToTtlv`] and [`FromTtlv`] are implemented by every primitive the model uses
//! and, through [`kmip_struct!`](crate::kmip_struct), by every structure.
//! Decoding takes the item by value so that byte strings (key material) move
//! into the model without a copy. Struct fields are read in specification order
//! by a [`StructReader`]; a missing required field, an unknown or out-of-order
//! field, or a wrong item type is a [`ModelError`] naming the tag.

use keyward_ttlv::{ItemType, Tag, Ttlv, Value};
use thiserror::Error;
use zeroize::Zeroizing;

/// Why a TTLV item does not fit the typed model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// A required field is absent.
    #[error("{parent} is missing its required field {field}")]
    MissingField {
        /// The structure.
        parent: Tag,
        /// The missing field.
        field: Tag,
    },
    /// A field that the structure does not have at this position.
    #[error("{parent} has an unexpected field {field} (unknown, repeated or out of order)")]
    UnexpectedField {
        /// The structure.
        parent: Tag,
        /// The field found.
        field: Tag,
    },
    /// An item of the wrong type for its tag.
    #[error("{tag} must be a {expected}, not a {found}")]
    WrongType {
        /// The item's tag.
        tag: Tag,
        /// The type the model requires.
        expected: ItemType,
        /// The type received.
        found: ItemType,
    },
    /// An enumeration value that is neither defined nor an extension (0x8XXXXXXX).
    #[error("{tag} has the reserved value 0x{value:08X}, undefined in {enumeration}")]
    InvalidEnum {
        /// The item's tag.
        tag: Tag,
        /// The enumeration's name.
        enumeration: &'static str,
        /// The value received.
        value: u32,
    },
    /// A value the model cannot accept, with the reason.
    #[error("{tag} is invalid: {reason}")]
    InvalidValue {
        /// The item's tag.
        tag: Tag,
        /// Why.
        reason: String,
    },
}

impl ModelError {
    /// The Result Reason a server answers this error with (KMIP 1.4 §11.1):
    /// Invalid Message for what cannot be parsed (a missing field, a wrong
    /// item type, a Batch Count that does not match), Invalid Field for a field
    /// the structure does not have and for a value the field does not allow
    /// (a reserved enumeration value, an Object Type that does not match the
    /// object).
    pub fn result_reason(&self) -> crate::enums::ResultReason {
        use crate::enums::ResultReason;
        match self {
            ModelError::MissingField { .. } | ModelError::WrongType { .. } => {
                ResultReason::InvalidMessage
            }
            ModelError::InvalidValue { tag, .. }
                if *tag == keyward_ttlv::spec::tags::BATCH_COUNT =>
            {
                ResultReason::InvalidMessage
            }
            ModelError::UnexpectedField { .. }
            | ModelError::InvalidEnum { .. }
            | ModelError::InvalidValue { .. } => ResultReason::InvalidField,
        }
    }
}

/// Encodes a typed value as a TTLV item with the given tag.
///
/// [`ToTtlv::into_ttlv`] consumes the value instead: Byte Strings and Big
/// Integers (key material) then move into the item without a copy. Every type
/// of the model that can hold key material implements it so.
pub trait ToTtlv {
    /// The value as an item tagged `tag`.
    fn to_ttlv(&self, tag: Tag) -> Ttlv;

    /// The value as an item tagged `tag`, moving its contents.
    fn into_ttlv(self, tag: Tag) -> Ttlv
    where
        Self: Sized,
    {
        self.to_ttlv(tag)
    }
}

/// Decodes a typed value from a TTLV item (whose tag the caller has matched).
pub trait FromTtlv: Sized {
    /// The value held by `item`.
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError>;
}

/// A boxed value encodes as the value: large, rarely present parts of a
/// message (Key Wrapping Data, transparent key structures) are boxed so that
/// the messages holding them stay small to move.
impl<T: ToTtlv> ToTtlv for Box<T> {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        T::to_ttlv(self, tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        T::into_ttlv(*self, tag)
    }
}

impl<T: FromTtlv> FromTtlv for Box<T> {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        T::from_ttlv(item).map(Box::new)
    }
}

pub(crate) fn wrong_type(item: &Ttlv, expected: ItemType) -> ModelError {
    ModelError::WrongType { tag: item.tag, expected, found: item.item_type() }
}

macro_rules! primitive {
    ($ty:ty, $variant:ident, $item_type:ident) => {
        impl ToTtlv for $ty {
            fn to_ttlv(&self, tag: Tag) -> Ttlv {
                Ttlv::new(tag, Value::$variant(self.clone().into()))
            }
            fn into_ttlv(self, tag: Tag) -> Ttlv {
                Ttlv::new(tag, Value::$variant(self.into()))
            }
        }
        impl FromTtlv for $ty {
            fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
                match item.value {
                    Value::$variant(v) => Ok(v.into()),
                    _ => Err(wrong_type(&item, ItemType::$item_type)),
                }
            }
        }
    };
}

primitive!(i32, Integer, Integer);
primitive!(i64, LongInteger, LongInteger);
primitive!(bool, Boolean, Boolean);
primitive!(String, TextString, TextString);

/// A Byte String, wiped from memory on drop.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Zeroizing<Vec<u8>>);

impl Bytes {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(Zeroizing::new(bytes.into()))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes(<{} bytes>)", self.0.len())
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Self::new(v)
    }
}

impl From<Zeroizing<Vec<u8>>> for Bytes {
    fn from(v: Zeroizing<Vec<u8>>) -> Self {
        Self(v)
    }
}

impl From<Bytes> for Zeroizing<Vec<u8>> {
    fn from(v: Bytes) -> Self {
        v.0
    }
}

primitive!(Bytes, ByteString, ByteString);

/// A Text String holding a secret (a password), wiped from memory on drop;
/// `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretText(pub Zeroizing<String>);

impl SecretText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

impl From<String> for SecretText {
    fn from(v: String) -> Self {
        Self(Zeroizing::new(v))
    }
}

impl From<&str> for SecretText {
    fn from(v: &str) -> Self {
        Self(Zeroizing::new(v.to_owned()))
    }
}

impl ToTtlv for SecretText {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        Ttlv::new(tag, Value::TextString(self.0.as_str().to_owned()))
    }
    fn into_ttlv(mut self, tag: Tag) -> Ttlv {
        Ttlv::new(tag, Value::TextString(std::mem::take(&mut *self.0)))
    }
}

impl FromTtlv for SecretText {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        match item.value {
            Value::TextString(v) => Ok(Self(Zeroizing::new(v))),
            _ => Err(wrong_type(&item, ItemType::TextString)),
        }
    }
}

/// A Big Integer: two's complement big-endian bytes as on the wire (a multiple
/// of 8 bytes), wiped from memory on drop.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct BigInt(pub Zeroizing<Vec<u8>>);

impl BigInt {
    /// The non-negative number with this big-endian magnitude.
    pub fn from_unsigned(magnitude: &[u8]) -> Self {
        match Value::big_integer_from_unsigned(magnitude) {
            Value::BigInteger(b) => Self(b),
            _ => unreachable!("big_integer_from_unsigned returns a BigInteger"),
        }
    }

    /// The magnitude of a non-negative value, without leading zero bytes;
    /// `None` for a negative value.
    pub fn to_unsigned(&self) -> Option<&[u8]> {
        if self.0.first().is_some_and(|b| b & 0x80 != 0) {
            return None;
        }
        let first = self.0.iter().position(|b| *b != 0).unwrap_or(self.0.len());
        Some(&self.0[first..])
    }
}

impl std::fmt::Debug for BigInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BigInt(<{} bytes>)", self.0.len())
    }
}

impl From<Zeroizing<Vec<u8>>> for BigInt {
    fn from(v: Zeroizing<Vec<u8>>) -> Self {
        Self(v)
    }
}

impl From<BigInt> for Zeroizing<Vec<u8>> {
    fn from(v: BigInt) -> Self {
        v.0
    }
}

primitive!(BigInt, BigInteger, BigInteger);

/// A Date-Time: POSIX seconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct DateTime(pub i64);

impl From<i64> for DateTime {
    fn from(v: i64) -> Self {
        Self(v)
    }
}

impl From<DateTime> for i64 {
    fn from(v: DateTime) -> Self {
        v.0
    }
}

primitive!(DateTime, DateTime, DateTime);

/// An Interval: a number of seconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Interval(pub u32);

impl From<u32> for Interval {
    fn from(v: u32) -> Self {
        Self(v)
    }
}

impl From<Interval> for u32 {
    fn from(v: Interval) -> Self {
        v.0
    }
}

primitive!(Interval, Interval, Interval);

/// Any value, kept exactly as received: custom attribute values, vendor
/// extensions and other fields whose type the specification leaves open.
impl ToTtlv for Value {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        Ttlv::new(tag, self.clone())
    }
    fn into_ttlv(self, tag: Tag) -> Ttlv {
        Ttlv::new(tag, self)
    }
}

impl FromTtlv for Value {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        Ok(item.value)
    }
}

/// Implements [`ToTtlv`]/[`FromTtlv`] for a generated enumeration.
macro_rules! enum_codec {
    ($($ty:ty),* $(,)?) => {$(
        impl crate::codec::ToTtlv for $ty {
            fn to_ttlv(&self, tag: keyward_ttlv::Tag) -> keyward_ttlv::Ttlv {
                keyward_ttlv::Ttlv::new(tag, keyward_ttlv::Value::Enumeration(crate::enums::KmipEnum::to_u32(*self)))
            }
        }
        impl crate::codec::FromTtlv for $ty {
            fn from_ttlv(item: keyward_ttlv::Ttlv) -> Result<Self, crate::codec::ModelError> {
                match item.value {
                    keyward_ttlv::Value::Enumeration(v) => <$ty as crate::enums::KmipEnum>::from_u32(v).ok_or(crate::codec::ModelError::InvalidEnum {
                        tag: item.tag,
                        enumeration: <$ty as crate::enums::KmipEnum>::NAME,
                        value: v,
                    }),
                    _ => Err(crate::codec::wrong_type(&item, keyward_ttlv::ItemType::Enumeration)),
                }
            }
        }
    )*};
}
pub(crate) use enum_codec;

/// Implements [`ToTtlv`]/[`FromTtlv`] for a generated mask (an Integer).
macro_rules! mask_codec {
    ($($ty:ty),* $(,)?) => {$(
        impl crate::codec::ToTtlv for $ty {
            fn to_ttlv(&self, tag: keyward_ttlv::Tag) -> keyward_ttlv::Ttlv {
                keyward_ttlv::Ttlv::new(tag, keyward_ttlv::Value::Integer(crate::enums::Mask::bits(*self) as i32))
            }
        }
        impl crate::codec::FromTtlv for $ty {
            fn from_ttlv(item: keyward_ttlv::Ttlv) -> Result<Self, crate::codec::ModelError> {
                match item.value {
                    keyward_ttlv::Value::Integer(v) => Ok(<$ty as crate::enums::Mask>::from_bits(v as u32)),
                    _ => Err(crate::codec::wrong_type(&item, keyward_ttlv::ItemType::Integer)),
                }
            }
        }
    )*};
}
pub(crate) use mask_codec;

/// Reads the fields of a structure in order.
pub struct StructReader {
    tag: Tag,
    children: std::iter::Peekable<std::vec::IntoIter<Ttlv>>,
}

impl StructReader {
    /// A reader over the children of `item`, which must be a structure.
    pub fn new(item: Ttlv) -> Result<Self, ModelError> {
        match item.value {
            Value::Structure(children) => {
                Ok(Self { tag: item.tag, children: children.into_iter().peekable() })
            }
            _ => Err(wrong_type(&item, ItemType::Structure)),
        }
    }

    /// The structure's tag.
    pub fn tag(&self) -> Tag {
        self.tag
    }

    /// The tag of the next unread field, if any.
    pub fn peek_tag(&mut self) -> Option<Tag> {
        self.children.peek().map(|c| c.tag)
    }

    /// The next unread field, if any, without taking it.
    pub fn peek(&mut self) -> Option<&Ttlv> {
        self.children.peek()
    }

    /// Takes the next field if it has this tag.
    pub fn take_if(&mut self, tag: Tag) -> Option<Ttlv> {
        self.children.next_if(|c| c.tag == tag)
    }

    /// Takes the next field whatever its tag.
    pub fn take_any(&mut self) -> Option<Ttlv> {
        self.children.next()
    }

    /// Reads a required field.
    pub fn required<T: FromTtlv>(&mut self, tag: Tag) -> Result<T, ModelError> {
        match self.take_if(tag) {
            Some(item) => T::from_ttlv(item),
            None => Err(ModelError::MissingField { parent: self.tag, field: tag }),
        }
    }

    /// Reads an optional field.
    pub fn optional<T: FromTtlv>(&mut self, tag: Tag) -> Result<Option<T>, ModelError> {
        self.take_if(tag).map(T::from_ttlv).transpose()
    }

    /// Reads a field that may repeat (zero or more times).
    pub fn repeated<T: FromTtlv>(&mut self, tag: Tag) -> Result<Vec<T>, ModelError> {
        let mut out = Vec::new();
        while let Some(item) = self.take_if(tag) {
            out.push(T::from_ttlv(item)?);
        }
        Ok(out)
    }

    /// A [`ModelError::MissingField`] for `field` in this structure.
    pub fn missing(&self, field: Tag) -> ModelError {
        ModelError::MissingField { parent: self.tag, field }
    }

    /// Fails if any field is left unread.
    pub fn finish(mut self) -> Result<(), ModelError> {
        match self.children.next() {
            Some(extra) => Err(ModelError::UnexpectedField { parent: self.tag, field: extra.tag }),
            None => Ok(()),
        }
    }
}

/// How a struct field is read and written: required (`T`), optional
/// (`Option<T>`) or repeated (`Vec<T>`).
pub trait Field: Sized {
    /// Reads the field from `reader`.
    fn read(reader: &mut StructReader, tag: Tag) -> Result<Self, ModelError>;
    /// Appends the field's items to `out`.
    fn write(&self, tag: Tag, out: &mut Vec<Ttlv>);
    /// Appends the field's items to `out`, moving their contents.
    fn write_owned(self, tag: Tag, out: &mut Vec<Ttlv>);
}

impl<T: ToTtlv + FromTtlv> Field for Option<T> {
    fn read(reader: &mut StructReader, tag: Tag) -> Result<Self, ModelError> {
        reader.optional(tag)
    }
    fn write(&self, tag: Tag, out: &mut Vec<Ttlv>) {
        if let Some(v) = self {
            out.push(v.to_ttlv(tag));
        }
    }
    fn write_owned(self, tag: Tag, out: &mut Vec<Ttlv>) {
        if let Some(v) = self {
            out.push(v.into_ttlv(tag));
        }
    }
}

impl<T: ToTtlv + FromTtlv> Field for Vec<T> {
    fn read(reader: &mut StructReader, tag: Tag) -> Result<Self, ModelError> {
        reader.repeated(tag)
    }
    fn write(&self, tag: Tag, out: &mut Vec<Ttlv>) {
        out.extend(self.iter().map(|v| v.to_ttlv(tag)));
    }
    fn write_owned(self, tag: Tag, out: &mut Vec<Ttlv>) {
        out.extend(self.into_iter().map(|v| v.into_ttlv(tag)));
    }
}

/// Declares a KMIP structure: a Rust struct whose fields are encoded in
/// declaration order, each with its tag from [`keyward_ttlv::spec::tags`].
///
/// A field is `req name: T => TAG` (required), `opt name: T => TAG`
/// (optional, `Option<T>`) or `vec name: T => TAG` (zero or more, `Vec<T>`).
///
/// ```
/// use keyward_kmip::kmip_struct;
/// kmip_struct! {
///     /// Protocol Version (KMIP 1.4 §6.1).
///     pub struct Example {
///         req major: i32 => PROTOCOL_VERSION_MAJOR,
///         opt minor: i32 => PROTOCOL_VERSION_MINOR,
///     }
/// }
/// ```
#[macro_export]
macro_rules! kmip_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty => $tag:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $crate::kmip_struct!(@ty $kind $ty), )*
        }

        impl $crate::codec::ToTtlv for $name {
            #[allow(clippy::vec_init_then_push)]
            fn to_ttlv(&self, tag: ::keyward_ttlv::Tag) -> ::keyward_ttlv::Ttlv {
                #[allow(unused_mut)]
                let mut children =
                    ::std::vec::Vec::with_capacity(<[&str]>::len(&[$(stringify!($field)),*]));
                $( $crate::kmip_struct!(@write $kind self.$field, $tag, children); )*
                ::keyward_ttlv::Ttlv::structure(tag, children)
            }

            #[allow(clippy::vec_init_then_push)]
            fn into_ttlv(self, tag: ::keyward_ttlv::Tag) -> ::keyward_ttlv::Ttlv {
                #[allow(unused_mut)]
                let mut children =
                    ::std::vec::Vec::with_capacity(<[&str]>::len(&[$(stringify!($field)),*]));
                $( $crate::kmip_struct!(@move $kind self.$field, $tag, children); )*
                ::keyward_ttlv::Ttlv::structure(tag, children)
            }
        }

        impl $crate::codec::FromTtlv for $name {
            fn from_ttlv(item: ::keyward_ttlv::Ttlv) -> ::std::result::Result<Self, $crate::codec::ModelError> {
                #[allow(unused_mut)]
                let mut reader = $crate::codec::StructReader::new(item)?;
                let value = Self {
                    $( $field: $crate::kmip_struct!(@read $kind reader, $tag), )*
                };
                reader.finish()?;
                Ok(value)
            }
        }
    };
    (@ty req $ty:ty) => { $ty };
    (@ty opt $ty:ty) => { ::std::option::Option<$ty> };
    (@ty vec $ty:ty) => { ::std::vec::Vec<$ty> };
    (@write req $value:expr, $tag:ident, $out:ident) => {
        $out.push($crate::codec::ToTtlv::to_ttlv(&$value, ::keyward_ttlv::spec::tags::$tag))
    };
    (@write opt $value:expr, $tag:ident, $out:ident) => {
        $crate::codec::Field::write(&$value, ::keyward_ttlv::spec::tags::$tag, &mut $out)
    };
    (@write vec $value:expr, $tag:ident, $out:ident) => {
        $crate::codec::Field::write(&$value, ::keyward_ttlv::spec::tags::$tag, &mut $out)
    };
    (@move req $value:expr, $tag:ident, $out:ident) => {
        $out.push($crate::codec::ToTtlv::into_ttlv($value, ::keyward_ttlv::spec::tags::$tag))
    };
    (@move opt $value:expr, $tag:ident, $out:ident) => {
        $crate::codec::Field::write_owned($value, ::keyward_ttlv::spec::tags::$tag, &mut $out)
    };
    (@move vec $value:expr, $tag:ident, $out:ident) => {
        $crate::codec::Field::write_owned($value, ::keyward_ttlv::spec::tags::$tag, &mut $out)
    };
    (@read req $reader:ident, $tag:ident) => {
        $reader.required(::keyward_ttlv::spec::tags::$tag)?
    };
    (@read opt $reader:ident, $tag:ident) => {
        $reader.optional(::keyward_ttlv::spec::tags::$tag)?
    };
    (@read vec $reader:ident, $tag:ident) => {
        $reader.repeated(::keyward_ttlv::spec::tags::$tag)?
    };
}
