//! RSA, ECDSA and Ed25519: every scheme round-trips, keys move through every
//! format and back, keys and signatures made by OpenSSL 3 are understood, and
//! the failure cases say what went wrong.
//!
//! The files in `tests/fixtures/` are throwaway test keys made with OpenSSL
//! 3.0 (`openssl genrsa`, `ecparam -genkey`, `genpkey -algorithm ed25519`,
//! `dgst -sign`, `pkeyutl -sign`); they protect nothing.

use std::sync::OnceLock;

use keyward_crypto::CryptoError;
use keyward_crypto::ecdsa::{Curve, EcPrivateKey, EcPublicKey, SignatureFormat};
use keyward_crypto::eddsa::{Ed25519PrivateKey, Ed25519PublicKey};
use keyward_crypto::formats::{
    EcPrivateComponents, PrivateKeyComponents, PublicKeyComponents, RsaPrivateComponents,
    RsaPublicComponents,
};
use keyward_crypto::hash::{self, HashAlgorithm};
use keyward_crypto::keygen;
use keyward_crypto::rsa::{
    OaepHash, RsaBits, RsaEncryptionScheme, RsaPrivateKey, RsaPublicKey, RsaSignatureScheme,
    SignatureHash,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).expect("test fixture present")
}

fn rsa2048() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::generate(RsaBits::B2048).expect("RSA-2048 generation"))
}

const SIG_SCHEMES: [RsaSignatureScheme; 6] = [
    RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha256),
    RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha384),
    RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha512),
    RsaSignatureScheme::Pss(SignatureHash::Sha256),
    RsaSignatureScheme::Pss(SignatureHash::Sha384),
    RsaSignatureScheme::Pss(SignatureHash::Sha512),
];

// ------------------------------------------------------------------- RSA

#[test]
fn rsa_generation_sizes_and_refusal_below_2048() {
    let key = rsa2048();
    assert_eq!(key.bits(), 2048);
    assert_eq!(key.public_key().components().unwrap().e, vec![1, 0, 1]);
    for bits in [RsaBits::B3072, RsaBits::B4096] {
        assert_eq!(keygen::rsa(bits).unwrap().bits(), bits.bits());
    }
    for small in [512, 1024, 1536, 2047, 8192] {
        assert!(
            matches!(RsaBits::from_bits(small), Err(CryptoError::InvalidKeyLength { actual_bits, .. }) if actual_bits == small)
        );
    }
}

#[test]
fn rsa_signatures_round_trip_for_every_scheme() {
    let key = rsa2048();
    let public = key.public_key();
    for scheme in SIG_SCHEMES {
        let sig = key.sign(scheme, b"message").unwrap();
        assert_eq!(sig.len(), 256);
        public.verify(scheme, b"message", &sig).unwrap();
        assert_eq!(public.verify(scheme, b"massage", &sig), Err(CryptoError::InvalidSignature));
        let mut bad = sig.clone();
        bad[100] ^= 1;
        assert_eq!(public.verify(scheme, b"message", &bad), Err(CryptoError::InvalidSignature));
        // Signing a digest the caller computed gives a signature over the message.
        let digest = hash::digest(scheme.hash().hash(), b"message");
        let sig2 = key.sign_digest(scheme, &digest).unwrap();
        public.verify(scheme, b"message", &sig2).unwrap();
        public.verify_digest(scheme, &digest, &sig).unwrap();
    }
    // PKCS#1 v1.5 is deterministic, PSS is not.
    let p1 = RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha256);
    assert_eq!(key.sign(p1, b"x").unwrap(), key.sign(p1, b"x").unwrap());
    let pss = RsaSignatureScheme::Pss(SignatureHash::Sha256);
    assert_ne!(key.sign(pss, b"x").unwrap(), key.sign(pss, b"x").unwrap());
    // A signature does not verify under another scheme or key.
    let sig = key.sign(p1, b"x").unwrap();
    assert_eq!(public.verify(pss, b"x", &sig), Err(CryptoError::InvalidSignature));
    let other = RsaPrivateKey::generate(RsaBits::B2048).unwrap();
    assert_eq!(other.public_key().verify(p1, b"x", &sig), Err(CryptoError::InvalidSignature));
    // A digest of the wrong length is refused before signing.
    assert!(matches!(key.sign_digest(p1, &[0u8; 20]), Err(CryptoError::InvalidParameter { .. })));
    assert!(matches!(
        SignatureHash::try_from(HashAlgorithm::Sha1),
        Err(CryptoError::Unsupported(_))
    ));
}

#[test]
fn rsa_encryption_round_trips_and_fails_cleanly() {
    let key = rsa2048();
    let public = key.public_key();
    let schemes = [
        RsaEncryptionScheme::Oaep(OaepHash::Sha1),
        RsaEncryptionScheme::Oaep(OaepHash::Sha256),
        RsaEncryptionScheme::Oaep(OaepHash::Sha384),
        RsaEncryptionScheme::Oaep(OaepHash::Sha512),
        RsaEncryptionScheme::Pkcs1v15,
    ];
    for scheme in schemes {
        let max = public.max_plaintext_len(scheme);
        let secret = vec![0x5au8; max];
        let ct = public.encrypt(scheme, &secret).unwrap();
        assert_eq!(ct.len(), 256);
        assert_eq!(&key.decrypt(scheme, &ct).unwrap()[..], &secret[..], "{scheme:?}");
        assert!(matches!(
            public.encrypt(scheme, &vec![0u8; max + 1]),
            Err(CryptoError::InputTooLong { actual, .. }) if actual == max + 1
        ));
        let mut bad = ct.clone();
        bad[7] ^= 0x10;
        assert_eq!(key.decrypt(scheme, &bad), Err(CryptoError::DecryptionFailed), "{scheme:?}");
        assert!(matches!(key.decrypt(scheme, &ct[..255]), Err(CryptoError::InputTooShort { .. })));
    }
    // OAEP with one hash does not decrypt under another.
    let ct = public.encrypt(RsaEncryptionScheme::Oaep(OaepHash::Sha256), b"k").unwrap();
    assert_eq!(
        key.decrypt(RsaEncryptionScheme::Oaep(OaepHash::Sha1), &ct),
        Err(CryptoError::DecryptionFailed)
    );
    // The KMIP-style constructor accepts only MGF1 = OAEP hash.
    assert_eq!(
        RsaEncryptionScheme::oaep(HashAlgorithm::Sha256, HashAlgorithm::Sha256).unwrap(),
        RsaEncryptionScheme::Oaep(OaepHash::Sha256)
    );
    assert!(matches!(
        RsaEncryptionScheme::oaep(HashAlgorithm::Sha256, HashAlgorithm::Sha1),
        Err(CryptoError::Unsupported(_))
    ));
}

#[test]
fn rsa_pkcs8_to_components_to_pkcs1_and_back() {
    let key = rsa2048();
    let pkcs8 = key.to_pkcs8().unwrap();
    let comps = key.components().unwrap();
    assert_eq!(comps.bits(), 2048);
    assert_eq!(comps.public(), key.public_key().components().unwrap());
    let pkcs1 = comps.to_pkcs1().unwrap();
    assert_eq!(&key.to_pkcs1().unwrap()[..], &pkcs1[..]);
    let back = RsaPrivateKey::from_pkcs1(&pkcs1).unwrap();
    assert_eq!(&back.to_pkcs8().unwrap()[..], &pkcs8[..]);
    let from_comps = RsaPrivateKey::from_components(&comps).unwrap();
    assert_eq!(&from_comps.to_pkcs8().unwrap()[..], &pkcs8[..]);
    assert_eq!(&PrivateKeyComponents::Rsa(comps.clone()).to_pkcs8().unwrap()[..], &pkcs8[..]);
    // A key rebuilt from components decrypts what the original encrypted.
    let scheme = RsaEncryptionScheme::Oaep(OaepHash::Sha256);
    let ct = key.public_key().encrypt(scheme, b"secret").unwrap();
    assert_eq!(&from_comps.decrypt(scheme, &ct).unwrap()[..], b"secret");
    // Public formats.
    let spki = key.public_key().to_spki().unwrap();
    let pub1 = key.public_key().to_pkcs1();
    assert_eq!(RsaPublicKey::from_spki(&spki).unwrap().to_pkcs1(), pub1);
    assert_eq!(RsaPublicKey::from_pkcs1(&pub1).unwrap().to_spki().unwrap(), spki);
    assert_eq!(
        PublicKeyComponents::from_spki(&spki).unwrap(),
        PublicKeyComponents::Rsa(comps.public())
    );
    // Inconsistent components are refused.
    let mut broken = comps.clone();
    broken.dp[0] ^= 1;
    assert!(matches!(
        RsaPrivateKey::from_components(&broken),
        Err(CryptoError::MalformedKey { .. })
    ));
    let mut missing = comps;
    missing.qinv = Default::default();
    assert!(matches!(
        RsaPrivateKey::from_components(&missing),
        Err(CryptoError::MalformedKey { .. })
    ));
}

#[test]
fn rsa_keys_from_openssl() {
    let pkcs1 = fixture("rsa2048_pkcs1.der");
    let key = RsaPrivateKey::from_pkcs1(&pkcs1).unwrap();
    assert_eq!(&key.to_pkcs1().unwrap()[..], &pkcs1[..], "PKCS#1 re-encodes byte for byte");
    assert_eq!(key.public_key().to_spki().unwrap(), fixture("rsa2048_spki.der"));
    // OpenSSL's PSS (SHA-256, salt = digest length) signature verifies.
    let public = RsaPublicKey::from_spki(&fixture("rsa2048_spki.der")).unwrap();
    public
        .verify(
            RsaSignatureScheme::Pss(SignatureHash::Sha256),
            &fixture("msg.txt"),
            &fixture("rsa2048_pss_sha256.sig"),
        )
        .unwrap();
}

#[test]
fn rsa_1024_converts_between_formats_but_is_refused_for_use() {
    let pkcs1 = fixture("rsa1024_pkcs1.der");
    let pkcs8 = fixture("rsa1024_pkcs8.der");
    let comps = RsaPrivateComponents::from_pkcs1(&pkcs1).unwrap();
    assert_eq!(comps.bits(), 1024);
    assert_eq!(&comps.to_pkcs1().unwrap()[..], &pkcs1[..]);
    assert_eq!(&PrivateKeyComponents::Rsa(comps.clone()).to_pkcs8().unwrap()[..], &pkcs8[..]);
    assert_eq!(
        PrivateKeyComponents::from_pkcs8(&pkcs8).unwrap(),
        PrivateKeyComponents::Rsa(comps.clone())
    );
    let err = RsaPrivateKey::from_pkcs8(&pkcs8).unwrap_err();
    assert!(matches!(err, CryptoError::InvalidKeyLength { actual_bits: 1024, .. }), "{err:?}");
    assert!(err.to_string().contains("2048 to 8192 bits"), "{err}");
    let err = RsaPublicKey::from_components(&comps.public()).unwrap_err();
    assert!(matches!(err, CryptoError::InvalidKeyLength { actual_bits: 1024, .. }), "{err:?}");
}

#[test]
fn malformed_rsa_input_is_refused() {
    assert!(matches!(RsaPrivateKey::from_pkcs8(b"not der"), Err(CryptoError::MalformedKey { .. })));
    assert!(matches!(
        RsaPrivateComponents::from_pkcs1(&[0x30, 0x03, 0x02, 0x01]),
        Err(CryptoError::MalformedKey { .. })
    ));
    assert!(matches!(RsaPublicComponents::from_pkcs1(&[]), Err(CryptoError::MalformedKey { .. })));
    // An EC PKCS#8 is not an RSA key.
    assert!(matches!(
        RsaPrivateKey::from_pkcs8(&fixture("p384_pkcs8.der")),
        Err(CryptoError::WrongKeyType(_))
    ));
    let mut truncated = rsa2048().to_pkcs8().unwrap().to_vec();
    truncated.truncate(truncated.len() - 10);
    assert!(matches!(RsaPrivateKey::from_pkcs8(&truncated), Err(CryptoError::MalformedKey { .. })));
}

// -------------------------------------------------------------------- EC

#[test]
fn ecdsa_round_trips_on_every_curve_in_both_encodings() {
    for curve in Curve::ALL {
        let key = keygen::ec(curve).unwrap();
        let public = key.public_key();
        assert_eq!(public.point().len(), curve.point_len());
        for format in [SignatureFormat::Der, SignatureFormat::Fixed] {
            let sig = key.sign(b"message", format).unwrap();
            if format == SignatureFormat::Fixed {
                assert_eq!(sig.len(), 2 * curve.field_len());
            }
            public.verify(b"message", &sig, format).unwrap();
            assert_eq!(public.verify(b"other", &sig, format), Err(CryptoError::InvalidSignature));
            let digest = hash::digest(curve.hash(), b"message");
            let sig2 = key.sign_digest(&digest, format).unwrap();
            public.verify(b"message", &sig2, format).unwrap();
            public.verify_digest(&digest, &sig, format).unwrap();
        }
        let der = key.sign(b"m", SignatureFormat::Der).unwrap();
        assert_eq!(
            public.verify(b"m", &der, SignatureFormat::Fixed),
            Err(CryptoError::InvalidSignature)
        );
    }
}

#[test]
fn ec_sec1_pkcs8_spki_components_and_jwk_round_trips() {
    for curve in Curve::ALL {
        let key = EcPrivateKey::generate(curve).unwrap();
        let sec1 = key.to_sec1().unwrap();
        let pkcs8 = key.to_pkcs8().unwrap();
        let comps = key.components().unwrap();
        assert_eq!(comps.d.len(), curve.field_len());
        // SEC1 → components → PKCS#8 → key → SEC1.
        assert_eq!(EcPrivateComponents::from_sec1(&sec1).unwrap(), comps);
        let via_pkcs8 =
            EcPrivateKey::from_pkcs8(&PrivateKeyComponents::Ec(comps.clone()).to_pkcs8().unwrap())
                .unwrap();
        assert_eq!(&via_pkcs8.to_sec1().unwrap()[..], &sec1[..]);
        assert_eq!(&EcPrivateKey::from_sec1(&sec1).unwrap().to_pkcs8().unwrap()[..], &pkcs8[..]);
        // Scalar alone → same key.
        assert_eq!(
            EcPrivateKey::from_scalar(curve, &comps.d).unwrap().public_key(),
            key.public_key()
        );
        assert_eq!(EcPrivateComponents::from_scalar(curve, &comps.d).unwrap(), comps);
        // JWK both ways.
        let jwk = keyward_crypto::formats::jwk::Jwk::from_private(&PrivateKeyComponents::Ec(
            comps.clone(),
        ))
        .unwrap();
        let json = jwk.to_json().unwrap();
        let parsed = keyward_crypto::formats::jwk::Jwk::from_json(&json).unwrap();
        assert_eq!(
            parsed.to_key().unwrap(),
            keyward_crypto::formats::jwk::JwkKey::Private(PrivateKeyComponents::Ec(comps.clone()))
        );
        // Public.
        let spki = key.public_key().to_spki().unwrap();
        assert_eq!(&EcPublicKey::from_spki(&spki).unwrap(), key.public_key());
        // A signature by the reloaded key verifies with the original public key.
        let sig = via_pkcs8.sign(b"x", SignatureFormat::Der).unwrap();
        key.public_key().verify(b"x", &sig, SignatureFormat::Der).unwrap();
    }
}

#[test]
fn ec_keys_and_signature_from_openssl() {
    let sec1 = fixture("p384_sec1.der");
    let pkcs8 = fixture("p384_pkcs8.der");
    let key = EcPrivateKey::from_sec1(&sec1).unwrap();
    assert_eq!(key.curve(), Curve::P384);
    assert_eq!(&key.to_sec1().unwrap()[..], &sec1[..], "SEC1 re-encodes byte for byte");
    assert_eq!(&key.to_pkcs8().unwrap()[..], &pkcs8[..], "PKCS#8 matches OpenSSL's byte for byte");
    assert_eq!(EcPrivateKey::from_pkcs8(&pkcs8).unwrap().public_key(), key.public_key());
    assert_eq!(key.public_key().to_spki().unwrap(), fixture("p384_spki.der"));
    let public = EcPublicKey::from_spki(&fixture("p384_spki.der")).unwrap();
    public
        .verify(&fixture("msg.txt"), &fixture("p384_ecdsa_sha384.sig"), SignatureFormat::Der)
        .unwrap();
}

#[test]
fn bad_ec_points_and_mismatched_keys_are_refused() {
    let a = EcPrivateKey::generate(Curve::P256).unwrap();
    let b = EcPrivateKey::generate(Curve::P256).unwrap();
    // d of one key with Q of another.
    let mut mixed = a.components().unwrap();
    mixed.q = b.public_key().point().to_vec();
    assert!(matches!(EcPrivateKey::from_components(&mixed), Err(CryptoError::MalformedKey { .. })));
    // A point off the curve.
    let mut off = a.public_key().point().to_vec();
    off[40] ^= 1;
    assert!(matches!(
        EcPublicKey::from_point(Curve::P256, &off),
        Err(CryptoError::MalformedKey { .. })
    ));
    // Compressed or wrong-size points.
    assert!(matches!(
        EcPublicKey::from_point(Curve::P256, &off[..33]),
        Err(CryptoError::MalformedKey { .. })
    ));
    assert!(matches!(
        EcPublicKey::from_point(Curve::P384, a.public_key().point()),
        Err(CryptoError::MalformedKey { .. })
    ));
    // A scalar too long for the curve.
    assert!(matches!(
        EcPrivateKey::from_scalar(Curve::P256, &[0xff; 33]),
        Err(CryptoError::MalformedKey { .. })
    ));
    // An RSA PKCS#8 is not an EC key.
    assert!(matches!(
        EcPrivateKey::from_pkcs8(&fixture("rsa1024_pkcs8.der")),
        Err(CryptoError::WrongKeyType(_))
    ));
}

// --------------------------------------------------------------- Ed25519

#[test]
fn ed25519_round_trips_through_pkcs8_seed_spki_and_jwk() {
    let key = keygen::ed25519().unwrap();
    let sig = key.sign(b"message");
    assert_eq!(sig.len(), 64);
    key.public_key().verify(b"message", &sig).unwrap();
    assert_eq!(key.public_key().verify(b"massage", &sig), Err(CryptoError::InvalidSignature));
    let pkcs8 = key.to_pkcs8().unwrap();
    let again = Ed25519PrivateKey::from_pkcs8(&pkcs8).unwrap();
    assert_eq!(again.public_key(), key.public_key());
    assert_eq!(again.sign(b"message"), sig, "Ed25519 is deterministic");
    let seed = key.seed().unwrap();
    assert_eq!(Ed25519PrivateKey::from_seed(&seed[..]).unwrap().public_key(), key.public_key());
    let spki = key.public_key().to_spki().unwrap();
    assert_eq!(&Ed25519PublicKey::from_spki(&spki).unwrap(), key.public_key());
    let comps = key.components().unwrap();
    let jwk = keyward_crypto::formats::jwk::Jwk::from_private(&PrivateKeyComponents::Ed25519(
        comps.clone(),
    ))
    .unwrap();
    assert_eq!(jwk.kty, "OKP");
    assert_eq!(jwk.crv.as_deref(), Some("Ed25519"));
    assert_eq!(
        keyward_crypto::formats::jwk::Jwk::from_json(&jwk.to_json().unwrap())
            .unwrap()
            .to_key()
            .unwrap(),
        keyward_crypto::formats::jwk::JwkKey::Private(PrivateKeyComponents::Ed25519(comps))
    );
    assert!(matches!(
        Ed25519PrivateKey::from_seed(&[0u8; 31]),
        Err(CryptoError::InvalidKeyLength { .. })
    ));
}

#[test]
fn ed25519_keys_and_signature_from_openssl() {
    let pkcs8 = fixture("ed_pkcs8.der");
    let key = Ed25519PrivateKey::from_pkcs8(&pkcs8).unwrap();
    assert_eq!(&key.to_pkcs8().unwrap()[..], &pkcs8[..], "PKCS#8 matches OpenSSL's byte for byte");
    assert_eq!(key.public_key().to_spki().unwrap(), fixture("ed_spki.der"));
    assert_eq!(
        key.sign(&fixture("msg.txt")),
        fixture("ed25519.sig"),
        "same deterministic signature as OpenSSL"
    );
    Ed25519PublicKey::from_spki(&fixture("ed_spki.der"))
        .unwrap()
        .verify(&fixture("msg.txt"), &fixture("ed25519.sig"))
        .unwrap();
}

#[test]
fn rfc8032_ed25519_test_1() {
    // RFC 8032 §7.1, TEST 1 (empty message).
    let seed =
        hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
    let key = Ed25519PrivateKey::from_seed(&seed).unwrap();
    assert_eq!(
        hex::encode(key.public_key().as_bytes()),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    assert_eq!(
        hex::encode(key.sign(b"")),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    );
}

// -------------------------------------------------------- secrets in Debug

#[test]
fn debug_output_never_contains_private_material() {
    let rsa = rsa2048();
    let comps = rsa.components().unwrap();
    let ec = EcPrivateKey::generate(Curve::P256).unwrap();
    let ec_comps = ec.components().unwrap();
    let ed = Ed25519PrivateKey::generate().unwrap();
    let d_hex = hex::encode(&comps.d[..8]);
    let ec_hex = hex::encode(&ec_comps.d[..8]);
    let seed_hex = hex::encode(&ed.seed().unwrap()[..8]);
    for text in [
        format!("{rsa:?}"),
        format!("{comps:?}"),
        format!("{:?}", PrivateKeyComponents::Rsa(comps.clone())),
        format!("{ec:?}"),
        format!("{ec_comps:?}"),
        format!("{ed:?}"),
        format!("{:?}", ed.components().unwrap()),
    ] {
        for secret in [&d_hex, &ec_hex, &seed_hex] {
            assert!(!text.contains(secret.as_str()), "{text}");
        }
        assert!(!text.contains("[") || !text.contains(", "), "no byte arrays in {text}");
    }
}

// ------------------------------------------------------ by key format type

#[test]
fn encode_and_decode_by_key_format_type() {
    use keyward_crypto::formats::{
        KeyFormat, decode_private, decode_public, encode_private, encode_public,
    };
    let keys = [
        PrivateKeyComponents::Rsa(rsa2048().components().unwrap()),
        PrivateKeyComponents::Ec(
            EcPrivateKey::generate(Curve::P521).unwrap().components().unwrap(),
        ),
        PrivateKeyComponents::Ed25519(Ed25519PrivateKey::generate().unwrap().components().unwrap()),
    ];
    for key in &keys {
        for format in [KeyFormat::Pkcs8, KeyFormat::Pkcs1, KeyFormat::Sec1, KeyFormat::Jwk] {
            match encode_private(key, format) {
                Ok(bytes) => {
                    assert_eq!(&decode_private(format, &bytes).unwrap(), key, "{format:?}")
                }
                Err(e) => assert!(matches!(e, CryptoError::WrongKeyType(_)), "{format:?}: {e}"),
            }
        }
        let public = key.public();
        for format in [KeyFormat::Spki, KeyFormat::Pkcs1, KeyFormat::Jwk] {
            match encode_public(&public, format) {
                Ok(bytes) => {
                    assert_eq!(decode_public(format, &bytes).unwrap(), public, "{format:?}")
                }
                Err(e) => assert!(matches!(e, CryptoError::WrongKeyType(_)), "{format:?}: {e}"),
            }
        }
        // A private JWK yields its public half when a public key is asked for.
        let private_jwk = encode_private(key, KeyFormat::Jwk).unwrap();
        assert_eq!(decode_public(KeyFormat::Jwk, &private_jwk).unwrap(), public);
        assert!(matches!(encode_private(key, KeyFormat::Spki), Err(CryptoError::WrongKeyType(_))));
        assert!(matches!(
            decode_private(KeyFormat::Raw, b"x"),
            Err(CryptoError::InvalidParameter { .. })
        ));
    }
    // Raw forms: Ed25519 seed, EC scalar and point; none for RSA.
    let PrivateKeyComponents::Ed25519(ed) = &keys[2] else { unreachable!() };
    assert_eq!(&encode_private(&keys[2], KeyFormat::Raw).unwrap()[..], &ed.seed[..]);
    let PrivateKeyComponents::Ec(ec) = &keys[1] else { unreachable!() };
    assert_eq!(encode_private(&keys[1], KeyFormat::Raw).unwrap().len(), 66);
    assert_eq!(encode_public(&keys[1].public(), KeyFormat::Raw).unwrap(), ec.q);
    assert!(matches!(encode_private(&keys[0], KeyFormat::Raw), Err(CryptoError::WrongKeyType(_))));
    // The PKCS#1 of OpenSSL's key decodes to the same key as its PKCS#8.
    assert_eq!(
        decode_private(KeyFormat::Pkcs1, &fixture("rsa1024_pkcs1.der")).unwrap(),
        decode_private(KeyFormat::Pkcs8, &fixture("rsa1024_pkcs8.der")).unwrap()
    );
}
