//! Properties of the XML and JSON encodings over arbitrary items: what is
//! written reads back identical, and no input makes a reader panic.
//!
//! Two values cannot round-trip through either text encoding, by the design of
//! the OASIS notation, and are left out of the generated items: a Text String
//! spelled like a placeholder (`"$NAME"`), which the readers hand to the
//! resolver, and (XML only) a Text String holding NUL, which XML 1.0 cannot
//! carry.

use keyward_ttlv::text::RefusePlaceholders;
use keyward_ttlv::{Tag, Ttlv, Value, json, spec, text, xml};
use proptest::prelude::*;

fn tag() -> impl Strategy<Value = Tag> {
    let known = spec::all_tags().iter().map(|d| d.tag).collect::<Vec<_>>();
    prop_oneof![
        6 => proptest::sample::select(known),
        1 => (0x54_0000u32..=0x54_FFFF).prop_map(Tag),
        1 => (0x42_0125u32..=0x42_FFFF).prop_map(Tag),
    ]
}

fn text_string() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("placeholder spelling or NUL", |s| {
        !text::is_placeholder(s) && !s.contains('\0')
    })
}

fn primitive() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        any::<i64>().prop_map(Value::LongInteger),
        proptest::collection::vec(any::<u8>(), 1..4)
            .prop_map(|words| Value::big_integer_from_signed(&words.repeat(8))),
        prop_oneof![0u32..64, any::<u32>()].prop_map(Value::Enumeration),
        any::<bool>().prop_map(Value::Boolean),
        text_string().prop_map(Value::TextString),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::bytes),
        any::<i64>().prop_map(Value::DateTime),
        (0i64..4_102_444_800).prop_map(Value::DateTime),
        any::<u32>().prop_map(Value::Interval),
        any::<i64>().prop_map(Value::DateTimeExtended),
    ]
}

/// Attribute Name / Attribute Value pairs exercise the value tables chosen by
/// the attribute name.
fn attribute() -> impl Strategy<Value = Ttlv> {
    let names = spec::all_attributes().iter().map(|a| a.name).collect::<Vec<_>>();
    (
        proptest::sample::select(names),
        prop_oneof![
            any::<i32>().prop_map(Value::Integer),
            prop_oneof![0u32..64, any::<u32>()].prop_map(Value::Enumeration),
        ],
    )
        .prop_map(|(name, value)| {
            Ttlv::structure(
                spec::tags::ATTRIBUTE,
                vec![
                    Ttlv::new(spec::tags::ATTRIBUTE_NAME, Value::text(name)),
                    Ttlv::new(spec::tags::ATTRIBUTE_VALUE, value),
                ],
            )
        })
}

fn item() -> impl Strategy<Value = Ttlv> {
    let leaf = prop_oneof![
        3 => (tag(), primitive()).prop_map(|(tag, value)| Ttlv::new(tag, value)),
        1 => attribute(),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        (tag(), proptest::collection::vec(inner, 0..6))
            .prop_map(|(tag, children)| Ttlv::structure(tag, children))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn xml_round_trips(item in item()) {
        let written = xml::to_string(&item);
        let read = xml::from_str(&written, &mut RefusePlaceholders);
        prop_assert_eq!(read.as_ref(), Ok(&item), "{}", written);
    }

    #[test]
    fn json_round_trips(item in item()) {
        let written = json::to_string(&item);
        let read = json::from_str(&written, &mut RefusePlaceholders);
        prop_assert_eq!(read.as_ref(), Ok(&item), "{}", written);
        let value = json::from_value(&json::to_value(&item), &mut RefusePlaceholders)
            .map(|b| b.message);
        prop_assert_eq!(value.as_ref(), Ok(&item));
    }

    #[test]
    fn readers_never_panic(input in any::<String>()) {
        let _ = xml::document_from_str(&input, &mut RefusePlaceholders);
        let _ = json::document_from_str(&input, &mut RefusePlaceholders);
    }

    #[test]
    fn readers_never_panic_on_near_valid_documents(
        item in item(),
        cut in any::<prop::sample::Index>(),
        junk in "[<>\"&/=$ a-zA-Z0-9{}\\[\\]:,]{0,8}",
    ) {
        for written in [xml::to_string(&item), json::to_string(&item)] {
            let mut at = cut.index(written.len() + 1);
            while !written.is_char_boundary(at) {
                at -= 1;
            }
            let mangled = format!("{}{junk}{}", &written[..at], &written[at..]);
            let _ = xml::document_from_str(&mangled, &mut RefusePlaceholders);
            let _ = json::document_from_str(&mangled, &mut RefusePlaceholders);
        }
    }
}
