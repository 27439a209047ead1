//! The binary TTLV encoding (KMIP 1.4 §9.1).
//!
//! Every item is `tag (3 bytes) | type (1) | length (4, big-endian) | value |
//! padding to a multiple of 8`. A stream carries one message after another with
//! no other framing: read the 8-byte header with [`read_header`], learn the
//! frame's total size from [`Header::frame_len`], read exactly that many bytes,
//! then [`decode`] them.

use zeroize::Zeroizing;

use crate::error::{DecodeError, DecodeErrorKind as K};
use crate::{ItemType, Limits, Tag, Ttlv, Value};

/// Size of an item header.
pub const HEADER_LEN: usize = 8;

/// The 8-byte header of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The item's tag.
    pub tag: Tag,
    /// The item's type.
    pub item_type: ItemType,
    /// The value's length, padding excluded.
    pub len: u32,
}

impl Header {
    /// Bytes of value plus padding that follow the header.
    pub fn padded_len(&self) -> usize {
        padded(self.len as usize)
    }

    /// The whole frame's size (header, value and padding), checked against the
    /// limits: what a server must read before calling [`decode`].
    pub fn frame_len(&self, limits: &Limits) -> Result<usize, DecodeError> {
        let total = HEADER_LEN + self.padded_len();
        if total > limits.max_message_size {
            return Err(DecodeError::new(
                0,
                K::MessageTooLarge { declared: total, max: limits.max_message_size },
            ));
        }
        Ok(total)
    }
}

const fn padded(len: usize) -> usize {
    len.div_ceil(8) * 8
}

/// Parses and checks an item header: the tag range, the type code, and the
/// length against the type. `offset` is only used to place errors.
pub fn read_header(bytes: &[u8; 8]) -> Result<Header, DecodeError> {
    parse_header(bytes, 0)
}

fn parse_header(bytes: &[u8; 8], offset: usize) -> Result<Header, DecodeError> {
    let raw_tag = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
    let tag = Tag(raw_tag);
    if !(tag.is_standard() || tag.is_extension()) {
        return Err(DecodeError::new(offset, K::InvalidTag(raw_tag)));
    }
    let item_type = ItemType::from_code(bytes[3])
        .ok_or(DecodeError::new(offset, K::UnknownType { tag, type_code: bytes[3] }))?;
    let len = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    let bad = |expected| DecodeError::new(offset, K::BadLength { tag, item_type, len, expected });
    match item_type.fixed_len() {
        Some(fixed) if fixed != len => {
            return Err(bad(if fixed == 4 { "must be 4" } else { "must be 8" }));
        }
        _ => {}
    }
    match item_type {
        ItemType::Structure if !len.is_multiple_of(8) => {
            return Err(bad("must be a multiple of 8"));
        }
        ItemType::BigInteger if len == 0 || !len.is_multiple_of(8) => {
            return Err(bad("must be a non-zero multiple of 8"));
        }
        _ => {}
    }
    Ok(Header { tag, item_type, len })
}

/// Decodes exactly one item from `bytes`, which must hold nothing else.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Ttlv, DecodeError> {
    if bytes.len() > limits.max_message_size {
        return Err(DecodeError::new(
            0,
            K::MessageTooLarge { declared: bytes.len(), max: limits.max_message_size },
        ));
    }
    let mut decoder = Decoder { bytes, limits, items: 0 };
    let (item, end) = decoder.item(0, bytes.len(), 1)?;
    if end != bytes.len() {
        return Err(DecodeError::new(end, K::TrailingBytes(bytes.len() - end)));
    }
    Ok(item)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    limits: &'a Limits,
    items: usize,
}

impl Decoder<'_> {
    /// Decodes the item at `pos`, which must end by `limit`. Returns it and the
    /// offset just past its padding.
    fn item(
        &mut self,
        pos: usize,
        limit: usize,
        depth: usize,
    ) -> Result<(Ttlv, usize), DecodeError> {
        let available = limit - pos;
        let header_bytes: &[u8; 8] = self
            .bytes
            .get(pos..pos + HEADER_LEN)
            .filter(|_| available >= HEADER_LEN)
            .and_then(|s| s.try_into().ok())
            .ok_or(DecodeError::new(pos, K::Truncated { needed: HEADER_LEN, available }))?;
        let header = parse_header(header_bytes, pos)?;
        self.items += 1;
        if self.items > self.limits.max_items {
            return Err(DecodeError::new(pos, K::TooManyItems { max: self.limits.max_items }));
        }
        let body = pos + HEADER_LEN;
        let padded_len = header.padded_len();
        if padded_len > limit - body {
            let kind = if depth == 1 {
                K::Truncated { needed: padded_len, available: limit - body }
            } else {
                K::Overrun { tag: header.tag, len: padded_len, available: limit - body }
            };
            return Err(DecodeError::new(pos, kind));
        }
        let len = header.len as usize;
        let end = body + padded_len;
        let raw = &self.bytes[body..body + len];
        let tag = header.tag;
        let value = match header.item_type {
            ItemType::Structure => {
                if depth >= self.limits.max_depth {
                    return Err(DecodeError::new(pos, K::TooDeep { max: self.limits.max_depth }));
                }
                let mut children = Vec::new();
                let mut at = body;
                while at < end {
                    let (child, next) = self.item(at, end, depth + 1)?;
                    children.push(child);
                    at = next;
                }
                Value::Structure(children)
            }
            ItemType::Integer => Value::Integer(i32::from_be_bytes(array4(raw))),
            ItemType::Enumeration => Value::Enumeration(u32::from_be_bytes(array4(raw))),
            ItemType::Interval => Value::Interval(u32::from_be_bytes(array4(raw))),
            ItemType::LongInteger => Value::LongInteger(i64::from_be_bytes(array8(raw))),
            ItemType::DateTime => Value::DateTime(i64::from_be_bytes(array8(raw))),
            ItemType::DateTimeExtended => Value::DateTimeExtended(i64::from_be_bytes(array8(raw))),
            ItemType::Boolean => match u64::from_be_bytes(array8(raw)) {
                0 => Value::Boolean(false),
                1 => Value::Boolean(true),
                value => return Err(DecodeError::new(body, K::BadBoolean { tag, value })),
            },
            ItemType::BigInteger => Value::BigInteger(Zeroizing::new(raw.to_vec())),
            ItemType::ByteString => Value::ByteString(Zeroizing::new(raw.to_vec())),
            ItemType::TextString => match std::str::from_utf8(raw) {
                Ok(s) => Value::TextString(s.to_owned()),
                Err(e) => {
                    return Err(DecodeError::new(body + e.valid_up_to(), K::InvalidUtf8 { tag }));
                }
            },
        };
        if header.item_type != ItemType::Structure {
            let pad = &self.bytes[body + len..end];
            if let Some(i) = pad.iter().position(|b| *b != 0) {
                return Err(DecodeError::new(body + len + i, K::NonZeroPadding { tag }));
            }
        }
        Ok((Ttlv { tag, value }, end))
    }
}

fn array4(raw: &[u8]) -> [u8; 4] {
    let mut out = [0u8; 4];
    out.copy_from_slice(&raw[..4]);
    out
}

fn array8(raw: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(&raw[..8]);
    out
}

/// Encodes an item into a new buffer.
pub fn encode(item: &Ttlv) -> Vec<u8> {
    let mut out = Vec::with_capacity(item.encoded_len());
    encode_into(item, &mut out);
    out
}

/// Appends the encoding of an item to `out`, in one pass: a structure's length
/// is written as a placeholder and patched once its children are written.
///
/// Values longer than `u32::MAX` bytes cannot be expressed in TTLV; callers
/// build items from bounded inputs, and such a value is a programming error.
pub fn encode_into(item: &Ttlv, out: &mut Vec<u8>) {
    let [_, t0, t1, t2] = item.tag.0.to_be_bytes();
    let header_at = out.len();
    // Header with a zero length, patched below once the value is written.
    out.extend_from_slice(&[t0, t1, t2, item.item_type().code(), 0, 0, 0, 0]);
    let start = out.len();
    // Fixed-size values are written with their padding in one go.
    let len = match &item.value {
        Value::Structure(children) => {
            for child in children {
                encode_into(child, out);
            }
            out.len() - start
        }
        Value::Integer(v) => put4(out, v.to_be_bytes()),
        Value::Enumeration(v) | Value::Interval(v) => put4(out, v.to_be_bytes()),
        Value::LongInteger(v) | Value::DateTime(v) | Value::DateTimeExtended(v) => {
            put8(out, v.to_be_bytes())
        }
        Value::Boolean(v) => put8(out, u64::from(*v).to_be_bytes()),
        Value::BigInteger(b) | Value::ByteString(b) => put_padded(out, b),
        Value::TextString(s) => put_padded(out, s.as_bytes()),
    };
    let len32 = u32::try_from(len).expect("TTLV value longer than 4 GiB");
    out[header_at + 4..header_at + HEADER_LEN].copy_from_slice(&len32.to_be_bytes());
}

/// Writes a 4-byte value and its 4 padding bytes; returns the value length.
fn put4(out: &mut Vec<u8>, [a, b, c, d]: [u8; 4]) -> usize {
    out.extend_from_slice(&[a, b, c, d, 0, 0, 0, 0]);
    4
}

/// Writes an 8-byte value; returns its length.
fn put8(out: &mut Vec<u8>, value: [u8; 8]) -> usize {
    out.extend_from_slice(&value);
    8
}

/// Writes a variable-length value and its zero padding; returns the value length.
fn put_padded(out: &mut Vec<u8>, value: &[u8]) -> usize {
    out.extend_from_slice(value);
    out.extend_from_slice(&[0; 8][..padded(value.len()) - value.len()]);
    value.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn rejects_fixed_length_mismatch() {
        let err = decode(&hex("4200200200000008000000080000000000000000"), &Limits::default())
            .unwrap_err();
        assert!(matches!(err.kind, K::BadLength { len: 8, .. }), "{err}");
        assert_eq!(err.offset, 0);
    }

    #[test]
    fn rejects_child_overrunning_parent() {
        // Structure of length 8 holding an Integer item of 16 bytes.
        let err =
            decode(&hex("420020010000000842000402000000040000000100000000"), &Limits::default())
                .unwrap_err();
        assert_eq!(err.offset, 8);
        assert!(matches!(err.kind, K::Overrun { .. }), "{err}");
    }

    #[test]
    fn rejects_nonzero_padding_with_offset() {
        let err = decode(&hex("42002002000000040000000800000100"), &Limits::default()).unwrap_err();
        assert_eq!(err, DecodeError::new(14, K::NonZeroPadding { tag: Tag(0x420020) }));
    }

    #[test]
    fn rejects_bad_utf8_and_boolean() {
        let err = decode(&hex("4200200700000002C328000000000000"), &Limits::default()).unwrap_err();
        assert!(matches!(err.kind, K::InvalidUtf8 { .. }));
        let err = decode(&hex("42002006000000080000000000000002"), &Limits::default()).unwrap_err();
        assert!(matches!(err.kind, K::BadBoolean { value: 2, .. }));
    }

    #[test]
    fn rejects_oversized_declared_length_before_allocating() {
        let header: [u8; 8] = hex("42007801FFFFFFF8").try_into().unwrap();
        let h = read_header(&header).unwrap();
        let err = h.frame_len(&Limits::default()).unwrap_err();
        assert!(matches!(err.kind, K::MessageTooLarge { .. }));
        let err = decode(&header, &Limits::default()).unwrap_err();
        assert!(matches!(err.kind, K::Truncated { .. }), "{err}");
    }

    #[test]
    fn rejects_deep_nesting() {
        let mut item = Ttlv::new(Tag(0x420020), Value::Integer(1));
        for _ in 0..40 {
            item = Ttlv::structure(Tag(0x420020), vec![item]);
        }
        let err = decode(&encode(&item), &Limits::default()).unwrap_err();
        assert!(matches!(err.kind, K::TooDeep { max: 32 }));
    }

    #[test]
    fn rejects_tags_outside_kmip_ranges() {
        let err = decode(&hex("43002002000000040000000800000000"), &Limits::default()).unwrap_err();
        assert_eq!(err.kind, K::InvalidTag(0x430020));
    }

    #[test]
    fn empty_strings_have_no_padding() {
        let item = Ttlv::new(Tag(0x420020), Value::text(""));
        assert_eq!(encode(&item), hex("4200200700000000"));
        assert_eq!(decode(&hex("4200200700000000"), &Limits::default()).unwrap(), item);
    }
}
