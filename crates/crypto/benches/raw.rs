//! Keyward's crypto API next to raw aws-lc-rs on the same keys, so the
//! engine's overhead is visible: RSA-2048 PKCS#1 v1.5 and PSS signing (also
//! on every core at once, the raw ceiling of a loaded server),
//! RSA-2048 OAEP decryption, ECDSA P-256 signing, AES-256-GCM encryption of
//! 64 bytes.
//!
//! Run with `cargo bench -p keyward-crypto --bench raw`.

use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use aws_lc_rs::signature::{self, EcdsaKeyPair, RsaKeyPair};
use criterion::{Criterion, criterion_group, criterion_main};
use keyward_crypto::ecdsa::{Curve, EcPrivateKey, SignatureFormat};
use keyward_crypto::rsa::{
    OaepHash, RsaBits, RsaEncryptionScheme, RsaPrivateKey, RsaSignatureScheme, SignatureHash,
};
use keyward_crypto::symmetric::{AesKey, GcmTagLen};

const MSG: &[u8] = b"The quick brown fox jumps over the lazy dog, 64 bytes of payload.";

fn rsa(c: &mut Criterion) {
    let key = RsaPrivateKey::generate(RsaBits::B2048).expect("RSA-2048");
    let pkcs8 = key.to_pkcs8().expect("PKCS#8");
    let raw = RsaKeyPair::from_pkcs8(&pkcs8).expect("raw key");
    let rng = SystemRandom::new();

    for (name, ours, theirs) in [
        (
            "rsa2048_sign_pkcs1v15_sha256",
            RsaSignatureScheme::Pkcs1v15(SignatureHash::Sha256),
            &signature::RSA_PKCS1_SHA256 as &'static dyn signature::RsaEncoding,
        ),
        (
            "rsa2048_sign_pss_sha256",
            RsaSignatureScheme::Pss(SignatureHash::Sha256),
            &signature::RSA_PSS_SHA256,
        ),
    ] {
        let mut g = c.benchmark_group(name);
        g.bench_function("keyward", |b| b.iter(|| key.sign(ours, black_box(MSG)).expect("sign")));
        g.bench_function("aws-lc-rs", |b| {
            b.iter(|| {
                let mut sig = vec![0u8; raw.public_modulus_len()];
                raw.sign(theirs, &rng, black_box(MSG), &mut sig).expect("sign");
                sig
            })
        });
        // Every core signing at once, as a loaded server's cores do: the
        // time of one signature on one core while the others sign too
        // (cores that share execution units, such as SMT siblings, slow
        // each other down).
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        g.bench_function(format!("aws-lc-rs_all_{cores}_cores"), |b| {
            b.iter_custom(|iters| {
                let start = std::time::Instant::now();
                std::thread::scope(|scope| {
                    for _ in 0..cores {
                        scope.spawn(|| {
                            let mut sig = vec![0u8; raw.public_modulus_len()];
                            for _ in 0..iters {
                                raw.sign(theirs, &rng, black_box(MSG), &mut sig).expect("sign");
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
        g.finish();
    }

    let scheme = RsaEncryptionScheme::Oaep(OaepHash::Sha256);
    let ct = key.public_key().encrypt(scheme, &MSG[..32]).expect("encrypt");
    let raw_dec =
        OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(&pkcs8).expect("raw key"))
            .expect("raw OAEP key");
    let mut g = c.benchmark_group("rsa2048_decrypt_oaep_sha256");
    g.bench_function("keyward", |b| {
        b.iter(|| key.decrypt(scheme, black_box(&ct)).expect("decrypt"))
    });
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| {
            let mut out = vec![0u8; 256];
            let n = raw_dec
                .decrypt(&OAEP_SHA256_MGF1SHA256, black_box(&ct), &mut out, None)
                .expect("decrypt")
                .len();
            out.truncate(n);
            out
        })
    });
    g.finish();
}

fn ecdsa(c: &mut Criterion) {
    let key = EcPrivateKey::generate(Curve::P256).expect("P-256");
    let pkcs8 = key.to_pkcs8().expect("PKCS#8");
    let raw = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &pkcs8)
        .expect("raw key");
    let rng = SystemRandom::new();
    let mut g = c.benchmark_group("ecdsa_p256_sign_der");
    g.bench_function("keyward", |b| {
        b.iter(|| key.sign(black_box(MSG), SignatureFormat::Der).expect("sign"))
    });
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| raw.sign(&rng, black_box(MSG)).expect("sign").as_ref().to_vec())
    });
    g.finish();
}

fn aes_gcm(c: &mut Criterion) {
    let bytes = [0x42u8; 32];
    let key = AesKey::new(&bytes).expect("AES-256");
    let raw = LessSafeKey::new(UnboundKey::new(&aead::AES_256_GCM, &bytes).expect("raw key"));
    let nonce = [7u8; 12];
    let payload = &MSG[..64];
    let mut g = c.benchmark_group("aes256gcm_encrypt_64B");
    g.bench_function("keyward", |b| {
        b.iter(|| {
            key.gcm_encrypt(Some(&nonce), b"aad", black_box(payload), GcmTagLen::FULL)
                .expect("seal")
        })
    });
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| {
            let mut buf = black_box(payload).to_vec();
            let tag = raw
                .seal_in_place_separate_tag(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(b"aad"),
                    &mut buf,
                )
                .expect("seal");
            (buf, tag.as_ref().to_vec())
        })
    });
    g.bench_function("keyward_random_nonce", |b| {
        b.iter(|| key.gcm_encrypt(None, b"aad", black_box(payload), GcmTagLen::FULL).expect("seal"))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = rsa, ecdsa, aes_gcm }
criterion_main!(benches);
