//! Two clients in two domains: domain B's client tries every KMIP operation
//! that names an object on domain A's objects. Each attempt must fail with
//! Item Not Found — exactly as for an identifier that exists nowhere, never
//! Permission Denied, which would tell B the object exists — and A's objects
//! must be unchanged afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use keyward_client::Connection;
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{
    Attribute, AttributeValue, CryptographicParameters, RevocationReason, TemplateAttribute,
};
use keyward_kmip::enums::*;
use keyward_kmip::objects::{
    EncryptionKeyInformation, KeyBlock, KeyMaterial, KeyWrappingSpecification, Object, SymmetricKey,
};
use keyward_kmip::operations::*;
use keyward_server::testing::TestServer;
use keyward_ttlv::{Value, Version};

const V: Version = Version::V1_4;

/// The objects a client makes in its domain: one of each kind an operation
/// can name.
#[derive(Debug, Clone)]
struct Fixture {
    /// AES-256, Active: encrypt, decrypt, wrap, unwrap, derive, export.
    aes: String,
    /// AES-128, Pre-Active.
    pre_active: String,
    /// HMAC-SHA256, Active.
    hmac: String,
    /// RSA-2048 private key (Sign), Active.
    private_key: String,
    /// Its public key (Verify), Active.
    public_key: String,
    /// Two XOR split key parts.
    parts: Vec<String>,
}

impl Fixture {
    fn ids(&self) -> Vec<String> {
        let mut ids = vec![
            self.aes.clone(),
            self.pre_active.clone(),
            self.hmac.clone(),
            self.private_key.clone(),
            self.public_key.clone(),
        ];
        ids.extend(self.parts.iter().cloned());
        ids
    }
}

async fn make_fixture(connection: &mut Connection, label: &str) -> Fixture {
    use CryptographicUsageMask as U;
    let owner = || text_attribute("x-Owner", label);
    let mut created = Vec::new();
    for request in [
        symmetric(
            CryptographicAlgorithm::AES,
            256,
            &[U::ENCRYPT, U::DECRYPT, U::WRAP_KEY, U::UNWRAP_KEY, U::DERIVE_KEY, U::EXPORT],
            vec![name(&format!("{label}-aes")), owner()],
        ),
        symmetric(
            CryptographicAlgorithm::AES,
            128,
            &[U::ENCRYPT],
            vec![name(&format!("{label}-pre-active")), owner()],
        ),
        symmetric(
            CryptographicAlgorithm::HMACSHA256,
            256,
            &[U::MAC_GENERATE, U::MAC_VERIFY],
            vec![name(&format!("{label}-hmac")), owner()],
        ),
    ] {
        created.push(payload!(call_one(connection, V, request).await, Create).unique_identifier);
    }
    let [aes, pre_active, hmac] = <[String; 3]>::try_from(created).unwrap();
    let pair = rsa_key_pair(2048, &format!("{label}-rsa"), &[U::SIGN], &[U::VERIFY]);
    let pair = payload!(call_one(connection, V, pair).await, CreateKeyPair);
    for id in [&aes, &hmac, &pair.private_key_unique_identifier, &pair.public_key_unique_identifier]
    {
        payload!(call_one(connection, V, ActivateRequest::new(id.clone())).await, Activate);
    }
    let split = CreateSplitKeyRequest {
        object_type: ObjectType::SymmetricKey,
        unique_identifier: None,
        split_key_parts: 2,
        split_key_threshold: 2,
        split_key_method: SplitKeyMethod::XOR,
        prime_field_size: None,
        template_attribute: TemplateAttribute::from_attributes(vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
            Attribute::new(AttributeValue::CryptographicLength(256)),
            usage(&[U::ENCRYPT]),
            owner(),
        ]),
    };
    let parts = payload!(call_one(connection, V, split).await, CreateSplitKey).unique_identifiers;
    assert_eq!(parts.len(), 2);
    Fixture {
        aes,
        pre_active,
        hmac,
        private_key: pair.private_key_unique_identifier,
        public_key: pair.public_key_unique_identifier,
        parts,
    }
}

fn text_attribute(name: &str, value: &str) -> Attribute {
    Attribute::custom(name, Value::text(value))
}

fn wrapped_by(id: &str) -> KeyWrappingSpecification {
    KeyWrappingSpecification {
        wrapping_method: WrappingMethod::Encrypt,
        encryption_key_information: Some(EncryptionKeyInformation {
            unique_identifier: id.to_owned(),
            cryptographic_parameters: Some(CryptographicParameters {
                block_cipher_mode: Some(BlockCipherMode::NISTKeyWrap),
                ..Default::default()
            }),
        }),
        mac_signature_key_information: None,
        attribute_names: vec![],
        encoding_option: None,
    }
}

/// Every operation that names an object, aimed at `target`'s objects by a
/// client whose own objects are `own`.
fn attempts(target: &Fixture, own: &Fixture) -> Vec<(&'static str, RequestPayload)> {
    let t = target;
    let cbc = CryptographicParameters {
        block_cipher_mode: Some(BlockCipherMode::CBC),
        padding_method: Some(PaddingMethod::PKCS5),
        cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
        ..Default::default()
    };
    let rsa = CryptographicParameters {
        digital_signature_algorithm: Some(
            DigitalSignatureAlgorithm::SHA256WithRSAEncryptionPKCS1V1_5,
        ),
        ..Default::default()
    };
    let data = || Some(Bytes::new(b"sixteen byte msg".to_vec()));
    let id = |id: &String| Some(id.clone());
    let revocation =
        RevocationReason { code: RevocationReasonCode::CessationOfOperation, message: None };
    let aes_template = || {
        TemplateAttribute::from_attributes(vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
            Attribute::new(AttributeValue::CryptographicLength(256)),
            usage(&[CryptographicUsageMask::ENCRYPT]),
        ])
    };
    vec![
        ("Get", GetRequest { unique_identifier: id(&t.aes), ..Default::default() }.into()),
        (
            "Get (private key)",
            GetRequest { unique_identifier: id(&t.private_key), ..Default::default() }.into(),
        ),
        (
            "Get (public key)",
            GetRequest { unique_identifier: id(&t.public_key), ..Default::default() }.into(),
        ),
        (
            "Get (split key part)",
            GetRequest { unique_identifier: id(&t.parts[0]), ..Default::default() }.into(),
        ),
        (
            "Get Attributes",
            GetAttributesRequest { unique_identifier: id(&t.aes), attribute_names: vec![] }.into(),
        ),
        ("Get Attribute List", GetAttributeListRequest { unique_identifier: id(&t.aes) }.into()),
        (
            "Add Attribute",
            AddAttributeRequest {
                unique_identifier: id(&t.aes),
                attribute: text_attribute("x-Intruder", "b"),
            }
            .into(),
        ),
        (
            "Modify Attribute",
            ModifyAttributeRequest { unique_identifier: id(&t.aes), attribute: name("stolen") }
                .into(),
        ),
        (
            "Delete Attribute",
            DeleteAttributeRequest {
                unique_identifier: id(&t.aes),
                attribute_name: "x-Owner".into(),
                attribute_index: None,
            }
            .into(),
        ),
        (
            "Check",
            CheckRequest {
                unique_identifier: id(&t.aes),
                cryptographic_usage_mask: Some(CryptographicUsageMask::ENCRYPT),
                ..Default::default()
            }
            .into(),
        ),
        ("Obtain Lease", ObtainLeaseRequest { unique_identifier: id(&t.aes) }.into()),
        (
            "Get Usage Allocation",
            GetUsageAllocationRequest { unique_identifier: id(&t.aes), usage_limits_count: 1 }
                .into(),
        ),
        (
            "Encrypt",
            EncryptRequest {
                unique_identifier: id(&t.aes),
                cryptographic_parameters: Some(CryptographicParameters {
                    random_iv: Some(true),
                    ..cbc.clone()
                }),
                data: data(),
                ..Default::default()
            }
            .into(),
        ),
        (
            "Decrypt",
            DecryptRequest {
                unique_identifier: id(&t.aes),
                cryptographic_parameters: Some(cbc.clone()),
                data: Some(Bytes::new(vec![0; 32])),
                iv_counter_nonce: Some(Bytes::new(vec![0; 16])),
                ..Default::default()
            }
            .into(),
        ),
        (
            "Sign",
            SignRequest {
                unique_identifier: id(&t.private_key),
                cryptographic_parameters: Some(rsa.clone()),
                data: data(),
                ..Default::default()
            }
            .into(),
        ),
        (
            "Signature Verify",
            SignatureVerifyRequest {
                unique_identifier: id(&t.public_key),
                cryptographic_parameters: Some(rsa),
                data: data(),
                signature_data: Some(Bytes::new(vec![1; 256])),
                ..Default::default()
            }
            .into(),
        ),
        (
            "MAC",
            MacRequest { unique_identifier: id(&t.hmac), data: data(), ..Default::default() }
                .into(),
        ),
        (
            "MAC Verify",
            MacVerifyRequest {
                unique_identifier: id(&t.hmac),
                data: data(),
                mac_data: Some(Bytes::new(vec![1; 32])),
                ..Default::default()
            }
            .into(),
        ),
        (
            "Derive Key",
            DeriveKeyRequest {
                object_type: ObjectType::SymmetricKey,
                unique_identifiers: vec![t.aes.clone()],
                derivation_method: DerivationMethod::HMAC,
                derivation_parameters: DerivationParameters {
                    cryptographic_parameters: Some(CryptographicParameters {
                        hashing_algorithm: Some(HashingAlgorithm::SHA256),
                        ..Default::default()
                    }),
                    derivation_data: data(),
                    ..Default::default()
                },
                template_attribute: aes_template(),
            }
            .into(),
        ),
        (
            "Create Split Key",
            CreateSplitKeyRequest {
                object_type: ObjectType::SymmetricKey,
                unique_identifier: id(&t.aes),
                split_key_parts: 2,
                split_key_threshold: 2,
                split_key_method: SplitKeyMethod::XOR,
                prime_field_size: None,
                template_attribute: TemplateAttribute::default(),
            }
            .into(),
        ),
        (
            "Join Split Key",
            JoinSplitKeyRequest {
                object_type: ObjectType::SymmetricKey,
                unique_identifiers: t.parts.clone(),
                secret_data_type: None,
                template_attribute: Some(aes_template()),
            }
            .into(),
        ),
        ("Export", ExportRequest { unique_identifier: id(&t.aes), ..Default::default() }.into()),
        (
            "Get, wrapped by the client's own key",
            GetRequest {
                unique_identifier: id(&t.aes),
                key_wrapping_specification: Some(wrapped_by(&own.aes)),
                ..Default::default()
            }
            .into(),
        ),
        (
            "Get of the client's own key, wrapped by the other domain's key",
            GetRequest {
                unique_identifier: id(&own.aes),
                key_wrapping_specification: Some(wrapped_by(&t.aes)),
                ..Default::default()
            }
            .into(),
        ),
        (
            "Export of the client's own key, wrapped by the other domain's key",
            ExportRequest {
                unique_identifier: id(&own.aes),
                key_wrapping_specification: Some(wrapped_by(&t.aes)),
                ..Default::default()
            }
            .into(),
        ),
        ("Re-key", ReKeyRequest { unique_identifier: id(&t.aes), ..Default::default() }.into()),
        (
            "Re-key Key Pair",
            ReKeyKeyPairRequest {
                private_key_unique_identifier: id(&t.private_key),
                ..Default::default()
            }
            .into(),
        ),
        ("Activate", ActivateRequest::new(t.pre_active.clone()).into()),
        ("Destroy", DestroyRequest::new(t.pre_active.clone()).into()),
        ("Archive", ArchiveRequest::new(t.hmac.clone()).into()),
        ("Recover", RecoverRequest::new(t.hmac.clone()).into()),
        (
            "Revoke",
            RevokeRequest {
                unique_identifier: id(&t.aes),
                revocation_reason: revocation,
                compromise_occurrence_date: None,
            }
            .into(),
        ),
        ("Destroy (active)", DestroyRequest::new(t.aes.clone()).into()),
    ]
}

/// Everything domain A's owner can see of its objects: all attributes of
/// each, and the key material of the AES key.
async fn snapshot(connection: &mut Connection, fixture: &Fixture) -> Vec<String> {
    let mut seen = Vec::new();
    // Serve the key first: its first Get clears Fresh, and the snapshot must
    // not change by being taken.
    let get = GetRequest { unique_identifier: Some(fixture.aes.clone()), ..Default::default() };
    seen.push(format!("{:?}", payload!(call_one(connection, V, get).await, Get)));
    for id in fixture.ids() {
        let all =
            GetAttributesRequest { unique_identifier: Some(id.clone()), attribute_names: vec![] };
        let attributes = payload!(call_one(connection, V, all).await, GetAttributes);
        seen.push(format!("{attributes:?}"));
    }
    seen
}

#[tokio::test]
async fn a_client_of_another_domain_finds_none_of_its_objects_by_any_operation() {
    let server = TestServer::start().await;
    let alice_credential = server.root_credential(&server.domain).await;
    let domain_b = server.add_domain("globex").await;
    let bob_credential = server.root_credential(&domain_b).await;
    let mut alice = connect(&server, &alice_credential).await;
    let mut bob = connect(&server, &bob_credential).await;

    let a = make_fixture(&mut alice, "alpha").await;
    let b = make_fixture(&mut bob, "beta").await;
    let before = snapshot(&mut alice, &a).await;
    let count_a = server.store.count_objects(&server.domain).await.unwrap();

    // Every attempt from B on A's objects: Item Not Found, as for an identifier
    // that exists nowhere.
    let mut wrong = Vec::new();
    for (what, request) in attempts(&a, &b) {
        let item = call_one(&mut bob, V, request).await;
        if item.result_status != ResultStatus::OperationFailed
            || item.result_reason != Some(ResultReason::ItemNotFound)
        {
            wrong.push(format!(
                "{what}: {:?} {:?} {:?}",
                item.result_status, item.result_reason, item.result_message
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "operations that did not answer Item Not Found:\n{}",
        wrong.join("\n")
    );

    // Locate sees nothing of A: not by name, not by custom attribute, not unfiltered.
    for attributes in [
        vec![name("alpha-aes")],
        vec![text_attribute("x-Owner", "alpha")],
        vec![Attribute::new(AttributeValue::ObjectType(ObjectType::SymmetricKey))],
        vec![],
    ] {
        let locate = LocateRequest { attributes: attributes.clone(), ..Default::default() };
        let located = payload!(call_one(&mut bob, V, locate).await, Locate);
        let leaked: Vec<_> =
            located.unique_identifiers.iter().filter(|id| a.ids().contains(id)).collect();
        assert!(leaked.is_empty(), "Locate {attributes:?} from B found A's {leaked:?}");
    }

    // A's objects are exactly as they were.
    assert_eq!(snapshot(&mut alice, &a).await, before);
    assert_eq!(server.store.count_objects(&server.domain).await.unwrap(), count_a);

    // The same requests on B's own objects reach them (none answers Item Not
    // Found): the refusals above come from the domain, not from the requests.
    for (what, request) in attempts(&b, &b) {
        let item = call_one(&mut bob, V, request).await;
        assert_ne!(
            item.result_reason,
            Some(ResultReason::ItemNotFound),
            "{what} on B's own object: {item:?}"
        );
    }
}

#[tokio::test]
async fn import_under_another_domains_identifier_reveals_nothing() {
    let server = TestServer::start().await;
    let alice_credential = server.root_credential(&server.domain).await;
    let domain_b = server.add_domain("globex").await;
    let bob_credential = server.root_credential(&domain_b).await;
    let mut alice = connect(&server, &alice_credential).await;
    let mut bob = connect(&server, &bob_credential).await;
    let create = symmetric(
        CryptographicAlgorithm::AES,
        256,
        &[CryptographicUsageMask::ENCRYPT],
        vec![name("alpha-import")],
    );
    let a_key = payload!(call_one(&mut alice, V, create).await, Create).unique_identifier;
    let get = GetRequest { unique_identifier: Some(a_key.clone()), ..Default::default() };
    let before = payload!(call_one(&mut alice, V, get.clone()).await, Get);

    let import = |uid: &str, replace: Option<bool>| ImportRequest {
        unique_identifier: uid.to_owned(),
        replace_existing: replace,
        key_wrap_type: None,
        attributes: vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
            Attribute::new(AttributeValue::CryptographicLength(256)),
        ],
        object: Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(vec![0xB0; 32])),
                Some(CryptographicAlgorithm::AES),
                Some(256),
            ),
        }),
    };
    // Under an identifier that exists nowhere, B's Import succeeds.
    for replace in [None, Some(true)] {
        let fresh = format!("never-used-{replace:?}");
        let item = call_one(&mut bob, V, import(&fresh, replace)).await;
        assert_eq!(item.result_status, ResultStatus::Success, "{item:?}");

        // Under A's identifier it must answer the same way: anything else tells
        // B that A's object exists. And A's key must not change.
        let item = call_one(&mut bob, V, import(&a_key, replace)).await;
        assert_eq!(item.result_status, ResultStatus::Success, "replace {replace:?}: {item:?}");
        assert_eq!(payload!(call_one(&mut alice, V, get.clone()).await, Get), before);
    }
}
