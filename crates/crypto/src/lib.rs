//! Keyward's crypto engine: every cryptographic operation the KMS performs,
//! independent of KMIP and of storage.
//!
//! It is built on [aws-lc-rs] (the provider rustls also uses). RustCrypto
//! crates are used only for ASN.1 key formats (`der`, `pkcs1`, `pkcs8`,
//! `spki`, `sec1`) and constant-time base64 (`base64ct`); no private-key
//! operation runs outside AWS-LC.
//!
//! The vocabulary is closed: [`keygen::SymmetricAlgorithm`], [`rsa::RsaBits`],
//! [`ecdsa::Curve`], [`hash::HashAlgorithm`], [`symmetric::SymmetricMode`],
//! [`rsa::RsaSignatureScheme`], [`rsa::RsaEncryptionScheme`] and friends can
//! only name combinations the engine implements; the KMIP core maps KMIP
//! enumerations onto them and reports the rest as unsupported.
//!
//! | module | what |
//! |---|---|
//! | [`keygen`] | AES, HMAC and every KMIP symmetric algorithm; RSA 2048/3072/4096; P-256/384/521; Ed25519 |
//! | [`symmetric`] | AES-GCM (IV, tag length, AAD), AES-CBC/ECB (PKCS#5 or no padding), AES-CTR |
//! | [`keywrap`] | RFC 3394 AES-KW, RFC 5649 AES-KWP; the [`keywrap::KeyEncryptionKey`] trait (software or HSM master key) |
//! | [`rsa`] | RSA-OAEP, PKCS#1 v1.5 encryption, RSA-PSS and PKCS#1 v1.5 signatures |
//! | [`ecdsa`], [`eddsa`] | ECDSA (DER or `r‖s`), Ed25519 |
//! | [`mac`], [`hash`] | HMAC-SHA-1/2, AES-CMAC; SHA-1/2/3 |
//! | [`kdf`] | PBKDF2, HKDF, NIST SP 800-108 counter-mode HMAC KDF |
//! | [`split`] | Shamir over GF(2⁸) and XOR splitting, constant-time |
//! | [`formats`] | raw, PKCS#1, PKCS#8, SPKI, SEC1, transparent components, JWK — both ways |
//! | [`rng`] | random bytes; the RNG Seed hook (caller entropy is ignored, and said so) |
//! | [`policy`] | the configurable algorithm policy (`default` and `fips` profiles) |
//! | [`error`] | [`CryptoError`]: one enum, messages a person can act on, never key bytes |
//!
//! Secrets live in [`zeroize::Zeroizing`] buffers or types that wipe
//! themselves on drop; their `Debug` output never shows material; tags, MACs
//! and padding are compared in constant time. Parsed keys
//! ([`rsa::RsaPrivateKey`], [`ecdsa::EcPrivateKey`], [`symmetric::AesKey`],
//! [`mac::MacKey`] …) hold AWS-LC's prepared key and are meant to be cached
//! and reused.
//!
//! # Example
//!
//! ```
//! use keyward_crypto::policy::{KeySpec, Policy, Usage};
//! use keyward_crypto::symmetric::{AesKey, GcmTagLen, SymmetricMode};
//! use keyward_crypto::keygen::{self, SymmetricAlgorithm};
//! use keyward_crypto::keywrap::{KeyEncryptionKey, SoftwareKek};
//!
//! let policy = Policy::fips();
//! let spec = KeySpec::Symmetric { algorithm: SymmetricAlgorithm::Aes, bits: 256 };
//! policy.check_generate(&spec)?;
//! let key = keygen::symmetric(SymmetricAlgorithm::Aes, 256)?;
//!
//! // Seal it under the master key, as the store does.
//! let master = SoftwareKek::generate("master-1")?;
//! let sealed = master.wrap(key.material())?;
//!
//! // Use it.
//! let mode = SymmetricMode::Gcm { tag_len: GcmTagLen::FULL };
//! policy.check_use(Some(&spec), &Usage::Cipher(mode))?;
//! let aes = AesKey::new(&master.unwrap(&sealed)?)?;
//! let out = aes.encrypt(mode, None, b"aad", b"hello")?;
//! let back = aes.decrypt(mode, Some(&out.iv), b"aad", &out.ciphertext, Some(&out.tag))?;
//! assert_eq!(&back[..], b"hello");
//! # Ok::<(), keyward_crypto::CryptoError>(())
//! ```
//!
//! [aws-lc-rs]: https://docs.rs/aws-lc-rs

pub mod ecdsa;
pub mod eddsa;
pub mod error;
pub mod formats;
pub mod hash;
pub mod kdf;
pub mod keygen;
pub mod keywrap;
pub mod mac;
pub mod policy;
pub mod rng;
pub mod rsa;
pub mod split;
pub mod symmetric;

pub use error::{CryptoError, Result};
