//! Message digests: SHA-1, SHA-2 and SHA-3.
//!
//! ```
//! use keyward_crypto::hash::{digest, HashAlgorithm};
//! let d = digest(HashAlgorithm::Sha256, b"abc");
//! assert_eq!(d.len(), 32);
//! ```

use aws_lc_rs::digest as lc;
use serde::{Deserialize, Serialize};

/// A hash function the engine can compute.
///
/// KMIP also names SHA-512/224, SHA3-224 and SHAKE; aws-lc-rs does not offer
/// them, so they are not expressible here and the core reports them as
/// unsupported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-1 (legacy: collisions are practical; fine for HMAC and OAEP).
    #[serde(rename = "sha1")]
    Sha1,
    /// SHA-224.
    #[serde(rename = "sha224")]
    Sha224,
    /// SHA-256.
    #[serde(rename = "sha256")]
    Sha256,
    /// SHA-384.
    #[serde(rename = "sha384")]
    Sha384,
    /// SHA-512.
    #[serde(rename = "sha512")]
    Sha512,
    /// SHA-512/256.
    #[serde(rename = "sha512-256")]
    Sha512_256,
    /// SHA3-256.
    #[serde(rename = "sha3-256")]
    Sha3_256,
    /// SHA3-384.
    #[serde(rename = "sha3-384")]
    Sha3_384,
    /// SHA3-512.
    #[serde(rename = "sha3-512")]
    Sha3_512,
}

impl HashAlgorithm {
    /// Every hash function, in declaration order.
    pub const ALL: [HashAlgorithm; 9] = [
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
        Self::Sha512_256,
        Self::Sha3_256,
        Self::Sha3_384,
        Self::Sha3_512,
    ];

    /// The digest length in bytes.
    pub fn output_len(self) -> usize {
        self.lc().output_len()
    }

    /// The conventional name, e.g. `SHA-256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
            Self::Sha512_256 => "SHA-512/256",
            Self::Sha3_256 => "SHA3-256",
            Self::Sha3_384 => "SHA3-384",
            Self::Sha3_512 => "SHA3-512",
        }
    }

    pub(crate) fn lc(self) -> &'static lc::Algorithm {
        match self {
            Self::Sha1 => &lc::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha224 => &lc::SHA224,
            Self::Sha256 => &lc::SHA256,
            Self::Sha384 => &lc::SHA384,
            Self::Sha512 => &lc::SHA512,
            Self::Sha512_256 => &lc::SHA512_256,
            Self::Sha3_256 => &lc::SHA3_256,
            Self::Sha3_384 => &lc::SHA3_384,
            Self::Sha3_512 => &lc::SHA3_512,
        }
    }
}

impl core::fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Hashes `data` in one call.
pub fn digest(algorithm: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    lc::digest(algorithm.lc(), data).as_ref().to_vec()
}

/// An incremental hash, for data that arrives in pieces.
#[derive(Clone)]
pub struct Hasher {
    algorithm: HashAlgorithm,
    ctx: lc::Context,
}

impl Hasher {
    /// Starts a hash.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        Self { algorithm, ctx: lc::Context::new(algorithm.lc()) }
    }

    /// Adds data.
    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    /// The algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// Finishes and returns the digest.
    pub fn finish(self) -> Vec<u8> {
        self.ctx.finish().as_ref().to_vec()
    }
}

impl core::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hasher").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

/// Declares a small closed enum of hash choices for one operation, with a
/// `TryFrom<HashAlgorithm>` that names the operation when it refuses.
macro_rules! hash_subset {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, $expected:literal { $($variant:ident = $ser:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $ser, "`")]
                #[serde(rename = $ser)]
                $variant,
            )+
        }

        impl $name {
            /// The general hash algorithm this choice stands for.
            pub fn hash(self) -> $crate::hash::HashAlgorithm {
                match self {
                    $(Self::$variant => $crate::hash::HashAlgorithm::$variant,)+
                }
            }
        }

        impl TryFrom<$crate::hash::HashAlgorithm> for $name {
            type Error = $crate::error::CryptoError;
            fn try_from(h: $crate::hash::HashAlgorithm) -> Result<Self, Self::Error> {
                match h {
                    $($crate::hash::HashAlgorithm::$variant => Ok(Self::$variant),)+
                    #[allow(unreachable_patterns)]
                    _ => Err($crate::error::CryptoError::Unsupported(
                        concat!($what, " supports only ", $expected),
                    )),
                }
            }
        }

        impl From<$name> for $crate::hash::HashAlgorithm {
            fn from(v: $name) -> Self {
                v.hash()
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.hash().name())
            }
        }
    };
}
pub(crate) use hash_subset;
