//! Key generation: symmetric keys of every algorithm KMIP names (as random
//! bytes of the asked length), HMAC keys, RSA 2048/3072/4096, EC P-256/384/521
//! and Ed25519.
//!
//! Generation does not consult the algorithm policy; the caller checks
//! [`crate::policy::Policy::check_generate`] first.
//!
//! ```
//! use keyward_crypto::keygen::{self, SymmetricAlgorithm};
//! let aes = keygen::symmetric(SymmetricAlgorithm::Aes, 256).unwrap();
//! assert_eq!(aes.material().len(), 32);
//! let hmac = keygen::symmetric(SymmetricAlgorithm::HmacSha256, 256).unwrap();
//! assert_eq!(hmac.bits(), 256);
//! ```

use zeroize::Zeroizing;

use crate::ecdsa::{Curve, EcPrivateKey};
use crate::eddsa::Ed25519PrivateKey;
use crate::error::{CryptoError, Result};
use crate::hash::HashAlgorithm;
use crate::rng;
use crate::rsa::{RsaBits, RsaPrivateKey};

/// Largest symmetric key (or one-time pad) generated or registered, in bits.
pub const MAX_SYMMETRIC_BITS: usize = 65_536;

/// The symmetric algorithms KMIP 1.4 names.
///
/// Only AES (every mode) and HMAC-SHA-1/224/256/384/512 are *computed* by
/// this engine; the others are stored and returned as material for clients
/// that use them themselves.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SymmetricAlgorithm {
    /// AES: 128, 192 or 256 bits.
    Aes,
    /// Single DES: 56 or 64 bits (8 bytes).
    Des,
    /// Triple DES: 112/128 (two-key) or 168/192 (three-key) bits.
    #[serde(rename = "3des")]
    TripleDes,
    /// HMAC-SHA-1.
    HmacSha1,
    /// HMAC-SHA-224.
    HmacSha224,
    /// HMAC-SHA-256.
    HmacSha256,
    /// HMAC-SHA-384.
    HmacSha384,
    /// HMAC-SHA-512.
    HmacSha512,
    /// HMAC-MD5.
    HmacMd5,
    /// HMAC-SHA3-224.
    #[serde(rename = "hmac-sha3-224")]
    HmacSha3_224,
    /// HMAC-SHA3-256.
    #[serde(rename = "hmac-sha3-256")]
    HmacSha3_256,
    /// HMAC-SHA3-384.
    #[serde(rename = "hmac-sha3-384")]
    HmacSha3_384,
    /// HMAC-SHA3-512.
    #[serde(rename = "hmac-sha3-512")]
    HmacSha3_512,
    /// Blowfish: 32 to 448 bits.
    Blowfish,
    /// Camellia: 128, 192 or 256 bits.
    Camellia,
    /// CAST5: 40 to 128 bits.
    Cast5,
    /// IDEA: 128 bits.
    Idea,
    /// MARS: 128 to 448 bits.
    Mars,
    /// RC2: 8 to 1024 bits.
    Rc2,
    /// RC4: 40 to 2048 bits.
    Rc4,
    /// RC5: 8 to 2040 bits.
    Rc5,
    /// SKIPJACK: 80 bits.
    Skipjack,
    /// Twofish: 128, 192 or 256 bits.
    Twofish,
    /// ChaCha20: 256 bits.
    #[serde(rename = "chacha20")]
    ChaCha20,
    /// Poly1305: 256 bits.
    Poly1305,
    /// ChaCha20-Poly1305: 256 bits.
    #[serde(rename = "chacha20-poly1305")]
    ChaCha20Poly1305,
    /// A one-time pad of any whole number of bytes.
    OneTimePad,
}

impl SymmetricAlgorithm {
    /// Every symmetric algorithm.
    pub const ALL: [SymmetricAlgorithm; 27] = [
        Self::Aes,
        Self::Des,
        Self::TripleDes,
        Self::HmacSha1,
        Self::HmacSha224,
        Self::HmacSha256,
        Self::HmacSha384,
        Self::HmacSha512,
        Self::HmacMd5,
        Self::HmacSha3_224,
        Self::HmacSha3_256,
        Self::HmacSha3_384,
        Self::HmacSha3_512,
        Self::Blowfish,
        Self::Camellia,
        Self::Cast5,
        Self::Idea,
        Self::Mars,
        Self::Rc2,
        Self::Rc4,
        Self::Rc5,
        Self::Skipjack,
        Self::Twofish,
        Self::ChaCha20,
        Self::Poly1305,
        Self::ChaCha20Poly1305,
        Self::OneTimePad,
    ];

    /// The name, e.g. `AES`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes => "AES",
            Self::Des => "DES",
            Self::TripleDes => "3DES",
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha224 => "HMAC-SHA224",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::HmacSha384 => "HMAC-SHA384",
            Self::HmacSha512 => "HMAC-SHA512",
            Self::HmacMd5 => "HMAC-MD5",
            Self::HmacSha3_224 => "HMAC-SHA3-224",
            Self::HmacSha3_256 => "HMAC-SHA3-256",
            Self::HmacSha3_384 => "HMAC-SHA3-384",
            Self::HmacSha3_512 => "HMAC-SHA3-512",
            Self::Blowfish => "Blowfish",
            Self::Camellia => "Camellia",
            Self::Cast5 => "CAST5",
            Self::Idea => "IDEA",
            Self::Mars => "MARS",
            Self::Rc2 => "RC2",
            Self::Rc4 => "RC4",
            Self::Rc5 => "RC5",
            Self::Skipjack => "SKIPJACK",
            Self::Twofish => "Twofish",
            Self::ChaCha20 => "ChaCha20",
            Self::Poly1305 => "Poly1305",
            Self::ChaCha20Poly1305 => "ChaCha20-Poly1305",
            Self::OneTimePad => "One Time Pad",
        }
    }

    /// True for the HMAC algorithms.
    pub fn is_hmac(self) -> bool {
        matches!(
            self,
            Self::HmacSha1
                | Self::HmacSha224
                | Self::HmacSha256
                | Self::HmacSha384
                | Self::HmacSha512
                | Self::HmacMd5
                | Self::HmacSha3_224
                | Self::HmacSha3_256
                | Self::HmacSha3_384
                | Self::HmacSha3_512
        )
    }

    /// The key-material length in bytes for a KMIP *Cryptographic Length* of
    /// `bits`, or an error naming the lengths this algorithm takes.
    ///
    /// DES and 3DES follow KMIP usage: effective lengths (56, 112, 168) and
    /// stored lengths (64, 128, 192) are both accepted.
    pub fn material_len(self, bits: usize) -> Result<usize> {
        let exact = |ok: &[usize], expected: &'static str| {
            if ok.contains(&bits) { Ok(bits / 8) } else { Err(self.bad_len(expected, bits)) }
        };
        let range = |lo: usize, hi: usize, expected: &'static str| {
            if bits.is_multiple_of(8) && (lo..=hi).contains(&bits) {
                Ok(bits / 8)
            } else {
                Err(self.bad_len(expected, bits))
            }
        };
        match self {
            Self::Aes | Self::Camellia | Self::Twofish => {
                exact(&[128, 192, 256], "128, 192 or 256 bits")
            }
            Self::Des => match bits {
                56 | 64 => Ok(8),
                _ => Err(self.bad_len("56 or 64 bits", bits)),
            },
            Self::TripleDes => match bits {
                112 | 128 => Ok(16),
                168 | 192 => Ok(24),
                _ => Err(self.bad_len("112, 128, 168 or 192 bits", bits)),
            },
            Self::Idea => exact(&[128], "128 bits"),
            Self::Skipjack => exact(&[80], "80 bits"),
            Self::ChaCha20 | Self::Poly1305 | Self::ChaCha20Poly1305 => exact(&[256], "256 bits"),
            Self::Blowfish => range(32, 448, "a multiple of 8 bits from 32 to 448"),
            Self::Cast5 => range(40, 128, "a multiple of 8 bits from 40 to 128"),
            Self::Mars => range(128, 448, "a multiple of 8 bits from 128 to 448"),
            Self::Rc2 => range(8, 1024, "a multiple of 8 bits from 8 to 1024"),
            Self::Rc4 => range(40, 2048, "a multiple of 8 bits from 40 to 2048"),
            Self::Rc5 => range(8, 2040, "a multiple of 8 bits from 8 to 2040"),
            Self::HmacSha1
            | Self::HmacSha224
            | Self::HmacSha256
            | Self::HmacSha384
            | Self::HmacSha512
            | Self::HmacMd5
            | Self::HmacSha3_224
            | Self::HmacSha3_256
            | Self::HmacSha3_384
            | Self::HmacSha3_512
            | Self::OneTimePad => {
                range(8, MAX_SYMMETRIC_BITS, "a multiple of 8 bits from 8 to 65536")
            }
        }
    }

    fn bad_len(self, expected: &'static str, bits: usize) -> CryptoError {
        CryptoError::InvalidKeyLength { algorithm: self.name(), expected, actual_bits: bits }
    }
}

impl core::fmt::Display for SymmetricAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A symmetric key: its algorithm and material (wiped on drop, never shown by
/// `Debug`, compared in constant time by `==`).
#[derive(Clone)]
pub struct SymmetricKey {
    algorithm: SymmetricAlgorithm,
    bits: usize,
    material: Zeroizing<Vec<u8>>,
}

impl SymmetricKey {
    /// Wraps registered material, checking its length suits the algorithm.
    pub fn from_bytes(algorithm: SymmetricAlgorithm, material: &[u8]) -> Result<Self> {
        let bits = material.len() * 8;
        algorithm.material_len(bits)?;
        Ok(Self { algorithm, bits, material: Zeroizing::new(material.to_vec()) })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> SymmetricAlgorithm {
        self.algorithm
    }

    /// The KMIP *Cryptographic Length* the key was created with (e.g. 168 for three-key 3DES).
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The key bytes (secret).
    pub fn material(&self) -> &[u8] {
        &self.material
    }

    /// Takes the key bytes out.
    pub fn into_material(self) -> Zeroizing<Vec<u8>> {
        self.material
    }
}

impl PartialEq for SymmetricKey {
    fn eq(&self, o: &Self) -> bool {
        (self.algorithm == o.algorithm)
            & (self.bits == o.bits)
            & crate::formats::ct_eq(&self.material, &o.material)
    }
}

impl Eq for SymmetricKey {}

impl core::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SymmetricKey")
            .field("algorithm", &self.algorithm)
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

/// Generates a symmetric key of `bits` (KMIP *Cryptographic Length*) for `algorithm`.
pub fn symmetric(algorithm: SymmetricAlgorithm, bits: usize) -> Result<SymmetricKey> {
    let len = algorithm.material_len(bits)?;
    Ok(SymmetricKey { algorithm, bits, material: rng::random_bytes(len)? })
}

/// Generates an HMAC key for `hash`, as long as the hash output (the
/// length RFC 2104 recommends).
pub fn hmac(hash: HashAlgorithm) -> Result<SymmetricKey> {
    let algorithm = match hash {
        HashAlgorithm::Sha1 => SymmetricAlgorithm::HmacSha1,
        HashAlgorithm::Sha224 => SymmetricAlgorithm::HmacSha224,
        HashAlgorithm::Sha256 => SymmetricAlgorithm::HmacSha256,
        HashAlgorithm::Sha384 => SymmetricAlgorithm::HmacSha384,
        HashAlgorithm::Sha512 => SymmetricAlgorithm::HmacSha512,
        HashAlgorithm::Sha3_256 => SymmetricAlgorithm::HmacSha3_256,
        HashAlgorithm::Sha3_384 => SymmetricAlgorithm::HmacSha3_384,
        HashAlgorithm::Sha3_512 => SymmetricAlgorithm::HmacSha3_512,
        _ => {
            return Err(CryptoError::Unsupported(
                "an HMAC key type for this hash (KMIP names none)",
            ));
        }
    };
    symmetric(algorithm, hash.output_len() * 8)
}

/// Generates an RSA key pair (e = 65537).
pub fn rsa(bits: RsaBits) -> Result<RsaPrivateKey> {
    RsaPrivateKey::generate(bits)
}

/// Generates an EC key pair.
pub fn ec(curve: Curve) -> Result<EcPrivateKey> {
    EcPrivateKey::generate(curve)
}

/// Generates an Ed25519 key pair.
pub fn ed25519() -> Result<Ed25519PrivateKey> {
    Ed25519PrivateKey::generate()
}
