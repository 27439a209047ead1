//! Typical KMIP 1.4 messages built with the binary API and the tag constants.
//!
//! Shared by the `codec` benchmark and by the `fuzz_seeds` test (which checks
//! that `fuzz/seeds/` holds exactly these messages, encoded): included in both
//! with `#[path = ...] mod messages;`, so not every item is used by each.
#![allow(dead_code)]

use keyward_ttlv::spec::{self, tags};
use keyward_ttlv::{Tag, Ttlv, Value};

/// The numeric value of an enumeration, looked up by its XML name in the KMIP
/// 1.4 tables for the enumeration `tag` carries.
pub fn enumeration(tag: Tag, xml_name: &str) -> Value {
    let table = spec::enum_for_tag(tag).expect("tag carries an enumeration");
    let value = table.by_xml(xml_name).expect("enumeration value is in the KMIP 1.4 table");
    Value::Enumeration(value.value)
}

fn int(tag: Tag, v: i32) -> Ttlv {
    Ttlv::new(tag, Value::Integer(v))
}

fn en(tag: Tag, xml_name: &str) -> Ttlv {
    Ttlv::new(tag, enumeration(tag, xml_name))
}

fn text(tag: Tag, s: &str) -> Ttlv {
    Ttlv::new(tag, Value::text(s))
}

/// A deterministic UUID-shaped (36-character) unique identifier.
pub fn uid(n: u32) -> String {
    format!("{n:08x}-4b1d-4c6f-9a3e-{:012x}", u64::from(n) * 0x9E37_79B9)
}

fn protocol_version() -> Ttlv {
    Ttlv::structure(
        tags::PROTOCOL_VERSION,
        vec![int(tags::PROTOCOL_VERSION_MAJOR, 1), int(tags::PROTOCOL_VERSION_MINOR, 4)],
    )
}

/// Response header: Protocol Version 1.4, Time Stamp, Batch Count 1.
fn response_header() -> Ttlv {
    Ttlv::structure(
        tags::RESPONSE_HEADER,
        vec![
            protocol_version(),
            // 2026-01-01T00:00:00Z
            Ttlv::new(tags::TIME_STAMP, Value::DateTime(1_767_225_600)),
            int(tags::BATCH_COUNT, 1),
        ],
    )
}

fn attribute(name: &str, value: Ttlv) -> Ttlv {
    Ttlv::structure(tags::ATTRIBUTE, vec![text(tags::ATTRIBUTE_NAME, name), value])
}

/// A Create request for an AES-256 symmetric key usable to encrypt and decrypt.
pub fn create_request() -> Ttlv {
    Ttlv::structure(
        tags::REQUEST_MESSAGE,
        vec![
            Ttlv::structure(
                tags::REQUEST_HEADER,
                vec![protocol_version(), int(tags::BATCH_COUNT, 1)],
            ),
            Ttlv::structure(
                tags::BATCH_ITEM,
                vec![
                    en(tags::OPERATION, "Create"),
                    Ttlv::structure(
                        tags::REQUEST_PAYLOAD,
                        vec![
                            en(tags::OBJECT_TYPE, "SymmetricKey"),
                            Ttlv::structure(
                                tags::TEMPLATE_ATTRIBUTE,
                                vec![
                                    attribute(
                                        "Cryptographic Algorithm",
                                        Ttlv::new(
                                            tags::ATTRIBUTE_VALUE,
                                            enumeration(tags::CRYPTOGRAPHIC_ALGORITHM, "AES"),
                                        ),
                                    ),
                                    attribute(
                                        "Cryptographic Length",
                                        int(tags::ATTRIBUTE_VALUE, 256),
                                    ),
                                    // Encrypt | Decrypt
                                    attribute(
                                        "Cryptographic Usage Mask",
                                        int(tags::ATTRIBUTE_VALUE, 12),
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// A Get response carrying a 256-bit AES key in Raw format.
pub fn get_response() -> Ttlv {
    let key_block = Ttlv::structure(
        tags::KEY_BLOCK,
        vec![
            en(tags::KEY_FORMAT_TYPE, "Raw"),
            Ttlv::structure(
                tags::KEY_VALUE,
                vec![Ttlv::new(tags::KEY_MATERIAL, Value::bytes((0u8..32).collect::<Vec<u8>>()))],
            ),
            en(tags::CRYPTOGRAPHIC_ALGORITHM, "AES"),
            int(tags::CRYPTOGRAPHIC_LENGTH, 256),
        ],
    );
    Ttlv::structure(
        tags::RESPONSE_MESSAGE,
        vec![
            response_header(),
            Ttlv::structure(
                tags::BATCH_ITEM,
                vec![
                    en(tags::OPERATION, "Get"),
                    en(tags::RESULT_STATUS, "Success"),
                    Ttlv::structure(
                        tags::RESPONSE_PAYLOAD,
                        vec![
                            en(tags::OBJECT_TYPE, "SymmetricKey"),
                            text(tags::UNIQUE_IDENTIFIER, &uid(1)),
                            Ttlv::structure(tags::SYMMETRIC_KEY, vec![key_block]),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// A Locate response listing `n` unique identifiers.
pub fn locate_response(n: u32) -> Ttlv {
    let uids = (0..n).map(|i| text(tags::UNIQUE_IDENTIFIER, &uid(i))).collect();
    Ttlv::structure(
        tags::RESPONSE_MESSAGE,
        vec![
            response_header(),
            Ttlv::structure(
                tags::BATCH_ITEM,
                vec![
                    en(tags::OPERATION, "Locate"),
                    en(tags::RESULT_STATUS, "Success"),
                    Ttlv::structure(tags::RESPONSE_PAYLOAD, uids),
                ],
            ),
        ],
    )
}

/// A structure holding one item of every TTLV type, empty strings and an
/// empty structure included, under spec and extension tags.
pub fn every_type() -> Ttlv {
    Ttlv::structure(
        Tag(0x540000),
        vec![
            Ttlv::structure(Tag(0x540001), vec![]),
            int(Tag(0x540002), -2),
            Ttlv::new(Tag(0x540003), Value::LongInteger(-3_000_000_000)),
            Ttlv::new(Tag(0x540004), Value::big_integer_from_unsigned(&[0xFF; 9])),
            Ttlv::new(Tag(0x540005), Value::Enumeration(0x8000_0001)),
            Ttlv::new(Tag(0x540006), Value::Boolean(true)),
            text(Tag(0x540007), "Grüße, Α"),
            text(Tag(0x540007), ""),
            Ttlv::new(Tag(0x540008), Value::bytes(vec![0xA5; 13])),
            Ttlv::new(Tag(0x540008), Value::bytes(Vec::new())),
            Ttlv::new(Tag(0x540009), Value::DateTime(1_205_495_800)),
            Ttlv::new(Tag(0x54000A), Value::Interval(864_000)),
            Ttlv::new(Tag(0x54000B), Value::DateTimeExtended(1_205_495_800_123_456)),
            Ttlv::structure(tags::PROTOCOL_VERSION, vec![int(tags::PROTOCOL_VERSION_MAJOR, 1)]),
        ],
    )
}

/// The fuzzing seeds: (file name in `fuzz/seeds/`, message).
pub fn seeds() -> Vec<(&'static str, Ttlv)> {
    vec![
        ("create_request.ttlv", create_request()),
        ("get_response_aes256.ttlv", get_response()),
        ("locate_response_3.ttlv", locate_response(3)),
        ("every_type.ttlv", every_type()),
    ]
}
