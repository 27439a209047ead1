//! JWK (RFC 7517 examples, every key type both ways), secret splitting
//! (any k of n rebuild, k − 1 do not) and symmetric key generation.

use keyward_crypto::CryptoError;
use keyward_crypto::ecdsa::{Curve, EcPrivateKey, SignatureFormat};
use keyward_crypto::formats::jwk::{Jwk, JwkKey};
use keyward_crypto::formats::{PrivateKeyComponents, PublicKeyComponents};
use keyward_crypto::keygen::{self, SymmetricAlgorithm, SymmetricKey};
use keyward_crypto::rsa::{RsaBits, RsaPrivateKey, RsaSignatureScheme, SignatureHash};
use keyward_crypto::split::{self, Share};

// ------------------------------------------------------------------- JWK

#[test]
fn rfc7517_appendix_a_examples_parse() {
    // A.2: the private EC key (its public part is A.1's first key).
    let jwk = Jwk::from_json(
        r#"{"kty":"EC","crv":"P-256",
            "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
            "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
            "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE",
            "use":"enc","kid":"1"}"#,
    )
    .unwrap();
    assert!(jwk.is_private());
    assert_eq!(jwk.kid.as_deref(), Some("1"));
    let JwkKey::Private(PrivateKeyComponents::Ec(c)) = jwk.to_key().unwrap() else {
        panic!("EC private")
    };
    assert_eq!(c.curve, Curve::P256);
    let key = EcPrivateKey::from_components(&c).unwrap();
    let sig = key.sign(b"jwk", SignatureFormat::Fixed).unwrap();
    key.public_key().verify(b"jwk", &sig, SignatureFormat::Fixed).unwrap();
    // The public view drops d and parses as a public key.
    let public = jwk.to_public();
    assert!(!public.is_private());
    assert!(!public.to_json().unwrap().contains("\"d\""));
    assert_eq!(public.to_key().unwrap(), JwkKey::Public(PublicKeyComponents::Ec(c.public())));
    // A.3: a symmetric key.
    let jwk =
        Jwk::from_json(r#"{"kty":"oct","alg":"A128KW","k":"GawgguFyGrWKav7AX4VKUg"}"#).unwrap();
    let JwkKey::Symmetric(k) = jwk.to_key().unwrap() else { panic!("oct") };
    assert_eq!(hex::encode(&k[..]), "19ac2082e1721ab58a6afec05f854a52");
    assert_eq!(Jwk::from_symmetric(&k).k, jwk.k);
}

#[test]
fn rsa_jwk_round_trip_and_use() {
    let key = RsaPrivateKey::generate(RsaBits::B2048).unwrap();
    let comps = key.components().unwrap();
    let jwk = Jwk::from_private(&PrivateKeyComponents::Rsa(comps.clone())).unwrap();
    assert_eq!(jwk.kty, "RSA");
    assert_eq!(jwk.e.as_deref(), Some("AQAB"));
    let json = jwk.to_json().unwrap();
    let back = Jwk::from_json(&json).unwrap();
    let JwkKey::Private(PrivateKeyComponents::Rsa(c2)) = back.to_key().unwrap() else {
        panic!("RSA private")
    };
    assert_eq!(c2, comps);
    let reloaded = RsaPrivateKey::from_components(&c2).unwrap();
    let scheme = RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha256);
    key.public_key().verify(scheme, b"x", &reloaded.sign(scheme, b"x").unwrap()).unwrap();
    // Public JWK.
    let public = Jwk::from_public(&PublicKeyComponents::Rsa(comps.public())).unwrap();
    assert_eq!(public, jwk.to_public());
    // A private RSA JWK without the CRT members is refused with the reason.
    let mut partial = back.clone();
    partial.dq = None;
    let err = partial.to_key().unwrap_err();
    assert!(err.to_string().contains("dp, dq and qi"), "{err}");
}

#[test]
fn malformed_jwks_are_refused_with_a_reason() {
    for (json, needle) in [
        (r#"{"kty":"oct"}"#, "needs member \"k\""),
        (r#"{"kty":"oct","k":"***"}"#, "base64url"),
        (r#"{"kty":"oct","k":"AAE="}"#, "base64url"),
        (r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#, "field length"),
        (r#"{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}"#, "not supported"),
        (r#"{"kty":"RSA","n":"AQAB"}"#, "needs member \"e\""),
        (r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#, "not supported"),
        (r#"{"kty":"DSA"}"#, "not supported"),
        ("[1,2]", "JSON object"),
    ] {
        let err = Jwk::from_json(json).and_then(|j| j.to_key().map(|_| ())).unwrap_err();
        assert!(err.to_string().contains(needle), "{json}: {err}");
    }
    // x/y not on the curve.
    let key = EcPrivateKey::generate(Curve::P384).unwrap();
    let mut jwk =
        Jwk::from_public(&PublicKeyComponents::Ec(key.public_key().components())).unwrap();
    let mut y = jwk.y.clone().unwrap();
    y.replace_range(0..1, if y.starts_with('A') { "B" } else { "A" });
    jwk.y = Some(y);
    assert!(matches!(jwk.to_key(), Err(CryptoError::MalformedKey { .. })));
    // d that does not match x/y.
    let other = EcPrivateKey::generate(Curve::P384).unwrap();
    let mut mixed =
        Jwk::from_private(&PrivateKeyComponents::Ec(key.components().unwrap())).unwrap();
    mixed.d = Jwk::from_private(&PrivateKeyComponents::Ec(other.components().unwrap()))
        .unwrap()
        .d
        .clone();
    assert!(matches!(mixed.to_key(), Err(CryptoError::MalformedKey { .. })));
}

#[test]
fn jwk_debug_hides_private_members() {
    let jwk = Jwk::from_symmetric(b"super secret key bytes!!");
    let k = jwk.k.clone().unwrap();
    let dbg = format!("{jwk:?}");
    assert!(!dbg.contains(&k), "{dbg}");
    assert!(dbg.contains("private: true"));
}

// ----------------------------------------------------------------- split

fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize == k {
            out.push((0..n).filter(|i| mask & (1 << i) != 0).collect());
        }
    }
    out
}

#[test]
fn shamir_any_k_of_n_rebuild_and_k_minus_1_do_not() {
    let secret = keygen::symmetric(SymmetricAlgorithm::Aes, 256).unwrap();
    for (k, n) in [(2, 2), (2, 3), (3, 5), (4, 6), (5, 5)] {
        let shares = split::shamir_split(secret.material(), k, n).unwrap();
        assert_eq!(shares.len(), n);
        assert_eq!(
            shares.iter().map(Share::index).collect::<Vec<_>>(),
            (1..=n as u8).collect::<Vec<_>>()
        );
        for set in subsets(n, k) {
            let pick: Vec<Share> = set.iter().map(|&i| shares[i].clone()).collect();
            assert_eq!(
                &split::shamir_combine(&pick).unwrap()[..],
                secret.material(),
                "k={k} n={n} {set:?}"
            );
        }
        // More than k also works.
        assert_eq!(&split::shamir_combine(&shares).unwrap()[..], secret.material());
        if k > 2 {
            for set in subsets(n, k - 1) {
                let pick: Vec<Share> = set.iter().map(|&i| shares[i].clone()).collect();
                assert_ne!(
                    &split::shamir_combine(&pick).unwrap()[..],
                    secret.material(),
                    "k-1 of k={k} n={n}"
                );
            }
        } else {
            // With k = 2 a single share is refused outright.
            assert!(split::shamir_combine(&shares[..1]).is_err());
        }
    }
}

#[test]
fn shamir_shares_from_storage_and_bad_inputs() {
    let shares = split::shamir_split(b"0123456789abcdef", 2, 4).unwrap();
    let stored: Vec<Share> = [&shares[3], &shares[1]]
        .iter()
        .map(|s| Share::new(s.index(), s.value()).unwrap())
        .collect();
    assert_eq!(&split::shamir_combine(&stored).unwrap()[..], b"0123456789abcdef");
    assert!(Share::new(0, b"x").is_err());
    assert!(
        split::shamir_combine(&[shares[0].clone(), shares[0].clone()]).is_err(),
        "duplicate index"
    );
    let short = Share::new(9, &shares[1].value()[..15]).unwrap();
    assert!(split::shamir_combine(&[shares[0].clone(), short]).is_err(), "length mismatch");
    for (k, n) in [(1, 3), (4, 3), (2, 1), (2, 256)] {
        assert!(
            matches!(split::shamir_split(b"s", k, n), Err(CryptoError::InvalidParameter { .. })),
            "k={k} n={n}"
        );
    }
    assert!(split::shamir_split(b"", 2, 3).is_err());
    // Shares are random: splitting twice gives different shares.
    let again = split::shamir_split(b"0123456789abcdef", 2, 4).unwrap();
    assert_ne!(shares[0].value(), again[0].value());
    // Debug shows index and length only.
    let dbg = format!("{:?}", shares[0]);
    assert!(dbg.contains("index: 1") && !dbg.contains(&hex::encode(shares[0].value())), "{dbg}");
}

#[test]
fn xor_split_needs_every_part() {
    let secret = b"an xor-split secret";
    let parts = split::xor_split(secret, 4).unwrap();
    assert_eq!(&split::xor_combine(&parts).unwrap()[..], secret);
    assert_ne!(&split::xor_combine(&parts[..3]).unwrap()[..], secret);
    assert!(split::xor_split(secret, 1).is_err());
}

// ---------------------------------------------------------------- keygen

#[test]
fn symmetric_generation_for_every_kmip_algorithm() {
    for (alg, bits, bytes) in [
        (SymmetricAlgorithm::Aes, 128, 16),
        (SymmetricAlgorithm::Aes, 192, 24),
        (SymmetricAlgorithm::Aes, 256, 32),
        (SymmetricAlgorithm::TripleDes, 168, 24),
        (SymmetricAlgorithm::TripleDes, 112, 16),
        (SymmetricAlgorithm::Des, 56, 8),
        (SymmetricAlgorithm::HmacSha256, 256, 32),
        (SymmetricAlgorithm::HmacSha512, 1024, 128),
        (SymmetricAlgorithm::HmacSha3_384, 384, 48),
        (SymmetricAlgorithm::ChaCha20, 256, 32),
        (SymmetricAlgorithm::Blowfish, 448, 56),
        (SymmetricAlgorithm::Skipjack, 80, 10),
        (SymmetricAlgorithm::OneTimePad, 8000, 1000),
    ] {
        let k = keygen::symmetric(alg, bits).unwrap();
        assert_eq!(k.material().len(), bytes, "{alg}");
        assert_eq!(k.bits(), bits);
        assert_eq!(k.algorithm(), alg);
    }
    for alg in SymmetricAlgorithm::ALL {
        // Every algorithm has some valid length and refuses 7 bits.
        assert!(
            matches!(
                keygen::symmetric(alg, 7),
                Err(CryptoError::InvalidKeyLength { actual_bits: 7, .. })
            ),
            "{alg}"
        );
    }
    let a = keygen::symmetric(SymmetricAlgorithm::Aes, 256).unwrap();
    let b = keygen::symmetric(SymmetricAlgorithm::Aes, 256).unwrap();
    assert_ne!(a.material(), b.material());
    let err = keygen::symmetric(SymmetricAlgorithm::Aes, 100).unwrap_err();
    assert_eq!(err.to_string(), "AES keys must be 128, 192 or 256 bits; this key is 100 bits");
    assert!(
        keygen::symmetric(SymmetricAlgorithm::OneTimePad, keygen::MAX_SYMMETRIC_BITS + 8).is_err()
    );
}

#[test]
fn registered_symmetric_material_is_checked_and_hidden() {
    let k = SymmetricKey::from_bytes(SymmetricAlgorithm::Aes, &[0x3c; 32]).unwrap();
    assert_eq!(k.bits(), 256);
    assert!(SymmetricKey::from_bytes(SymmetricAlgorithm::Aes, &[0u8; 17]).is_err());
    // Equality (constant time) looks at algorithm, length and every byte.
    assert_eq!(k, k.clone());
    let mut other = [0x3c; 32];
    other[31] = 0x3d;
    assert_ne!(k, SymmetricKey::from_bytes(SymmetricAlgorithm::Aes, &other).unwrap());
    assert_ne!(k, SymmetricKey::from_bytes(SymmetricAlgorithm::Camellia, &[0x3c; 32]).unwrap());
    let dbg = format!("{k:?}");
    assert!(!dbg.contains("3c") && !dbg.contains("60"), "{dbg}");
}

#[test]
fn hmac_keys_match_their_hash_and_sign() {
    use keyward_crypto::hash::HashAlgorithm;
    use keyward_crypto::mac::{MacAlgorithm, MacKey};
    for (hash, alg) in [
        (HashAlgorithm::Sha1, SymmetricAlgorithm::HmacSha1),
        (HashAlgorithm::Sha256, SymmetricAlgorithm::HmacSha256),
        (HashAlgorithm::Sha512, SymmetricAlgorithm::HmacSha512),
        (HashAlgorithm::Sha3_256, SymmetricAlgorithm::HmacSha3_256),
    ] {
        let k = keygen::hmac(hash).unwrap();
        assert_eq!(k.algorithm(), alg);
        assert_eq!(k.material().len(), hash.output_len());
        if let Ok(mac_alg) = MacAlgorithm::hmac(hash) {
            let key = MacKey::new(mac_alg, k.material()).unwrap();
            key.verify(b"m", &key.sign(b"m").unwrap()).unwrap();
        }
    }
    assert!(keygen::hmac(HashAlgorithm::Sha512_256).is_err());
}

#[test]
fn parsed_keys_can_be_shared_across_threads_in_a_cache() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<keyward_crypto::rsa::RsaPrivateKey>();
    shareable::<keyward_crypto::rsa::RsaPublicKey>();
    shareable::<keyward_crypto::ecdsa::EcPrivateKey>();
    shareable::<keyward_crypto::eddsa::Ed25519PrivateKey>();
    shareable::<keyward_crypto::symmetric::AesKey>();
    shareable::<keyward_crypto::mac::MacKey>();
    shareable::<keyward_crypto::keywrap::AesKek>();
    shareable::<keyward_crypto::keywrap::SoftwareKek>();
    shareable::<std::sync::Arc<dyn keyward_crypto::keywrap::KeyEncryptionKey>>();
    shareable::<keyward_crypto::policy::Policy>();
}
