//! Responses are version-aware: a client speaking KMIP 1.x never receives an
//! attribute, enumeration value, tag or field that its version lacks. For each
//! version 1.0–1.4 the test makes objects of every kind the server can
//! register, asks for all their attributes, Gets them, Queries everything,
//! Locates, and checks every raw response TTLV — with
//! `keyward_kmip::version::fits` and with a stricter walk that names what is
//! too new — and the known cases by name.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use keyward_client::Connection;
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{Attribute, AttributeValue, TemplateAttribute};
use keyward_kmip::enums::*;
use keyward_kmip::message::{ProtocolVersion, ResponseMessage};
use keyward_kmip::objects::{Certificate, KeyBlock, KeyMaterial, Object, OpaqueObject, SecretData};
use keyward_kmip::operations::*;
use keyward_server::testing::TestServer;
use keyward_ttlv::spec::{self, AttributeValueKind, tags};
use keyward_ttlv::{ItemType, Tag, Ttlv, Value, Version};

fn since(pair: (u8, u8)) -> Version {
    Version::new(pair.0, pair.1)
}

fn tag_name(tag: Tag) -> String {
    tag.name().map_or_else(|| tag.to_string(), str::to_owned)
}

/// What in `item` is later than `version`, as readable paths: tags,
/// enumeration values (also inside Attribute Values), mask bits, attribute
/// names, Date-Time Extended. Vendor extension values are allowed.
fn too_new(item: &Ttlv, version: Version) -> Vec<String> {
    let mut found = Vec::new();
    walk(item, version, "", &mut found);
    found
}

fn check_enum(
    table: &spec::EnumDef,
    value: u32,
    version: Version,
    here: &str,
    out: &mut Vec<String>,
) {
    if value & 0xF000_0000 == 0x8000_0000 {
        return;
    }
    match table.by_value(value) {
        Some(def) if since(def.since) > version => {
            out.push(format!("{here}: {} {} is KMIP {:?}", table.name, def.name, def.since));
        }
        Some(_) => {}
        None => out.push(format!("{here}: {} {value:#x} is not defined", table.name)),
    }
}

fn check_mask(
    table: &spec::EnumDef,
    bits: i32,
    version: Version,
    here: &str,
    out: &mut Vec<String>,
) {
    let bits = u32::from_ne_bytes(bits.to_ne_bytes());
    for bit in (0..32).map(|i| 1u32 << i).filter(|b| bits & b != 0) {
        check_enum(table, bit, version, here, out);
    }
}

fn walk(item: &Ttlv, version: Version, path: &str, out: &mut Vec<String>) {
    let here = format!("{path}/{}", tag_name(item.tag));
    if item.item_type() == ItemType::DateTimeExtended {
        out.push(format!("{here}: Date-Time Extended is KMIP 2"));
    }
    if let Some(def) = spec::tag_def(item.tag)
        && def.since() > version
    {
        out.push(format!("{here}: the tag is KMIP {:?}", def.since));
    }
    match &item.value {
        Value::Enumeration(v) => {
            if let Some(table) = spec::enum_for_tag(item.tag) {
                check_enum(table, *v, version, &here, out);
            }
        }
        Value::Integer(bits) => {
            if let Some(table) = spec::mask_for_tag(item.tag) {
                check_mask(table, *bits, version, &here, out);
            }
        }
        Value::TextString(name) if item.tag == tags::ATTRIBUTE_NAME => {
            if let Some(def) = spec::attribute(name)
                && def.since() > version
            {
                out.push(format!("{here}: attribute {name:?} is KMIP {:?}", def.since));
            }
        }
        _ => {}
    }
    if item.tag == tags::ATTRIBUTE
        && let Some(Value::TextString(name)) = item.child(tags::ATTRIBUTE_NAME).map(|n| &n.value)
        && let Some(def) = spec::attribute(name)
        && let Some(value) = item.child(tags::ATTRIBUTE_VALUE)
    {
        let at = format!("{here}[{name}]");
        match (def.kind, &value.value) {
            (AttributeValueKind::Enumeration(i), Value::Enumeration(v)) => {
                check_enum(spec::enum_table(i).unwrap(), *v, version, &at, out);
            }
            (AttributeValueKind::Mask(i), Value::Integer(bits)) => {
                check_mask(spec::mask_table(i).unwrap(), *bits, version, &at, out);
            }
            _ => {}
        }
    }
    for child in item.children() {
        walk(child, version, &here, out);
    }
}

fn contains_tag(item: &Ttlv, tag: Tag) -> bool {
    item.tag == tag || item.children().iter().any(|c| contains_tag(c, tag))
}

/// One client speaking one version, checking every answer it gets.
struct Client {
    connection: Connection,
    version: Version,
}

impl Client {
    /// Sends one request; checks the raw answer fits the version and echoes
    /// it; returns the raw answer and the successful batch item's payload.
    async fn call(&mut self, request: impl Into<RequestPayload>) -> (Ttlv, ResponsePayload) {
        let request = request.into();
        let what = format!("{:?} at {:?}", request.operation(), self.version);
        let (raw, response) =
            call_raw(&mut self.connection, &message(self.version, vec![request])).await;
        assert!(keyward_kmip::version::fits(&raw, self.version), "{what}: {raw:?}");
        let later = too_new(&raw, self.version);
        assert!(
            later.is_empty(),
            "{what} answered with what the version lacks:\n{}",
            later.join("\n")
        );
        let ResponseMessage { header, batch_items } = response;
        assert_eq!(header.protocol_version, ProtocolVersion::from(self.version), "{what}");
        let [item] = <[_; 1]>::try_from(batch_items).unwrap();
        assert_eq!(item.result_status, ResultStatus::Success, "{what}: {item:?}");
        (raw, item.payload.unwrap())
    }
}

async fn every_answer_fits(version: Version) {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let connection = connect(&server, &credential).await;
    let mut client = Client { connection, version };
    use CryptographicUsageMask as U;

    // Objects of every kind: a symmetric key, a key pair, secret data, an
    // opaque object and a certificate (the client's own).
    let mut objects: Vec<(ObjectType, String)> = Vec::new();
    let create = symmetric(
        CryptographicAlgorithm::AES,
        256,
        &[U::ENCRYPT, U::DECRYPT],
        vec![name("versions-aes")],
    );
    let (_, created) = client.call(create).await;
    let ResponsePayload::Create(created) = created else { panic!("{created:?}") };
    objects.push((ObjectType::SymmetricKey, created.unique_identifier));
    let (_, pair) = client.call(rsa_key_pair(2048, "versions-rsa", &[U::SIGN], &[U::VERIFY])).await;
    let ResponsePayload::CreateKeyPair(pair) = pair else { panic!("{pair:?}") };
    objects.push((ObjectType::PrivateKey, pair.private_key_unique_identifier));
    objects.push((ObjectType::PublicKey, pair.public_key_unique_identifier));
    let certificate = keyward_pki::pem::certificates_from_pem(credential.pem.0.as_bytes()).unwrap();
    let registered = [
        (
            vec![usage(&[U::VERIFY]), name("versions-secret")],
            Object::SecretData(SecretData {
                secret_data_type: SecretDataType::Password,
                key_block: KeyBlock::new(
                    KeyFormatType::Opaque,
                    KeyMaterial::Bytes(Bytes::new(b"a password".to_vec())),
                    None,
                    None,
                ),
            }),
        ),
        (
            vec![name("versions-opaque")],
            Object::OpaqueObject(OpaqueObject {
                opaque_data_type: OpaqueDataType::Extension(0x8000_0001),
                opaque_data_value: Bytes::new(b"opaque bytes".to_vec()),
            }),
        ),
        (
            vec![usage(&[U::VERIFY]), name("versions-certificate")],
            Object::Certificate(Certificate {
                certificate_type: CertificateType::X509,
                certificate_value: Bytes::new(certificate[0].to_vec()),
            }),
        ),
    ];
    for (attributes, object) in registered {
        let object_type = object.object_type();
        let register = RegisterRequest {
            template_attribute: TemplateAttribute::from_attributes(attributes),
            object,
        };
        let (_, registered) = client.call(register).await;
        let ResponsePayload::Register(registered) = registered else { panic!("{registered:?}") };
        objects.push((object_type, registered.unique_identifier));
    }
    let (_, _) = client.call(ActivateRequest::new(objects[0].1.clone())).await;

    // All attributes, the attribute list and the object, for each.
    for (object_type, id) in &objects {
        let all =
            GetAttributesRequest { unique_identifier: Some(id.clone()), attribute_names: vec![] };
        let (raw, attributes) = client.call(all).await;
        let ResponsePayload::GetAttributes(attributes) = attributes else { panic!() };
        let names: Vec<&str> = attributes.attributes.iter().map(|a| a.name.as_str()).collect();
        let has = |n: &str| names.contains(&n);
        assert!(has("State") && has("Object Type") && has("Initial Date"), "{names:?}");
        // Known cases by name: each server-set attribute appears from its version on.
        assert_eq!(
            has("Fresh"),
            version >= Version::V1_1,
            "{object_type:?} at {version:?}: {names:?}"
        );
        assert_eq!(
            has("Original Creation Date"),
            version >= Version::V1_2,
            "{object_type:?} at {version:?}: {names:?}"
        );
        assert!(version >= Version::V1_2 || !has("Key Value Present"), "{names:?}");
        assert!(version >= Version::V1_4 || !has("Sensitive") && !has("Extractable"), "{names:?}");
        if version == Version::V1_0 {
            // Digest keeps its 1.0 shape: no Key Format Type inside.
            for attribute in raw_attributes(&raw, "Digest") {
                assert!(!contains_tag(attribute, tags::KEY_FORMAT_TYPE), "{attribute:?}");
            }
        }
        let (_, list) =
            client.call(GetAttributeListRequest { unique_identifier: Some(id.clone()) }).await;
        let ResponsePayload::GetAttributeList(list) = list else { panic!() };
        let mut listed: Vec<&str> = list.attribute_names.iter().map(String::as_str).collect();
        let mut returned = names.clone();
        listed.sort_unstable();
        returned.sort_unstable();
        returned.dedup();
        assert_eq!(listed, returned, "{object_type:?} at {version:?}");
        let (_, got) = client
            .call(GetRequest { unique_identifier: Some(id.clone()), ..Default::default() })
            .await;
        let ResponsePayload::Get(got) = got else { panic!() };
        assert_eq!(got.object.object_type(), *object_type);
    }
    if version >= Version::V1_4 {
        let all = GetAttributesRequest {
            unique_identifier: Some(objects[0].1.clone()),
            attribute_names: vec![],
        };
        let (_, attributes) = client.call(all).await;
        let ResponsePayload::GetAttributes(attributes) = attributes else { panic!() };
        assert!(attribute(&attributes.attributes, "Sensitive").is_some(), "{attributes:?}");
        assert!(attribute(&attributes.attributes, "Extractable").is_some(), "{attributes:?}");
    }
    // Query with every function the version defines.
    let functions: Vec<QueryFunction> =
        (1..=12).filter_map(QueryFunction::from_u32).filter(|f| f.since() <= version).collect();
    let (_, query) = client.call(QueryRequest { query_functions: functions }).await;
    let ResponsePayload::Query(query) = query else { panic!() };
    for op in &query.operations {
        assert!(op.since() <= version, "{op:?} reported to a {version:?} client");
    }
    for t in &query.object_types {
        assert!(t.since() <= version, "{t:?} reported to a {version:?} client");
    }
    let ops = |op| query.operations.contains(&op);
    assert!(ops(Operation::Create) && ops(Operation::Get) && ops(Operation::Locate));
    assert_eq!(
        ops(Operation::DiscoverVersions),
        version >= Version::V1_1,
        "{:?}",
        query.operations
    );
    assert_eq!(ops(Operation::ReKeyKeyPair), version >= Version::V1_1, "{:?}", query.operations);
    for op in [Operation::Encrypt, Operation::Sign, Operation::MAC, Operation::CreateSplitKey] {
        assert_eq!(ops(op), version >= Version::V1_2, "{op:?} in {:?}", query.operations);
    }
    for op in [Operation::Import, Operation::Export] {
        assert_eq!(ops(op), version >= Version::V1_4, "{op:?} in {:?}", query.operations);
    }
    assert_eq!(
        query.object_types.contains(&ObjectType::PGPKey),
        version >= Version::V1_2,
        "{:?}",
        query.object_types
    );

    // Locate: everything, and by attributes; no Located Items below 1.3.
    for attributes in [
        vec![],
        vec![Attribute::new(AttributeValue::ObjectType(ObjectType::SymmetricKey))],
        vec![name("versions-certificate")],
    ] {
        let (raw, located) = client.call(LocateRequest { attributes, ..Default::default() }).await;
        let ResponsePayload::Locate(located) = located else { panic!() };
        assert!(!located.unique_identifiers.is_empty());
        if version < Version::V1_3 {
            assert!(!contains_tag(&raw, tags::LOCATED_ITEMS), "{raw:?}");
        }
    }
    if version >= Version::V1_3 {
        let locate =
            LocateRequest { maximum_items: Some(1), offset_items: Some(1), ..Default::default() };
        client.call(locate).await;
    }
    if version >= Version::V1_1 {
        let (_, versions) = client.call(DiscoverVersionsRequest::default()).await;
        let ResponsePayload::DiscoverVersions(versions) = versions else { panic!() };
        assert!(versions.protocol_versions.contains(&ProtocolVersion::from(version)));
    }
}

fn raw_attributes<'a>(raw: &'a Ttlv, wanted: &str) -> Vec<&'a Ttlv> {
    let mut found = Vec::new();
    collect(raw, wanted, &mut found);
    found
}

fn collect<'a>(item: &'a Ttlv, wanted: &str, found: &mut Vec<&'a Ttlv>) {
    if item.tag == tags::ATTRIBUTE
        && item.child(tags::ATTRIBUTE_NAME).map(|n| &n.value) == Some(&Value::text(wanted))
    {
        found.push(item);
    }
    for child in item.children() {
        collect(child, wanted, found);
    }
}

#[tokio::test]
async fn kmip_1_0_answers_hold_nothing_later_than_1_0() {
    every_answer_fits(Version::V1_0).await;
}

#[tokio::test]
async fn kmip_1_1_answers_hold_nothing_later_than_1_1() {
    every_answer_fits(Version::V1_1).await;
}

#[tokio::test]
async fn kmip_1_2_answers_hold_nothing_later_than_1_2() {
    every_answer_fits(Version::V1_2).await;
}

#[tokio::test]
async fn kmip_1_3_answers_hold_nothing_later_than_1_3() {
    every_answer_fits(Version::V1_3).await;
}

#[tokio::test]
async fn kmip_1_4_answers_hold_nothing_later_than_1_4() {
    every_answer_fits(Version::V1_4).await;
}

#[test]
fn the_strict_walk_names_what_is_too_new() {
    let attribute = |name: &str, value: Value| {
        Ttlv::structure(
            tags::ATTRIBUTE,
            vec![
                Ttlv::new(tags::ATTRIBUTE_NAME, Value::text(name)),
                Ttlv::new(tags::ATTRIBUTE_VALUE, value),
            ],
        )
    };
    let payload = Ttlv::structure(
        tags::RESPONSE_PAYLOAD,
        vec![
            attribute("Fresh", Value::Boolean(true)),
            attribute("Object Type", Value::Enumeration(ObjectType::PGPKey.to_u32())),
            attribute("Cryptographic Usage Mask", Value::Integer(0x0010_0000)),
            Ttlv::new(tags::LOCATED_ITEMS, Value::Integer(1)),
            Ttlv::new(
                tags::KEY_FORMAT_TYPE,
                Value::Enumeration(KeyFormatType::TransparentECPrivateKey.to_u32()),
            ),
            Ttlv::new(tags::OBJECT_TYPE, Value::Enumeration(0x8000_0001)),
        ],
    );
    assert_eq!(
        too_new(&payload, Version::V1_0).len(),
        5,
        "{:#?}",
        too_new(&payload, Version::V1_0)
    );
    // An undefined mask bit is reported at every version; extensions never are.
    let at_1_4 = too_new(&payload, Version::V1_4);
    assert!(matches!(&at_1_4[..], [one] if one.contains("not defined")), "{at_1_4:#?}");
}
