//! What each KMIP 1.x version lacks, and removing it from a message.
//!
//! The TTLV encoding is the same across KMIP 1.0–1.4: later versions only add
//! tags, structure fields, attributes and enumeration values, and renumber
//! nothing. A response built with the 1.4 model is therefore correct for an
//! older client once [`downgrade`] has removed what that client's version does
//! not define:
//!
//! * **tags** whose first version is later (Located Items, 1.3, never reaches
//!   a 1.2 client), wherever they are;
//! * **structure fields** added later under an older tag: Digital Signature
//!   Algorithm and Cryptographic Algorithm in Cryptographic Parameters (1.2),
//!   Key Format Type in Digest (1.1);
//! * **attributes** whose definition is later (`Fresh`, 1.1, never reaches a
//!   1.0 client), both as Attribute structures and as Attribute Name lists
//!   (Get Attribute List); custom and unknown attributes are kept;
//! * **Date-Time Extended** items, which only KMIP 2.0 defines.
//!
//! **Enumeration values** introduced later (an Object Type of PGP Key, 1.2;
//! an Operation of Encrypt, 1.2; a Cryptographic Algorithm of ChaCha20, 1.4)
//! are removed where removing them leaves a valid message: an attribute whose
//! value (or a field of whose structured value) has such a value is removed
//! whole, and so is any element of a Query response's lists (Operations,
//! Object Types, Profile Information …) that holds one. Elsewhere such a value
//! fills a required field (a Key Block's Key Format Type, a Result Reason) and
//! is left alone: the server must not produce it for that client in the first
//! place, and the client will report it as an invalid field. Vendor extension
//! values (0x8XXXXXXX) are never removed.
//!
//! One change goes the other way and is not undone here: KMIP 1.2's Create
//! Split Key and Join Split Key responses began with an Object Type that 1.3
//! removed ([`crate::operations::CreateSplitKeyResponse::object_type`]).

use std::sync::OnceLock;

use keyward_ttlv::spec::{self, AttributeValueKind, tags};
use keyward_ttlv::{ItemType, Tag, Ttlv, Value, Version};

use crate::enums::{KmipEnum, Operation};

/// Fields added to a structure later than their tag: (field, first version).
type FieldRules = &'static [(Tag, Version)];

const CRYPTOGRAPHIC_PARAMETERS_RULES: FieldRules = &[
    (tags::DIGITAL_SIGNATURE_ALGORITHM, Version::V1_2),
    (tags::CRYPTOGRAPHIC_ALGORITHM, Version::V1_2),
];
const DIGEST_RULES: FieldRules = &[(tags::KEY_FORMAT_TYPE, Version::V1_1)];
const NO_RULES: FieldRules = &[];

fn rules_for_tag(tag: Tag) -> FieldRules {
    if tag == tags::CRYPTOGRAPHIC_PARAMETERS { CRYPTOGRAPHIC_PARAMETERS_RULES } else { NO_RULES }
}

fn rules_for_attribute(name: &str) -> FieldRules {
    match name {
        "Cryptographic Parameters" => CRYPTOGRAPHIC_PARAMETERS_RULES,
        "Digest" => DIGEST_RULES,
        _ => NO_RULES,
    }
}

/// Removes from `item` (a message or any part of one) everything that KMIP
/// `version` does not define, as described in the [module documentation](self).
///
/// A version at least as recent as everything the specification's tables
/// define (1.4, what most clients speak) lacks only Date-Time Extended: the
/// walk then skips every table search.
pub fn downgrade(item: &mut Ttlv, version: Version) {
    if version >= latest_defined() {
        remove_extended_dates(item, version);
    } else {
        downgrade_by_tables(item, version);
    }
}

/// [`downgrade`] for any version, searching the tables for every item.
fn downgrade_by_tables(item: &mut Ttlv, version: Version) {
    if item.tag == tags::ATTRIBUTE {
        prune_attribute(item, version);
    } else {
        prune(item, version, rules_for_tag(item.tag), false);
    }
}

/// True if [`downgrade`] keeps the Attribute structure `attribute` for a
/// client speaking `version` (possibly with some fields removed): its name
/// and its value are defined at that version.
pub fn attribute_survives(attribute: &Ttlv, version: Version) -> bool {
    attribute_fits(attribute, version)
}

/// True if `version` defines everything in `item` that [`downgrade`] would remove.
pub fn fits(item: &Ttlv, version: Version) -> bool {
    let mut copy = item.clone();
    downgrade(&mut copy, version);
    &copy == item
}

/// The latest version that introduced a tag, an attribute, an enumeration
/// or mask value, or a structure field: a client speaking it or a later one
/// lacks nothing but what only KMIP 2.0 defines.
fn latest_defined() -> Version {
    static LATEST: OnceLock<Version> = OnceLock::new();
    *LATEST.get_or_init(|| {
        let tags = spec::all_tags().iter().map(|t| t.since);
        let attributes = spec::all_attributes().iter().map(|a| a.since);
        let values = spec::all_enums()
            .iter()
            .chain(spec::all_masks())
            .flat_map(|table| table.values.iter().map(|v| v.since));
        let fields = CRYPTOGRAPHIC_PARAMETERS_RULES
            .iter()
            .chain(DIGEST_RULES)
            .map(|(_, since)| (since.major, since.minor));
        let (major, minor) =
            tags.chain(attributes).chain(values).chain(fields).max().unwrap_or((1, 0));
        Version::new(major, minor)
    })
}

/// What [`downgrade`] does for a version that lacks nothing but Date-Time
/// Extended items: the same walk as [`prune`] and [`prune_attribute`], without
/// their table searches.
fn remove_extended_dates(item: &mut Ttlv, version: Version) {
    if version.major >= 2 {
        return;
    }
    if item.tag == tags::ATTRIBUTE {
        remove_from_attribute(item);
    } else {
        remove_from_structure(item);
    }
}

fn remove_from_attribute(attribute: &mut Ttlv) {
    if let Value::Structure(children) = &mut attribute.value {
        for value in children.iter_mut().filter(|c| c.tag == tags::ATTRIBUTE_VALUE) {
            remove_from_structure(value);
        }
    }
}

fn remove_from_structure(item: &mut Ttlv) {
    let Value::Structure(children) = &mut item.value else {
        return;
    };
    children.retain(|child| child.item_type() != ItemType::DateTimeExtended);
    for child in children.iter_mut() {
        if child.tag == tags::ATTRIBUTE {
            remove_from_attribute(child);
        } else {
            remove_from_structure(child);
        }
    }
}

fn prune(item: &mut Ttlv, version: Version, rules: FieldRules, list: bool) {
    let query_item = item.tag == tags::BATCH_ITEM && is_query_item(item);
    let Value::Structure(children) = &mut item.value else {
        return;
    };
    children.retain(|child| keep(child, version, rules, list));
    for child in children.iter_mut() {
        if child.tag == tags::ATTRIBUTE {
            prune_attribute(child, version);
        } else {
            let list = query_item && child.tag == tags::RESPONSE_PAYLOAD;
            prune(child, version, rules_for_tag(child.tag), list);
        }
    }
}

fn is_query_item(item: &Ttlv) -> bool {
    item.child(tags::OPERATION)
        .is_some_and(|op| op.value == Value::Enumeration(Operation::Query.to_u32()))
}

fn keep(child: &Ttlv, version: Version, rules: FieldRules, list: bool) -> bool {
    if child.item_type() == ItemType::DateTimeExtended && version.major < 2 {
        return false;
    }
    if spec::tag_def(child.tag).is_some_and(|def| def.since() > version) {
        return false;
    }
    if rules.iter().any(|(tag, since)| *tag == child.tag && *since > version) {
        return false;
    }
    if child.tag == tags::ATTRIBUTE_NAME
        && let Value::TextString(name) = &child.value
        && spec::attribute(name).is_some_and(|def| def.since() > version)
    {
        return false;
    }
    if child.tag == tags::ATTRIBUTE && !attribute_fits(child, version) {
        return false;
    }
    !(list && has_later_enum(child, version))
}

fn attribute_name(attribute: &Ttlv) -> Option<&str> {
    match &attribute.child(tags::ATTRIBUTE_NAME)?.value {
        Value::TextString(name) => Some(name),
        _ => None,
    }
}

fn attribute_fits(attribute: &Ttlv, version: Version) -> bool {
    let Some(def) = attribute_name(attribute).and_then(spec::attribute) else {
        return true;
    };
    if def.since() > version {
        return false;
    }
    let Some(value) = attribute.child(tags::ATTRIBUTE_VALUE) else {
        return true;
    };
    match (def.kind, &value.value) {
        (AttributeValueKind::Enumeration(table), Value::Enumeration(v)) => {
            !spec::enum_table(table).is_some_and(|t| is_later(t, *v, version))
        }
        (_, Value::Structure(_)) => !has_later_enum(value, version),
        _ => true,
    }
}

fn prune_attribute(attribute: &mut Ttlv, version: Version) {
    let rules = attribute_name(attribute)
        .and_then(spec::attribute)
        .map_or(NO_RULES, |def| rules_for_attribute(def.name));
    let Value::Structure(children) = &mut attribute.value else {
        return;
    };
    for child in children.iter_mut().filter(|c| c.tag == tags::ATTRIBUTE_VALUE) {
        prune(child, version, rules, false);
    }
}

fn is_later(table: &spec::EnumDef, value: u32, version: Version) -> bool {
    table.by_value(value).is_some_and(|v| Version::new(v.since.0, v.since.1) > version)
}

fn has_later_enum(item: &Ttlv, version: Version) -> bool {
    match &item.value {
        Value::Enumeration(v) => {
            spec::enum_for_tag(item.tag).is_some_and(|table| is_later(table, *v, version))
        }
        Value::Structure(children) => children.iter().any(|c| has_later_enum(c, version)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{
        Attribute, AttributeValue, CryptographicParameters, Digest, TemplateAttribute,
    };
    use crate::codec::{Bytes, DateTime, ToTtlv};
    use crate::enums::*;
    use crate::message::{ProtocolVersion, ResponseBatchItem, ResponseHeader, ResponseMessage};
    use crate::operations::*;

    fn response(payload: impl Into<ResponsePayload>) -> ResponseMessage {
        ResponseMessage {
            header: ResponseHeader::new(ProtocolVersion::new(1, 4), DateTime(0)),
            batch_items: vec![ResponseBatchItem::success(payload)],
        }
    }

    fn attributes_response(attributes: Vec<Attribute>) -> ResponseMessage {
        response(GetAttributesResponse { unique_identifier: "1".into(), attributes })
    }

    #[test]
    fn fresh_never_reaches_a_1_0_client() {
        let message = attributes_response(vec![
            Attribute::new(AttributeValue::State(State::Active)),
            Attribute::new(AttributeValue::Fresh(true)),
            Attribute::custom("x-Fresh", Value::Boolean(true)),
        ]);
        let for_1_0 = ResponseMessage::from_ttlv(message.to_ttlv_for(Version::V1_0)).unwrap();
        let expected = attributes_response(vec![
            Attribute::new(AttributeValue::State(State::Active)),
            Attribute::custom("x-Fresh", Value::Boolean(true)),
        ]);
        assert_eq!(for_1_0, expected);
        assert_eq!(message.to_ttlv_for(Version::V1_1), message.to_ttlv());
    }

    #[test]
    fn attribute_name_lists_and_spaced_names() {
        let message = response(GetAttributeListResponse {
            unique_identifier: "1".into(),
            attribute_names: vec![
                "State".into(),
                "Original   Creation Date".into(),
                "Sensitive".into(),
                "x-Custom".into(),
            ],
        });
        let for_1_1 = ResponseMessage::from_ttlv(message.to_ttlv_for(Version::V1_1)).unwrap();
        assert_eq!(
            for_1_1,
            response(GetAttributeListResponse {
                unique_identifier: "1".into(),
                attribute_names: vec!["State".into(), "x-Custom".into()],
            })
        );
    }

    #[test]
    fn later_tags_and_later_fields_of_older_tags() {
        let params = CryptographicParameters {
            block_cipher_mode: Some(BlockCipherMode::CBC),
            cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
            tag_length: Some(16),
            salt_length: Some(20),
            ..Default::default()
        };
        let digest = Digest {
            hashing_algorithm: HashingAlgorithm::SHA256,
            digest_value: Some(Bytes::new(vec![1; 32])),
            key_format_type: Some(KeyFormatType::Raw),
        };
        let message = attributes_response(vec![
            Attribute::new(AttributeValue::CryptographicParameters(params.clone())),
            Attribute::new(AttributeValue::Digest(digest.clone())),
        ]);
        let at = |v| ResponseMessage::from_ttlv(message.to_ttlv_for(v)).unwrap();
        let expect = |params, digest| {
            attributes_response(vec![
                Attribute::new(AttributeValue::CryptographicParameters(params)),
                Attribute::new(AttributeValue::Digest(digest)),
            ])
        };
        assert_eq!(
            at(Version::V1_0),
            expect(
                CryptographicParameters {
                    block_cipher_mode: Some(BlockCipherMode::CBC),
                    ..Default::default()
                },
                Digest { key_format_type: None, ..digest.clone() }
            )
        );
        assert_eq!(
            at(Version::V1_3),
            expect(CryptographicParameters { salt_length: None, ..params.clone() }, digest.clone())
        );
        assert_eq!(at(Version::V1_4), message);

        let locate = response(LocateResponse {
            located_items: Some(1),
            unique_identifiers: vec!["a".into()],
        });
        let for_1_2 = ResponseMessage::from_ttlv(locate.to_ttlv_for(Version::V1_2)).unwrap();
        assert_eq!(
            for_1_2,
            response(LocateResponse { located_items: None, unique_identifiers: vec!["a".into()] })
        );
    }

    #[test]
    fn later_enumeration_values() {
        let message = response(QueryResponse {
            operations: vec![
                Operation::Create,
                Operation::Encrypt,
                Operation::Extension(0x8000_0001),
            ],
            object_types: vec![ObjectType::SymmetricKey, ObjectType::PGPKey],
            vendor_identification: Some("Keyward".into()),
            ..Default::default()
        });
        let for_1_1 = ResponseMessage::from_ttlv(message.to_ttlv_for(Version::V1_1)).unwrap();
        assert_eq!(
            for_1_1,
            response(QueryResponse {
                operations: vec![Operation::Create, Operation::Extension(0x8000_0001)],
                object_types: vec![ObjectType::SymmetricKey],
                vendor_identification: Some("Keyward".into()),
                ..Default::default()
            })
        );

        let attrs = attributes_response(vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(
                CryptographicAlgorithm::ChaCha20,
            )),
            Attribute::new(AttributeValue::CryptographicParameters(CryptographicParameters {
                block_cipher_mode: Some(BlockCipherMode::AEAD),
                ..Default::default()
            })),
            Attribute::new(AttributeValue::CryptographicLength(256)),
        ]);
        let for_1_0 = ResponseMessage::from_ttlv(attrs.to_ttlv_for(Version::V1_0)).unwrap();
        assert_eq!(
            for_1_0,
            attributes_response(vec![Attribute::new(AttributeValue::CryptographicLength(256))])
        );
    }

    #[test]
    fn attributes_in_template_attributes_and_whole_items() {
        let template = TemplateAttribute::from_attributes(vec![
            Attribute::new(AttributeValue::Fresh(false)),
            Attribute::new(AttributeValue::Comment("c".into())),
            Attribute::new(AttributeValue::ObjectGroup("g".into())),
        ]);
        let mut item = template.to_ttlv(tags::TEMPLATE_ATTRIBUTE);
        assert!(!fits(&item, Version::V1_0));
        downgrade(&mut item, Version::V1_1);
        let expected = TemplateAttribute::from_attributes(vec![
            Attribute::new(AttributeValue::Fresh(false)),
            Attribute::new(AttributeValue::ObjectGroup("g".into())),
        ]);
        assert_eq!(item, expected.to_ttlv(tags::TEMPLATE_ATTRIBUTE));
        assert!(fits(&item, Version::V1_1));

        let extended = Ttlv::structure(
            tags::RESPONSE_PAYLOAD,
            vec![Ttlv::new(tags::ACTIVATION_DATE, Value::DateTimeExtended(1))],
        );
        assert!(!fits(&extended, Version::V1_4));
        assert!(fits(&extended, Version::new(2, 0)));
    }

    #[test]
    fn a_1_4_client_loses_only_extended_dates_as_the_tables_would_decide() {
        assert_eq!(latest_defined(), Version::V1_4);
        let extended = |tag| Ttlv::new(tag, Value::DateTimeExtended(7));
        let with_dates = |mut item: Ttlv| {
            if let Value::Structure(children) = &mut item.value {
                children.push(extended(tags::ACTIVATION_DATE));
            }
            item
        };
        let mut attribute =
            Attribute::new(AttributeValue::CryptographicParameters(CryptographicParameters {
                salt_length: Some(32),
                ..Default::default()
            }))
            .to_ttlv(tags::ATTRIBUTE);
        if let Value::Structure(children) = &mut attribute.value {
            for value in children.iter_mut().filter(|c| c.tag == tags::ATTRIBUTE_VALUE) {
                *value = with_dates(value.clone());
            }
        }
        let items = [
            attributes_response(vec![
                Attribute::new(AttributeValue::Fresh(true)),
                Attribute::new(AttributeValue::CryptographicAlgorithm(
                    CryptographicAlgorithm::ChaCha20,
                )),
                Attribute::custom("x-when", Value::DateTimeExtended(1)),
            ])
            .to_ttlv(),
            response(QueryResponse {
                operations: vec![Operation::Encrypt, Operation::Extension(0x8000_0001)],
                object_types: vec![ObjectType::PGPKey],
                ..Default::default()
            })
            .to_ttlv(),
            response(LocateResponse { located_items: Some(1), unique_identifiers: vec![] })
                .to_ttlv(),
            with_dates(Ttlv::structure(
                tags::RESPONSE_PAYLOAD,
                vec![with_dates(Ttlv::structure(
                    tags::TEMPLATE_ATTRIBUTE,
                    vec![attribute.clone()],
                ))],
            )),
            attribute,
            extended(tags::ACTIVATION_DATE),
        ];
        for item in items {
            let (mut fast, mut by_tables) = (item.clone(), item.clone());
            downgrade(&mut fast, Version::V1_4);
            downgrade_by_tables(&mut by_tables, Version::V1_4);
            assert_eq!(fast, by_tables, "{item:?}");
            let mut for_2_0 = item.clone();
            downgrade(&mut for_2_0, Version::new(2, 0));
            assert_eq!(for_2_0, item);
        }
    }
}
