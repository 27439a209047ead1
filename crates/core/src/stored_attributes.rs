//! How an object's attributes are kept in the store: compact TTLV.
//!
//! An attribute on the wire is an Attribute structure holding its name as
//! text, its index and its value: 48 to 64 bytes for a 4-byte enumeration. The
//! store keeps each standard attribute as its value alone, under the
//! attribute's own tag (KMIP 1.4 gives every attribute one), preceded by an
//! Attribute Index item only when the index is not 0. An AES key's seventeen
//! attributes take about 430 bytes instead of 1,288, so a database holds more
//! rows per page and a create writes fewer pages.
//!
//! ```text
//! Structure 0x540100 (this format)
//!   Enumeration 0x420028 (Cryptographic Algorithm) = AES
//!   Integer     0x420009 (Attribute Index) = 1        ← only before an index ≠ 0
//!   Structure   0x420053 (Name) { … }
//!   Structure   0x420008 (Attribute) { "x-custom", 0, value }  ← custom attributes
//! ```
//!
//! Custom attributes (`x-…`, `y-…`), names outside KMIP 1.4 and attributes
//! without an index keep the full Attribute structure. Rows written before
//! this format (a Template-Attribute of Attribute structures) are still read.

use keyward_kmip::attributes::{Attribute, AttributeValue};
use keyward_kmip::{FromTtlv, ToTtlv};
use keyward_ttlv::spec::{self, tags};
use keyward_ttlv::{Tag, Ttlv, Value, binary};

use crate::object::store_limits;

/// The outer tag of this format (in KMIP's extension range, 0x54xxxx).
const COMPACT: Tag = Tag(0x540100);

/// The stored form of `attributes`.
pub(crate) fn encode<'a>(attributes: impl Iterator<Item = &'a Attribute>) -> Vec<u8> {
    let mut items = Vec::new();
    for attribute in attributes {
        match (standard_tag(&attribute.name), attribute.index) {
            (Some(tag), Some(index)) => {
                if index != 0 {
                    items.push(Ttlv::new(tags::ATTRIBUTE_INDEX, Value::Integer(index)));
                }
                items.push(Ttlv::new(tag, attribute.value.to_ttlv().value));
            }
            _ => items.push(attribute.to_ttlv(tags::ATTRIBUTE)),
        }
    }
    binary::encode(&Ttlv::structure(COMPACT, items))
}

/// The attributes of a stored row, in either format.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<Attribute>, String> {
    let item = binary::decode(bytes, &store_limits()).map_err(|e| e.to_string())?;
    let Value::Structure(children) = item.value else {
        return Err("attributes are not a structure".into());
    };
    if item.tag != COMPACT {
        // Rows written before the compact format: Attribute structures only.
        return children
            .into_iter()
            .map(|a| Attribute::from_ttlv(a).map_err(|e| e.to_string()))
            .collect();
    }
    let mut attributes = Vec::with_capacity(children.len());
    let mut index = None;
    for child in children {
        if child.tag == tags::ATTRIBUTE_INDEX {
            let Value::Integer(i) = child.value else {
                return Err("an attribute index is not an integer".into());
            };
            if index.replace(i).is_some() {
                return Err("two attribute indexes in a row".into());
            }
            continue;
        }
        if child.tag == tags::ATTRIBUTE {
            if index.is_some() {
                return Err("an attribute index before a full attribute".into());
            }
            attributes.push(Attribute::from_ttlv(child).map_err(|e| e.to_string())?);
            continue;
        }
        let def = spec::attribute_by_tag(child.tag)
            .ok_or_else(|| format!("tag {:?} is not an attribute's", child.tag))?;
        let value = AttributeValue::decode(def.name, Ttlv::new(tags::ATTRIBUTE_VALUE, child.value))
            .map_err(|e| format!("{}: {e}", def.name))?;
        attributes.push(Attribute {
            name: def.name.to_owned(),
            index: Some(index.take().unwrap_or(0)),
            value,
        });
    }
    if index.is_some() {
        return Err("an attribute index with no attribute after it".into());
    }
    Ok(attributes)
}

/// The tag a stored attribute called `name` is kept under, if it is a KMIP
/// 1.4 attribute spelled canonically (stored names always are).
fn standard_tag(name: &str) -> Option<Tag> {
    spec::attribute(name).filter(|def| def.name == name).map(|def| def.tag)
}

#[cfg(test)]
mod tests {
    use keyward_kmip::attributes::{CryptographicParameters, Name};
    use keyward_kmip::codec::DateTime;
    use keyward_kmip::enums::{CryptographicAlgorithm, HashingAlgorithm, ObjectType, State};

    use super::*;

    fn sample() -> Vec<Attribute> {
        let named =
            |n: &str, i: i32| Attribute::new(AttributeValue::Name(Name::text(n))).with_index(i);
        vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES))
                .with_index(0),
            Attribute::new(AttributeValue::CryptographicLength(256)).with_index(0),
            Attribute::new(AttributeValue::ObjectType(ObjectType::SymmetricKey)).with_index(0),
            Attribute::new(AttributeValue::State(State::PreActive)).with_index(0),
            Attribute::new(AttributeValue::InitialDate(DateTime(1_800_000_000))).with_index(0),
            Attribute::new(AttributeValue::UniqueIdentifier("0190c2d1-aaaa".into())).with_index(0),
            named("first", 0),
            named("second", 1),
            named("third", 7),
            Attribute::new(AttributeValue::CryptographicParameters(CryptographicParameters {
                hashing_algorithm: Some(HashingAlgorithm::SHA256),
                ..Default::default()
            }))
            .with_index(2),
            Attribute::custom("x-owner", Value::TextString("team-a".into())).with_index(0),
            Attribute::custom("y-blob", Value::bytes(vec![1, 2, 3])).with_index(4),
            // Never written by the core (stored attributes always have an
            // index), but kept exactly if it were.
            Attribute::new(AttributeValue::CryptographicLength(128)),
        ]
    }

    /// `attributes` in the form rows had before this one.
    fn former(attributes: &[Attribute]) -> Vec<u8> {
        let items = attributes.iter().map(|a| a.to_ttlv(tags::ATTRIBUTE)).collect();
        binary::encode(&Ttlv::structure(tags::TEMPLATE_ATTRIBUTE, items))
    }

    #[test]
    fn every_attribute_comes_back_as_it_was() {
        let attributes = sample();
        let bytes = encode(attributes.iter());
        assert_eq!(decode(&bytes).unwrap(), attributes);
    }

    #[test]
    fn rows_of_the_former_format_are_still_read() {
        let attributes = sample();
        assert_eq!(decode(&former(&attributes)).unwrap(), attributes);
    }

    #[test]
    fn the_compact_form_is_a_third_of_the_former() {
        let attributes: Vec<Attribute> = sample().into_iter().take(6).collect();
        let compact = encode(attributes.iter()).len();
        let former = former(&attributes).len();
        assert!(compact * 3 <= former, "compact {compact} bytes, former {former}");
    }

    #[test]
    fn damaged_rows_are_errors() {
        let row = |items| binary::encode(&Ttlv::structure(COMPACT, items));
        let index = |i| Ttlv::new(tags::ATTRIBUTE_INDEX, Value::Integer(i));
        let length = Ttlv::new(Tag(0x42002A), Value::Integer(256));
        assert!(decode(&row(vec![index(1)])).is_err());
        assert!(decode(&row(vec![index(1), index(2), length.clone()])).is_err());
        assert!(decode(&row(vec![Ttlv::new(Tag(0x540001), Value::Integer(1))])).is_err());
        assert!(
            decode(&row(vec![Ttlv::new(Tag(0x42002A), Value::TextString("x".into()))])).is_err()
        );
        assert!(
            decode(&row(vec![Ttlv::new(tags::ATTRIBUTE_INDEX, Value::Boolean(true))])).is_err()
        );
        assert_eq!(decode(&row(vec![index(3), length])).unwrap()[0].index, Some(3));
        assert!(decode(&[0u8; 3]).is_err());
    }
}
