//! Message authentication codes: HMAC-SHA-1/224/256/384/512 and AES-CMAC.
//!
//! A [`MacKey`] is parsed once and reused; verification compares tags in
//! constant time (inside AWS-LC).
//!
//! ```
//! use keyward_crypto::mac::{MacAlgorithm, MacKey};
//! let key = MacKey::new(MacAlgorithm::HmacSha256, &[7u8; 32]).unwrap();
//! let tag = key.sign(b"message").unwrap();
//! assert!(key.verify(b"message", &tag).is_ok());
//! assert!(key.verify(b"massage", &tag).is_err());
//! ```

use aws_lc_rs::{cmac, hmac};
use serde::{Deserialize, Serialize};

use crate::error::{CryptoError, Result};
use crate::hash::HashAlgorithm;

/// A MAC algorithm the engine can compute.
///
/// HMAC over SHA-3 is not offered by aws-lc-rs, so it is not expressible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MacAlgorithm {
    /// HMAC with SHA-1.
    HmacSha1,
    /// HMAC with SHA-224.
    HmacSha224,
    /// HMAC with SHA-256.
    HmacSha256,
    /// HMAC with SHA-384.
    HmacSha384,
    /// HMAC with SHA-512.
    HmacSha512,
    /// AES-CMAC (NIST SP 800-38B) with a 128, 192 or 256-bit AES key.
    CmacAes,
}

impl MacAlgorithm {
    /// The HMAC over `hash`, if the engine offers it.
    pub fn hmac(hash: HashAlgorithm) -> Result<Self> {
        Ok(match hash {
            HashAlgorithm::Sha1 => Self::HmacSha1,
            HashAlgorithm::Sha224 => Self::HmacSha224,
            HashAlgorithm::Sha256 => Self::HmacSha256,
            HashAlgorithm::Sha384 => Self::HmacSha384,
            HashAlgorithm::Sha512 => Self::HmacSha512,
            _ => {
                return Err(CryptoError::Unsupported(
                    "HMAC is available with SHA-1, SHA-224, SHA-256, SHA-384 and SHA-512 only",
                ));
            }
        })
    }

    /// The hash under an HMAC (`None` for CMAC).
    pub fn hash(self) -> Option<HashAlgorithm> {
        match self {
            Self::HmacSha1 => Some(HashAlgorithm::Sha1),
            Self::HmacSha224 => Some(HashAlgorithm::Sha224),
            Self::HmacSha256 => Some(HashAlgorithm::Sha256),
            Self::HmacSha384 => Some(HashAlgorithm::Sha384),
            Self::HmacSha512 => Some(HashAlgorithm::Sha512),
            Self::CmacAes => None,
        }
    }

    /// The tag length in bytes.
    pub fn tag_len(self) -> usize {
        match self.hash() {
            Some(h) => h.output_len(),
            None => 16,
        }
    }

    /// The conventional name, e.g. `HMAC-SHA-256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC-SHA-1",
            Self::HmacSha224 => "HMAC-SHA-224",
            Self::HmacSha256 => "HMAC-SHA-256",
            Self::HmacSha384 => "HMAC-SHA-384",
            Self::HmacSha512 => "HMAC-SHA-512",
            Self::CmacAes => "AES-CMAC",
        }
    }

    fn lc_hmac(self) -> Option<hmac::Algorithm> {
        Some(match self {
            Self::HmacSha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Self::HmacSha224 => hmac::HMAC_SHA224,
            Self::HmacSha256 => hmac::HMAC_SHA256,
            Self::HmacSha384 => hmac::HMAC_SHA384,
            Self::HmacSha512 => hmac::HMAC_SHA512,
            Self::CmacAes => return None,
        })
    }
}

impl core::fmt::Display for MacAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

enum Inner {
    Hmac(Box<hmac::Key>),
    Cmac(cmac::Key),
}

/// A MAC key, ready to sign and verify many messages.
///
/// AWS-LC keeps the expanded key; `Debug` shows only the algorithm.
pub struct MacKey {
    algorithm: MacAlgorithm,
    inner: Inner,
}

impl MacKey {
    /// Prepares a key. HMAC accepts any non-empty key; CMAC needs 16, 24 or 32 bytes.
    pub fn new(algorithm: MacAlgorithm, key: &[u8]) -> Result<Self> {
        let inner = match algorithm.lc_hmac() {
            Some(alg) => {
                if key.is_empty() {
                    return Err(CryptoError::InvalidKeyLength {
                        algorithm: "HMAC",
                        expected: "at least 8 bits",
                        actual_bits: 0,
                    });
                }
                Inner::Hmac(Box::new(hmac::Key::new(alg, key)))
            }
            None => {
                let alg = match key.len() {
                    16 => cmac::AES_128,
                    24 => cmac::AES_192,
                    32 => cmac::AES_256,
                    n => {
                        return Err(CryptoError::InvalidKeyLength {
                            algorithm: "AES-CMAC",
                            expected: "128, 192 or 256 bits",
                            actual_bits: n * 8,
                        });
                    }
                };
                Inner::Cmac(
                    cmac::Key::new(alg, key)
                        .map_err(|_| CryptoError::Internal("CMAC key setup"))?,
                )
            }
        };
        Ok(Self { algorithm, inner })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> MacAlgorithm {
        self.algorithm
    }

    /// Computes the full-length tag of `data`.
    pub fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        match &self.inner {
            Inner::Hmac(k) => Ok(hmac::sign(k, data).as_ref().to_vec()),
            Inner::Cmac(k) => cmac::sign(k, data)
                .map(|t| t.as_ref().to_vec())
                .map_err(|_| CryptoError::Internal("CMAC computation")),
        }
    }

    /// Checks a full-length `tag` over `data`, in constant time.
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> Result<()> {
        let ok = match &self.inner {
            Inner::Hmac(k) => hmac::verify(k, data, tag).is_ok(),
            Inner::Cmac(k) => cmac::verify(k, data, tag).is_ok(),
        };
        if ok { Ok(()) } else { Err(CryptoError::InvalidMac) }
    }

    /// Starts an incremental MAC over data that arrives in pieces.
    pub fn start(&self) -> MacContext {
        MacContext {
            inner: match &self.inner {
                Inner::Hmac(k) => CtxInner::Hmac(Box::new(hmac::Context::with_key(k))),
                Inner::Cmac(k) => CtxInner::Cmac(cmac::Context::with_key(k)),
            },
        }
    }
}

impl core::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MacKey").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

enum CtxInner {
    Hmac(Box<hmac::Context>),
    Cmac(cmac::Context),
}

/// An incremental MAC computation started by [`MacKey::start`].
pub struct MacContext {
    inner: CtxInner,
}

impl MacContext {
    /// Adds data.
    pub fn update(&mut self, data: &[u8]) -> Result<()> {
        match &mut self.inner {
            CtxInner::Hmac(c) => {
                c.update(data);
                Ok(())
            }
            CtxInner::Cmac(c) => c.update(data).map_err(|_| CryptoError::Internal("CMAC update")),
        }
    }

    /// Finishes and returns the tag.
    pub fn finish(self) -> Result<Vec<u8>> {
        match self.inner {
            CtxInner::Hmac(c) => Ok((*c).sign().as_ref().to_vec()),
            CtxInner::Cmac(c) => c
                .sign()
                .map(|t| t.as_ref().to_vec())
                .map_err(|_| CryptoError::Internal("CMAC computation")),
        }
    }
}

impl core::fmt::Debug for MacContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MacContext").finish_non_exhaustive()
    }
}

/// One-shot MAC: prepares `key` and tags `data`.
pub fn mac(algorithm: MacAlgorithm, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    MacKey::new(algorithm, key)?.sign(data)
}

/// One-shot MAC check, in constant time.
pub fn verify(algorithm: MacAlgorithm, key: &[u8], data: &[u8], tag: &[u8]) -> Result<()> {
    MacKey::new(algorithm, key)?.verify(data, tag)
}
