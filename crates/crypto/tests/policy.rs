//! The algorithm policy: the default profile lets KMIP clients work, the FIPS
//! profile refuses what is not approved, and every refusal names its rule.

use keyward_crypto::CryptoError;
use keyward_crypto::ecdsa::Curve;
use keyward_crypto::hash::HashAlgorithm;
use keyward_crypto::kdf::KdfAlgorithm;
use keyward_crypto::keygen::SymmetricAlgorithm;
use keyward_crypto::keywrap::KeyWrapAlgorithm;
use keyward_crypto::mac::MacAlgorithm;
use keyward_crypto::policy::{KeySpec, Policy, PolicyRule, Usage};
use keyward_crypto::rsa::{OaepHash, RsaEncryptionScheme, RsaSignatureScheme, SignatureHash};
use keyward_crypto::split::SplitMethod;
use keyward_crypto::symmetric::{GcmTagLen, Padding, SymmetricMode};

fn sym(algorithm: SymmetricAlgorithm, bits: usize) -> KeySpec {
    KeySpec::Symmetric { algorithm, bits }
}

#[test]
fn default_lets_every_kmip_symmetric_algorithm_be_created_and_registered() {
    let p = Policy::default();
    for alg in SymmetricAlgorithm::ALL {
        p.check_generate(&sym(alg, 128)).unwrap();
        p.check_register(&sym(alg, 128)).unwrap();
    }
    for spec in [
        KeySpec::Rsa { bits: 2048 },
        KeySpec::Rsa { bits: 4096 },
        KeySpec::Ec(Curve::P521),
        KeySpec::Ed25519,
    ] {
        p.check_generate(&spec).unwrap();
    }
    // Legacy clients may register (not generate) RSA-1024.
    p.check_register(&KeySpec::Rsa { bits: 1024 }).unwrap();
    for usage in [
        Usage::Cipher(SymmetricMode::Ecb(Padding::None)),
        Usage::RsaEncryption(RsaEncryptionScheme::Pkcs1v15),
        Usage::RsaEncryption(RsaEncryptionScheme::Oaep(OaepHash::Sha1)),
        Usage::Mac(MacAlgorithm::HmacSha1),
        Usage::Hash(HashAlgorithm::Sha1),
        Usage::Split(SplitMethod::ShamirGf256),
        Usage::Kdf {
            algorithm: KdfAlgorithm::Pbkdf2,
            hash: HashAlgorithm::Sha1,
            iterations: Some(1),
        },
    ] {
        p.check_use(None, &usage).unwrap();
    }
}

#[test]
fn rsa_below_2048_is_refused_for_generation_naming_the_rule() {
    for p in [Policy::default(), Policy::fips()] {
        let err = p.check_generate(&KeySpec::Rsa { bits: 1024 }).unwrap_err();
        assert_eq!(err.rule, PolicyRule::RsaMinGenerateBits);
        let msg = err.to_string();
        assert!(msg.contains("rule `rsa_min_generate_bits`"), "{msg}");
        assert!(msg.contains("RSA-1024") && msg.contains("2048"), "{msg}");
        assert!(msg.contains(&format!("\"{}\" crypto policy", p.name)), "{msg}");
    }
}

#[test]
fn fips_refuses_what_is_not_approved_and_names_the_rule() {
    let p = Policy::fips();
    let refusals: Vec<(Result<(), _>, PolicyRule)> = vec![
        (
            p.check_generate(&sym(SymmetricAlgorithm::TripleDes, 168)),
            PolicyRule::SymmetricAlgorithms,
        ),
        (p.check_register(&sym(SymmetricAlgorithm::Rc4, 128)), PolicyRule::SymmetricAlgorithms),
        (
            p.check_generate(&sym(SymmetricAlgorithm::HmacSha1, 160)),
            PolicyRule::SymmetricAlgorithms,
        ),
        (p.check_generate(&sym(SymmetricAlgorithm::HmacSha256, 64)), PolicyRule::HmacMinKeyBits),
        (p.check_register(&KeySpec::Rsa { bits: 1024 }), PolicyRule::RsaMinBits),
        (
            p.check_use(
                Some(&KeySpec::Rsa { bits: 1024 }),
                &Usage::RsaSignature(RsaSignatureScheme::Pss(SignatureHash::Sha256)),
            ),
            PolicyRule::RsaMinBits,
        ),
        (
            p.check_use(None, &Usage::Cipher(SymmetricMode::Ecb(Padding::Pkcs5))),
            PolicyRule::CipherModes,
        ),
        (
            p.check_use(None, &Usage::RsaEncryption(RsaEncryptionScheme::Pkcs1v15)),
            PolicyRule::RsaEncryption,
        ),
        (
            p.check_use(None, &Usage::RsaEncryption(RsaEncryptionScheme::Oaep(OaepHash::Sha1))),
            PolicyRule::Hashes,
        ),
        (p.check_use(None, &Usage::Hash(HashAlgorithm::Sha1)), PolicyRule::Hashes),
        (p.check_use(None, &Usage::Mac(MacAlgorithm::HmacSha1)), PolicyRule::Macs),
        (p.check_use(None, &Usage::Split(SplitMethod::Xor)), PolicyRule::SplitMethods),
        (
            p.check_use(
                None,
                &Usage::Kdf {
                    algorithm: KdfAlgorithm::Pbkdf2,
                    hash: HashAlgorithm::Sha256,
                    iterations: Some(999),
                },
            ),
            PolicyRule::Pbkdf2MinIterations,
        ),
    ];
    for (i, (res, rule)) in refusals.into_iter().enumerate() {
        let err = res.expect_err(&format!("case {i} should be refused"));
        assert_eq!(err.rule, rule, "case {i}: {err}");
        assert!(err.to_string().contains(&format!("`{}`", rule.key())), "case {i}: {err}");
        assert_eq!(err.policy, "fips");
    }
}

#[test]
fn fips_allows_the_approved_set() {
    let p = Policy::fips();
    p.check_generate(&sym(SymmetricAlgorithm::Aes, 256)).unwrap();
    p.check_generate(&sym(SymmetricAlgorithm::HmacSha384, 384)).unwrap();
    for spec in [
        KeySpec::Rsa { bits: 3072 },
        KeySpec::Ec(Curve::P256),
        KeySpec::Ec(Curve::P384),
        KeySpec::Ed25519,
    ] {
        p.check_generate(&spec).unwrap();
        p.check_register(&spec).unwrap();
    }
    let rsa = KeySpec::Rsa { bits: 2048 };
    for usage in [
        Usage::Cipher(SymmetricMode::Gcm { tag_len: GcmTagLen::FULL }),
        Usage::Cipher(SymmetricMode::Cbc(Padding::Pkcs5)),
        Usage::Cipher(SymmetricMode::Ctr),
        Usage::KeyWrap(KeyWrapAlgorithm::AesKwp),
        Usage::RsaEncryption(RsaEncryptionScheme::Oaep(OaepHash::Sha256)),
        Usage::RsaSignature(RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha384)),
        Usage::Ecdsa(Curve::P521),
        Usage::Ed25519,
        Usage::Mac(MacAlgorithm::CmacAes),
        Usage::Hash(HashAlgorithm::Sha3_256),
        Usage::Kdf { algorithm: KdfAlgorithm::Hkdf, hash: HashAlgorithm::Sha256, iterations: None },
        Usage::Kdf {
            algorithm: KdfAlgorithm::Pbkdf2,
            hash: HashAlgorithm::Sha512,
            iterations: Some(100_000),
        },
    ] {
        p.check_use(Some(&rsa), &usage).unwrap_or_else(|e| panic!("{usage:?}: {e}"));
    }
}

#[test]
fn policy_comes_from_configuration_with_defaults_for_missing_rules() {
    let p: Policy = serde_json::from_str(
        r#"{ "name": "site", "curves": ["P-384", "P-521"], "rsa_min_generate_bits": 3072,
             "cipher_modes": ["gcm"], "hashes": ["sha256", "sha384", "sha512", "sha3-256"] }"#,
    )
    .unwrap();
    assert_eq!(
        p.rsa_min_bits,
        Policy::default().rsa_min_bits,
        "missing rules come from the default"
    );
    let err = p.check_generate(&KeySpec::Ec(Curve::P256)).unwrap_err();
    assert_eq!(err.rule, PolicyRule::Curves);
    assert!(
        err.to_string().starts_with("refused by the \"site\" crypto policy, rule `curves`: P-256"),
        "{err}"
    );
    assert_eq!(
        p.check_generate(&KeySpec::Rsa { bits: 2048 }).unwrap_err().rule,
        PolicyRule::RsaMinGenerateBits
    );
    assert_eq!(
        p.check_use(None, &Usage::Cipher(SymmetricMode::Ctr)).unwrap_err().rule,
        PolicyRule::CipherModes
    );
    assert_eq!(p.check_use(None, &Usage::Ecdsa(Curve::P384)).unwrap(), ());
    // Unknown rules and values are configuration errors, not silently ignored.
    assert!(serde_json::from_str::<Policy>(r#"{"rsa_min_gen_bits": 1}"#).is_err());
    assert!(serde_json::from_str::<Policy>(r#"{"curves": ["P-192"]}"#).is_err());
    // The built-in profiles round-trip through configuration.
    for p in [Policy::default(), Policy::fips()] {
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Policy>(&text).unwrap(), p);
        assert_eq!(Policy::profile(&p.name), Some(p));
    }
    assert_eq!(Policy::profile("none"), None);
}

#[test]
fn a_refusal_converts_into_the_engine_error() {
    let err: CryptoError =
        Policy::fips().check_use(None, &Usage::Hash(HashAlgorithm::Sha1)).unwrap_err().into();
    assert!(matches!(err, CryptoError::Policy(ref v) if v.rule == PolicyRule::Hashes));
    assert!(err.to_string().contains("SHA-1 may not be used for hashing"), "{err}");
}
