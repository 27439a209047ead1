//! Ed25519 signatures (RFC 8032), keys in PKCS#8 / SPKI (RFC 8410) and raw form.
//!
//! ```
//! use keyward_crypto::eddsa::Ed25519PrivateKey;
//! let key = Ed25519PrivateKey::generate().unwrap();
//! let sig = key.sign(b"hello");
//! key.public_key().verify(b"hello", &sig).unwrap();
//! ```

use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::signature::{self as sig, Ed25519KeyPair, KeyPair as _};
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};
use crate::formats::{Ed25519PrivateComponents, PrivateKeyComponents, PublicKeyComponents};

/// Length of an Ed25519 seed (private key) and public key, in bytes.
pub const KEY_LEN: usize = 32;
/// Length of an Ed25519 signature, in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// An Ed25519 private key, parsed once and reused.
pub struct Ed25519PrivateKey {
    key_pair: Ed25519KeyPair,
    public: Ed25519PublicKey,
}

impl Ed25519PrivateKey {
    /// Generates a key.
    pub fn generate() -> Result<Self> {
        let key_pair =
            Ed25519KeyPair::generate().map_err(|_| CryptoError::Internal("Ed25519 generation"))?;
        Self::wrap(key_pair)
    }

    /// Builds a key from its 32-byte seed (the RFC 8032 private key).
    pub fn from_seed(seed: &[u8]) -> Result<Self> {
        if seed.len() != KEY_LEN {
            return Err(CryptoError::InvalidKeyLength {
                algorithm: "Ed25519",
                expected: "256 bits (a 32-byte seed)",
                actual_bits: seed.len() * 8,
            });
        }
        let key_pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| {
            CryptoError::MalformedKey { format: "Ed25519", reason: "the seed was rejected" }
        })?;
        Self::wrap(key_pair)
    }

    /// Builds a key from its seed and public key, checking that they match.
    pub fn from_components(c: &Ed25519PrivateComponents) -> Result<Self> {
        let key_pair =
            Ed25519KeyPair::from_seed_and_public_key(&c.seed[..], &c.public).map_err(|_| {
                CryptoError::MalformedKey {
                    format: "Ed25519",
                    reason: "the seed and public key do not belong together",
                }
            })?;
        Self::wrap(key_pair)
    }

    /// Parses a PKCS#8 (v1 or v2) Ed25519 key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        match PrivateKeyComponents::from_pkcs8(der)? {
            PrivateKeyComponents::Ed25519(c) => Self::from_components(&c),
            _ => Err(CryptoError::WrongKeyType("this PKCS#8 key is not an Ed25519 key")),
        }
    }

    fn wrap(key_pair: Ed25519KeyPair) -> Result<Self> {
        let mut public = [0u8; KEY_LEN];
        public.copy_from_slice(key_pair.public_key().as_ref());
        Ok(Self { key_pair, public: Ed25519PublicKey(public) })
    }

    /// The public half.
    pub fn public_key(&self) -> &Ed25519PublicKey {
        &self.public
    }

    /// The 32-byte seed (secret).
    pub fn seed(&self) -> Result<Zeroizing<[u8; KEY_LEN]>> {
        let seed = self.key_pair.seed().map_err(|_| CryptoError::Internal("Ed25519 export"))?;
        let bin: aws_lc_rs::encoding::Curve25519SeedBin<'_> =
            seed.as_be_bytes().map_err(|_| CryptoError::Internal("Ed25519 export"))?;
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        out.copy_from_slice(bin.as_ref());
        Ok(out)
    }

    /// Seed and public key.
    pub fn components(&self) -> Result<Ed25519PrivateComponents> {
        Ok(Ed25519PrivateComponents { seed: self.seed()?, public: self.public.0 })
    }

    /// PKCS#8 v1 DER (RFC 8410) (secret).
    pub fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>> {
        PrivateKeyComponents::Ed25519(self.components()?).to_pkcs8()
    }

    /// Signs `message` (pure Ed25519).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.key_pair.sign(message).as_ref().to_vec()
    }
}

impl core::fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ed25519PrivateKey").finish_non_exhaustive()
    }
}

/// An Ed25519 public key (32 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey([u8; KEY_LEN]);

impl Ed25519PublicKey {
    /// Wraps a 32-byte public key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::InvalidKeyLength {
            algorithm: "Ed25519 public",
            expected: "256 bits",
            actual_bits: bytes.len() * 8,
        })?;
        Ok(Self(arr))
    }

    /// Parses an X.509 `SubjectPublicKeyInfo` holding an Ed25519 key.
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        match PublicKeyComponents::from_spki(der)? {
            PublicKeyComponents::Ed25519(k) => Ok(Self(k)),
            _ => Err(CryptoError::WrongKeyType("this SubjectPublicKeyInfo is not an Ed25519 key")),
        }
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// X.509 `SubjectPublicKeyInfo` DER.
    pub fn to_spki(&self) -> Result<Vec<u8>> {
        PublicKeyComponents::Ed25519(self.0).to_spki()
    }

    /// Verifies a signature.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        sig::UnparsedPublicKey::new(&sig::ED25519, &self.0)
            .verify(message, signature)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

impl core::fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Ed25519PublicKey").finish()
    }
}
