//! The KMIP flows of real products (shared/kmip-notes.md §(c)), replayed
//! message for message against a real server over mutual TLS: each request is
//! built as the product sends it (version, batch shape, Unique Batch Item IDs,
//! attribute shapes), and each test asserts what the product needs from the
//! answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use keyward_client::Connection;
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{Attribute, AttributeValue, Name, TemplateAttribute};
use keyward_kmip::enums::*;
use keyward_kmip::message::{ProtocolVersion, RequestBatchItem, RequestMessage};
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object, SecretData, SymmetricKey};
use keyward_kmip::operations::*;
use keyward_pki::tls::{ClientTlsOptions, TlsVersions};
use keyward_server::testing::TestServer;
use keyward_ttlv::spec::tags;
use keyward_ttlv::{Ttlv, Value, Version};
use rustls::HandshakeKind;

/// Every item with `tag` inside `item`, depth first.
fn find_all<'a>(item: &'a Ttlv, tag: keyward_ttlv::Tag, found: &mut Vec<&'a Ttlv>) {
    if item.tag == tag {
        found.push(item);
    }
    for child in item.children() {
        find_all(child, tag, found);
    }
}

/// A text custom attribute, as vCenter, NetApp and the storage arrays send them.
fn text(name: &str, value: &str) -> Attribute {
    Attribute::custom(name, Value::text(value))
}

/// vCenter's 8-byte Unique Batch Item ID: "QLKC", then a little-endian counter.
fn vcenter_id(n: u32) -> Bytes {
    let mut id = b"QLKC".to_vec();
    id.extend_from_slice(&n.to_le_bytes());
    Bytes::new(id)
}

/// A vCenter message: KMIP 1.1, every item with an 8-byte Unique Batch Item ID.
fn vcenter_message(first_id: u32, items: Vec<RequestPayload>) -> RequestMessage {
    let mut request = message(Version::V1_1, items);
    for (n, item) in (first_id..).zip(request.batch_items.iter_mut()) {
        item.unique_batch_item_id = Some(vcenter_id(n));
    }
    request
}

/// Sends a vCenter message and checks the envelope vCenter relies on: the
/// answer is KMIP 1.1 and defines nothing later, every item succeeded and
/// echoes its 8-byte ID.
async fn vcenter_call(
    connection: &mut Connection,
    first_id: u32,
    items: Vec<RequestPayload>,
) -> Vec<keyward_kmip::message::ResponseBatchItem> {
    let count = items.len();
    let request = vcenter_message(first_id, items);
    let (raw, response) = call_raw(connection, &request).await;
    assert!(keyward_kmip::version::fits(&raw, Version::V1_1), "{raw:?}");
    assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 1));
    assert_eq!(response.batch_items.len(), count, "{response:?}");
    for (sent, answer) in request.batch_items.iter().zip(&response.batch_items) {
        assert_eq!(answer.result_status, ResultStatus::Success, "{answer:?}");
        assert_eq!(answer.operation, Some(sent.operation()));
        assert_eq!(answer.unique_batch_item_id, sent.unique_batch_item_id);
        assert_eq!(answer.unique_batch_item_id.as_ref().map(|id| id.as_slice().len()), Some(8));
    }
    response.batch_items
}

#[tokio::test]
async fn vmware_vcenter_standard_key_provider_kmip_1_1() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut vcenter = connect(&server, &credential).await;

    // 1. Discover Versions with an empty list: 1.1 must be among the answers.
    let [versions] =
        &vcenter_call(&mut vcenter, 1, vec![DiscoverVersionsRequest::default().into()]).await[..]
    else {
        unreachable!()
    };
    let versions = payload!(versions.clone(), DiscoverVersions);
    assert!(versions.protocol_versions.contains(&ProtocolVersion::new(1, 1)));

    // 2. Query Server Information: vCenter shows the Vendor Identification.
    let query = QueryRequest { query_functions: vec![QueryFunction::QueryServerInformation] };
    let items = vcenter_call(&mut vcenter, 2, vec![query.into()]).await;
    let query = payload!(items[0].clone(), Query);
    assert_eq!(query.vendor_identification.as_deref(), Some("Keyward"));

    // 3. Create an AES-256 key, usage mask 12 (Encrypt | Decrypt), nothing else.
    let create = symmetric(
        CryptographicAlgorithm::AES,
        256,
        &[CryptographicUsageMask::ENCRYPT, CryptographicUsageMask::DECRYPT],
        vec![],
    );
    let items = vcenter_call(&mut vcenter, 3, vec![create.into()]).await;
    let created = payload!(items[0].clone(), Create);
    assert_eq!(created.object_type, ObjectType::SymmetricKey);
    let uid = created.unique_identifier;

    // 4. One batch of three Add Attribute, each naming the key.
    let tags = [
        ("x-Product_Version", "7.0.3 build-19480866"),
        ("x-Vendor", "VMware, Inc."),
        ("x-Product", "VMware vSphere"),
    ];
    let adds = tags
        .iter()
        .map(|(n, v)| {
            AddAttributeRequest { unique_identifier: Some(uid.clone()), attribute: text(n, v) }
                .into()
        })
        .collect();
    let items = vcenter_call(&mut vcenter, 4, adds).await;
    for (item, (n, v)) in items.into_iter().zip(tags) {
        let added = payload!(item, AddAttribute);
        assert_eq!(added.unique_identifier, uid);
        assert_eq!(added.attribute.name, n);
        assert_eq!(added.attribute.value, AttributeValue::Custom(Value::text(v)));
    }

    // 5. Get Attributes of x-Product_Version alone: exactly that attribute comes back.
    let get_attributes = GetAttributesRequest {
        unique_identifier: Some(uid.clone()),
        attribute_names: vec!["x-Product_Version".into()],
    };
    let items = vcenter_call(&mut vcenter, 7, vec![get_attributes.into()]).await;
    let attributes = payload!(items[0].clone(), GetAttributes);
    assert_eq!(attributes.unique_identifier, uid);
    assert_eq!(attributes.attributes, [text("x-Product_Version", "7.0.3 build-19480866")]);

    // vCenter 6.5 asks for the State after Create; govmomi reports a Pre-Active
    // key as not usable, so Activate must take it to Active.
    let state = |uid: &str| GetAttributesRequest {
        unique_identifier: Some(uid.to_owned()),
        attribute_names: vec!["State".into()],
    };
    let items = vcenter_call(&mut vcenter, 8, vec![state(&uid).into()]).await;
    let attributes = payload!(items[0].clone(), GetAttributes).attributes;
    assert_eq!(attributes, [Attribute::new(AttributeValue::State(State::PreActive))]);
    let items = vcenter_call(
        &mut vcenter,
        9,
        vec![ActivateRequest::new(uid.clone()).into(), state(&uid).into()],
    )
    .await;
    let attributes = payload!(items[1].clone(), GetAttributes).attributes;
    assert_eq!(attributes, [Attribute::new(AttributeValue::State(State::Active))]);

    // 6. Get with no Key Format Type: a Raw AES-256 key block.
    let get = GetRequest { unique_identifier: Some(uid.clone()), ..Default::default() };
    let items = vcenter_call(&mut vcenter, 11, vec![get.into()]).await;
    let got = payload!(items[0].clone(), Get);
    assert_eq!(got.unique_identifier, uid);
    let Object::SymmetricKey(SymmetricKey { key_block }) = got.object else {
        panic!("{:?}", got.object)
    };
    assert_eq!(key_block.key_format_type, KeyFormatType::Raw);
    assert_eq!(key_block.cryptographic_algorithm, Some(CryptographicAlgorithm::AES));
    assert_eq!(key_block.cryptographic_length, Some(256));
    assert!(key_block.key_wrapping_data.is_none());
    let Some(KeyMaterial::Bytes(material)) = key_block.key_material() else {
        panic!("{key_block:?}")
    };
    assert_eq!(material.as_slice().len(), 32);
}

/// Veeam's Get: the raw Key Value of a Public or Private Key holds the Key
/// Material and nothing else (its decoder fails on an Attribute there).
fn assert_key_value_is_material_only(raw: &Ttlv) {
    let mut key_values = Vec::new();
    find_all(raw, tags::KEY_VALUE, &mut key_values);
    assert_eq!(key_values.len(), 1, "{raw:?}");
    let children: Vec<_> = key_values[0].children().iter().map(|c| c.tag).collect();
    assert_eq!(children, [tags::KEY_MATERIAL], "{raw:?}");
}

async fn veeam_get(
    connection: &mut Connection,
    uid: &str,
    format: Option<KeyFormatType>,
) -> (ObjectType, KeyFormatType) {
    let get = GetRequest {
        unique_identifier: Some(uid.to_owned()),
        key_format_type: format,
        ..Default::default()
    };
    let (raw, response) = call_raw(connection, &message(Version::V1_4, vec![get.into()])).await;
    assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 4));
    assert_key_value_is_material_only(&raw);
    let got = payload!(response.batch_items[0].clone(), Get);
    assert_eq!(got.unique_identifier, uid);
    let block = got.object.key_block().expect("a key block");
    assert_eq!(block.cryptographic_algorithm, Some(CryptographicAlgorithm::RSA));
    assert_eq!(block.cryptographic_length, Some(2048));
    if let Some(format) = format {
        assert_eq!(block.key_format_type, format);
    }
    (got.object.object_type(), block.key_format_type)
}

async fn veeam_flow(tls_versions: TlsVersions) {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    // Veeam keeps one client configuration (and so one session cache).
    let identity = credential
        .identity
        .clone()
        .with_options(ClientTlsOptions { versions: tls_versions, ..ClientTlsOptions::default() });
    let tls = identity.tls_config().unwrap();
    let v = Version::V1_4;

    // Backup job set-up: Create Key Pair (RSA-2048), Activate both halves.
    let mut first = connect_with(&server, &tls).await;
    assert_eq!(first.tls().handshake_kind(), Some(HandshakeKind::Full));
    let pair = rsa_key_pair(
        2048,
        "veeam-job-1",
        &[CryptographicUsageMask::DECRYPT, CryptographicUsageMask::UNWRAP_KEY],
        &[CryptographicUsageMask::ENCRYPT, CryptographicUsageMask::WRAP_KEY],
    );
    let pair = payload!(call_one(&mut first, v, pair).await, CreateKeyPair);
    let (private, public) = (pair.private_key_unique_identifier, pair.public_key_unique_identifier);
    for id in [&private, &public] {
        payload!(call_one(&mut first, v, ActivateRequest::new(id.clone())).await, Activate);
    }

    // Locate by name, then Get the Public Key: material only, in the stored
    // format and in each format Veeam v13 may ask for.
    let locate = LocateRequest { attributes: vec![name("veeam-job-1.pub")], ..Default::default() };
    let located = payload!(call_one(&mut first, v, locate).await, Locate);
    assert_eq!(located.unique_identifiers, std::slice::from_ref(&public));
    assert_eq!(veeam_get(&mut first, &public, None).await.0, ObjectType::PublicKey);
    for format in
        [KeyFormatType::PKCS1, KeyFormatType::X509, KeyFormatType::TransparentRSAPublicKey]
    {
        veeam_get(&mut first, &public, Some(format)).await;
    }
    first.close().await.unwrap();

    // Restore, later: a new connection resumes the TLS session and Gets the Private Key.
    let mut second = connect_with(&server, &tls).await;
    assert_eq!(
        second.tls().handshake_kind(),
        Some(HandshakeKind::Resumed),
        "Veeam reconnects through TLS session resumption"
    );
    assert_eq!(veeam_get(&mut second, &private, None).await.0, ObjectType::PrivateKey);
    for format in
        [KeyFormatType::PKCS1, KeyFormatType::PKCS8, KeyFormatType::TransparentRSAPrivateKey]
    {
        veeam_get(&mut second, &private, Some(format)).await;
    }

    // Job removal: Revoke then Destroy both halves.
    for id in [&private, &public] {
        let revoke = RevokeRequest {
            unique_identifier: Some(id.clone()),
            revocation_reason: keyward_kmip::attributes::RevocationReason {
                code: RevocationReasonCode::CessationOfOperation,
                message: None,
            },
            compromise_occurrence_date: None,
        };
        payload!(call_one(&mut second, v, revoke).await, Revoke);
        payload!(call_one(&mut second, v, DestroyRequest::new(id.clone())).await, Destroy);
    }
    drop(second);

    // Resumption never outlives the credential: once revoked, a resumed
    // connection is refused like any other.
    server.revoke(&server.domain, &credential.id).await;
    let refused = match Connection::connect(&server.addr(), &tls).await {
        Err(_) => true,
        Ok(mut third) => {
            third.call(&message(v, vec![DiscoverVersionsRequest::default().into()])).await.is_err()
        }
    };
    assert!(refused, "a revoked credential must not be served through a resumed session");
}

#[tokio::test]
async fn veeam_rsa_2048_key_pairs_and_tls_1_3_session_resumption() {
    veeam_flow(TlsVersions::Tls13Only).await;
}

#[tokio::test]
async fn veeam_rsa_2048_key_pairs_and_tls_1_2_session_resumption() {
    veeam_flow(TlsVersions::Tls12Only).await;
}

#[tokio::test]
async fn synology_dsm_kmip_1_2_with_a_connection_per_operation() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let tls = credential.identity.tls_config().unwrap();
    let v = Version::V1_2;
    // DSM opens a fresh TCP connection for every operation.
    let once = async |request: RequestPayload| {
        let mut connection = connect_with(&server, &tls).await;
        let (raw, response) = call_raw(&mut connection, &message(v, vec![request])).await;
        assert!(keyward_kmip::version::fits(&raw, v), "{raw:?}");
        assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 2));
        connection.close().await.unwrap();
        response.batch_items.into_iter().next().unwrap()
    };
    let volume = "6f1c2a8e-3d4b-4c5a-9e7f-0a1b2c3d4e5f";
    let by_name = |value: &str| {
        RequestPayload::from(LocateRequest { attributes: vec![name(value)], ..Default::default() })
    };

    // Query functions 1 to 6.
    let query = QueryRequest {
        query_functions: vec![
            QueryFunction::QueryOperations,
            QueryFunction::QueryObjects,
            QueryFunction::QueryServerInformation,
            QueryFunction::QueryApplicationNamespaces,
            QueryFunction::QueryExtensionList,
            QueryFunction::QueryExtensionMap,
        ],
    };
    let answer = payload!(once(query.into()).await, Query);
    for op in [Operation::Locate, Operation::Register, Operation::ModifyAttribute] {
        assert!(answer.operations.contains(&op), "{op:?} in {:?}", answer.operations);
    }
    assert!(answer.object_types.contains(&ObjectType::SecretData));

    // The volume has no key yet: Locate succeeds with nothing.
    assert!(payload!(once(by_name(volume)).await, Locate).unique_identifiers.is_empty());

    // Register the volume's password: Secret Data, Key Format Type Opaque,
    // usage Verify, the deprecated Operation Policy Name, a SHA-512 hex Name.
    let temporary_name = "ab".repeat(64);
    let register = RegisterRequest {
        template_attribute: TemplateAttribute::from_attributes(vec![
            usage(&[CryptographicUsageMask::VERIFY]),
            Attribute::new(AttributeValue::OperationPolicyName("default".into())),
            name(&temporary_name),
        ]),
        object: Object::SecretData(SecretData {
            secret_data_type: SecretDataType::Password,
            key_block: KeyBlock::new(
                KeyFormatType::Opaque,
                KeyMaterial::Bytes(Bytes::new(b"dsm-volume-password-0123456789".to_vec())),
                None,
                None,
            ),
        }),
    };
    let uid = payload!(once(register.into()).await, Register).unique_identifier;

    // Rename it to the volume UUID: the response must echo the new Name.
    let rename =
        ModifyAttributeRequest { unique_identifier: Some(uid.clone()), attribute: name(volume) };
    let modified = payload!(once(rename.into()).await, ModifyAttribute);
    assert_eq!(modified.unique_identifier, uid);
    assert_eq!(modified.attribute.value, AttributeValue::Name(Name::text(volume)));

    // Locate by the volume UUID finds it (and the old name no longer does), then Activate.
    assert_eq!(
        payload!(once(by_name(volume)).await, Locate).unique_identifiers,
        std::slice::from_ref(&uid)
    );
    assert!(payload!(once(by_name(&temporary_name)).await, Locate).unique_identifiers.is_empty());
    payload!(once(ActivateRequest::new(uid.clone()).into()).await, Activate);

    // The deprecated Operation Policy Name is kept and echoed at 1.2.
    let get_attributes = GetAttributesRequest {
        unique_identifier: Some(uid.clone()),
        attribute_names: vec!["State".into(), "Operation Policy Name".into()],
    };
    let attributes = payload!(once(get_attributes.into()).await, GetAttributes).attributes;
    assert_eq!(attribute(&attributes, "State"), Some(&AttributeValue::State(State::Active)));
    assert_eq!(
        attribute(&attributes, "Operation Policy Name"),
        Some(&AttributeValue::OperationPolicyName("default".into()))
    );

    // Unlocking the volume: Get the password back as registered.
    let get = GetRequest { unique_identifier: Some(uid.clone()), ..Default::default() };
    let got = payload!(once(get.into()).await, Get);
    let Object::SecretData(secret) = got.object else { panic!("{:?}", got.object) };
    assert_eq!(secret.secret_data_type, SecretDataType::Password);
    assert_eq!(secret.key_block.key_format_type, KeyFormatType::Opaque);
    assert_eq!(
        secret.key_block.key_material(),
        Some(&KeyMaterial::Bytes(Bytes::new(b"dsm-volume-password-0123456789".to_vec())))
    );
}

#[tokio::test]
async fn storage_array_kmip_1_0_batch_with_id_placeholders() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut array = connect(&server, &credential).await;
    let v = Version::V1_0;
    let secret = b"sed-band-authentication-key-0001".to_vec();

    // The key the array stored earlier, tagged with its resource and system.
    let register = RegisterRequest {
        template_attribute: TemplateAttribute::from_attributes(vec![
            usage(&[CryptographicUsageMask::VERIFY]),
            text("x-ResourceID", "band-0001"),
            text("x-SystemID", "array-42"),
        ]),
        object: Object::SecretData(SecretData {
            secret_data_type: SecretDataType::Password,
            key_block: KeyBlock::new(
                KeyFormatType::Opaque,
                KeyMaterial::Bytes(Bytes::new(secret.clone())),
                None,
                None,
            ),
        }),
    };
    let uid = payload!(call_one(&mut array, v, register).await, Register).unique_identifier;

    // One KMIP 1.0 batch: Query + Locate by the x- attributes + Get (Opaque) +
    // Get Attributes, the last two through the ID Placeholder.
    let request = message(
        v,
        vec![
            QueryRequest {
                query_functions: vec![QueryFunction::QueryOperations, QueryFunction::QueryObjects],
            }
            .into(),
            LocateRequest {
                attributes: vec![text("x-ResourceID", "band-0001"), text("x-SystemID", "array-42")],
                ..Default::default()
            }
            .into(),
            GetRequest { key_format_type: Some(KeyFormatType::Opaque), ..Default::default() }
                .into(),
            GetAttributesRequest::default().into(),
        ],
    );
    let (raw, response) = call_raw(&mut array, &request).await;
    assert!(keyward_kmip::version::fits(&raw, v), "{raw:?}");
    assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 0));
    let [query, located, got, attributes] = &response.batch_items[..] else {
        panic!("{response:?}")
    };

    let query = payload!(query.clone(), Query);
    assert!(query.operations.contains(&Operation::Get));
    assert!(
        !query.operations.contains(&Operation::DiscoverVersions),
        "Discover Versions is a KMIP 1.1 operation: {:?}",
        query.operations
    );
    assert!(!query.operations.contains(&Operation::Encrypt));
    assert!(!query.object_types.contains(&ObjectType::PGPKey));

    assert_eq!(payload!(located.clone(), Locate).unique_identifiers, std::slice::from_ref(&uid));
    let got = payload!(got.clone(), Get);
    assert_eq!(got.unique_identifier, uid);
    let block = got.object.key_block().unwrap();
    assert_eq!(block.key_format_type, KeyFormatType::Opaque);
    assert_eq!(block.key_material(), Some(&KeyMaterial::Bytes(Bytes::new(secret))));
    let attributes = payload!(attributes.clone(), GetAttributes);
    assert_eq!(attributes.unique_identifier, uid);
    for (n, value) in [("x-ResourceID", "band-0001"), ("x-SystemID", "array-42")] {
        assert_eq!(
            attribute(&attributes.attributes, n),
            Some(&AttributeValue::Custom(Value::text(value)))
        );
    }

    // A band the array has not keyed yet: the same batch's Locate finds
    // nothing and succeeds (the Get that would follow has no placeholder).
    let locate = LocateRequest {
        attributes: vec![text("x-ResourceID", "band-0002"), text("x-SystemID", "array-42")],
        ..Default::default()
    };
    assert!(payload!(call_one(&mut array, v, locate).await, Locate).unique_identifiers.is_empty());
}

#[tokio::test]
async fn percona_server_for_mongodb_kmip_1_0_master_key() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut mongod = connect(&server, &credential).await;
    let v = Version::V1_0;

    // The master key: a registered AES-256 key, then Activate, Locate, Get, Get Attributes.
    let register = RegisterRequest {
        template_attribute: TemplateAttribute::from_attributes(vec![
            usage(&[CryptographicUsageMask::ENCRYPT, CryptographicUsageMask::DECRYPT]),
            name("mongodb-master-key"),
        ]),
        object: Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(vec![7; 32])),
                Some(CryptographicAlgorithm::AES),
                Some(256),
            ),
        }),
    };
    let uid = payload!(call_one(&mut mongod, v, register).await, Register).unique_identifier;
    let requests: Vec<RequestPayload> = vec![
        ActivateRequest::new(uid.clone()).into(),
        LocateRequest { attributes: vec![name("mongodb-master-key")], ..Default::default() }.into(),
        GetRequest { unique_identifier: Some(uid.clone()), ..Default::default() }.into(),
        GetAttributesRequest { unique_identifier: Some(uid.clone()), attribute_names: vec![] }
            .into(),
        GetAttributeListRequest { unique_identifier: Some(uid.clone()) }.into(),
    ];
    for request in requests {
        let (raw, response) = call_raw(&mut mongod, &message(v, vec![request])).await;
        assert!(keyward_kmip::version::fits(&raw, v), "{raw:?}");
        assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 0));
        let item = &response.batch_items[0];
        assert_eq!(item.result_status, ResultStatus::Success, "{item:?}");
        let names: Vec<String> = match &item.payload {
            Some(ResponsePayload::GetAttributes(r)) => {
                r.attributes.iter().map(|a| a.name.clone()).collect()
            }
            Some(ResponsePayload::GetAttributeList(r)) => r.attribute_names.clone(),
            Some(ResponsePayload::Locate(r)) => {
                assert_eq!(r.unique_identifiers, std::slice::from_ref(&uid));
                vec![]
            }
            Some(ResponsePayload::Get(r)) => {
                let block = r.object.key_block().unwrap();
                assert_eq!(
                    block.key_material(),
                    Some(&KeyMaterial::Bytes(Bytes::new(vec![7; 32])))
                );
                vec![]
            }
            _ => vec![],
        };
        for later in ["Fresh", "Original Creation Date", "Key Value Present", "Sensitive"] {
            assert!(!names.iter().any(|n| n == later), "{later} is not KMIP 1.0: {names:?}");
        }
    }
}

#[tokio::test]
async fn netapp_ontap_keys_carry_its_custom_attributes() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut ontap = connect(&server, &credential).await;
    let v = Version::V1_2;
    // About 16 TextString x-NETAPP-* attributes on every key ONTAP creates.
    let netapp: Vec<(String, String)> = [
        "ClusterName",
        "ClusterUUID",
        "NodeName",
        "NodeUUID",
        "KeyTag",
        "KeyID",
        "KeyType",
        "KeyUsage",
        "Product",
        "ProductVersion",
        "Vserver",
        "VserverUUID",
        "Volume",
        "VolumeUUID",
        "Aggregate",
        "CreatedBy",
    ]
    .iter()
    .map(|n| (format!("x-NETAPP-{n}"), format!("{n} of cluster-a")))
    .collect();
    let extra = netapp.iter().map(|(n, value)| text(n, value)).collect();
    let create = symmetric(
        CryptographicAlgorithm::AES,
        256,
        &[CryptographicUsageMask::ENCRYPT, CryptographicUsageMask::DECRYPT],
        extra,
    );
    let uid = payload!(call_one(&mut ontap, v, create).await, Create).unique_identifier;

    let all =
        GetAttributesRequest { unique_identifier: Some(uid.clone()), attribute_names: vec![] };
    let attributes = payload!(call_one(&mut ontap, v, all).await, GetAttributes).attributes;
    for (n, value) in &netapp {
        assert_eq!(
            attribute(&attributes, n),
            Some(&AttributeValue::Custom(Value::text(value.as_str()))),
            "{n}"
        );
    }
    // A secondary key server of the cluster looks the key up by its attributes.
    let locate = LocateRequest {
        attributes: vec![
            text("x-NETAPP-ClusterName", "ClusterName of cluster-a"),
            text("x-NETAPP-KeyID", "KeyID of cluster-a"),
        ],
        ..Default::default()
    };
    assert_eq!(payload!(call_one(&mut ontap, v, locate).await, Locate).unique_identifiers, [uid]);
}

#[tokio::test]
async fn nutanix_controller_vms_fetch_the_same_aes_256_kek() {
    let server = TestServer::start().await;
    let v = Version::V1_2;
    // Each Controller VM has its own access certificate on the same domain.
    let mut cvms = Vec::new();
    for _ in 0..3 {
        let credential = server.root_credential(&server.domain).await;
        cvms.push(connect(&server, &credential).await);
    }
    let create = symmetric(
        CryptographicAlgorithm::AES,
        256,
        &[CryptographicUsageMask::WRAP_KEY, CryptographicUsageMask::UNWRAP_KEY],
        vec![name("nutanix-cluster-kek")],
    );
    let kek = payload!(call_one(&mut cvms[0], v, create).await, Create).unique_identifier;
    payload!(call_one(&mut cvms[0], v, ActivateRequest::new(kek.clone())).await, Activate);

    // Every CVM fetches the KEK on demand and gets the same AES-256 key.
    let mut materials = Vec::new();
    for cvm in &mut cvms {
        let locate =
            LocateRequest { attributes: vec![name("nutanix-cluster-kek")], ..Default::default() };
        assert_eq!(
            payload!(call_one(cvm, v, locate).await, Locate).unique_identifiers,
            std::slice::from_ref(&kek)
        );
        let get = GetRequest { unique_identifier: Some(kek.clone()), ..Default::default() };
        let got = payload!(call_one(cvm, v, get).await, Get);
        let block = got.object.key_block().unwrap().clone();
        assert_eq!(block.cryptographic_algorithm, Some(CryptographicAlgorithm::AES));
        assert_eq!(block.cryptographic_length, Some(256));
        materials.push(block.key_material().cloned().unwrap());
    }
    assert!(materials.windows(2).all(|w| w[0] == w[1]));
}

#[tokio::test]
async fn vcenter_batch_item_ids_are_echoed_on_failures_too() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut vcenter = connect(&server, &credential).await;
    let mut request = vcenter_message(
        40,
        vec![
            GetRequest { unique_identifier: Some("no-such-key".into()), ..Default::default() }
                .into(),
        ],
    );
    request.header.batch_error_continuation_option = Some(BatchErrorContinuationOption::Continue);
    request.batch_items.push(RequestBatchItem {
        unique_batch_item_id: Some(vcenter_id(41)),
        ..RequestBatchItem::new(DiscoverVersionsRequest::default())
    });
    let response = vcenter.call(&request).await.unwrap();
    assert_eq!(response.batch_items.len(), 2);
    assert_eq!(failed(&response.batch_items[0]), ResultReason::ItemNotFound);
    for (sent, answer) in request.batch_items.iter().zip(&response.batch_items) {
        assert_eq!(answer.unique_batch_item_id, sent.unique_batch_item_id);
    }
}
