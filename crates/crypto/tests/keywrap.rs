//! AES key wrap: RFC 3394 §4 and RFC 5649 §6 known answers, integrity
//! failures, and the software master key behind the `KeyEncryptionKey` trait.

use keyward_crypto::CryptoError;
use keyward_crypto::keywrap::{AesKek, KeyEncryptionKey, KeyWrapAlgorithm, SoftwareKek};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).expect("valid hex in a test vector")
}

const KEK128: &str = "000102030405060708090A0B0C0D0E0F";
const KEK192: &str = "000102030405060708090A0B0C0D0E0F1011121314151617";
const KEK256: &str = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
const DATA128: &str = "00112233445566778899AABBCCDDEEFF";
const DATA192: &str = "00112233445566778899AABBCCDDEEFF0001020304050607";
const DATA256: &str = "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F";

/// RFC 3394 §4.1–4.6 (192-bit KEKs exercise the in-crate implementation).
const RFC3394: &[(&str, &str, &str)] = &[
    (KEK128, DATA128, "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5"),
    (KEK192, DATA128, "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D"),
    (KEK256, DATA128, "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7"),
    (KEK192, DATA192, "031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2"),
    (KEK256, DATA192, "A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1"),
    (
        KEK256,
        DATA256,
        "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21",
    ),
];

#[test]
fn rfc3394_section4_vectors() {
    for (i, (kek, data, wrapped)) in RFC3394.iter().enumerate() {
        let kek = AesKek::new(&h(kek)).unwrap();
        assert_eq!(
            kek.wrap(KeyWrapAlgorithm::AesKw, &h(data)).unwrap(),
            h(wrapped),
            "§4.{}",
            i + 1
        );
        assert_eq!(&kek.unwrap(KeyWrapAlgorithm::AesKw, &h(wrapped)).unwrap()[..], &h(data)[..]);
    }
}

#[test]
fn rfc5649_section6_vectors() {
    let kek = AesKek::new(&h("5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8")).unwrap();
    for (data, wrapped) in [
        (
            "c37b7e6492584340 bed1220780894115 5068f738",
            "138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a",
        ),
        ("466f7250617369", "afbeb0f07dfbf541 9200f2ccb50bb24f"),
    ] {
        assert_eq!(kek.wrap(KeyWrapAlgorithm::AesKwp, &h(data)).unwrap(), h(wrapped));
        assert_eq!(&kek.unwrap(KeyWrapAlgorithm::AesKwp, &h(wrapped)).unwrap()[..], &h(data)[..]);
    }
}

#[test]
fn tampered_or_mismatched_wraps_fail_the_integrity_check() {
    for (kek_hex, _, wrapped) in RFC3394 {
        let kek = AesKek::new(&h(kek_hex)).unwrap();
        let mut w = h(wrapped);
        w[3] ^= 0x01;
        assert_eq!(kek.unwrap(KeyWrapAlgorithm::AesKw, &w), Err(CryptoError::UnwrapFailed));
        // A KW blob is not a KWP blob.
        assert_eq!(
            kek.unwrap(KeyWrapAlgorithm::AesKwp, &h(wrapped)),
            Err(CryptoError::UnwrapFailed)
        );
        // The wrong KEK.
        let other = AesKek::new(&vec![0x55; h(kek_hex).len()]).unwrap();
        assert_eq!(
            other.unwrap(KeyWrapAlgorithm::AesKw, &h(wrapped)),
            Err(CryptoError::UnwrapFailed)
        );
    }
    let kek = AesKek::new(&h(KEK256)).unwrap();
    // Truncated.
    let w = h(RFC3394[5].2);
    assert_eq!(
        kek.unwrap(KeyWrapAlgorithm::AesKw, &w[..w.len() - 8]),
        Err(CryptoError::UnwrapFailed)
    );
    assert_eq!(
        kek.unwrap(KeyWrapAlgorithm::AesKw, &w[..w.len() - 3]),
        Err(CryptoError::UnwrapFailed)
    );
    assert!(matches!(
        kek.unwrap(KeyWrapAlgorithm::AesKw, &w[..16]),
        Err(CryptoError::InputTooShort { .. })
    ));
    assert!(matches!(
        kek.unwrap(KeyWrapAlgorithm::AesKwp, &w[..8]),
        Err(CryptoError::InputTooShort { .. })
    ));
}

#[test]
fn input_rules_and_key_sizes() {
    let kek = AesKek::new(&h(KEK128)).unwrap();
    assert!(matches!(
        kek.wrap(KeyWrapAlgorithm::AesKw, &[0u8; 8]),
        Err(CryptoError::InputTooShort { min: 16, .. })
    ));
    assert!(matches!(
        kek.wrap(KeyWrapAlgorithm::AesKw, &[0u8; 20]),
        Err(CryptoError::InvalidParameter { .. })
    ));
    assert!(matches!(
        kek.wrap(KeyWrapAlgorithm::AesKwp, &[]),
        Err(CryptoError::InputTooShort { min: 1, .. })
    ));
    // KWP takes any length and round-trips.
    for len in [1usize, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100] {
        let data = vec![0xa5u8; len];
        let w = kek.wrap(KeyWrapAlgorithm::AesKwp, &data).unwrap();
        assert_eq!(w.len(), len.div_ceil(8) * 8 + 8);
        assert_eq!(&kek.unwrap(KeyWrapAlgorithm::AesKwp, &w).unwrap()[..], &data[..]);
    }
    assert!(matches!(
        AesKek::new(&[0u8; 20]),
        Err(CryptoError::InvalidKeyLength { actual_bits: 160, .. })
    ));
}

#[test]
fn software_master_key_wraps_through_the_trait() {
    let master = SoftwareKek::generate("master-v1").unwrap();
    let kek: &dyn KeyEncryptionKey = &master;
    assert_eq!(kek.id(), "master-v1");
    for len in [1usize, 16, 32, 48, 1000] {
        let secret = vec![0x42u8; len];
        let wrapped = kek.wrap(&secret).unwrap();
        assert_ne!(&wrapped[..], &secret[..]);
        assert_eq!(&kek.unwrap(&wrapped).unwrap()[..], &secret[..]);
    }
    // Reloading from its bytes gives the same key.
    let again = SoftwareKek::from_bytes("master-v1", master.material()).unwrap();
    let w = master.wrap(&[1u8; 32]).unwrap();
    assert_eq!(&again.unwrap(&w).unwrap()[..], &[1u8; 32]);
    // Another master key cannot unwrap it.
    let other = SoftwareKek::generate("master-v2").unwrap();
    assert_eq!(other.unwrap(&w), Err(CryptoError::UnwrapFailed));
    // Only AES-256 is accepted as the software master key.
    assert!(matches!(
        SoftwareKek::from_bytes("x", &[0u8; 16]),
        Err(CryptoError::InvalidKeyLength { .. })
    ));
    // Debug shows the id, never the key.
    let dbg = format!("{master:?}");
    assert!(dbg.contains("master-v1"));
    assert!(!dbg.contains(&hex::encode(master.material())));
}

#[test]
fn software_master_key_is_rfc5649_aes256() {
    // The same blob as AES-256 KWP under the same bytes: an HSM doing
    // CKM_AES_KEY_WRAP_PAD with this key would produce it too.
    let master = SoftwareKek::from_bytes("m", &h(KEK256)).unwrap();
    let kek = AesKek::new(&h(KEK256)).unwrap();
    let data = h(DATA192);
    assert_eq!(master.wrap(&data).unwrap(), kek.wrap(KeyWrapAlgorithm::AesKwp, &data).unwrap());
}
