//! The cryptographic operations end to end through `Kms::execute` on a real
//! SQLite store: every mode and scheme round trip, the OASIS CS-BC-M /
//! CS-AC-M expectations (vectors and Result Reasons), published vectors, and
//! the usage rules (mask, dates, usage limits, destroyed keys).

#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, T0, env, root, run};
use keyward_core::{Caller, Error};
use keyward_crypto::ecdsa::{Curve, EcPrivateKey};
use keyward_crypto::eddsa::Ed25519PrivateKey;
use keyward_crypto::rsa::{RsaBits, RsaPrivateKey};
use keyward_kmip::attributes::{
    Attribute, AttributeValue, CryptographicParameters, RevocationReason, TemplateAttribute,
    UsageLimits,
};
use keyward_kmip::enums::*;
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object, PrivateKey, PublicKey, SymmetricKey};
use keyward_kmip::operations::*;
use keyward_kmip::{Bytes, DateTime};

const ENC_DEC: u32 = 4 | 8;
const SIGN: u32 = 1;
const VERIFY: u32 = 2;
const MAC_BOTH: u32 = 0x80 | 0x100;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn b(s: &str) -> Bytes {
    Bytes::new(h(s))
}

fn mask(bits: u32) -> Attribute {
    Attribute::new(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(bits)))
}

fn active_since(seconds: i64) -> Attribute {
    Attribute::new(AttributeValue::ActivationDate(DateTime(T0 - seconds)))
}

fn params(p: CryptographicParameters) -> Attribute {
    Attribute::new(AttributeValue::CryptographicParameters(p))
}

fn mode(m: BlockCipherMode, padding: Option<PaddingMethod>) -> CryptographicParameters {
    CryptographicParameters {
        block_cipher_mode: Some(m),
        padding_method: padding,
        ..Default::default()
    }
}

async fn register(
    env: &Env,
    caller: &Caller,
    object: Object,
    attributes: Vec<Attribute>,
) -> String {
    let request = RegisterRequest {
        template_attribute: TemplateAttribute::from_attributes(attributes),
        object,
    };
    match run(&env.kms, caller, request).await.unwrap() {
        ResponsePayload::Register(r) => r.unique_identifier,
        other => panic!("unexpected {other:?}"),
    }
}

fn symmetric(key: &[u8], algorithm: CryptographicAlgorithm) -> Object {
    Object::SymmetricKey(SymmetricKey {
        key_block: KeyBlock::new(
            KeyFormatType::Raw,
            KeyMaterial::Bytes(Bytes::new(key.to_vec())),
            Some(algorithm),
            Some(i32::try_from(key.len() * 8).unwrap()),
        ),
    })
}

fn private(
    format: KeyFormatType,
    der: &[u8],
    algorithm: CryptographicAlgorithm,
    bits: i32,
) -> Object {
    Object::PrivateKey(PrivateKey {
        key_block: KeyBlock::new(
            format,
            KeyMaterial::Bytes(Bytes::new(der.to_vec())),
            Some(algorithm),
            Some(bits),
        ),
    })
}

fn public(
    format: KeyFormatType,
    der: &[u8],
    algorithm: CryptographicAlgorithm,
    bits: i32,
) -> Object {
    Object::PublicKey(PublicKey {
        key_block: KeyBlock::new(
            format,
            KeyMaterial::Bytes(Bytes::new(der.to_vec())),
            Some(algorithm),
            Some(bits),
        ),
    })
}

/// An active AES key with this material and usage mask, plus `extra` attributes.
async fn aes_key(
    env: &Env,
    caller: &Caller,
    key: &str,
    bits: u32,
    extra: Vec<Attribute>,
) -> String {
    let mut attributes = vec![mask(bits), active_since(3600)];
    attributes.extend(extra);
    register(env, caller, symmetric(&h(key), CryptographicAlgorithm::AES), attributes).await
}

fn encrypt_request(id: &str, p: Option<CryptographicParameters>, data: &[u8]) -> EncryptRequest {
    EncryptRequest {
        unique_identifier: Some(id.into()),
        cryptographic_parameters: p,
        data: Some(Bytes::new(data.to_vec())),
        ..Default::default()
    }
}

fn decrypt_request(id: &str, p: Option<CryptographicParameters>, data: &[u8]) -> DecryptRequest {
    DecryptRequest {
        unique_identifier: Some(id.into()),
        cryptographic_parameters: p,
        data: Some(Bytes::new(data.to_vec())),
        ..Default::default()
    }
}

async fn encrypt(env: &Env, caller: &Caller, r: EncryptRequest) -> Result<EncryptResponse, Error> {
    match run(&env.kms, caller, r).await? {
        ResponsePayload::Encrypt(r) => Ok(r),
        other => panic!("unexpected {other:?}"),
    }
}

async fn decrypt(env: &Env, caller: &Caller, r: DecryptRequest) -> Result<Vec<u8>, Error> {
    match run(&env.kms, caller, r).await? {
        ResponsePayload::Decrypt(r) => Ok(r.data.unwrap().as_slice().to_vec()),
        other => panic!("unexpected {other:?}"),
    }
}

async fn sign(env: &Env, caller: &Caller, r: SignRequest) -> Result<Vec<u8>, Error> {
    match run(&env.kms, caller, r).await? {
        ResponsePayload::Sign(r) => Ok(r.signature_data.unwrap().as_slice().to_vec()),
        other => panic!("unexpected {other:?}"),
    }
}

async fn verify(
    env: &Env,
    caller: &Caller,
    r: SignatureVerifyRequest,
) -> Result<ValidityIndicator, Error> {
    match run(&env.kms, caller, r).await? {
        ResponsePayload::SignatureVerify(r) => Ok(r.validity_indicator.unwrap()),
        other => panic!("unexpected {other:?}"),
    }
}

fn sign_request(id: &str, p: Option<CryptographicParameters>, data: &[u8]) -> SignRequest {
    SignRequest {
        unique_identifier: Some(id.into()),
        cryptographic_parameters: p,
        data: Some(Bytes::new(data.to_vec())),
        ..Default::default()
    }
}

fn verify_request(
    id: &str,
    p: Option<CryptographicParameters>,
    data: &[u8],
    sig: &[u8],
) -> SignatureVerifyRequest {
    SignatureVerifyRequest {
        unique_identifier: Some(id.into()),
        cryptographic_parameters: p,
        data: Some(Bytes::new(data.to_vec())),
        signature_data: Some(Bytes::new(sig.to_vec())),
        ..Default::default()
    }
}

fn reason<T: std::fmt::Debug>(result: Result<T, Error>) -> ResultReason {
    result.unwrap_err().reason()
}

const KEY_0123: &str = "0123456789abcdef0123456789abcdef";
const BLOCK: &str = "01020304050607080910111213141516";
const DATA_33: &str = "010203040506070809101112131415160102030405060708091011121314151601";

#[tokio::test]
async fn aes_ecb_matches_cs_bc_m_vectors_with_and_without_padding() {
    let env = env().await;
    let caller = root("d1", "acme");
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;
    let ecb = Some(mode(BlockCipherMode::ECB, None));
    let out = encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await.unwrap();
    assert_eq!(out.data.unwrap().as_slice(), h("d9bcce11b0b437b90239552df3a360c9"));
    assert!(out.iv_counter_nonce.is_none() && out.authenticated_encryption_tag.is_none());
    let back =
        decrypt(&env, &caller, decrypt_request(&id, ecb, &h("d9bcce11b0b437b90239552df3a360c9")));
    assert_eq!(back.await.unwrap(), h(BLOCK));

    let pkcs5 = Some(mode(BlockCipherMode::ECB, Some(PaddingMethod::PKCS5)));
    let out = encrypt(&env, &caller, encrypt_request(&id, pkcs5.clone(), &h(BLOCK))).await.unwrap();
    let expected = h("d9bcce11b0b437b90239552df3a360c90efb6bfed93b4d1ea2123ba4db075ff6");
    assert_eq!(out.data.unwrap().as_slice(), expected);
    assert_eq!(
        decrypt(&env, &caller, decrypt_request(&id, pkcs5.clone(), &expected)).await.unwrap(),
        h(BLOCK)
    );

    // Wrong padding: a block that does not end in valid PKCS#5 padding.
    let bad =
        decrypt(&env, &caller, decrypt_request(&id, pkcs5, &h("d9bcce11b0b437b90239552df3a360c9")));
    assert_eq!(reason(bad.await), ResultReason::CryptographicFailure);
    // No padding and a partial block.
    let partial = encrypt(
        &env,
        &caller,
        encrypt_request(&id, Some(mode(BlockCipherMode::ECB, None)), &[1, 2, 3]),
    );
    assert_eq!(reason(partial.await), ResultReason::InvalidField);
}

#[tokio::test]
async fn the_keys_cryptographic_parameters_apply_when_the_request_has_none() {
    // CS-BC-M-1..3: a created key with Cryptographic Parameters {ECB}.
    let env = env().await;
    let caller = root("d1", "acme");
    let id =
        aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![params(mode(BlockCipherMode::ECB, None))])
            .await;
    let out = encrypt(&env, &caller, encrypt_request(&id, None, &h(BLOCK))).await.unwrap();
    assert_eq!(out.data.unwrap().as_slice(), h("d9bcce11b0b437b90239552df3a360c9"));
}

#[tokio::test]
async fn aes_cbc_with_client_iv_random_iv_and_missing_iv() {
    let env = env().await;
    let caller = root("d1", "acme");
    let cbc = Some(mode(BlockCipherMode::CBC, Some(PaddingMethod::PKCS5)));
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;

    // CS-BC-M-10: a client IV; the response carries no IV.
    let mut r = encrypt_request(&id, cbc.clone(), &h(DATA_33));
    r.iv_counter_nonce = Some(b("01020304050607080910111213141516"));
    let out = encrypt(&env, &caller, r).await.unwrap();
    let ct = h(
        "79abc5c23868ad84d388ce61110a62742bda19d694bbcb757dd06617c0d80fb1df2e71864ad9633d7d797e30860df00d",
    );
    assert_eq!(out.data.unwrap().as_slice(), ct);
    assert!(out.iv_counter_nonce.is_none());
    let mut d = decrypt_request(&id, cbc.clone(), &ct);
    d.iv_counter_nonce = Some(b("01020304050607080910111213141516"));
    assert_eq!(decrypt(&env, &caller, d).await.unwrap(), h(DATA_33));

    // CS-BC-M-11: a wrong IV garbles the first block only; a missing IV is Invalid Message.
    let ct = h(
        "e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546",
    );
    let mut d = decrypt_request(&id, cbc.clone(), &ct);
    d.iv_counter_nonce = Some(b("00000000000000000000000000000000"));
    assert_eq!(
        decrypt(&env, &caller, d).await.unwrap(),
        h("fe0000000000000000000000000000000102030405060708091011121314151601")
    );
    let missing = decrypt(&env, &caller, decrypt_request(&id, cbc.clone(), &ct)).await;
    assert_eq!(reason(missing), ResultReason::InvalidMessage);
    let mut short = decrypt_request(&id, cbc, &ct);
    short.iv_counter_nonce = Some(b("0102"));
    assert_eq!(reason(decrypt(&env, &caller, short).await), ResultReason::InvalidField);

    // CS-BC-M-13: Random IV in the key's parameters; the server's IV comes back.
    let random = CryptographicParameters {
        random_iv: Some(true),
        ..mode(BlockCipherMode::CBC, Some(PaddingMethod::PKCS5))
    };
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![params(random)]).await;
    let out = encrypt(&env, &caller, encrypt_request(&id, None, &h(DATA_33))).await.unwrap();
    let iv = out.iv_counter_nonce.unwrap();
    assert_eq!(iv.as_slice().len(), 16);
    let data = out.data.unwrap();
    assert_eq!(
        reason(decrypt(&env, &caller, decrypt_request(&id, None, data.as_slice())).await),
        ResultReason::InvalidMessage
    );
    let mut d = decrypt_request(&id, None, data.as_slice());
    d.iv_counter_nonce = Some(iv);
    assert_eq!(decrypt(&env, &caller, d).await.unwrap(), h(DATA_33));
}

#[tokio::test]
async fn aes_gcm_nist_vectors_tags_and_tag_lengths() {
    let env = env().await;
    let caller = root("d1", "acme");
    let gcm = |tag: i32| {
        Some(CryptographicParameters { tag_length: Some(tag), ..mode(BlockCipherMode::GCM, None) })
    };
    // CS-BC-M-GCM-1 (NIST GCM test case 2).
    let id = aes_key(&env, &caller, "00000000000000000000000000000000", ENC_DEC, vec![]).await;
    let mut r = encrypt_request(&id, gcm(16), &[0; 16]);
    r.iv_counter_nonce = Some(Bytes::new(vec![0; 12]));
    let out = encrypt(&env, &caller, r).await.unwrap();
    assert_eq!(out.data.unwrap().as_slice(), h("0388dace60b6a392f328c2b971b2fe78"));
    assert_eq!(
        out.authenticated_encryption_tag.unwrap().as_slice(),
        h("ab6e47d42cec13bdf53a67b21257bddf")
    );
    assert!(out.iv_counter_nonce.is_none(), "a client IV is not echoed");

    let decrypt_with = |tag_len: i32, iv: &str, ct: &str, tag: &str| {
        let mut d = decrypt_request(&id, gcm(tag_len), &h(ct));
        d.iv_counter_nonce = Some(b(iv));
        d.authenticated_encryption_tag = Some(b(tag));
        d
    };
    let zero_iv = "000000000000000000000000";
    let ct = "0388dace60b6a392f328c2b971b2fe78";
    let tag = "ab6e47d42cec13bdf53a67b21257bddf";
    assert_eq!(
        decrypt(&env, &caller, decrypt_with(16, zero_iv, ct, tag)).await.unwrap(),
        vec![0; 16]
    );
    for (iv, ct, tag) in [
        (zero_iv, ct, "006e47d42cec13bdf53a67b21257bddf"),
        ("ff0000000000000000000000", ct, tag),
        (zero_iv, "ff88dace60b6a392f328c2b971b2fe78", tag),
    ] {
        let err = decrypt(&env, &caller, decrypt_with(16, iv, ct, tag)).await;
        assert_eq!(reason(err), ResultReason::CryptographicFailure);
    }
    // A 12-byte truncated tag still verifies.
    assert_eq!(
        decrypt(&env, &caller, decrypt_with(12, zero_iv, ct, "ab6e47d42cec13bdf53a67b2"))
            .await
            .unwrap(),
        vec![0; 16]
    );
    // Tag lengths 1 and 32 are General Failure, as CS-BC-M-GCM-1 expects.
    for bad in [1, 32] {
        let mut r = encrypt_request(&id, gcm(bad), &[0; 16]);
        r.iv_counter_nonce = Some(Bytes::new(vec![0; 12]));
        assert_eq!(reason(encrypt(&env, &caller, r).await), ResultReason::GeneralFailure);
    }
    // A missing tag is Invalid Message.
    let mut d = decrypt_with(16, zero_iv, ct, tag);
    d.authenticated_encryption_tag = None;
    assert_eq!(reason(decrypt(&env, &caller, d).await), ResultReason::InvalidMessage);

    // NIST GCM test case 4: AAD.
    let id = aes_key(&env, &caller, "feffe9928665731c6d6a8f9467308308", ENC_DEC, vec![]).await;
    let pt = h(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    );
    let mut r = encrypt_request(&id, gcm(16), &pt);
    r.iv_counter_nonce = Some(b("cafebabefacedbaddecaf888"));
    r.authenticated_encryption_additional_data =
        Some(b("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
    let out = encrypt(&env, &caller, r).await.unwrap();
    assert_eq!(
        out.data.unwrap().as_slice(),
        h(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
        )
    );
    assert_eq!(
        out.authenticated_encryption_tag.unwrap().as_slice(),
        h("5bc94fbc3221a5db94fae95ae7121a47")
    );
    // An 8-byte IV (CS-BC-M-GCM-3) is a documented limit of the engine.
    let mut r = encrypt_request(&id, gcm(16), &pt);
    r.iv_counter_nonce = Some(b("cafebabefacedbad"));
    assert_eq!(reason(encrypt(&env, &caller, r).await), ResultReason::FeatureNotSupported);
}

#[tokio::test]
async fn gcm_is_the_default_with_a_server_iv_and_aad_is_bound() {
    let env = env().await;
    let caller = root("d1", "acme");
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;
    let mut r = encrypt_request(&id, None, b"attack at dawn");
    r.authenticated_encryption_additional_data = Some(Bytes::new(b"header".to_vec()));
    let out = encrypt(&env, &caller, r).await.unwrap();
    let iv = out.iv_counter_nonce.unwrap();
    let tag = out.authenticated_encryption_tag.unwrap();
    assert_eq!((iv.as_slice().len(), tag.as_slice().len()), (12, 16));
    let data = out.data.unwrap();
    let request = |aad: &[u8]| {
        let mut d = decrypt_request(&id, None, data.as_slice());
        d.iv_counter_nonce = Some(iv.clone());
        d.authenticated_encryption_tag = Some(tag.clone());
        d.authenticated_encryption_additional_data = Some(Bytes::new(aad.to_vec()));
        d
    };
    assert_eq!(decrypt(&env, &caller, request(b"header")).await.unwrap(), b"attack at dawn");
    assert_eq!(
        reason(decrypt(&env, &caller, request(b"other")).await),
        ResultReason::CryptographicFailure
    );
}

#[tokio::test]
async fn aes_ctr_round_trips_and_refuses_streaming() {
    let env = env().await;
    let caller = root("d1", "acme");
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;
    let ctr = Some(mode(BlockCipherMode::CTR, None));
    let out = encrypt(&env, &caller, encrypt_request(&id, ctr.clone(), b"any length at all"))
        .await
        .unwrap();
    let mut d = decrypt_request(&id, ctr.clone(), out.data.unwrap().as_slice());
    d.iv_counter_nonce = out.iv_counter_nonce;
    assert_eq!(decrypt(&env, &caller, d).await.unwrap(), b"any length at all");
    let mut r = encrypt_request(&id, ctr, b"part one");
    r.init_indicator = Some(true);
    assert_eq!(reason(encrypt(&env, &caller, r).await), ResultReason::FeatureNotSupported);
}

#[tokio::test]
async fn usage_limits_are_spent_and_persisted() {
    // CS-BC-M-7: 16 bytes allowed; the second 16-byte Encrypt is refused.
    let env = env().await;
    let caller = root("d1", "acme");
    let limits = UsageLimits { total: 16, count: None, unit: UsageLimitsUnit::Byte };
    let id = aes_key(
        &env,
        &caller,
        KEY_0123,
        ENC_DEC,
        vec![Attribute::new(AttributeValue::UsageLimits(limits))],
    )
    .await;
    let ecb = Some(mode(BlockCipherMode::ECB, None));
    encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await.unwrap();
    let err =
        encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied);
    assert!(err.to_string().contains("Usage Limits"), "{err}");
    // Decrypting does not spend.
    decrypt(&env, &caller, decrypt_request(&id, ecb, &h("d9bcce11b0b437b90239552df3a360c9")))
        .await
        .unwrap();
    let request = GetAttributesRequest {
        unique_identifier: Some(id.clone()),
        attribute_names: vec!["Usage Limits".into()],
    };
    match run(&env.kms, &caller, request).await.unwrap() {
        ResponsePayload::GetAttributes(r) => match &r.attributes[..] {
            [Attribute { value: AttributeValue::UsageLimits(l), .. }] => {
                assert_eq!(l.count, Some(0))
            }
            other => panic!("unexpected {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }

    // Object units count operations, whatever their size; a failed use spends nothing.
    let limits = UsageLimits { total: 2, count: None, unit: UsageLimitsUnit::Object };
    let id = aes_key(
        &env,
        &caller,
        KEY_0123,
        ENC_DEC,
        vec![Attribute::new(AttributeValue::UsageLimits(limits))],
    )
    .await;
    let bad =
        encrypt(&env, &caller, encrypt_request(&id, Some(mode(BlockCipherMode::ECB, None)), &[1]))
            .await;
    assert_eq!(reason(bad), ResultReason::InvalidField);
    for _ in 0..2 {
        encrypt(&env, &caller, encrypt_request(&id, None, &[0; 1000])).await.unwrap();
    }
    assert_eq!(
        reason(encrypt(&env, &caller, encrypt_request(&id, None, &[0])).await),
        ResultReason::PermissionDenied
    );
}

#[tokio::test]
async fn dates_usage_mask_and_state_gate_every_use() {
    let env = env().await;
    let caller = root("d1", "acme");
    // CS-BC-M-14: Process Start in the future, Protect Stop in the past.
    let id = aes_key(
        &env,
        &caller,
        KEY_0123,
        ENC_DEC,
        vec![
            Attribute::new(AttributeValue::ProcessStartDate(DateTime(T0 + 3600))),
            Attribute::new(AttributeValue::ProtectStopDate(DateTime(T0 - 3600))),
        ],
    )
    .await;
    let ecb = Some(mode(BlockCipherMode::ECB, None));
    let ct = h("d9bcce11b0b437b90239552df3a360c9");
    assert_eq!(
        reason(encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await),
        ResultReason::PermissionDenied
    );
    assert_eq!(
        reason(decrypt(&env, &caller, decrypt_request(&id, ecb.clone(), &ct)).await),
        ResultReason::PermissionDenied
    );
    env.clock.advance(3600);
    assert_eq!(
        decrypt(&env, &caller, decrypt_request(&id, ecb.clone(), &ct)).await.unwrap(),
        h(BLOCK)
    );

    // A Protect Stop Date reached later stops encryption, not decryption.
    let id = aes_key(
        &env,
        &caller,
        KEY_0123,
        ENC_DEC,
        vec![Attribute::new(AttributeValue::ProtectStopDate(DateTime(T0 + 3700)))],
    )
    .await;
    encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await.unwrap();
    env.clock.advance(100);
    assert_eq!(
        reason(encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await),
        ResultReason::PermissionDenied
    );
    decrypt(&env, &caller, decrypt_request(&id, ecb.clone(), &ct)).await.unwrap();

    // The usage mask must hold the operation's bit.
    let id = aes_key(&env, &caller, KEY_0123, 8, vec![]).await;
    let err =
        encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied);
    assert!(err.to_string().contains("Encrypt"), "{err}");
    decrypt(&env, &caller, decrypt_request(&id, ecb.clone(), &ct)).await.unwrap();

    // A Pre-Active key cannot be used; a destroyed one neither.
    let pre = register(
        &env,
        &caller,
        symmetric(&h(KEY_0123), CryptographicAlgorithm::AES),
        vec![mask(ENC_DEC)],
    )
    .await;
    assert_eq!(
        reason(decrypt(&env, &caller, decrypt_request(&pre, ecb.clone(), &ct)).await),
        ResultReason::PermissionDenied
    );
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;
    encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await.unwrap();
    let revoke = RevokeRequest {
        unique_identifier: Some(id.clone()),
        revocation_reason: RevocationReason {
            code: RevocationReasonCode::Unspecified,
            message: None,
        },
        compromise_occurrence_date: None,
    };
    run(&env.kms, &caller, revoke).await.unwrap();
    // Deactivated: may still decrypt, not encrypt.
    decrypt(&env, &caller, decrypt_request(&id, ecb.clone(), &ct)).await.unwrap();
    assert_eq!(
        reason(encrypt(&env, &caller, encrypt_request(&id, ecb.clone(), &h(BLOCK))).await),
        ResultReason::PermissionDenied
    );
    run(&env.kms, &caller, DestroyRequest::new(&id)).await.unwrap();
    assert_eq!(
        reason(decrypt(&env, &caller, decrypt_request(&id, ecb, &ct)).await),
        ResultReason::PermissionDenied
    );

    // Another domain does not see the key at all.
    let stranger = root("d2", "other");
    let err = encrypt(&env, &stranger, encrypt_request(&pre, None, b"x")).await;
    assert_eq!(reason(err), ResultReason::ItemNotFound);
}

struct RsaPair {
    private: String,
    public: String,
}

async fn rsa_pair(
    env: &Env,
    caller: &Caller,
    masks: (u32, u32),
    p: Option<CryptographicParameters>,
) -> RsaPair {
    let key = RsaPrivateKey::generate(RsaBits::B2048).unwrap();
    let mut extra = vec![active_since(60)];
    extra.extend(p.map(params));
    let mut private_attrs = vec![mask(masks.0)];
    private_attrs.extend(extra.clone());
    let mut public_attrs = vec![mask(masks.1)];
    public_attrs.extend(extra);
    let der = key.to_pkcs1().unwrap();
    let private = register(
        env,
        caller,
        private(KeyFormatType::PKCS1, &der, CryptographicAlgorithm::RSA, 2048),
        private_attrs,
    )
    .await;
    let spki = key.public_key().to_spki().unwrap();
    let public = register(
        env,
        caller,
        public(KeyFormatType::X509, &spki, CryptographicAlgorithm::RSA, 2048),
        public_attrs,
    )
    .await;
    RsaPair { private, public }
}

#[tokio::test]
async fn rsa_oaep_and_pkcs1_encryption_round_trip() {
    let env = env().await;
    let caller = root("d1", "acme");
    let oaep = |hash: HashingAlgorithm| CryptographicParameters {
        padding_method: Some(PaddingMethod::OAEP),
        hashing_algorithm: Some(hash),
        mask_generator: Some(MaskGenerator::MGF1),
        mask_generator_hashing_algorithm: Some(hash),
        cryptographic_algorithm: Some(CryptographicAlgorithm::RSA),
        ..Default::default()
    };
    // The CS-AC-M-OAEP-1..6 combinations, from the keys' attributes.
    for hash in [HashingAlgorithm::SHA256, HashingAlgorithm::SHA384, HashingAlgorithm::SHA512] {
        let pair = rsa_pair(&env, &caller, (8, 4), Some(oaep(hash))).await;
        let out =
            encrypt(&env, &caller, encrypt_request(&pair.public, None, b"secret")).await.unwrap();
        let ct = out.data.unwrap();
        assert_eq!(ct.as_slice().len(), 256);
        assert_eq!(
            decrypt(&env, &caller, decrypt_request(&pair.private, None, ct.as_slice()))
                .await
                .unwrap(),
            b"secret"
        );
    }
    // PKCS#1 v1.5 from the request, and the default (OAEP SHA-256).
    let pair = rsa_pair(&env, &caller, (8, 4), None).await;
    let v15 = Some(CryptographicParameters {
        padding_method: Some(PaddingMethod::PKCS1V1_5),
        ..Default::default()
    });
    let ct = encrypt(&env, &caller, encrypt_request(&pair.public, v15.clone(), b"legacy"))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(
        decrypt(&env, &caller, decrypt_request(&pair.private, v15, ct.as_slice())).await.unwrap(),
        b"legacy"
    );
    let ct = encrypt(&env, &caller, encrypt_request(&pair.public, None, b"modern"))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(
        decrypt(
            &env,
            &caller,
            decrypt_request(&pair.private, Some(oaep(HashingAlgorithm::SHA256)), ct.as_slice())
        )
        .await
        .unwrap(),
        b"modern"
    );
    // The wrong hash fails the OAEP check.
    let wrong = decrypt(
        &env,
        &caller,
        decrypt_request(&pair.private, Some(oaep(HashingAlgorithm::SHA384)), ct.as_slice()),
    );
    assert_eq!(reason(wrong.await), ResultReason::CryptographicFailure);
    // OAEP-7..10's MGF1 hash different from the OAEP hash is not available in the engine.
    let mixed = CryptographicParameters {
        mask_generator_hashing_algorithm: Some(HashingAlgorithm::SHA256),
        ..oaep(HashingAlgorithm::SHA384)
    };
    assert_eq!(
        reason(encrypt(&env, &caller, encrypt_request(&pair.public, Some(mixed), b"x")).await),
        ResultReason::FeatureNotSupported
    );
    // Decrypting with the public key is refused.
    assert_eq!(
        reason(decrypt(&env, &caller, decrypt_request(&pair.public, None, ct.as_slice())).await),
        ResultReason::PermissionDenied
    );
}

#[tokio::test]
async fn rsa_pss_and_pkcs1_signatures_round_trip_and_wrong_ones_are_invalid() {
    let env = env().await;
    let caller = root("d1", "acme");
    let pss = CryptographicParameters {
        padding_method: Some(PaddingMethod::PSS),
        hashing_algorithm: Some(HashingAlgorithm::SHA256),
        cryptographic_algorithm: Some(CryptographicAlgorithm::RSA),
        salt_length: Some(222),
        ..Default::default()
    };
    let pair = rsa_pair(&env, &caller, (SIGN, VERIFY), Some(pss)).await;
    let data = h(BLOCK);
    let sig = sign(&env, &caller, sign_request(&pair.private, None, &data)).await.unwrap();
    assert_eq!(sig.len(), 256);
    assert_eq!(
        verify(&env, &caller, verify_request(&pair.public, None, &data, &sig)).await.unwrap(),
        ValidityIndicator::Valid
    );
    let mut tampered = data.clone();
    tampered[0] ^= 0xff;
    assert_eq!(
        verify(&env, &caller, verify_request(&pair.public, None, &tampered, &sig)).await.unwrap(),
        ValidityIndicator::Invalid
    );
    let mut bad_sig = sig.clone();
    bad_sig[0] ^= 0xff;
    assert_eq!(
        verify(&env, &caller, verify_request(&pair.public, None, &data, &bad_sig)).await.unwrap(),
        ValidityIndicator::Invalid
    );

    // PKCS#1 v1.5 by Digital Signature Algorithm, over Digested Data.
    let dsa = Some(CryptographicParameters {
        digital_signature_algorithm: Some(
            DigitalSignatureAlgorithm::SHA384WithRSAEncryptionPKCS1V1_5,
        ),
        ..Default::default()
    });
    let digest = keyward_crypto::hash::digest(keyward_crypto::hash::HashAlgorithm::Sha384, &data);
    let request = SignRequest {
        digested_data: Some(Bytes::new(digest.clone())),
        data: None,
        ..sign_request(&pair.private, dsa.clone(), &[])
    };
    let sig = sign(&env, &caller, request).await.unwrap();
    assert_eq!(
        verify(&env, &caller, verify_request(&pair.public, dsa.clone(), &data, &sig))
            .await
            .unwrap(),
        ValidityIndicator::Valid
    );
    let request = SignatureVerifyRequest {
        digested_data: Some(Bytes::new(digest)),
        data: None,
        ..verify_request(&pair.public, dsa, &[], &sig)
    };
    assert_eq!(verify(&env, &caller, request).await.unwrap(), ValidityIndicator::Valid);

    // Signing needs the Sign bit (the public key has only Verify) and a private key.
    assert_eq!(
        reason(sign(&env, &caller, sign_request(&pair.public, None, &data)).await),
        ResultReason::PermissionDenied
    );
}

#[tokio::test]
async fn cs_ac_m_2_signature_verifies_against_its_registered_public_key() {
    let env = env().await;
    let caller = root("d1", "acme");
    let pss = CryptographicParameters {
        padding_method: Some(PaddingMethod::PSS),
        hashing_algorithm: Some(HashingAlgorithm::SHA256),
        cryptographic_algorithm: Some(CryptographicAlgorithm::RSA),
        ..Default::default()
    };
    let key = h(
        "3082010a0282010100ab7f161c0042496ccd6c6d4dadb919973435357776003acf54b7af1e440afb80b64a8755f8002cfeba6b184540a2d66086d74648346d75b8d71812b205387c0f6583bc4d7dc7ec114f3b176b7957c422e7d03fc6267fa2a6f89b9bee9e60a1d7c2d833e5a5f4bb0b1434f4e795a41100f8aa214900df8b65089f98135b1c67b701675abdbc7d5721aac9d14a7f081fcec80b64e8a0ecc8295353c795328abf70e1b42e7bb8b7f4e8ac8c810cdb66e3d21126eba8da7d0ca34142cb76f91f013da809e9c1b7ae64c54130fbc21d80e9c2cb06c5c8d7cce8946a9ac99b1c2815c3612a29a82d73a1f99374fe30e54951662a6eda29c6fc411335d5dc7426b0f6050203010001",
    );
    let id = register(
        &env,
        &caller,
        public(KeyFormatType::PKCS1, &key, CryptographicAlgorithm::RSA, 2048),
        vec![mask(VERIFY), active_since(3600), params(pss)],
    )
    .await;
    let sig = h(
        "2925ebf8c6c9d0585c36a44491dd28f8ffd1098d2275a505a0eba7af452e9496472fd5c4a515d1c0db16c7c59ef76863b571cbf498fb8178ffeb75667e6e51b9b9bbf09d55bba54b42acb947aa5a81dc62751727d7cad4616c0c0bf1dd666f8266f24262c5fa9cbbdc424ef5f5e345e633d111e66eb4afc4001bb02e158b2d5d4573c614655f21a688bee0e9dbde6a58324c08f42ae69697e0c51803f9de6b3df242d2915d9b1a8110ad28143ab7855ef92ede48971b484172de3b0b8957f493a74b3372ee2200f2233607735f90d0b180968ab20d74841fd3dba4fb1f225ea5c6c87f99c2a238db72a536e68be202a092cd032337d451477e568f9a48b638cb",
    );
    assert_eq!(
        verify(&env, &caller, verify_request(&id, None, &h(BLOCK), &sig)).await.unwrap(),
        ValidityIndicator::Valid
    );
    assert_eq!(
        verify(
            &env,
            &caller,
            verify_request(&id, None, &h("FF020304050607080910111213141516"), &sig)
        )
        .await
        .unwrap(),
        ValidityIndicator::Invalid
    );
}

#[tokio::test]
async fn cs_ac_m_8_sign_after_protect_stop_and_verify_before_process_start_are_denied() {
    let env = env().await;
    let caller = root("d1", "acme");
    let dates = |mut v: Vec<Attribute>| {
        v.push(Attribute::new(AttributeValue::ProcessStartDate(DateTime(T0 + 3600))));
        v.push(Attribute::new(AttributeValue::ProtectStopDate(DateTime(T0 - 3600))));
        v
    };
    let key = RsaPrivateKey::generate(RsaBits::B2048).unwrap();
    let private_id = register(
        &env,
        &caller,
        private(KeyFormatType::PKCS1, &key.to_pkcs1().unwrap(), CryptographicAlgorithm::RSA, 2048),
        dates(vec![mask(SIGN), active_since(3600)]),
    )
    .await;
    let public_id = register(
        &env,
        &caller,
        public(
            KeyFormatType::PKCS1,
            &key.public_key().to_pkcs1(),
            CryptographicAlgorithm::RSA,
            2048,
        ),
        dates(vec![mask(VERIFY), active_since(3600)]),
    )
    .await;
    assert_eq!(
        reason(sign(&env, &caller, sign_request(&private_id, None, b"x")).await),
        ResultReason::PermissionDenied
    );
    assert_eq!(
        reason(verify(&env, &caller, verify_request(&public_id, None, b"x", &[0; 256])).await),
        ResultReason::PermissionDenied
    );
}

#[tokio::test]
async fn ecdsa_p256_and_ed25519_sign_and_verify() {
    let env = env().await;
    let caller = root("d1", "acme");
    let ec = EcPrivateKey::generate(Curve::P256).unwrap();
    let private_id = register(
        &env,
        &caller,
        private(KeyFormatType::PKCS8, &ec.to_pkcs8().unwrap(), CryptographicAlgorithm::ECDSA, 256),
        vec![mask(SIGN), active_since(1)],
    )
    .await;
    let public_id = register(
        &env,
        &caller,
        public(
            KeyFormatType::X509,
            &ec.public_key().to_spki().unwrap(),
            CryptographicAlgorithm::ECDSA,
            256,
        ),
        vec![mask(VERIFY), active_since(1)],
    )
    .await;
    let sig = sign(&env, &caller, sign_request(&private_id, None, b"message")).await.unwrap();
    assert_eq!(sig[0], 0x30, "a DER signature");
    assert_eq!(
        verify(&env, &caller, verify_request(&public_id, None, b"message", &sig)).await.unwrap(),
        ValidityIndicator::Valid
    );
    assert_eq!(
        verify(&env, &caller, verify_request(&public_id, None, b"massage", &sig)).await.unwrap(),
        ValidityIndicator::Invalid
    );
    let sha512 = Some(CryptographicParameters {
        digital_signature_algorithm: Some(DigitalSignatureAlgorithm::ECDSAWithSHA512),
        ..Default::default()
    });
    assert_eq!(
        reason(sign(&env, &caller, sign_request(&private_id, sha512, b"m")).await),
        ResultReason::FeatureNotSupported
    );

    let ed = Ed25519PrivateKey::generate().unwrap();
    let private_id = register(
        &env,
        &caller,
        private(
            KeyFormatType::PKCS8,
            &ed.to_pkcs8().unwrap(),
            CryptographicAlgorithm::Extension(0x8000_0038),
            256,
        ),
        vec![mask(SIGN), active_since(1)],
    )
    .await;
    let public_id = register(
        &env,
        &caller,
        public(
            KeyFormatType::X509,
            &ed.public_key().to_spki().unwrap(),
            CryptographicAlgorithm::Extension(0x8000_0038),
            256,
        ),
        vec![mask(VERIFY), active_since(1)],
    )
    .await;
    let sig = sign(&env, &caller, sign_request(&private_id, None, b"message")).await.unwrap();
    assert_eq!(sig.len(), 64);
    assert_eq!(
        verify(&env, &caller, verify_request(&public_id, None, b"message", &sig)).await.unwrap(),
        ValidityIndicator::Valid
    );
    assert_eq!(
        verify(&env, &caller, verify_request(&public_id, None, b"massage", &sig)).await.unwrap(),
        ValidityIndicator::Invalid
    );
}

async fn mac(env: &Env, caller: &Caller, id: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let request = MacRequest {
        unique_identifier: Some(id.into()),
        data: Some(Bytes::new(data.to_vec())),
        ..Default::default()
    };
    match run(&env.kms, caller, request).await? {
        ResponsePayload::Mac(r) => Ok(r.mac_data.unwrap().as_slice().to_vec()),
        other => panic!("unexpected {other:?}"),
    }
}

async fn mac_verify(
    env: &Env,
    caller: &Caller,
    id: &str,
    data: &[u8],
    tag: &[u8],
) -> Result<ValidityIndicator, Error> {
    let request = MacVerifyRequest {
        unique_identifier: Some(id.into()),
        data: Some(Bytes::new(data.to_vec())),
        mac_data: Some(Bytes::new(tag.to_vec())),
        ..Default::default()
    };
    match run(&env.kms, caller, request).await? {
        ResponsePayload::MacVerify(r) => Ok(r.validity_indicator.unwrap()),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn hmac_matches_cs_ac_m_4_and_rfc_4231_and_verifies() {
    let env = env().await;
    let caller = root("d1", "acme");
    // CS-AC-M-4..6: an "AES" key whose Cryptographic Parameters name HMAC-SHA256.
    let hmac = CryptographicParameters {
        cryptographic_algorithm: Some(CryptographicAlgorithm::HMACSHA256),
        ..Default::default()
    };
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC | MAC_BOTH, vec![params(hmac)]).await;
    let tag = mac(&env, &caller, &id, &h(BLOCK)).await.unwrap();
    assert_eq!(tag, h("c911e78196d64c30f631bb079ea37b97a95936d4da764d6a171df030c895ecf9"));
    assert_eq!(
        mac_verify(&env, &caller, &id, &h(BLOCK), &tag).await.unwrap(),
        ValidityIndicator::Valid
    );
    let mut wrong = tag.clone();
    wrong[31] ^= 1;
    assert_eq!(
        mac_verify(&env, &caller, &id, &h(BLOCK), &wrong).await.unwrap(),
        ValidityIndicator::Invalid
    );
    assert_eq!(
        mac_verify(&env, &caller, &id, &h(BLOCK), &tag[..16]).await.unwrap(),
        ValidityIndicator::Invalid
    );

    // RFC 4231 test case 2, with an HMAC-SHA256 key.
    let id = register(
        &env,
        &caller,
        symmetric(b"Jefe", CryptographicAlgorithm::HMACSHA256),
        vec![mask(MAC_BOTH), active_since(1)],
    )
    .await;
    let tag = mac(&env, &caller, &id, b"what do ya want for nothing?").await.unwrap();
    assert_eq!(tag, h("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));

    // An AES key with no MAC algorithm anywhere is refused with a reason.
    let id = aes_key(&env, &caller, KEY_0123, MAC_BOTH, vec![]).await;
    assert_eq!(reason(mac(&env, &caller, &id, b"x").await), ResultReason::InvalidField);
    // …and a key without the MAC Generate bit.
    let id = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;
    assert_eq!(reason(mac(&env, &caller, &id, b"x").await), ResultReason::PermissionDenied);
}

#[tokio::test]
async fn hash_and_rng() {
    let env = env().await;
    let caller = root("d1", "acme");
    let hash = |alg: HashingAlgorithm| HashRequest {
        cryptographic_parameters: CryptographicParameters {
            hashing_algorithm: Some(alg),
            ..Default::default()
        },
        data: Some(b(BLOCK)),
        correlation_value: None,
        init_indicator: None,
        final_indicator: None,
    };
    match run(&env.kms, &caller, hash(HashingAlgorithm::SHA256)).await.unwrap() {
        ResponsePayload::Hash(r) => assert_eq!(
            r.data.unwrap().as_slice(),
            h("ad41233d22cf9322e3a7ff49a13da434797abed3bab80950a1a0d4e582b7ea72")
        ),
        other => panic!("unexpected {other:?}"),
    }
    match run(&env.kms, &caller, hash(HashingAlgorithm::SHA512)).await.unwrap() {
        ResponsePayload::Hash(r) => assert_eq!(r.data.unwrap().as_slice().len(), 64),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        reason(run(&env.kms, &caller, hash(HashingAlgorithm::MD5)).await),
        ResultReason::FeatureNotSupported
    );

    match run(&env.kms, &caller, RngRetrieveRequest { data_length: 32 }).await.unwrap() {
        ResponsePayload::RngRetrieve(r) => assert_eq!(r.data.as_slice().len(), 32),
        other => panic!("unexpected {other:?}"),
    }
    for bad in [0, -1, 64 * 1024 + 1] {
        assert_eq!(
            reason(run(&env.kms, &caller, RngRetrieveRequest { data_length: bad }).await),
            ResultReason::InvalidField
        );
    }
    match run(&env.kms, &caller, RngSeedRequest { data: b("333c06587706225099a67438f263f8f9") })
        .await
        .unwrap()
    {
        ResponsePayload::RngSeed(r) => assert_eq!(r.data_length, 0),
        other => panic!("unexpected {other:?}"),
    }
}

async fn get_bytes(env: &Env, caller: &Caller, id: &str) -> (Object, Vec<u8>) {
    let request = GetRequest { unique_identifier: Some(id.into()), ..Default::default() };
    match run(&env.kms, caller, request).await.unwrap() {
        ResponsePayload::Get(r) => {
            let bytes = match r.object.key_block().unwrap().key_material().unwrap() {
                KeyMaterial::Bytes(b) => b.as_slice().to_vec(),
                other => panic!("unexpected {other:?}"),
            };
            (r.object, bytes)
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn template(attributes: Vec<Attribute>) -> TemplateAttribute {
    TemplateAttribute::from_attributes(attributes)
}

fn length(bits: i32) -> Attribute {
    Attribute::new(AttributeValue::CryptographicLength(bits))
}

fn algorithm(a: CryptographicAlgorithm) -> Attribute {
    Attribute::new(AttributeValue::CryptographicAlgorithm(a))
}

const DERIVE: u32 = 0x200;

#[tokio::test]
async fn derive_key_pbkdf2_matches_rfc_6070_and_links_both_objects() {
    let env = env().await;
    let caller = root("d1", "acme");
    let password = Object::SecretData(keyward_kmip::objects::SecretData {
        secret_data_type: SecretDataType::Password,
        key_block: KeyBlock::new(
            KeyFormatType::Opaque,
            KeyMaterial::Bytes(Bytes::new(b"password".to_vec())),
            None,
            None,
        ),
    });
    let base = register(&env, &caller, password, vec![mask(DERIVE), active_since(1)]).await;
    let pbkdf2 =
        |iterations: i32, object_type: ObjectType, attrs: Vec<Attribute>| DeriveKeyRequest {
            object_type,
            unique_identifiers: vec![base.clone()],
            derivation_method: DerivationMethod::PBKDF2,
            derivation_parameters: DerivationParameters {
                cryptographic_parameters: Some(CryptographicParameters {
                    hashing_algorithm: Some(HashingAlgorithm::SHA1),
                    ..Default::default()
                }),
                salt: Some(Bytes::new(b"salt".to_vec())),
                iteration_count: Some(iterations),
                ..Default::default()
            },
            template_attribute: template(attrs),
        };
    for (iterations, expected) in [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
    ] {
        let id = match run(
            &env.kms,
            &caller,
            pbkdf2(iterations, ObjectType::SecretData, vec![length(160)]),
        )
        .await
        .unwrap()
        {
            ResponsePayload::DeriveKey(r) => r.unique_identifier,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(get_bytes(&env, &caller, &id).await.1, h(expected));
        let links = GetAttributesRequest {
            unique_identifier: Some(id.clone()),
            attribute_names: vec!["Link".into()],
        };
        match run(&env.kms, &caller, links).await.unwrap() {
            ResponsePayload::GetAttributes(r) => assert!(r.attributes.iter().any(|a| matches!(&a.value,
                AttributeValue::Link(l) if l.link_type == LinkType::DerivationBaseObjectLink && l.linked_object_identifier == base))),
            other => panic!("unexpected {other:?}"),
        }
    }
    // An AES key derived and then used.
    let request = pbkdf2(
        1000,
        ObjectType::SymmetricKey,
        vec![length(256), algorithm(CryptographicAlgorithm::AES), mask(ENC_DEC), active_since(0)],
    );
    let aes = match run(&env.kms, &caller, request).await.unwrap() {
        ResponsePayload::DeriveKey(r) => r.unique_identifier,
        other => panic!("unexpected {other:?}"),
    };
    let out = encrypt(&env, &caller, encrypt_request(&aes, None, b"derived")).await.unwrap();
    assert!(out.data.is_some());
    // A Symmetric Key needs an algorithm; the base needs the Derive Key bit.
    assert_eq!(
        reason(
            run(&env.kms, &caller, pbkdf2(1, ObjectType::SymmetricKey, vec![length(128)])).await
        ),
        ResultReason::MissingData
    );
    let no_derive = aes_key(&env, &caller, KEY_0123, ENC_DEC, vec![]).await;
    let mut request = pbkdf2(1, ObjectType::SecretData, vec![length(128)]);
    request.unique_identifiers = vec![no_derive];
    assert_eq!(reason(run(&env.kms, &caller, request).await), ResultReason::PermissionDenied);
}

#[tokio::test]
async fn derive_key_hmac_sp800_108_and_hkdf() {
    let env = env().await;
    let caller = root("d1", "acme");
    let base = aes_key(&env, &caller, KEY_0123, DERIVE, vec![]).await;
    let derive = |method: DerivationMethod, salt: Option<&[u8]>| DeriveKeyRequest {
        object_type: ObjectType::SecretData,
        unique_identifiers: vec![base.clone()],
        derivation_method: method,
        derivation_parameters: DerivationParameters {
            derivation_data: Some(Bytes::new(b"context".to_vec())),
            salt: salt.map(|s| Bytes::new(s.to_vec())),
            ..Default::default()
        },
        template_attribute: template(vec![length(256)]),
    };
    let mut outputs = Vec::new();
    for (method, salt) in [
        (DerivationMethod::HMAC, None),
        (DerivationMethod::NIST800_108C, None),
        (DerivationMethod::Extension(0x8000_0001), Some(&b"salt"[..])),
    ] {
        let id = match run(&env.kms, &caller, derive(method, salt)).await.unwrap() {
            ResponsePayload::DeriveKey(r) => r.unique_identifier,
            other => panic!("unexpected {other:?}"),
        };
        outputs.push(get_bytes(&env, &caller, &id).await.1);
    }
    let key = h(KEY_0123);
    assert_eq!(
        outputs[0],
        keyward_crypto::mac::mac(keyward_crypto::mac::MacAlgorithm::HmacSha256, &key, b"context")
            .unwrap()
    );
    assert_eq!(
        outputs[1],
        keyward_crypto::kdf::sp800_108_counter_hmac(
            keyward_crypto::kdf::KbkdfHash::Sha256,
            &key,
            b"context",
            32
        )
        .unwrap()
        .to_vec()
    );
    assert_eq!(
        outputs[2],
        keyward_crypto::kdf::hkdf(
            keyward_crypto::kdf::HkdfHash::Sha256,
            &key,
            Some(b"salt"),
            b"context",
            32
        )
        .unwrap()
        .to_vec()
    );
    assert_eq!(
        reason(run(&env.kms, &caller, derive(DerivationMethod::ENCRYPT, None)).await),
        ResultReason::FeatureNotSupported
    );
}

async fn split(
    env: &Env,
    caller: &Caller,
    request: CreateSplitKeyRequest,
) -> Result<Vec<String>, Error> {
    match run(&env.kms, caller, request).await? {
        ResponsePayload::CreateSplitKey(r) => Ok(r.unique_identifiers),
        other => panic!("unexpected {other:?}"),
    }
}

async fn join(env: &Env, caller: &Caller, parts: &[String]) -> Result<String, Error> {
    let request = JoinSplitKeyRequest {
        object_type: ObjectType::SymmetricKey,
        unique_identifiers: parts.to_vec(),
        secret_data_type: None,
        template_attribute: None,
    };
    match run(&env.kms, caller, request).await? {
        ResponsePayload::JoinSplitKey(r) => Ok(r.unique_identifier),
        other => panic!("unexpected {other:?}"),
    }
}

fn split_request(
    id: Option<&str>,
    parts: i32,
    threshold: i32,
    method: SplitKeyMethod,
    attrs: Vec<Attribute>,
) -> CreateSplitKeyRequest {
    CreateSplitKeyRequest {
        object_type: ObjectType::SymmetricKey,
        unique_identifier: id.map(str::to_owned),
        split_key_parts: parts,
        split_key_threshold: threshold,
        split_key_method: method,
        prime_field_size: None,
        template_attribute: template(attrs),
    }
}

#[tokio::test]
async fn split_then_join_gives_back_the_key() {
    let env = env().await;
    let caller = root("d1", "acme");
    let original = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    let id = register(
        &env,
        &caller,
        symmetric(&original, CryptographicAlgorithm::AES),
        vec![mask(ENC_DEC)],
    )
    .await;

    // Shamir 3 of 5: any three parts rebuild it; two do not.
    let parts = split(
        &env,
        &caller,
        split_request(Some(&id), 5, 3, SplitKeyMethod::PolynomialSharingGF2_8, vec![]),
    )
    .await
    .unwrap();
    assert_eq!(parts.len(), 5);
    // Parent and children link both ways.
    let links = |id: String| {
        let env = &env;
        let caller = &caller;
        async move {
            let request = GetAttributesRequest {
                unique_identifier: Some(id),
                attribute_names: vec!["Link".to_owned()],
            };
            match run(&env.kms, caller, request).await.unwrap() {
                ResponsePayload::GetAttributes(r) => r
                    .attributes
                    .into_iter()
                    .filter_map(|a| match a.value {
                        AttributeValue::Link(l) => Some((l.link_type, l.linked_object_identifier)),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
                other => panic!("unexpected {other:?}"),
            }
        }
    };
    let children: Vec<_> = parts.iter().map(|p| (LinkType::ChildLink, p.clone())).collect();
    assert_eq!(links(id.clone()).await, children);
    for part in &parts {
        assert_eq!(links(part.clone()).await, vec![(LinkType::ParentLink, id.clone())]);
    }
    let (object, share) = get_bytes(&env, &caller, &parts[0]).await;
    match object {
        Object::SplitKey(p) => {
            assert_eq!(
                (p.split_key_parts, p.split_key_threshold, p.key_part_identifier),
                (5, 3, 1)
            );
            assert_eq!(p.key_block.cryptographic_algorithm, Some(CryptographicAlgorithm::AES));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_ne!(share, original);
    for subset in
        [&parts[..3], &parts[2..], &[parts[0].clone(), parts[2].clone(), parts[4].clone()][..]]
    {
        let joined = join(&env, &caller, subset).await.unwrap();
        let (object, bytes) = get_bytes(&env, &caller, &joined).await;
        assert_eq!(bytes, original);
        assert_eq!(
            object.key_block().unwrap().cryptographic_algorithm,
            Some(CryptographicAlgorithm::AES)
        );
    }
    assert_eq!(reason(join(&env, &caller, &parts[..2]).await), ResultReason::InvalidField);
    let twice = [parts[0].clone(), parts[0].clone(), parts[1].clone()];
    assert_eq!(reason(join(&env, &caller, &twice).await), ResultReason::InvalidField);

    // XOR: every part is needed.
    let parts = split(&env, &caller, split_request(Some(&id), 3, 3, SplitKeyMethod::XOR, vec![]))
        .await
        .unwrap();
    assert_eq!(
        get_bytes(&env, &caller, &join(&env, &caller, &parts).await.unwrap()).await.1,
        original
    );
    assert_eq!(
        reason(
            split(&env, &caller, split_request(Some(&id), 3, 2, SplitKeyMethod::XOR, vec![])).await
        ),
        ResultReason::InvalidField
    );

    // A new key split at once, never stored whole.
    let parts = split(
        &env,
        &caller,
        split_request(
            None,
            3,
            2,
            SplitKeyMethod::PolynomialSharingGF2_8,
            vec![algorithm(CryptographicAlgorithm::AES), length(128)],
        ),
    )
    .await
    .unwrap();
    let joined = join(&env, &caller, &parts[1..]).await.unwrap();
    assert_eq!(get_bytes(&env, &caller, &joined).await.1.len(), 16);

    // A non-extractable key is not split.
    let locked = register(
        &env,
        &caller,
        symmetric(&original, CryptographicAlgorithm::AES),
        vec![mask(ENC_DEC), Attribute::new(AttributeValue::Extractable(false))],
    )
    .await;
    assert_eq!(
        reason(
            split(&env, &caller, split_request(Some(&locked), 3, 2, SplitKeyMethod::XOR, vec![]))
                .await
        ),
        ResultReason::InvalidField
    );
    assert_eq!(
        reason(
            split(
                &env,
                &caller,
                split_request(Some(&locked), 3, 2, SplitKeyMethod::PolynomialSharingGF2_8, vec![])
            )
            .await
        ),
        ResultReason::NotExtractable
    );
}

#[tokio::test]
async fn obtain_lease_and_get_usage_allocation() {
    let env = env().await;
    let caller = root("d1", "acme");
    let limits = UsageLimits { total: 10, count: None, unit: UsageLimitsUnit::Object };
    let id = aes_key(
        &env,
        &caller,
        KEY_0123,
        ENC_DEC,
        vec![Attribute::new(AttributeValue::UsageLimits(limits))],
    )
    .await;
    match run(&env.kms, &caller, ObtainLeaseRequest { unique_identifier: Some(id.clone()) })
        .await
        .unwrap()
    {
        ResponsePayload::ObtainLease(r) => {
            assert_eq!(r.lease_time.0, keyward_core::usage::DEFAULT_LEASE_SECONDS)
        }
        other => panic!("unexpected {other:?}"),
    }
    let allocate = |n: i64| GetUsageAllocationRequest {
        unique_identifier: Some(id.clone()),
        usage_limits_count: n,
    };
    run(&env.kms, &caller, allocate(9)).await.unwrap();
    assert_eq!(reason(run(&env.kms, &caller, allocate(2)).await), ResultReason::PermissionDenied);
    encrypt(&env, &caller, encrypt_request(&id, None, b"last use")).await.unwrap();
    assert_eq!(
        reason(encrypt(&env, &caller, encrypt_request(&id, None, b"one too many")).await),
        ResultReason::PermissionDenied
    );
    // A Pre-Active object cannot be leased.
    let pre = register(
        &env,
        &caller,
        symmetric(&h(KEY_0123), CryptographicAlgorithm::AES),
        vec![mask(ENC_DEC)],
    )
    .await;
    assert_eq!(
        reason(run(&env.kms, &caller, ObtainLeaseRequest { unique_identifier: Some(pre) }).await),
        ResultReason::PermissionDenied
    );
}

/// Measures a KMIP RSA-2048 PSS Sign through `Kms::execute` (SQLite store,
/// audit record committed per operation) against the engine's raw sign.
/// Run with `cargo test --release -p keyward-core --test crypto -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "timing; run in release"]
async fn rsa_sign_overhead_against_raw_aws_lc() {
    let env = env().await;
    let caller = root("d1", "acme");
    let key = RsaPrivateKey::generate(RsaBits::B2048).unwrap();
    let id = register(
        &env,
        &caller,
        private(KeyFormatType::PKCS1, &key.to_pkcs1().unwrap(), CryptographicAlgorithm::RSA, 2048),
        vec![mask(SIGN), active_since(1)],
    )
    .await;
    let n = 300;
    let scheme =
        keyward_crypto::rsa::RsaSignatureScheme::Pss(keyward_crypto::rsa::SignatureHash::Sha256);
    for _ in 0..20 {
        sign(&env, &caller, sign_request(&id, None, b"warm up")).await.unwrap();
    }
    let start = std::time::Instant::now();
    for _ in 0..n {
        key.sign(scheme, b"message").unwrap();
    }
    let raw = start.elapsed() / n;
    let start = std::time::Instant::now();
    for _ in 0..n {
        sign(&env, &caller, sign_request(&id, None, b"message")).await.unwrap();
    }
    let kmip = start.elapsed() / n;
    let start = std::time::Instant::now();
    for _ in 0..n {
        run(&env.kms, &caller, RngRetrieveRequest { data_length: 16 }).await.unwrap();
    }
    let keyless = start.elapsed() / n;
    println!("a keyless operation (RNG Retrieve, audit commit only): {keyless:?}");
    let start = std::time::Instant::now();
    for _ in 0..n {
        let request = GetAttributesRequest {
            unique_identifier: Some(id.clone()),
            attribute_names: vec!["State".into()],
        };
        run(&env.kms, &caller, request).await.unwrap();
    }
    println!("Get Attributes (one object read + audit commit): {:?}", start.elapsed() / n);
    println!(
        "RSA-2048 PSS sign: raw {raw:?}, through Kms::execute {kmip:?} ({:.0}% overhead)",
        (kmip.as_secs_f64() / raw.as_secs_f64() - 1.0) * 100.0
    );
}
