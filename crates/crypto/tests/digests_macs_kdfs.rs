//! Known answers for hashes (FIPS 180-4 / 202), MACs (RFC 4231, RFC 2202,
//! SP 800-38B) and KDFs (RFC 5869, RFC 6070, RFC 7914, NIST CAVP KDFCTR).

use keyward_crypto::CryptoError;
use keyward_crypto::hash::{self, HashAlgorithm, Hasher};
use keyward_crypto::kdf::{self, HkdfHash, KbkdfHash, Pbkdf2Hash};
use keyward_crypto::mac::{self, MacAlgorithm, MacKey};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).expect("valid hex in a test vector")
}

#[test]
fn sha3_of_the_empty_string() {
    for (alg, want) in [
        (
            HashAlgorithm::Sha3_256,
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
        ),
        (
            HashAlgorithm::Sha3_384,
            "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004",
        ),
        (
            HashAlgorithm::Sha3_512,
            "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26",
        ),
    ] {
        assert_eq!(hex::encode(hash::digest(alg, b"")), want, "{alg}");
    }
}

#[test]
fn sha1_and_sha2_of_abc() {
    for (alg, want) in [
        (HashAlgorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (HashAlgorithm::Sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
        (HashAlgorithm::Sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            HashAlgorithm::Sha384,
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
        ),
        (
            HashAlgorithm::Sha512,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
        (
            HashAlgorithm::Sha512_256,
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
        ),
    ] {
        assert_eq!(hex::encode(hash::digest(alg, b"abc")), want, "{alg}");
        assert_eq!(alg.output_len(), want.len() / 2);
        let mut inc = Hasher::new(alg);
        inc.update(b"a");
        inc.update(b"bc");
        assert_eq!(hex::encode(inc.finish()), want, "incremental {alg}");
    }
}

#[test]
fn rfc4231_hmac_sha2() {
    // Test Case 1, 2 and 6.
    let cases: [(Vec<u8>, &[u8], [&str; 4]); 3] = [
        (
            vec![0x0b; 20],
            b"Hi There",
            [
                "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ],
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?",
            [
                "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ],
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            [
                "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ],
        ),
    ];
    let algs = [
        MacAlgorithm::HmacSha224,
        MacAlgorithm::HmacSha256,
        MacAlgorithm::HmacSha384,
        MacAlgorithm::HmacSha512,
    ];
    for (key, data, wants) in &cases {
        for (alg, want) in algs.iter().zip(wants) {
            let k = MacKey::new(*alg, key).unwrap();
            let tag = k.sign(data).unwrap();
            assert_eq!(hex::encode(&tag), *want, "{alg}");
            assert_eq!(tag.len(), alg.tag_len());
            k.verify(data, &tag).unwrap();
            let mut ctx = k.start();
            ctx.update(&data[..3]).unwrap();
            ctx.update(&data[3..]).unwrap();
            assert_eq!(hex::encode(ctx.finish().unwrap()), *want);
        }
    }
}

#[test]
fn rfc2202_hmac_sha1() {
    let tag = mac::mac(MacAlgorithm::HmacSha1, &[0x0b; 20], b"Hi There").unwrap();
    assert_eq!(hex::encode(tag), "b617318655057264e28bc0b6fb378c8ef146be00");
}

#[test]
fn sp800_38b_aes_cmac() {
    let key = h("2b7e151628aed2a6abf7158809cf4f3c");
    assert_eq!(
        hex::encode(mac::mac(MacAlgorithm::CmacAes, &key, b"").unwrap()),
        "bb1d6929e95937287fa37d129b756746"
    );
    let m = h("6bc1bee22e409f96e93d7e117393172a");
    assert_eq!(
        hex::encode(mac::mac(MacAlgorithm::CmacAes, &key, &m).unwrap()),
        "070a16b46b4d4144f79bdd9dd04a287c"
    );
    mac::verify(MacAlgorithm::CmacAes, &key, &m, &h("070a16b46b4d4144f79bdd9dd04a287c")).unwrap();
}

#[test]
fn mac_verification_refuses_wrong_tags_data_and_keys() {
    let key = MacKey::new(MacAlgorithm::HmacSha256, b"key").unwrap();
    let tag = key.sign(b"data").unwrap();
    let mut bad = tag.clone();
    bad[31] ^= 1;
    assert_eq!(key.verify(b"data", &bad), Err(CryptoError::InvalidMac));
    assert_eq!(key.verify(b"Data", &tag), Err(CryptoError::InvalidMac));
    assert_eq!(key.verify(b"data", &tag[..16]), Err(CryptoError::InvalidMac));
    assert_eq!(
        MacKey::new(MacAlgorithm::HmacSha256, b"other").unwrap().verify(b"data", &tag),
        Err(CryptoError::InvalidMac)
    );
    assert!(matches!(
        MacKey::new(MacAlgorithm::HmacSha256, b""),
        Err(CryptoError::InvalidKeyLength { .. })
    ));
    assert!(matches!(
        MacKey::new(MacAlgorithm::CmacAes, &[0u8; 20]),
        Err(CryptoError::InvalidKeyLength { actual_bits: 160, .. })
    ));
    assert!(matches!(
        MacAlgorithm::hmac(HashAlgorithm::Sha3_256),
        Err(CryptoError::Unsupported(_))
    ));
    assert_eq!(MacAlgorithm::hmac(HashAlgorithm::Sha384).unwrap(), MacAlgorithm::HmacSha384);
}

#[test]
fn rfc5869_hkdf() {
    // Test Case 1.
    let okm = kdf::hkdf(
        HkdfHash::Sha256,
        &[0x0b; 22],
        Some(&h("000102030405060708090a0b0c")),
        &h("f0f1f2f3f4f5f6f7f8f9"),
        42,
    )
    .unwrap();
    assert_eq!(
        hex::encode(&okm[..]),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    );
    // Test Case 3: no salt, no info.
    let okm = kdf::hkdf(HkdfHash::Sha256, &[0x0b; 22], None, b"", 42).unwrap();
    assert_eq!(
        hex::encode(&okm[..]),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    );
    // Test Case 4: SHA-1.
    let okm = kdf::hkdf(
        HkdfHash::Sha1,
        &[0x0b; 11],
        Some(&h("000102030405060708090a0b0c")),
        &h("f0f1f2f3f4f5f6f7f8f9"),
        42,
    )
    .unwrap();
    assert_eq!(
        hex::encode(&okm[..]),
        "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896"
    );
    // Output longer than 255 hash lengths is refused.
    assert!(matches!(
        kdf::hkdf(HkdfHash::Sha256, b"k", None, b"", 255 * 32 + 1),
        Err(CryptoError::InputTooLong { .. })
    ));
}

#[test]
fn rfc6070_pbkdf2_hmac_sha1() {
    for (c, want) in [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (4096, "4b007901b765489abead49d926f721d065a429c1"),
    ] {
        let dk = kdf::pbkdf2(Pbkdf2Hash::Sha1, b"password", b"salt", c, 20).unwrap();
        assert_eq!(hex::encode(&dk[..]), want, "c = {c}");
    }
    let dk = kdf::pbkdf2(
        Pbkdf2Hash::Sha1,
        b"passwordPASSWORDpassword",
        b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
        4096,
        25,
    )
    .unwrap();
    assert_eq!(hex::encode(&dk[..]), "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
}

#[test]
fn rfc7914_pbkdf2_hmac_sha256() {
    let dk = kdf::pbkdf2(Pbkdf2Hash::Sha256, b"passwd", b"salt", 1, 64).unwrap();
    assert_eq!(
        hex::encode(&dk[..]),
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
    );
    let dk = kdf::pbkdf2(Pbkdf2Hash::Sha256, b"Password", b"NaCl", 80000, 64).unwrap();
    assert_eq!(
        hex::encode(&dk[..]),
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
    );
    assert!(matches!(
        kdf::pbkdf2(Pbkdf2Hash::Sha256, b"p", b"s", 0, 32),
        Err(CryptoError::InvalidParameter { .. })
    ));
    assert!(matches!(
        kdf::pbkdf2(Pbkdf2Hash::Sha256, b"p", b"s", kdf::MAX_PBKDF2_ITERATIONS + 1, 32),
        Err(CryptoError::InvalidParameter { .. })
    ));
    // The work, iterations times output blocks, is bounded too: a tenth of
    // the largest count is too much for eleven SHA-256 blocks, and the largest
    // count for two; one iteration of the longest output is not.
    let work = u32::try_from(kdf::MAX_PBKDF2_WORK).unwrap();
    for (iterations, len) in [(work / 10, 11 * 32), (kdf::MAX_PBKDF2_ITERATIONS, 33)] {
        let derived = kdf::pbkdf2(Pbkdf2Hash::Sha256, b"p", b"s", iterations, len);
        assert!(
            matches!(derived, Err(CryptoError::InvalidParameter { .. })),
            "{iterations} x {len}"
        );
    }
    assert!(kdf::pbkdf2(Pbkdf2Hash::Sha1, b"p", b"s", 1, kdf::MAX_OUTPUT_LEN).is_ok());
    assert!(matches!(
        kdf::pbkdf2(Pbkdf2Hash::Sha256, b"p", b"s", 1, 0),
        Err(CryptoError::InvalidParameter { .. })
    ));
    assert!(matches!(
        kdf::pbkdf2(Pbkdf2Hash::Sha256, b"p", b"s", 1, kdf::MAX_OUTPUT_LEN + 1),
        Err(CryptoError::InputTooLong { .. })
    ));
}

#[test]
fn nist_cavp_kdfctr_hmac_sha256_before_fixed_32_bit_counter() {
    // KDFCTR_gen.rsp, [PRF=HMAC_SHA256] [CTRLOCATION=BEFORE_FIXED] [RLEN=32_BITS], COUNT=0, L=128.
    let ko = kdf::sp800_108_counter_hmac(
        KbkdfHash::Sha256,
        &h("dd1d91b7d90b2bd3138533ce92b272fbf8a369316aefe242e659cc0ae238afe0"),
        &h("01322b96b30acd197979444e468e1c5c6859bf1b1cf951b7e725303e237e46b864a145fab25e517b08f8683d0315bb2911d80a0e8aba17f3b413faac"),
        16,
    )
    .unwrap();
    assert_eq!(hex::encode(&ko[..]), "10621342bfb0fd40046c0e29f2cfdbf0");
}

#[test]
fn sp800_108_with_the_recommended_fixed_input() {
    // Label ‖ 0x00 ‖ Context ‖ [L]32, as in aws-lc-rs's documented example.
    let fixed =
        kdf::sp800_108_fixed_input(b"KBKDF HMAC Counter Label", b"KBKDF HMAC Counter Context", 16)
            .unwrap();
    assert_eq!(&fixed[fixed.len() - 4..], &128u32.to_be_bytes());
    let ko = kdf::sp800_108_counter_hmac(
        KbkdfHash::Sha256,
        &h("0185fb7661f6dd408d982f810fcd5004"),
        &fixed,
        16,
    )
    .unwrap();
    assert_eq!(hex::encode(&ko[..]), "cde092c8fe96215188d43de46cf637cb");
    assert!(matches!(
        kdf::sp800_108_counter_hmac(KbkdfHash::Sha256, b"", &fixed, 16),
        Err(CryptoError::InvalidKeyLength { .. })
    ));
}

#[test]
fn kdf_hash_choices_are_closed() {
    assert!(matches!(
        Pbkdf2Hash::try_from(HashAlgorithm::Sha224),
        Err(CryptoError::Unsupported(_))
    ));
    assert!(matches!(KbkdfHash::try_from(HashAlgorithm::Sha1), Err(CryptoError::Unsupported(_))));
    assert_eq!(HkdfHash::try_from(HashAlgorithm::Sha384).unwrap(), HkdfHash::Sha384);
    let msg = KbkdfHash::try_from(HashAlgorithm::Sha3_256).unwrap_err().to_string();
    assert!(msg.contains("SP 800-108"), "{msg}");
}
