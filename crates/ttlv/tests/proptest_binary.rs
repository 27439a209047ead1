//! Property tests of the binary TTLV codec.
//!
//! * encode → decode is the identity, and `encoded_len` is the encoded size;
//! * arbitrary bytes, and single-byte mutations or truncations of valid
//!   encodings, never panic the decoder; an error's offset lies inside the
//!   input, and whatever is accepted re-encodes to the very same bytes (the
//!   decoder is strict, so accepted input is canonical);
//! * `read_header` + `frame_len` agree with `decode` on the message size;
//! * `max_depth`, `max_items` and `max_message_size` are enforced exactly, at
//!   the offset of the first item that breaks them.

use keyward_ttlv::binary::{self, HEADER_LEN};
use keyward_ttlv::{DecodeErrorKind, Limits, Tag, Ttlv, Value};
use proptest::prelude::*;
use proptest::sample::Index;

// ---------------------------------------------------------------- strategies

/// Tags in the specification (0x42xxxx) and extension (0x54xxxx) ranges.
fn tag() -> impl Strategy<Value = Tag> {
    prop_oneof![
        (0x42_0000u32..=0x42_FFFF).prop_map(Tag),
        (0x54_0000u32..=0x54_FFFF).prop_map(Tag),
        // A few real tags, so that names show up in failure output.
        Just(Tag(0x420094)),
        Just(Tag(0x420043)),
    ]
}

/// Big Integers: two's complement bytes, 8 to 64 bytes in multiples of 8, as
/// on the wire; half of them built from a shorter signed value and
/// sign-extended by `big_integer_from_signed`.
fn big_integer() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1usize..=8)
            .prop_flat_map(|words| prop::collection::vec(any::<u8>(), words * 8))
            .prop_map(|b| Value::BigInteger(b.into())),
        prop::collection::vec(any::<u8>(), 1..40).prop_map(|b| Value::big_integer_from_signed(&b)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), any::<String>(), "[a-zA-Z0-9 -]{0,40}"]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![Just(Vec::new()), prop::collection::vec(any::<u8>(), 0..80)]
}

/// Every primitive type.
fn primitive() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        any::<i64>().prop_map(Value::LongInteger),
        big_integer(),
        any::<u32>().prop_map(Value::Enumeration),
        any::<bool>().prop_map(Value::Boolean),
        text().prop_map(Value::TextString),
        bytes().prop_map(Value::bytes),
        any::<i64>().prop_map(Value::DateTime),
        any::<u32>().prop_map(Value::Interval),
        any::<i64>().prop_map(Value::DateTimeExtended),
    ]
}

/// Arbitrary item trees: primitives and structures (empty ones included)
/// nested up to 8 levels.
fn ttlv() -> impl Strategy<Value = Ttlv> {
    let leaf = (tag(), primitive()).prop_map(|(t, v)| Ttlv::new(t, v));
    leaf.prop_recursive(7, 96, 8, |inner| {
        (tag(), prop::collection::vec(inner, 0..8)).prop_map(|(t, c)| Ttlv::structure(t, c))
    })
}

/// Trees whose root is a structure, as every KMIP message is.
fn message() -> impl Strategy<Value = Ttlv> {
    (tag(), prop::collection::vec(ttlv(), 0..6)).prop_map(|(t, c)| Ttlv::structure(t, c))
}

// ------------------------------------------------------------------- helpers

/// One item as met by the decoder, in pre-order: where its header starts and
/// how deep it is (the root is at depth 1).
struct Visit {
    offset: usize,
    depth: usize,
    is_structure: bool,
}

fn visits(item: &Ttlv) -> Vec<Visit> {
    fn walk(item: &Ttlv, offset: usize, depth: usize, out: &mut Vec<Visit>) {
        out.push(Visit { offset, depth, is_structure: matches!(item.value, Value::Structure(_)) });
        let mut at = offset + HEADER_LEN;
        for child in item.children() {
            walk(child, at, depth + 1, out);
            at += child.encoded_len();
        }
    }
    let mut out = Vec::new();
    walk(item, 0, 1, &mut out);
    out
}

/// Checks what the decoder says about arbitrary input: no panic (by getting
/// here), an error offset inside the input, and canonical accepted input whose
/// header agrees on the frame size.
fn check_decode_outcome(input: &[u8]) -> Result<(), TestCaseError> {
    let limits = Limits::default();
    match binary::decode(input, &limits) {
        Ok(item) => {
            prop_assert_eq!(&binary::encode(&item), input, "accepted input is not canonical");
            prop_assert_eq!(item.encoded_len(), input.len());
            let header = binary::read_header(input[..HEADER_LEN].try_into().expect("8 bytes"))
                .expect("header of an accepted message");
            prop_assert_eq!(header.frame_len(&limits), Ok(input.len()));
        }
        Err(e) => {
            prop_assert!(
                e.offset < input.len().max(1),
                "error offset {} outside an input of {} bytes: {}",
                e.offset,
                input.len(),
                e
            );
        }
    }
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    // No regression files in the source tree: a failure prints its minimal input.
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn encode_then_decode_is_identity(item in ttlv()) {
        let bytes = binary::encode(&item);
        prop_assert_eq!(bytes.len(), item.encoded_len());
        prop_assert_eq!(bytes.len() % 8, 0);
        prop_assert_eq!(binary::decode(&bytes, &Limits::default()), Ok(item.clone()));

        // encode_into appends after whatever the buffer already holds.
        let mut out = vec![0xAA; 5];
        binary::encode_into(&item, &mut out);
        prop_assert_eq!(&out[..5], &[0xAA; 5]);
        prop_assert_eq!(&out[5..], &bytes[..]);
    }

    #[test]
    fn header_frame_len_agrees_with_decode(item in message(), trailing in 1usize..16) {
        let limits = Limits::default();
        let bytes = binary::encode(&item);
        let header = binary::read_header(bytes[..8].try_into().expect("8 bytes")).expect("header");
        prop_assert_eq!(header.tag, item.tag);
        prop_assert_eq!(header.item_type, item.item_type());
        prop_assert_eq!(header.frame_len(&limits), Ok(bytes.len()));

        // Bytes past the frame are the next message, not part of this one.
        let mut longer = bytes.clone();
        longer.resize(bytes.len() + trailing, 0);
        let err = binary::decode(&longer, &limits).expect_err("trailing bytes");
        prop_assert_eq!(err.offset, bytes.len());
        prop_assert_eq!(err.kind, DecodeErrorKind::TrailingBytes(trailing));
        // A frame cut short is truncated at the header that declares it.
        let err = binary::decode(&bytes[..bytes.len() - 1], &limits).expect_err("short frame");
        prop_assert_eq!(err.offset, 0);
        let is_truncated = matches!(err.kind, DecodeErrorKind::Truncated { .. });
        prop_assert!(is_truncated, "{}", err);
    }

    #[test]
    fn mutated_encodings_never_panic(
        item in message(),
        mutations in prop::collection::vec((any::<Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = binary::encode(&item);
        for (at, byte) in mutations {
            let i = at.index(bytes.len());
            bytes[i] = byte;
            check_decode_outcome(&bytes)?;
        }
    }

    #[test]
    fn single_byte_mutations_never_panic(item in ttlv(), at in any::<Index>(), xor in 1u8..) {
        let mut bytes = binary::encode(&item);
        let i = at.index(bytes.len());
        bytes[i] ^= xor;
        check_decode_outcome(&bytes)?;
    }

    #[test]
    fn truncations_never_panic(item in message(), cut in any::<Index>()) {
        let bytes = binary::encode(&item);
        let short = &bytes[..cut.index(bytes.len())];
        check_decode_outcome(short)?;
        prop_assert!(binary::decode(short, &Limits::default()).is_err(), "a strict prefix decoded");
    }

    #[test]
    fn limits_are_enforced_exactly(item in message(), depth in 1usize..10, items in 1usize..64) {
        let len = binary::encode(&item).len();
        let bytes = binary::encode(&item);
        let visits = visits(&item);

        // Depth: a structure at depth d may hold items only if d < max_depth,
        // so the first structure at depth >= max_depth fails, empty or not.
        let limits = Limits { max_depth: depth, ..Limits::default() };
        match visits.iter().find(|v| v.is_structure && v.depth >= depth) {
            Some(first) => {
                let err = binary::decode(&bytes, &limits).expect_err("too deep");
                prop_assert_eq!(err.kind, DecodeErrorKind::TooDeep { max: depth });
                prop_assert_eq!(err.offset, first.offset);
            }
            None => prop_assert_eq!(binary::decode(&bytes, &limits), Ok(item.clone())),
        }

        // Items: the (max_items + 1)-th item in pre-order fails.
        let limits = Limits { max_items: items, ..Limits::default() };
        match visits.get(items) {
            Some(first_over) => {
                let err = binary::decode(&bytes, &limits).expect_err("too many items");
                prop_assert_eq!(err.kind, DecodeErrorKind::TooManyItems { max: items });
                prop_assert_eq!(err.offset, first_over.offset);
            }
            None => prop_assert_eq!(binary::decode(&bytes, &limits), Ok(item.clone())),
        }

        // Size: at the limit it decodes; one byte under, both the header check
        // and the decoder refuse it before looking further.
        let fits = Limits { max_message_size: len, ..Limits::default() };
        prop_assert_eq!(binary::decode(&bytes, &fits), Ok(item.clone()));
        let under = Limits { max_message_size: len - 1, ..Limits::default() };
        let err = binary::decode(&bytes, &under).expect_err("too large");
        prop_assert_eq!(err.offset, 0);
        prop_assert_eq!(err.kind, DecodeErrorKind::MessageTooLarge { declared: len, max: len - 1 });
        let header = binary::read_header(bytes[..8].try_into().expect("8 bytes")).expect("header");
        prop_assert_eq!(header.frame_len(&fits), Ok(len));
        let err = header.frame_len(&under).expect_err("frame too large");
        prop_assert_eq!(err.kind, DecodeErrorKind::MessageTooLarge { declared: len, max: len - 1 });
    }
}

proptest! {
    #![proptest_config(config(4096))]

    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..256)) {
        check_decode_outcome(&input)?;
    }

    /// Random bytes behind a plausible structure header, so the decoder gets
    /// past the first header and into the children.
    #[test]
    fn random_structure_bodies_never_panic(
        tag in tag(),
        body in prop::collection::vec(
            prop_oneof![
                4 => any::<u8>(),
                1 => prop::sample::select(vec![0x42u8, 0x54, 0x00, 0x01, 0x02, 0x07, 0x08]),
            ],
            0..24,
        ).prop_map(|mut b| { b.resize(b.len().div_ceil(8) * 8, 0); b }),
    ) {
        let mut input = tag.value().to_be_bytes()[1..].to_vec();
        input.push(0x01);
        input.extend_from_slice(&u32::try_from(body.len()).expect("small").to_be_bytes());
        input.extend_from_slice(&body);
        check_decode_outcome(&input)?;
    }
}

#[test]
fn deep_nesting_at_the_default_limit() {
    // 31 nested structures around an Integer: the Integer sits at depth 32.
    let mut item = Ttlv::new(Tag(0x420020), Value::Integer(1));
    for _ in 0..31 {
        item = Ttlv::structure(Tag(0x420020), vec![item]);
    }
    let bytes = binary::encode(&item);
    assert_eq!(binary::decode(&bytes, &Limits::default()), Ok(item.clone()));
    let item = Ttlv::structure(Tag(0x420020), vec![item]);
    let err = binary::decode(&binary::encode(&item), &Limits::default()).expect_err("33 levels");
    assert_eq!(err.kind, DecodeErrorKind::TooDeep { max: Limits::DEFAULT_MAX_DEPTH });
    assert_eq!(err.offset, 31 * HEADER_LEN);
}
