//! AES known answers (NIST GCM test cases, SP 800-38A ECB/CBC/CTR) and the
//! negative cases: wrong tag, wrong padding, truncated ciphertext, bad sizes.

use keyward_crypto::CryptoError;
use keyward_crypto::symmetric::{AesKey, GcmTagLen, Padding, SymmetricMode};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).expect("valid hex in a test vector")
}

/// (key, iv, plaintext, aad, ciphertext, tag) from the GCM specification's
/// test cases (McGrew & Viega, as used by NIST's GCM validation).
const GCM: &[(&str, &str, &str, &str, &str, &str)] = &[
    // Test Case 1: AES-128, empty plaintext.
    (
        "00000000000000000000000000000000",
        "000000000000000000000000",
        "",
        "",
        "",
        "58e2fccefa7e3061367f1d57a4e7455a",
    ),
    // Test Case 2.
    (
        "00000000000000000000000000000000",
        "000000000000000000000000",
        "00000000000000000000000000000000",
        "",
        "0388dace60b6a392f328c2b971b2fe78",
        "ab6e47d42cec13bdf53a67b21257bddf",
    ),
    // Test Case 3.
    (
        "feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
        "",
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
        "4d5c2af327cd64a62cf35abd2ba6fab4",
    ),
    // Test Case 4: with associated data.
    (
        "feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        "5bc94fbc3221a5db94fae95ae7121a47",
    ),
    // Test Case 10: AES-192 with associated data.
    (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
        "2519498e80f1478f37ba55bd6d27618c",
    ),
    // Test Case 13: AES-256, empty plaintext.
    (
        "0000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000",
        "",
        "",
        "",
        "530f8afbc74536b9a963b4f1c4cb738b",
    ),
    // Test Case 14.
    (
        "0000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000",
        "00000000000000000000000000000000",
        "",
        "cea7403d4d606b6e074ec5d3baf39d18",
        "d0d1c8a799996bf0265b98b5d48ab919",
    ),
    // Test Case 16: AES-256 with associated data.
    (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b",
    ),
];

#[test]
fn gcm_known_answers_encrypt_and_decrypt() {
    for (i, (k, iv, p, a, c, t)) in GCM.iter().enumerate() {
        let key = AesKey::new(&h(k)).unwrap();
        let out = key.gcm_encrypt(Some(&h(iv)), &h(a), &h(p), GcmTagLen::FULL).unwrap();
        assert_eq!(hex::encode(&out.ciphertext), *c, "ciphertext of vector {i}");
        assert_eq!(hex::encode(&out.tag), *t, "tag of vector {i}");
        assert_eq!(out.iv, h(iv));
        let back = key.gcm_decrypt(&h(iv), &h(a), &h(c), &h(t)).unwrap();
        assert_eq!(&back[..], &h(p)[..], "plaintext of vector {i}");
    }
}

#[test]
fn gcm_truncated_tags_are_prefixes_and_verify() {
    let (k, iv, p, a, c, t) = GCM[3];
    let key = AesKey::new(&h(k)).unwrap();
    for len in 12..=16 {
        let out =
            key.gcm_encrypt(Some(&h(iv)), &h(a), &h(p), GcmTagLen::new(len).unwrap()).unwrap();
        assert_eq!(hex::encode(&out.ciphertext), c);
        assert_eq!(out.tag, h(t)[..len].to_vec());
        let back = key.gcm_decrypt(&h(iv), &h(a), &h(c), &out.tag).unwrap();
        assert_eq!(&back[..], &h(p)[..]);
        // A flipped bit in the truncated tag, the ciphertext or the AAD is refused.
        let mut bad_tag = out.tag.clone();
        bad_tag[len - 1] ^= 0x80;
        assert_eq!(
            key.gcm_decrypt(&h(iv), &h(a), &h(c), &bad_tag),
            Err(CryptoError::AuthenticationFailed)
        );
        let mut bad_ct = h(c);
        bad_ct[0] ^= 1;
        assert_eq!(
            key.gcm_decrypt(&h(iv), &h(a), &bad_ct, &out.tag),
            Err(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            key.gcm_decrypt(&h(iv), b"other", &h(c), &out.tag),
            Err(CryptoError::AuthenticationFailed)
        );
    }
}

#[test]
fn gcm_refuses_wrong_tag_aad_nonce_and_truncation() {
    let (k, iv, p, a, c, t) = GCM[3];
    let key = AesKey::new(&h(k)).unwrap();
    let mut tag = h(t);
    tag[0] ^= 1;
    assert_eq!(key.gcm_decrypt(&h(iv), &h(a), &h(c), &tag), Err(CryptoError::AuthenticationFailed));
    assert_eq!(key.gcm_decrypt(&h(iv), b"", &h(c), &h(t)), Err(CryptoError::AuthenticationFailed));
    let mut nonce = h(iv);
    nonce[11] ^= 1;
    assert_eq!(
        key.gcm_decrypt(&nonce, &h(a), &h(c), &h(t)),
        Err(CryptoError::AuthenticationFailed)
    );
    // Truncated ciphertext.
    let ct = h(c);
    assert_eq!(
        key.gcm_decrypt(&h(iv), &h(a), &ct[..ct.len() - 1], &h(t)),
        Err(CryptoError::AuthenticationFailed)
    );
    // Wrong key.
    let other = AesKey::new(&[1u8; 16]).unwrap();
    assert_eq!(
        other.gcm_decrypt(&h(iv), &h(a), &h(c), &h(t)),
        Err(CryptoError::AuthenticationFailed)
    );
    // Tag and nonce sizes.
    assert!(matches!(
        key.gcm_decrypt(&h(iv), &h(a), &h(c), &h(t)[..11]),
        Err(CryptoError::InvalidTagLength { actual: 11, .. })
    ));
    assert!(matches!(GcmTagLen::new(17), Err(CryptoError::InvalidTagLength { .. })));
    assert!(matches!(
        key.gcm_encrypt(Some(&[0u8; 16]), b"", &h(p), GcmTagLen::FULL),
        Err(CryptoError::InvalidIvLength { actual: 16, .. })
    ));
    // Nothing of the plaintext leaks into the error message.
    let msg = key.gcm_decrypt(&h(iv), &h(a), &h(c), &tag).unwrap_err().to_string();
    assert!(msg.contains("authenticated decryption failed"), "{msg}");
}

#[test]
fn gcm_random_nonce_is_fresh_and_round_trips() {
    let key = AesKey::generate(256).unwrap();
    let a = key.gcm_encrypt(None, b"ctx", b"data", GcmTagLen::FULL).unwrap();
    let b = key.gcm_encrypt(None, b"ctx", b"data", GcmTagLen::FULL).unwrap();
    assert_eq!(a.iv.len(), 12);
    assert_ne!(a.iv, b.iv);
    assert_ne!(a.ciphertext, b.ciphertext);
    assert_eq!(&key.gcm_decrypt(&b.iv, b"ctx", &b.ciphertext, &b.tag).unwrap()[..], b"data");
}

const SP800_38A_PLAIN: &str = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
    30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
const KEY128: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const KEY192: &str = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b";
const KEY256: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
const IV: &str = "000102030405060708090a0b0c0d0e0f";

#[test]
fn ecb_sp800_38a_f1() {
    for (k, c) in [
        (
            KEY128,
            "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf
             43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4",
        ),
        (
            KEY192,
            "bd334f1d6e45f25ff712a214571fa5cc 974104846d0ad3ad7734ecb3ecee4eef
             ef7afd2270e2e60adce0ba2face6444e 9a4b41ba738d6c72fb16691603c18e0e",
        ),
        (
            KEY256,
            "f3eed1bdb5d2a03c064b5a7e3db181f8 591ccb10d410ed26dc5ba74a31362870
             b6ed21b99ca6f4f9f153e7b1beafed1d 23304b7a39f9f3ff067d8d8f9e24ecc7",
        ),
    ] {
        let key = AesKey::new(&h(k)).unwrap();
        assert_eq!(key.ecb_encrypt(Padding::None, &h(SP800_38A_PLAIN)).unwrap(), h(c));
        assert_eq!(&key.ecb_decrypt(Padding::None, &h(c)).unwrap()[..], &h(SP800_38A_PLAIN)[..]);
    }
}

#[test]
fn cbc_sp800_38a_f2() {
    for (k, c) in [
        (
            KEY128,
            "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
             73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
        ),
        (
            KEY256,
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
             39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
        ),
    ] {
        let key = AesKey::new(&h(k)).unwrap();
        let out = key.cbc_encrypt(Some(&h(IV)), Padding::None, &h(SP800_38A_PLAIN)).unwrap();
        assert_eq!(out.ciphertext, h(c));
        assert_eq!(
            &key.cbc_decrypt(&h(IV), Padding::None, &h(c)).unwrap()[..],
            &h(SP800_38A_PLAIN)[..]
        );
    }
}

#[test]
fn ctr_sp800_38a_f5() {
    let key = AesKey::new(&h(KEY128)).unwrap();
    let ctr = h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    let c = h("874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff
               5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee");
    assert_eq!(key.ctr_encrypt(Some(&ctr), &h(SP800_38A_PLAIN)).unwrap().ciphertext, c);
    assert_eq!(&key.ctr_decrypt(&ctr, &c).unwrap()[..], &h(SP800_38A_PLAIN)[..]);
    // CTR takes any length.
    let short = key.ctr_encrypt(Some(&ctr), &h(SP800_38A_PLAIN)[..5]).unwrap();
    assert_eq!(short.ciphertext, c[..5].to_vec());
}

#[test]
fn pkcs5_padding_round_trips_every_length_and_adds_a_block_when_aligned() {
    let key = AesKey::generate(128).unwrap();
    for len in 0..=48 {
        let data: Vec<u8> = (0..len as u8).collect();
        let cbc = key.cbc_encrypt(None, Padding::Pkcs5, &data).unwrap();
        assert_eq!(cbc.ciphertext.len(), (len / 16 + 1) * 16);
        assert_eq!(
            &key.cbc_decrypt(&cbc.iv, Padding::Pkcs5, &cbc.ciphertext).unwrap()[..],
            &data[..]
        );
        let ecb = key.ecb_encrypt(Padding::Pkcs5, &data).unwrap();
        assert_eq!(&key.ecb_decrypt(Padding::Pkcs5, &ecb).unwrap()[..], &data[..]);
    }
    // F.2.1's first block with PKCS#5 padding: the padding block is the second block.
    let key = AesKey::new(&h(KEY128)).unwrap();
    let out = key.cbc_encrypt(Some(&h(IV)), Padding::Pkcs5, &h(SP800_38A_PLAIN)[..16]).unwrap();
    assert_eq!(out.ciphertext[..16], h("7649abac8119b246cee98e9b12e9197d")[..]);
}

#[test]
fn wrong_padding_and_bad_lengths_are_refused() {
    let key = AesKey::new(&h(KEY128)).unwrap();
    // Unpadded data decrypted as padded: its last byte (0x10) claims 16 bytes of
    // padding that are not all 0x10, so the padding is invalid.
    let c = key.cbc_encrypt(Some(&h(IV)), Padding::None, &h(SP800_38A_PLAIN)).unwrap().ciphertext;
    assert_eq!(key.cbc_decrypt(&h(IV), Padding::Pkcs5, &c), Err(CryptoError::BadPadding));
    assert_eq!(
        key.ecb_decrypt(Padding::Pkcs5, &key.ecb_encrypt(Padding::None, &[0u8; 16]).unwrap()),
        Err(CryptoError::BadPadding)
    );
    // Wrong key on padded data: almost always bad padding; never the plaintext.
    let padded = key.cbc_encrypt(None, Padding::Pkcs5, b"sixteen byte msg!").unwrap();
    let other = AesKey::new(&[9u8; 16]).unwrap();
    if let Ok(p) = other.cbc_decrypt(&padded.iv, Padding::Pkcs5, &padded.ciphertext) {
        assert_ne!(&p[..], b"sixteen byte msg!");
    }
    // Truncated and misaligned ciphertext.
    assert!(matches!(
        key.cbc_decrypt(&h(IV), Padding::Pkcs5, &c[..31]),
        Err(CryptoError::NotBlockAligned { actual: 31, .. })
    ));
    assert!(matches!(
        key.cbc_decrypt(&h(IV), Padding::Pkcs5, &[]),
        Err(CryptoError::InputTooShort { .. })
    ));
    assert!(matches!(
        key.cbc_encrypt(None, Padding::None, &[0u8; 17]),
        Err(CryptoError::NotBlockAligned { actual: 17, .. })
    ));
    assert!(matches!(
        key.cbc_encrypt(Some(&[0u8; 12]), Padding::None, &[0u8; 16]),
        Err(CryptoError::InvalidIvLength { .. })
    ));
    assert!(matches!(
        key.ctr_decrypt(&[0u8; 15], &[0u8; 4]),
        Err(CryptoError::InvalidIvLength { .. })
    ));
}

#[test]
fn wrong_key_sizes_are_refused() {
    for n in [0usize, 8, 15, 17, 20, 31, 33, 64] {
        let err = AesKey::new(&vec![0u8; n]).unwrap_err();
        assert_eq!(
            err,
            CryptoError::InvalidKeyLength {
                algorithm: "AES",
                expected: "128, 192 or 256 bits",
                actual_bits: n * 8
            }
        );
    }
    assert!(AesKey::generate(512).is_err());
    assert!(err_text(AesKey::new(&[0u8; 20]).unwrap_err()).contains("this key is 160 bits"));
}

fn err_text(e: CryptoError) -> String {
    e.to_string()
}

#[test]
fn run_time_mode_dispatch_round_trips_and_guards_aad() {
    let key = AesKey::generate(192).unwrap();
    for mode in [
        SymmetricMode::Gcm { tag_len: GcmTagLen::FULL },
        SymmetricMode::Gcm { tag_len: GcmTagLen::new(12).unwrap() },
        SymmetricMode::Cbc(Padding::Pkcs5),
        SymmetricMode::Ecb(Padding::Pkcs5),
        SymmetricMode::Ctr,
    ] {
        let aad: &[u8] = if matches!(mode, SymmetricMode::Gcm { .. }) { b"aad" } else { b"" };
        let out = key.encrypt(mode, None, aad, b"round trip data").unwrap();
        let iv = (!out.iv.is_empty()).then_some(&out.iv[..]);
        let tag = (!out.tag.is_empty()).then_some(&out.tag[..]);
        let back = key.decrypt(mode, iv, aad, &out.ciphertext, tag).unwrap();
        assert_eq!(&back[..], b"round trip data", "{mode:?}");
    }
    assert!(matches!(
        key.encrypt(SymmetricMode::Cbc(Padding::Pkcs5), None, b"aad", b"x"),
        Err(CryptoError::InvalidParameter { name: "associated data", .. })
    ));
    assert!(matches!(
        key.decrypt(
            SymmetricMode::Gcm { tag_len: GcmTagLen::FULL },
            Some(&[0; 12]),
            b"",
            b"x",
            None
        ),
        Err(CryptoError::InvalidTagLength { .. })
    ));
}

#[test]
fn debug_never_shows_key_material() {
    let key = AesKey::new(&[0xab; 32]).unwrap();
    let dbg = format!("{key:?}");
    assert!(!dbg.to_lowercase().contains("abab"), "{dbg}");
    assert!(!dbg.contains("171"), "{dbg}");
    assert!(dbg.contains("256"));
}
