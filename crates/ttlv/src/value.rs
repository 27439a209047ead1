//! The TTLV item tree: a tag, an item type and a value.

use std::fmt;

use zeroize::Zeroizing;

use crate::Tag;

/// The TTLV item types (KMIP 1.4 §9.1.1.2, plus Date-Time Extended of KMIP 2.0).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ItemType {
    /// 0x01: an ordered sequence of items.
    Structure,
    /// 0x02: signed 32-bit.
    Integer,
    /// 0x03: signed 64-bit.
    LongInteger,
    /// 0x04: two's complement, big-endian, length a multiple of 8.
    BigInteger,
    /// 0x05: unsigned 32-bit.
    Enumeration,
    /// 0x06: 0 or 1 in 8 bytes.
    Boolean,
    /// 0x07: UTF-8 text.
    TextString,
    /// 0x08: raw bytes.
    ByteString,
    /// 0x09: POSIX seconds, signed 64-bit.
    DateTime,
    /// 0x0A: seconds, unsigned 32-bit.
    Interval,
    /// 0x0B: POSIX microseconds, signed 64-bit (KMIP 2.0 and later).
    DateTimeExtended,
}

impl ItemType {
    /// The type's code on the wire.
    pub const fn code(self) -> u8 {
        match self {
            ItemType::Structure => 0x01,
            ItemType::Integer => 0x02,
            ItemType::LongInteger => 0x03,
            ItemType::BigInteger => 0x04,
            ItemType::Enumeration => 0x05,
            ItemType::Boolean => 0x06,
            ItemType::TextString => 0x07,
            ItemType::ByteString => 0x08,
            ItemType::DateTime => 0x09,
            ItemType::Interval => 0x0A,
            ItemType::DateTimeExtended => 0x0B,
        }
    }

    /// The type for a wire code, if the code is defined.
    pub const fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0x01 => ItemType::Structure,
            0x02 => ItemType::Integer,
            0x03 => ItemType::LongInteger,
            0x04 => ItemType::BigInteger,
            0x05 => ItemType::Enumeration,
            0x06 => ItemType::Boolean,
            0x07 => ItemType::TextString,
            0x08 => ItemType::ByteString,
            0x09 => ItemType::DateTime,
            0x0A => ItemType::Interval,
            0x0B => ItemType::DateTimeExtended,
            _ => return None,
        })
    }

    /// The name used by the XML and JSON encodings (`"TextString"`, …).
    pub const fn xml_name(self) -> &'static str {
        match self {
            ItemType::Structure => "Structure",
            ItemType::Integer => "Integer",
            ItemType::LongInteger => "LongInteger",
            ItemType::BigInteger => "BigInteger",
            ItemType::Enumeration => "Enumeration",
            ItemType::Boolean => "Boolean",
            ItemType::TextString => "TextString",
            ItemType::ByteString => "ByteString",
            ItemType::DateTime => "DateTime",
            ItemType::Interval => "Interval",
            ItemType::DateTimeExtended => "DateTimeExtended",
        }
    }

    /// The type named by an XML/JSON `type` attribute.
    pub fn from_xml_name(name: &str) -> Option<Self> {
        Some(match name {
            "Structure" => ItemType::Structure,
            "Integer" => ItemType::Integer,
            "LongInteger" => ItemType::LongInteger,
            "BigInteger" => ItemType::BigInteger,
            "Enumeration" => ItemType::Enumeration,
            "Boolean" => ItemType::Boolean,
            "TextString" => ItemType::TextString,
            "ByteString" => ItemType::ByteString,
            "DateTime" => ItemType::DateTime,
            "Interval" => ItemType::Interval,
            "DateTimeExtended" => ItemType::DateTimeExtended,
            _ => return None,
        })
    }

    /// The fixed value length of this type, or `None` when it varies.
    pub const fn fixed_len(self) -> Option<u32> {
        match self {
            ItemType::Integer | ItemType::Enumeration | ItemType::Interval => Some(4),
            ItemType::LongInteger
            | ItemType::Boolean
            | ItemType::DateTime
            | ItemType::DateTimeExtended => Some(8),
            _ => None,
        }
    }
}

impl fmt::Display for ItemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.xml_name())
    }
}

/// The value of a TTLV item.
///
/// Byte strings and big integers may hold key material: they are wiped from
/// memory when dropped, and `Debug` shows only their length.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    /// Child items, in wire order.
    Structure(Vec<Ttlv>),
    /// Signed 32-bit integer (also used for bit masks).
    Integer(i32),
    /// Signed 64-bit integer.
    LongInteger(i64),
    /// Two's complement big-endian bytes, exactly as on the wire (a multiple of 8
    /// bytes, sign-extended). See [`Value::big_integer_from_unsigned`].
    BigInteger(Zeroizing<Vec<u8>>),
    /// Unsigned 32-bit enumeration value.
    Enumeration(u32),
    /// Boolean.
    Boolean(bool),
    /// UTF-8 text.
    TextString(String),
    /// Raw bytes.
    ByteString(Zeroizing<Vec<u8>>),
    /// POSIX time in seconds.
    DateTime(i64),
    /// Seconds.
    Interval(u32),
    /// POSIX time in microseconds (KMIP 2.0 and later).
    DateTimeExtended(i64),
}

impl Value {
    /// The item type of this value.
    pub const fn item_type(&self) -> ItemType {
        match self {
            Value::Structure(_) => ItemType::Structure,
            Value::Integer(_) => ItemType::Integer,
            Value::LongInteger(_) => ItemType::LongInteger,
            Value::BigInteger(_) => ItemType::BigInteger,
            Value::Enumeration(_) => ItemType::Enumeration,
            Value::Boolean(_) => ItemType::Boolean,
            Value::TextString(_) => ItemType::TextString,
            Value::ByteString(_) => ItemType::ByteString,
            Value::DateTime(_) => ItemType::DateTime,
            Value::Interval(_) => ItemType::Interval,
            Value::DateTimeExtended(_) => ItemType::DateTimeExtended,
        }
    }

    /// A byte string value.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Value::ByteString(Zeroizing::new(bytes.into()))
    }

    /// A text string value.
    pub fn text(text: impl Into<String>) -> Self {
        Value::TextString(text.into())
    }

    /// A Big Integer holding the non-negative number whose big-endian magnitude
    /// is `magnitude` (leading zeros allowed): adds a 0x00 sign byte where the
    /// top bit is set and pads on the left to a multiple of 8 bytes.
    pub fn big_integer_from_unsigned(magnitude: &[u8]) -> Self {
        let first = magnitude.iter().position(|b| *b != 0).unwrap_or(magnitude.len());
        let digits = &magnitude[first..];
        let needs_sign = digits.first().is_some_and(|b| b & 0x80 != 0);
        let len = digits.len() + usize::from(needs_sign);
        let padded = len.div_ceil(8).max(1) * 8;
        let mut out = Zeroizing::new(vec![0u8; padded]);
        out[padded - digits.len()..].copy_from_slice(digits);
        Value::BigInteger(out)
    }

    /// A Big Integer from two's complement big-endian bytes of any length:
    /// sign-extends on the left to a multiple of 8 bytes.
    pub fn big_integer_from_signed(bytes: &[u8]) -> Self {
        let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
        let padded = bytes.len().div_ceil(8).max(1) * 8;
        let fill = if negative { 0xFF } else { 0x00 };
        let mut out = Zeroizing::new(vec![fill; padded]);
        out[padded - bytes.len()..].copy_from_slice(bytes);
        Value::BigInteger(out)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Structure(items) => f.debug_list().entries(items).finish(),
            Value::Integer(v) => write!(f, "Integer({v})"),
            Value::LongInteger(v) => write!(f, "LongInteger({v})"),
            Value::BigInteger(b) => write!(f, "BigInteger(<{} bytes>)", b.len()),
            Value::Enumeration(v) => write!(f, "Enumeration(0x{v:08X})"),
            Value::Boolean(v) => write!(f, "Boolean({v})"),
            Value::TextString(s) => write!(f, "TextString({s:?})"),
            Value::ByteString(b) => write!(f, "ByteString(<{} bytes>)", b.len()),
            Value::DateTime(v) => write!(f, "DateTime({v})"),
            Value::Interval(v) => write!(f, "Interval({v})"),
            Value::DateTimeExtended(v) => write!(f, "DateTimeExtended({v})"),
        }
    }
}

/// One TTLV item: a tag and its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Ttlv {
    /// The item's tag.
    pub tag: Tag,
    /// The item's value (and so its type).
    pub value: Value,
}

impl Ttlv {
    /// An item with the given tag and value.
    pub fn new(tag: Tag, value: Value) -> Self {
        Self { tag, value }
    }

    /// A structure item with the given children.
    pub fn structure(tag: Tag, children: Vec<Ttlv>) -> Self {
        Self { tag, value: Value::Structure(children) }
    }

    /// The item's type.
    pub const fn item_type(&self) -> ItemType {
        self.value.item_type()
    }

    /// The children of a structure; an empty slice for any other type.
    pub fn children(&self) -> &[Ttlv] {
        match &self.value {
            Value::Structure(items) => items,
            _ => &[],
        }
    }

    /// The first child with the given tag.
    pub fn child(&self, tag: Tag) -> Option<&Ttlv> {
        self.children().iter().find(|c| c.tag == tag)
    }

    /// Number of bytes this item occupies in binary form, padding included.
    pub fn encoded_len(&self) -> usize {
        8 + match &self.value {
            Value::Structure(items) => items.iter().map(Ttlv::encoded_len).sum(),
            Value::BigInteger(b) => b.len().div_ceil(8) * 8,
            Value::TextString(s) => s.len().div_ceil(8) * 8,
            Value::ByteString(b) => b.len().div_ceil(8) * 8,
            _ => 8,
        }
    }
}

impl fmt::Debug for Ttlv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", self.tag, self.value)
    }
}
