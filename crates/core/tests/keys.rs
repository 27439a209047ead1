//! Keys end to end on a real SQLite store: Get in every Key Format Type and
//! back through Register, wrapped Get, the Sensitive/Extractable rule,
//! Create Key Pair, Re-key, Register validation, Import/Export,
//! Archive/Recover and Check.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use keyward_core::keys::{UsableKey, convert::ED25519, usable_key};
use keyward_core::{Config, Error};
use keyward_crypto::ecdsa::SignatureFormat;
use keyward_crypto::hash::HashAlgorithm;
use keyward_crypto::keywrap::{AesKek, KeyWrapAlgorithm};
use keyward_crypto::rsa::{RsaEncryptionScheme, RsaPrivateKey, RsaSignatureScheme, SignatureHash};
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{
    Attribute, AttributeValue, CryptographicDomainParameters, CryptographicParameters,
    TemplateAttribute,
};
use keyward_kmip::enums::*;
use keyward_kmip::objects::{
    EncryptionKeyInformation, KeyBlock, KeyMaterial, KeyValue, KeyWrappingSpecification, Object,
    PrivateKey, SymmetricKey,
};
use keyward_kmip::operations::*;
use keyward_ttlv::{Limits, binary};

const WRAP: u32 = CryptographicUsageMask::WRAP_KEY.0;
const UNWRAP: u32 = CryptographicUsageMask::UNWRAP_KEY.0;
const SIGN: u32 = CryptographicUsageMask::SIGN.0;
const VERIFY: u32 = CryptographicUsageMask::VERIFY.0;

fn get_request(id: &str, format: Option<KeyFormatType>) -> GetRequest {
    GetRequest { unique_identifier: Some(id.into()), key_format_type: format, ..Default::default() }
}

fn block(object: &Object) -> &KeyBlock {
    object.key_block().unwrap()
}

fn material_bytes(object: &Object) -> Vec<u8> {
    match block(object).key_material().unwrap() {
        KeyMaterial::Bytes(b) => b.as_slice().to_vec(),
        other => panic!("not bytes: {other:?}"),
    }
}

fn algorithm(a: CryptographicAlgorithm) -> Attribute {
    Attribute::new(AttributeValue::CryptographicAlgorithm(a))
}

fn length(bits: i32) -> Attribute {
    Attribute::new(AttributeValue::CryptographicLength(bits))
}

fn active() -> Attribute {
    Attribute::new(AttributeValue::State(State::Active))
}

fn template(attributes: Vec<Attribute>) -> Option<TemplateAttribute> {
    Some(TemplateAttribute::from_attributes(attributes))
}

async fn create_pair(
    env: &Env,
    caller: &keyward_core::Caller,
    common: Vec<Attribute>,
    private: Vec<Attribute>,
    public: Vec<Attribute>,
) -> (String, String) {
    let request = CreateKeyPairRequest {
        common_template_attribute: template(common),
        private_key_template_attribute: template(private),
        public_key_template_attribute: template(public),
    };
    match run(&env.kms, caller, request).await.unwrap() {
        ResponsePayload::CreateKeyPair(r) => {
            (r.private_key_unique_identifier, r.public_key_unique_identifier)
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn links(attrs: &[Attribute]) -> Vec<(LinkType, String)> {
    attrs
        .iter()
        .filter_map(|a| match &a.value {
            AttributeValue::Link(l) => Some((l.link_type, l.linked_object_identifier.clone())),
            _ => None,
        })
        .collect()
}

fn usage_mask(attrs: &[Attribute]) -> u32 {
    attrs
        .iter()
        .find_map(|a| match &a.value {
            AttributeValue::CryptographicUsageMask(m) => Some(m.0),
            _ => None,
        })
        .unwrap_or(0)
}

fn spec(
    kek: &str,
    params: Option<CryptographicParameters>,
    encoding: Option<EncodingOption>,
) -> KeyWrappingSpecification {
    KeyWrappingSpecification {
        wrapping_method: WrappingMethod::Encrypt,
        encryption_key_information: Some(EncryptionKeyInformation {
            unique_identifier: kek.into(),
            cryptographic_parameters: params,
        }),
        mac_signature_key_information: None,
        attribute_names: vec![],
        encoding_option: encoding,
    }
}

fn wrapped_get(id: &str, spec: KeyWrappingSpecification) -> GetRequest {
    GetRequest {
        unique_identifier: Some(id.into()),
        key_wrapping_specification: Some(spec),
        ..Default::default()
    }
}

fn raw_aes(bytes: Vec<u8>) -> Object {
    let bits = i32::try_from(bytes.len() * 8).unwrap();
    Object::SymmetricKey(SymmetricKey {
        key_block: KeyBlock::new(
            KeyFormatType::Raw,
            KeyMaterial::Bytes(Bytes::new(bytes)),
            Some(CryptographicAlgorithm::AES),
            Some(bits),
        ),
    })
}

/// Gets `id` in `format`, registers the result, and checks the registered
/// copy reads back (in `canonical`) exactly like the original.
async fn round_trip(
    env: &Env,
    caller: &keyward_core::Caller,
    id: &str,
    format: KeyFormatType,
    canonical: KeyFormatType,
) -> String {
    let got = get(env, caller, get_request(id, Some(format))).await.unwrap();
    let block = block(&got);
    assert_eq!(block.key_format_type, format);
    assert!(
        matches!(&block.key_value, Some(KeyValue::Plain { attributes, .. }) if attributes.is_empty()),
        "the Key Value carries key material only"
    );
    let copy = register(env, caller, got.clone(), vec![]).await.unwrap();
    let original = get(env, caller, get_request(id, Some(canonical))).await.unwrap();
    let again = get(env, caller, get_request(&copy, Some(canonical))).await.unwrap();
    assert_eq!(block_material(&original), block_material(&again), "{format:?}");
    copy
}

fn block_material(object: &Object) -> KeyMaterial {
    block(object).key_material().unwrap().clone()
}

fn sign_and_verify(private: &Object, public: &Object) {
    let message = b"keyward";
    match (usable_key(private).unwrap(), usable_key(public).unwrap()) {
        (UsableKey::RsaPrivate(k), UsableKey::RsaPublic(p)) => {
            let scheme = RsaSignatureScheme::Pss(SignatureHash::Sha256);
            let signature = k.sign(scheme, message).unwrap();
            p.verify(scheme, message, &signature).unwrap();
        }
        (UsableKey::EcPrivate(k), UsableKey::EcPublic(p)) => {
            let signature = k.sign(message, SignatureFormat::Der).unwrap();
            p.verify(message, &signature, SignatureFormat::Der).unwrap();
        }
        (UsableKey::Ed25519Private(k), UsableKey::Ed25519Public(p)) => {
            p.verify(message, &k.sign(message)).unwrap();
        }
        _ => panic!("not a key pair"),
    }
}

#[tokio::test]
async fn get_in_every_format_and_register_the_result() {
    let env = env().await;
    let caller = root("d1", "acme");
    use KeyFormatType as F;

    let aes = create(&env, &caller, "aes").await;
    let plain = get(&env, &caller, get_request(&aes, None)).await.unwrap();
    assert_eq!(block(&plain).key_format_type, F::Raw, "as generated");
    for format in [F::Raw, F::TransparentSymmetricKey] {
        round_trip(&env, &caller, &aes, format, F::Raw).await;
    }
    let err = get(&env, &caller, get_request(&aes, Some(F::PKCS1))).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::KeyFormatTypeNotSupported, "{err}");
    assert!(err.to_string().contains("Raw, Transparent Symmetric Key"), "{err}");

    let cases: [(Vec<Attribute>, Vec<F>, Vec<F>); 3] = [
        (
            vec![algorithm(CryptographicAlgorithm::RSA), length(2048)],
            vec![F::PKCS1, F::PKCS8, F::TransparentRSAPrivateKey],
            vec![F::PKCS1, F::X509, F::TransparentRSAPublicKey],
        ),
        (
            vec![algorithm(CryptographicAlgorithm::ECDSA), length(256)],
            vec![
                F::ECPrivateKey,
                F::PKCS8,
                F::TransparentECPrivateKey,
                F::TransparentECDSAPrivateKey,
            ],
            vec![F::X509, F::TransparentECPublicKey, F::TransparentECDSAPublicKey],
        ),
        (vec![algorithm(ED25519)], vec![F::PKCS8, F::Raw], vec![F::X509, F::Raw]),
    ];
    for (common, private_formats, public_formats) in cases {
        let (private, public) = create_pair(&env, &caller, common, vec![], vec![]).await;
        for format in private_formats {
            let copy = round_trip(&env, &caller, &private, format, F::PKCS8).await;
            // The registered copy is a working key: it signs for the original public key.
            let signer = get(&env, &caller, get_request(&copy, None)).await.unwrap();
            let verifier = get(&env, &caller, get_request(&public, None)).await.unwrap();
            sign_and_verify(&signer, &verifier);
        }
        for format in public_formats {
            round_trip(&env, &caller, &public, format, F::X509).await;
        }
        let err = get(&env, &caller, get_request(&private, Some(F::X509))).await.unwrap_err();
        assert_eq!(err.reason(), ResultReason::KeyFormatTypeNotSupported, "{err}");
        let err = get(&env, &caller, get_request(&public, Some(F::PKCS8))).await.unwrap_err();
        assert_eq!(err.reason(), ResultReason::KeyFormatTypeNotSupported, "{err}");
    }
}

#[tokio::test]
async fn wrapped_get_unwraps_to_the_original_key() {
    let env = env().await;
    let caller = root("d1", "acme");

    // KMIP TC-141: the NIST key wrap test vector (RFC 3394 §4.1).
    let kek_bytes: Vec<u8> = (0u8..16).collect();
    let kek = register(
        &env,
        &caller,
        raw_aes(kek_bytes.clone()),
        vec![
            mask(WRAP | UNWRAP),
            Attribute::new(AttributeValue::CryptographicParameters(CryptographicParameters {
                block_cipher_mode: Some(BlockCipherMode::NISTKeyWrap),
                ..Default::default()
            })),
            active(),
        ],
    )
    .await
    .unwrap();
    let dek_bytes = hex::decode("00112233445566778899aabbccddeeff").unwrap();
    let dek = register(&env, &caller, raw_aes(dek_bytes.clone()), vec![]).await.unwrap();
    let wrapped =
        get(&env, &caller, wrapped_get(&dek, spec(&kek, None, Some(EncodingOption::NoEncoding))))
            .await
            .unwrap();
    let b = block(&wrapped);
    let Some(KeyValue::Wrapped(bytes)) = &b.key_value else { panic!("not wrapped") };
    assert_eq!(hex::encode(bytes.as_slice()), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
    let data = b.key_wrapping_data.as_ref().unwrap();
    assert_eq!(data.wrapping_method, WrappingMethod::Encrypt);
    assert_eq!(data.encryption_key_information.as_ref().unwrap().unique_identifier, kek);
    let unwrapped =
        AesKek::new(&kek_bytes).unwrap().unwrap(KeyWrapAlgorithm::AesKw, bytes.as_slice()).unwrap();
    assert_eq!(&unwrapped[..], &dek_bytes[..]);

    // TTLV encoding: the wrapped Key Value structure.
    let wrapped =
        get(&env, &caller, wrapped_get(&dek, spec(&kek, None, Some(EncodingOption::TTLVEncoding))))
            .await
            .unwrap();
    let Some(KeyValue::Wrapped(bytes)) = &block(&wrapped).key_value else { panic!() };
    let ttlv =
        AesKek::new(&kek_bytes).unwrap().unwrap(KeyWrapAlgorithm::AesKw, bytes.as_slice()).unwrap();
    let item = binary::decode(&ttlv, &Limits::default()).unwrap();
    match KeyValue::decode(KeyFormatType::Raw, item).unwrap() {
        KeyValue::Plain { key_material: KeyMaterial::Bytes(b), .. } => {
            assert_eq!(b.as_slice(), &dek_bytes[..])
        }
        other => panic!("unexpected {other:?}"),
    }

    // A wrapped key block registered as is: kept wrapped, unwrapped on request.
    let registered = register(&env, &caller, wrapped.clone(), vec![]).await.unwrap();
    let as_registered = get(&env, &caller, get_request(&registered, None)).await.unwrap();
    assert!(matches!(block(&as_registered).key_value, Some(KeyValue::Wrapped(_))));
    let request = GetRequest {
        unique_identifier: Some(registered.clone()),
        key_wrap_type: Some(KeyWrapType::NotWrapped),
        ..Default::default()
    };
    assert_eq!(material_bytes(&get(&env, &caller, request).await.unwrap()), dek_bytes);

    // RSA-OAEP with a public key; the common mask is split between the keys.
    let (private, public) = create_pair(
        &env,
        &caller,
        vec![algorithm(CryptographicAlgorithm::RSA), length(2048), mask(WRAP | UNWRAP), active()],
        vec![],
        vec![],
    )
    .await;
    let wrapped = get(&env, &caller, wrapped_get(&dek, spec(&public, None, None))).await.unwrap();
    let b = block(&wrapped);
    let Some(KeyValue::Wrapped(bytes)) = &b.key_value else { panic!("not wrapped") };
    let used = b.key_wrapping_data.as_ref().unwrap().encryption_key_information.as_ref().unwrap();
    let params = used.cryptographic_parameters.as_ref().unwrap();
    assert_eq!(params.padding_method, Some(PaddingMethod::OAEP));
    assert_eq!(params.hashing_algorithm, Some(HashingAlgorithm::SHA256));
    let private_pkcs8 = material_bytes(
        &get(&env, &caller, get_request(&private, Some(KeyFormatType::PKCS8))).await.unwrap(),
    );
    let rsa = RsaPrivateKey::from_pkcs8(&private_pkcs8).unwrap();
    let scheme = RsaEncryptionScheme::oaep(HashAlgorithm::Sha256, HashAlgorithm::Sha256).unwrap();
    assert_eq!(&rsa.decrypt(scheme, bytes.as_slice()).unwrap()[..], &dek_bytes[..]);
    // Registered back, it is unwrapped with the private key linked to the public one.
    let registered = register(&env, &caller, wrapped, vec![]).await.unwrap();
    let request = GetRequest {
        unique_identifier: Some(registered),
        key_wrap_type: Some(KeyWrapType::NotWrapped),
        ..Default::default()
    };
    assert_eq!(material_bytes(&get(&env, &caller, request).await.unwrap()), dek_bytes);

    // The wrapping key must be Active and allowed to wrap.
    let no_wrap =
        register(&env, &caller, raw_aes(vec![7; 32]), vec![mask(UNWRAP), active()]).await.unwrap();
    let err = get(&env, &caller, wrapped_get(&dek, spec(&no_wrap, None, None))).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied, "{err}");
    let pre_active = register(&env, &caller, raw_aes(vec![8; 32]), vec![mask(WRAP)]).await.unwrap();
    let err =
        get(&env, &caller, wrapped_get(&dek, spec(&pre_active, None, None))).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied, "{err}");
}

#[tokio::test]
async fn a_non_extractable_or_sensitive_key_is_only_returned_wrapped() {
    let env = env().await;
    let caller = root("d1", "acme");
    let kek = register(&env, &caller, raw_aes(vec![3; 32]), vec![mask(WRAP | UNWRAP), active()])
        .await
        .unwrap();
    for flag in [AttributeValue::Extractable(false), AttributeValue::Sensitive(true)] {
        let mut t = aes_template("secret");
        t.attributes.push(Attribute::new(flag));
        let id = create_with(&env, &caller, t).await;
        let err = get(&env, &caller, get_request(&id, None)).await.unwrap_err();
        assert_eq!(err.reason(), ResultReason::NotExtractable, "{err}");
        let err =
            get(&env, &caller, get_request(&id, Some(KeyFormatType::TransparentSymmetricKey)))
                .await
                .unwrap_err();
        assert_eq!(err.reason(), ResultReason::NotExtractable, "{err}");
        let wrapped = get(&env, &caller, wrapped_get(&id, spec(&kek, None, None))).await.unwrap();
        let Some(KeyValue::Wrapped(bytes)) = &block(&wrapped).key_value else { panic!() };
        assert_eq!(bytes.as_slice().len(), 40);
    }
}

/// What a key that may not leave the server in the clear unwraps may not
/// leave it either: a Sensitive key wrapped by it and registered, or imported
/// unwrapped, as a new object does not come back in the clear.
#[tokio::test]
async fn a_key_unwrapped_by_a_key_that_may_not_leave_stays_in_the_server() {
    let env = env().await;
    let caller = root("d1", "acme");
    let kek = register(
        &env,
        &caller,
        raw_aes(vec![3; 32]),
        vec![mask(WRAP | UNWRAP), active(), Attribute::new(AttributeValue::Sensitive(true))],
    )
    .await
    .unwrap();
    let mut t = aes_template("secret");
    t.attributes.push(Attribute::new(AttributeValue::Sensitive(true)));
    let secret = create_with(&env, &caller, t).await;
    let wrapped = get(&env, &caller, wrapped_get(&secret, spec(&kek, None, None))).await.unwrap();

    // Registered wrapped, then asked for unwrapped.
    let copy = register(&env, &caller, wrapped.clone(), vec![]).await.unwrap();
    let request =
        GetRequest { key_wrap_type: Some(KeyWrapType::NotWrapped), ..get_request(&copy, None) };
    let err = get(&env, &caller, request).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::NotExtractable, "{err}");
    // Still usable wrapped, as registered.
    let kept = get(&env, &caller, get_request(&copy, None)).await.unwrap();
    assert!(matches!(block(&kept).key_value, Some(KeyValue::Wrapped(_))));

    // Imported with the server asked to unwrap it: stored Sensitive, whatever
    // the request's attributes say.
    let import = ImportRequest {
        unique_identifier: "imported-unwrapped".into(),
        replace_existing: None,
        key_wrap_type: Some(KeyWrapType::NotWrapped),
        attributes: vec![Attribute::new(AttributeValue::Sensitive(false))],
        object: wrapped,
    };
    run(&env.kms, &caller, import).await.unwrap();
    let err = get(&env, &caller, get_request("imported-unwrapped", None)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::NotExtractable, "{err}");
}

/// IAM is checked on every object an operation uses, not only the one the
/// request names: a key the caller may not use cannot wrap or unwrap for it.
#[tokio::test]
async fn a_denied_key_cannot_be_used_through_another_object() {
    let env = env().await;
    let owner = root("d1", "acme");
    let kek = register(&env, &owner, raw_aes(vec![5; 32]), vec![mask(WRAP | UNWRAP), active()])
        .await
        .unwrap();
    let key = create(&env, &owner, "data-key").await;
    let wrapped = get(&env, &owner, wrapped_get(&key, spec(&kek, None, None))).await.unwrap();
    let stored_wrapped = register(&env, &owner, wrapped, vec![]).await.unwrap();

    let allow = r#"{"id":"p1","name":"all","identities":["urn:v1:eu:identity:user:acme/alice"],
        "resources":["urn:v1:eu:resource:okms:d1/*"],"allow":["okms:kmip:*"]}"#;
    let deny = format!(
        r#"{{"id":"p2","name":"not-the-kek","identities":["urn:v1:eu:identity:user:acme/alice"],
        "resources":["urn:v1:eu:resource:okms:d1/kmip/{kek}"],"deny":["okms:kmip:*"]}}"#
    );
    env.store.create_policy("acme", "p1", "all", allow).await.unwrap();
    env.store.create_policy("acme", "p2", "not-the-kek", &deny).await.unwrap();
    let alice = keyward_core::Caller::new(
        "d1",
        keyward_core::Door::Kmip,
        vec!["urn:v1:eu:identity:user:acme/alice".parse().unwrap()],
    );
    // Allowed on the data key itself; the KEK is refused directly…
    get(&env, &alice, get_request(&key, None)).await.unwrap();
    let err = get(&env, &alice, get_request(&kek, None)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied, "{err}");
    // …and through the data key: wrapping with it, and unwrapping with it.
    let err = get(&env, &alice, wrapped_get(&key, spec(&kek, None, None))).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied, "{err}");
    assert!(err.to_string().contains(&kek), "{err}");
    let request = GetRequest {
        key_wrap_type: Some(KeyWrapType::NotWrapped),
        ..get_request(&stored_wrapped, None)
    };
    let err = get(&env, &alice, request).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied, "{err}");
}

#[tokio::test]
async fn create_key_pair_links_both_ways_and_the_pair_works() {
    let env = env().await;
    let caller = root("d1", "acme");
    let curve = Attribute::new(AttributeValue::CryptographicDomainParameters(
        CryptographicDomainParameters {
            qlength: None,
            recommended_curve: Some(RecommendedCurve::P256),
        },
    ));
    for (common, private_format, public_format) in [
        (
            vec![algorithm(CryptographicAlgorithm::RSA), length(2048)],
            KeyFormatType::PKCS1,
            KeyFormatType::PKCS1,
        ),
        (
            vec![algorithm(CryptographicAlgorithm::EC), curve.clone()],
            KeyFormatType::PKCS8,
            KeyFormatType::X509,
        ),
    ] {
        let mut common = common;
        common.push(mask(SIGN | VERIFY));
        common.push(name("pair"));
        let (private, public) = create_pair(&env, &caller, common, vec![], vec![]).await;
        let private_attrs = attributes(&env, &caller, &private, &[]).await;
        let public_attrs = attributes(&env, &caller, &public, &[]).await;
        assert_eq!(links(&private_attrs), [(LinkType::PublicKeyLink, public.clone())]);
        assert_eq!(links(&public_attrs), [(LinkType::PrivateKeyLink, private.clone())]);
        assert_eq!(usage_mask(&private_attrs), SIGN, "the private key signs");
        assert_eq!(usage_mask(&public_attrs), VERIFY, "the public key verifies");
        let private_key = get(&env, &caller, get_request(&private, None)).await.unwrap();
        let public_key = get(&env, &caller, get_request(&public, None)).await.unwrap();
        assert_eq!(block(&private_key).key_format_type, private_format);
        assert_eq!(block(&public_key).key_format_type, public_format);
        assert_eq!(
            block(&private_key).cryptographic_length,
            block(&public_key).cryptographic_length
        );
        sign_and_verify(&private_key, &public_key);
    }

    // A specific template's mask wins over the common one; bad sizes are refused.
    let (private, _) = create_pair(
        &env,
        &caller,
        vec![algorithm(CryptographicAlgorithm::EC), length(384), mask(SIGN | VERIFY)],
        vec![mask(SIGN)],
        vec![],
    )
    .await;
    assert_eq!(usage_mask(&attributes(&env, &caller, &private, &[]).await), SIGN);
    let request = CreateKeyPairRequest {
        common_template_attribute: template(vec![
            algorithm(CryptographicAlgorithm::RSA),
            length(1024),
        ]),
        ..Default::default()
    };
    let err = run(&env.kms, &caller, request).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::InvalidField, "{err}");
    let request = CreateKeyPairRequest {
        common_template_attribute: template(vec![
            algorithm(CryptographicAlgorithm::EC),
            length(384),
            curve,
        ]),
        ..Default::default()
    };
    let err = run(&env.kms, &caller, request).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::InvalidField, "{err}");
}

#[tokio::test]
async fn rekey_links_replacement_and_replaced_and_moves_the_names() {
    let env = env().await;
    let caller = root("d1", "acme");
    let old = create(&env, &caller, "rotating").await;
    run(&env.kms, &caller, ActivateRequest::new(&old)).await.unwrap();
    env.clock.advance(10);
    let request = ReKeyRequest {
        unique_identifier: Some(old.clone()),
        offset: Some(keyward_kmip::Interval(3600)),
        template_attribute: None,
    };
    let new = match run(&env.kms, &caller, request).await.unwrap() {
        ResponsePayload::ReKey(r) => r.unique_identifier,
        other => panic!("unexpected {other:?}"),
    };
    assert_ne!(new, old);
    let old_attrs = attributes(&env, &caller, &old, &[]).await;
    let new_attrs = attributes(&env, &caller, &new, &[]).await;
    assert_eq!(links(&old_attrs), [(LinkType::ReplacementObjectLink, new.clone())]);
    assert_eq!(links(&new_attrs), [(LinkType::ReplacedObjectLink, old.clone())]);
    assert_eq!(state(&env, &caller, &old).await, State::Active, "the old key is untouched");
    assert_eq!(state(&env, &caller, &new).await, State::PreActive);
    assert!(
        new_attrs
            .iter()
            .any(|a| a.value == AttributeValue::ActivationDate((T0 + 10 + 3600).into()))
    );
    assert!(
        new_attrs
            .iter()
            .any(|a| matches!(&a.value, AttributeValue::Name(n) if n.value == "rotating"))
    );
    assert!(!old_attrs.iter().any(|a| matches!(a.value, AttributeValue::Name(_))));
    let old_key = material_bytes(&get(&env, &caller, get_request(&old, None)).await.unwrap());
    let new_key = material_bytes(&get(&env, &caller, get_request(&new, None)).await.unwrap());
    assert_eq!(new_key.len(), 32);
    assert_ne!(old_key, new_key);
    env.clock.advance(3600);
    assert_eq!(state(&env, &caller, &new).await, State::Active, "activated by its date");

    // Re-key Key Pair: both keys replaced, the new pair linked together.
    let (private, public) = create_pair(
        &env,
        &caller,
        vec![algorithm(CryptographicAlgorithm::EC), length(256), mask(SIGN | VERIFY)],
        vec![],
        vec![],
    )
    .await;
    let request = ReKeyKeyPairRequest {
        private_key_unique_identifier: Some(private.clone()),
        ..Default::default()
    };
    let (new_private, new_public) = match run(&env.kms, &caller, request).await.unwrap() {
        ResponsePayload::ReKeyKeyPair(r) => {
            (r.private_key_unique_identifier, r.public_key_unique_identifier)
        }
        other => panic!("unexpected {other:?}"),
    };
    let mut expect = vec![
        (LinkType::PublicKeyLink, new_public.clone()),
        (LinkType::ReplacedObjectLink, private.clone()),
    ];
    let mut got = links(&attributes(&env, &caller, &new_private, &[]).await);
    got.sort_by_key(|l| format!("{l:?}"));
    expect.sort_by_key(|l| format!("{l:?}"));
    assert_eq!(got, expect);
    assert!(
        links(&attributes(&env, &caller, &public, &[]).await)
            .contains(&(LinkType::ReplacementObjectLink, new_public.clone()))
    );
    assert_eq!(usage_mask(&attributes(&env, &caller, &new_public, &[]).await), VERIFY);
    let signer = get(&env, &caller, get_request(&new_private, None)).await.unwrap();
    let verifier = get(&env, &caller, get_request(&new_public, None)).await.unwrap();
    sign_and_verify(&signer, &verifier);
}

#[tokio::test]
async fn register_refuses_broken_material_and_stores_nothing() {
    let env = env_with(Config {
        algorithms: keyward_crypto::policy::Policy::fips(),
        ..Config::default()
    })
    .await;
    let caller = root("d1", "acme");
    let before = env.store.count_objects("d1").await.unwrap();
    let garbage = |format| {
        Object::PrivateKey(PrivateKey {
            key_block: KeyBlock::new(
                format,
                KeyMaterial::Bytes(Bytes::new(b"not a key at all".to_vec())),
                Some(CryptographicAlgorithm::RSA),
                Some(2048),
            ),
        })
    };
    for object in [
        garbage(KeyFormatType::PKCS1),
        garbage(KeyFormatType::PKCS8),
        // A 128-bit AES key that claims 256 bits.
        Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(vec![1; 16])),
                Some(CryptographicAlgorithm::AES),
                Some(256),
            ),
        }),
        // Symmetric material without an algorithm, claiming the wrong length.
        Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(vec![1; 16])),
                None,
                Some(256),
            ),
        }),
        // AES material of a length AES does not have.
        raw_aes(vec![1; 20]),
    ] {
        let err = register(&env, &caller, object, vec![]).await.unwrap_err();
        assert_eq!(err.reason(), ResultReason::InvalidField, "{err}");
    }
    // RSA material declared as EC.
    let (private, _) = create_pair(
        &env,
        &caller,
        vec![algorithm(CryptographicAlgorithm::RSA), length(2048)],
        vec![],
        vec![],
    )
    .await;
    let mut rsa = get(&env, &caller, get_request(&private, None)).await.unwrap();
    rsa.key_block_mut().unwrap().cryptographic_algorithm = None;
    let err = register(&env, &caller, rsa.clone(), vec![algorithm(CryptographicAlgorithm::EC)])
        .await
        .unwrap_err();
    assert_eq!(err.reason(), ResultReason::InvalidField, "{err}");
    // The FIPS policy refuses a 1024-bit RSA key.
    let rsa1024 = Object::PrivateKey(PrivateKey {
        key_block: KeyBlock::new(
            KeyFormatType::PKCS1,
            KeyMaterial::Bytes(Bytes::new(
                include_bytes!("../../crypto/tests/fixtures/rsa1024_pkcs1.der").to_vec(),
            )),
            None,
            None,
        ),
    });
    let err = register(&env, &caller, rsa1024, vec![]).await.unwrap_err();
    assert!(matches!(err, Error::Policy(_)), "{err}");
    assert_eq!(env.store.count_objects("d1").await.unwrap(), before + 2, "only the pair");

    // Algorithm and length come from the material when not given.
    let copy = register(&env, &caller, rsa, vec![]).await.unwrap();
    let attrs =
        attributes(&env, &caller, &copy, &["Cryptographic Algorithm", "Cryptographic Length"])
            .await;
    assert!(attrs.iter().any(|a| a.value == AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::RSA)));
    assert!(attrs.iter().any(|a| a.value == AttributeValue::CryptographicLength(2048)));
}

#[tokio::test]
async fn register_reads_certificate_attributes() {
    let env = env().await;
    let caller = root("d1", "acme");
    let der = include_bytes!("fixtures/ec_p256_cert.der").to_vec();
    let cert = Object::Certificate(keyward_kmip::objects::Certificate {
        certificate_type: CertificateType::X509,
        certificate_value: Bytes::new(der.clone()),
    });
    let id = register(&env, &caller, cert, vec![]).await.unwrap();
    let attrs = attributes(&env, &caller, &id, &[]).await;
    let has = |v: AttributeValue| attrs.iter().any(|a| a.value == v);
    assert!(has(AttributeValue::CertificateType(CertificateType::X509)));
    assert!(has(AttributeValue::CertificateLength(i32::try_from(der.len()).unwrap())));
    assert!(has(AttributeValue::DigitalSignatureAlgorithm(
        DigitalSignatureAlgorithm::ECDSAWithSHA256
    )));
    assert!(has(AttributeValue::CryptographicLength(256)));
    assert!(attrs.iter().any(|a| matches!(a.value, AttributeValue::X509CertificateSubject(_))));
    assert!(attrs.iter().any(|a| matches!(a.value, AttributeValue::X509CertificateIdentifier(_))));
    let broken = Object::Certificate(keyward_kmip::objects::Certificate {
        certificate_type: CertificateType::X509,
        certificate_value: Bytes::new(der[..100].to_vec()),
    });
    let err = register(&env, &caller, broken, vec![]).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::InvalidField, "{err}");
}

#[tokio::test]
async fn export_then_import_round_trips_object_and_attributes() {
    let env = env().await;
    let caller = root("d1", "acme");
    let id = create(&env, &caller, "exported").await;
    run(&env.kms, &caller, ActivateRequest::new(&id)).await.unwrap();
    let exported = match run(
        &env.kms,
        &caller,
        ExportRequest { unique_identifier: Some(id.clone()), ..Default::default() },
    )
    .await
    .unwrap()
    {
        ResponsePayload::Export(r) => r,
        other => panic!("unexpected {other:?}"),
    };
    assert!(exported.attributes.iter().any(|a| a.value == AttributeValue::State(State::Active)));

    let import = ImportRequest {
        unique_identifier: "imported-1".into(),
        replace_existing: None,
        key_wrap_type: None,
        attributes: exported.attributes.clone(),
        object: exported.object.clone(),
    };
    run(&env.kms, &caller, import.clone()).await.unwrap();
    assert_eq!(state(&env, &caller, "imported-1").await, State::Active);
    let names = attributes(&env, &caller, "imported-1", &["Name"]).await;
    assert!(
        names.iter().any(|a| matches!(&a.value, AttributeValue::Name(n) if n.value == "exported"))
    );
    let original = material_bytes(&get(&env, &caller, get_request(&id, None)).await.unwrap());
    let imported =
        material_bytes(&get(&env, &caller, get_request("imported-1", None)).await.unwrap());
    assert_eq!(original, imported);

    // An existing identifier is only replaced on request.
    let err = run(&env.kms, &caller, import.clone()).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::InvalidField, "{err}");
    let replacement =
        ImportRequest { replace_existing: Some(true), object: raw_aes(vec![9; 32]), ..import };
    run(&env.kms, &caller, replacement).await.unwrap();
    assert_eq!(
        material_bytes(&get(&env, &caller, get_request("imported-1", None)).await.unwrap()),
        vec![9; 32]
    );
}

#[tokio::test]
async fn archived_objects_answer_object_archived_until_recovered() {
    let env = env().await;
    let caller = root("d1", "acme");
    let id = create(&env, &caller, "cold").await;
    let _other = create(&env, &caller, "warm").await;
    run(&env.kms, &caller, ArchiveRequest::new(&id)).await.unwrap();
    let err = get(&env, &caller, get_request(&id, None)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::ObjectArchived, "{err}");
    assert!(attributes(&env, &caller, &id, &["Archive Date"]).await.len() == 1);

    let locate = |mask: Option<u32>, name_value: &str| LocateRequest {
        storage_status_mask: mask.map(StorageStatusMask),
        attributes: vec![name(name_value)],
        ..Default::default()
    };
    let found = |r: ResponsePayload| match r {
        ResponsePayload::Locate(r) => r.unique_identifiers,
        other => panic!("unexpected {other:?}"),
    };
    let archival = StorageStatusMask::ARCHIVAL_STORAGE.0;
    let both = archival | StorageStatusMask::ON_LINE_STORAGE.0;
    assert!(found(run(&env.kms, &caller, locate(None, "cold")).await.unwrap()).is_empty());
    assert_eq!(
        found(run(&env.kms, &caller, locate(Some(archival), "cold")).await.unwrap()),
        std::slice::from_ref(&id)
    );
    assert_eq!(
        found(run(&env.kms, &caller, locate(Some(both), "cold")).await.unwrap()),
        std::slice::from_ref(&id)
    );
    assert!(
        found(run(&env.kms, &caller, locate(Some(archival), "warm")).await.unwrap()).is_empty()
    );
    let all = LocateRequest::default();
    assert_eq!(found(run(&env.kms, &caller, all).await.unwrap()).len(), 1, "only the on-line key");

    run(&env.kms, &caller, RecoverRequest::new(&id)).await.unwrap();
    get(&env, &caller, get_request(&id, None)).await.unwrap();
    assert_eq!(
        found(run(&env.kms, &caller, locate(None, "cold")).await.unwrap()),
        std::slice::from_ref(&id)
    );
    assert!(attributes(&env, &caller, &id, &["Archive Date"]).await.is_empty());
}

#[tokio::test]
async fn check_names_what_the_object_does_not_allow() {
    let env = env().await;
    let caller = root("d1", "acme");
    let id = create(&env, &caller, "checked").await;
    let check = |bits: u32| CheckRequest {
        unique_identifier: Some(id.clone()),
        cryptographic_usage_mask: Some(CryptographicUsageMask(bits)),
        ..Default::default()
    };
    match run(&env.kms, &caller, check(CryptographicUsageMask::ENCRYPT.0)).await.unwrap() {
        ResponsePayload::Check(r) => assert_eq!(r.unique_identifier, id),
        other => panic!("unexpected {other:?}"),
    }
    let err = run(&env.kms, &caller, check(SIGN)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied);
    assert!(err.to_string().contains("Cryptographic Usage Mask"), "{err}");
}

/// A PGP Key (KMIP 1.2) is registered, read back exactly as given, found by
/// its Object Type, and destroyed like any other object.
#[tokio::test]
async fn pgp_key_registers_reads_back_locates_and_destroys() {
    let env = env().await;
    let caller = root("d1", "acme");
    // An OpenPGP public-key packet (version 4, Ed25519), kept as opaque bytes.
    let packet = hex::decode(
        "98330465d5a2a016092b06010401da470f0101074020e6b0d2f3a1c4b5968778695a4b3c2d1e0f\
         00112233445566778899aabbccddeeff",
    )
    .unwrap();
    let pgp = Object::PgpKey(keyward_kmip::objects::PgpKey {
        pgp_key_version: 4,
        key_block: KeyBlock::new(
            KeyFormatType::Opaque,
            KeyMaterial::Bytes(Bytes::new(packet)),
            None,
            None,
        ),
    });
    let id = register(&env, &caller, pgp.clone(), vec![name("release-signing")]).await.unwrap();

    assert_eq!(get(&env, &caller, get_request(&id, None)).await.unwrap(), pgp);
    let attrs = attributes(&env, &caller, &id, &["Object Type"]).await;
    assert!(matches!(&attrs[..], [a] if a.value == AttributeValue::ObjectType(ObjectType::PGPKey)));

    let located = match run(
        &env.kms,
        &caller,
        LocateRequest {
            attributes: vec![Attribute::new(AttributeValue::ObjectType(ObjectType::PGPKey))],
            ..Default::default()
        },
    )
    .await
    .unwrap()
    {
        ResponsePayload::Locate(r) => r.unique_identifiers,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(located, vec![id.clone()]);

    run(&env.kms, &caller, DestroyRequest { unique_identifier: Some(id.clone()) }).await.unwrap();
    let err = get(&env, &caller, get_request(&id, None)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::KeyValueNotPresent, "{err}");
}
