//! The ten TTLV encoding examples of KMIP 1.4 §9.1.2, byte for byte, both ways.
//!
//! The hex comes from `kmip-testcases/ttlv-vectors/kmip-spec-v1.4-section-9.1.2-examples.txt`
//! in the shared directory (`$KEYWARD_SHARED_DIR`, or `<workspace>/../shared`);
//! the test fails if the file is missing. Each example's expected item is built
//! here from its description, and the expected hex is embedded as well, so a
//! changed, shortened or emptied file cannot make the test pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use keyward_ttlv::{Limits, Tag, Ttlv, Value, binary};

const VECTORS: &str = "kmip-testcases/ttlv-vectors/kmip-spec-v1.4-section-9.1.2-examples.txt";

/// All examples use tag 0x420020 (the inner items of the structure example
/// use 0x420004 and 0x420005).
const TAG: Tag = Tag(0x420020);

struct Example {
    description: &'static str,
    hex: &'static str,
    item: Ttlv,
}

fn item(value: Value) -> Ttlv {
    Ttlv::new(TAG, value)
}

/// The examples as the specification describes them.
fn examples() -> Vec<Example> {
    let friday_2008_03_14_11_56_40 =
        time::macros::datetime!(2008-03-14 11:56:40 UTC).unix_timestamp();
    vec![
        Example {
            description: "Integer 8",
            hex: "42002002000000040000000800000000",
            item: item(Value::Integer(8)),
        },
        Example {
            description: "Long Integer 123456789000000000",
            hex: "420020030000000801B69B4BA5749200",
            item: item(Value::LongInteger(123_456_789_000_000_000)),
        },
        Example {
            description: "Big Integer 1234567890000000000000000000",
            hex: "42002004000000100000000003FD35EB6BC2DF4618080000",
            item: item(Value::big_integer_from_unsigned(
                &1_234_567_890_000_000_000_000_000_000u128.to_be_bytes(),
            )),
        },
        Example {
            description: "Enumeration 255",
            hex: "4200200500000004000000FF00000000",
            item: item(Value::Enumeration(255)),
        },
        Example {
            description: "Boolean True",
            hex: "42002006000000080000000000000001",
            item: item(Value::Boolean(true)),
        },
        Example {
            description: "Text String \"Hello World\"",
            hex: "420020070000000B48656C6C6F20576F726C640000000000",
            item: item(Value::text("Hello World")),
        },
        Example {
            description: "Byte String {0x01,0x02,0x03}",
            hex: "42002008000000030102030000000000",
            item: item(Value::bytes(vec![0x01, 0x02, 0x03])),
        },
        Example {
            description: "Date-Time Friday 2008-03-14 11:56:40 GMT (POSIX 1205495800)",
            hex: "42002009000000080000000047DA67F8",
            item: item(Value::DateTime(friday_2008_03_14_11_56_40)),
        },
        Example {
            description: "Interval 10 days (864000 s)",
            hex: "4200200A00000004000D2F0000000000",
            item: item(Value::Interval(10 * 24 * 60 * 60)),
        },
        Example {
            description: "Structure {Enumeration 254 tag 420004, Integer 255 tag 420005}",
            hex: "42002001000000204200040500000004000000FE000000004200050200000004000000FF00000000",
            item: Ttlv::structure(
                TAG,
                vec![
                    Ttlv::new(Tag(0x420004), Value::Enumeration(254)),
                    Ttlv::new(Tag(0x420005), Value::Integer(255)),
                ],
            ),
        },
    ]
}

fn shared_dir() -> PathBuf {
    match std::env::var_os("KEYWARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// description → hex bytes, from the shared vectors file.
fn vectors_from_file() -> BTreeMap<String, Vec<u8>> {
    let path = shared_dir().join(VECTORS);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the KMIP §9.1.2 vectors at {}: {e} \
             (set KEYWARD_SHARED_DIR to the shared directory)",
            path.display()
        )
    });
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (description, hex) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{}:{}: no tab in {line:?}", path.display(), n + 1));
        let bytes = hex::decode(hex.trim())
            .unwrap_or_else(|e| panic!("{}:{}: bad hex: {e}", path.display(), n + 1));
        let previous = out.insert(description.to_owned(), bytes);
        assert!(previous.is_none(), "{}:{}: duplicate {description:?}", path.display(), n + 1);
    }
    out
}

#[test]
fn spec_examples_encode_and_decode_byte_for_byte() {
    let from_file = vectors_from_file();
    let examples = examples();
    assert_eq!(
        from_file.keys().collect::<Vec<_>>(),
        {
            let mut embedded: Vec<_> = examples.iter().map(|e| e.description).collect();
            embedded.sort_unstable();
            embedded
        },
        "the vectors file and the embedded examples list different descriptions"
    );

    let mut checked = 0;
    for example in &examples {
        let expected = hex::decode(example.hex).expect("embedded hex is valid");
        let file_bytes = &from_file[example.description];
        assert_eq!(
            file_bytes, &expected,
            "{}: the file's hex differs from the embedded hex",
            example.description
        );

        let encoded = binary::encode(&example.item);
        assert_eq!(
            hex::encode_upper(&encoded),
            example.hex,
            "{}: encoding differs",
            example.description
        );
        assert_eq!(example.item.encoded_len(), expected.len(), "{}", example.description);

        let decoded = binary::decode(file_bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: decode failed: {e}", example.description));
        assert_eq!(decoded, example.item, "{}: decoded item differs", example.description);

        let header = binary::read_header(file_bytes[..8].try_into().expect("8-byte header"))
            .expect("valid header");
        assert_eq!(header.tag, TAG);
        assert_eq!(header.item_type, example.item.item_type());
        assert_eq!(header.frame_len(&Limits::default()), Ok(file_bytes.len()));
        checked += 1;
    }
    assert_eq!(checked, 10, "KMIP 1.4 §9.1.2 has ten examples");
}

/// The descriptions carry the numbers: check the built items say the same, so
/// a typo in an embedded value cannot hide behind a matching typo in the hex.
#[test]
fn embedded_items_match_their_descriptions() {
    let examples = examples();
    let by_description = |d: &str| {
        &examples.iter().find(|e| e.description.starts_with(d)).expect("example present").item
    };
    assert_eq!(
        by_description("Date-Time").value,
        Value::DateTime(1_205_495_800),
        "POSIX time of Friday 2008-03-14 11:56:40 GMT"
    );
    assert_eq!(by_description("Interval").value, Value::Interval(864_000));
    let Value::BigInteger(big) = &by_description("Big Integer").value else {
        panic!("Big Integer example is not a Big Integer")
    };
    let mut magnitude = [0u8; 16];
    magnitude[16 - big.len()..].copy_from_slice(big);
    assert_eq!(u128::from_be_bytes(magnitude), 1_234_567_890_000_000_000_000_000_000);
    assert_eq!(big.len() % 8, 0);
}
