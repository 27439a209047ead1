//! Key derivation: PBKDF2 (RFC 8018), HKDF (RFC 5869) and the NIST SP 800-108
//! KDF in counter mode with an HMAC PRF.
//!
//! Every output is a secret buffer wiped on drop. Output lengths are capped at
//! [`MAX_OUTPUT_LEN`] bytes, PBKDF2 iterations at [`MAX_PBKDF2_ITERATIONS`]
//! and PBKDF2's whole work — iterations times the blocks of output, each of
//! which runs every iteration — at [`MAX_PBKDF2_WORK`], so a request cannot
//! make the server allocate or spin without bound.
//!
//! ```
//! use keyward_crypto::kdf::{hkdf, HkdfHash};
//! let okm = hkdf(HkdfHash::Sha256, b"input key", Some(b"salt"), b"context", 32).unwrap();
//! assert_eq!(okm.len(), 32);
//! ```

use core::num::NonZeroU32;

use aws_lc_rs::{hkdf as lc_hkdf, kdf as lc_kdf, pbkdf2 as lc_pbkdf2};
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};
use crate::hash::hash_subset;

/// The longest output any KDF here produces, in bytes.
pub const MAX_OUTPUT_LEN: usize = 64 * 1024;
/// The most PBKDF2 iterations accepted.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most PBKDF2 work accepted: iterations times output blocks (of the
/// hash's length). The largest iteration count, or 1,000,000 iterations for a
/// 320-byte SHA-256 output, say; not 10,000,000 iterations for 64 KiB, which
/// is 2,048 times that work (hours of a core).
pub const MAX_PBKDF2_WORK: u64 = 10_000_000;

hash_subset! {
    /// The HMAC hash of PBKDF2.
    Pbkdf2Hash, "PBKDF2", "HMAC-SHA-1, -256, -384 and -512" {
        Sha1 = "sha1", Sha256 = "sha256", Sha384 = "sha384", Sha512 = "sha512",
    }
}

hash_subset! {
    /// The hash of HKDF.
    HkdfHash, "HKDF", "SHA-1, SHA-256, SHA-384 and SHA-512" {
        Sha1 = "sha1", Sha256 = "sha256", Sha384 = "sha384", Sha512 = "sha512",
    }
}

hash_subset! {
    /// The HMAC hash of the SP 800-108 counter-mode KDF.
    KbkdfHash, "the SP 800-108 counter-mode KDF", "HMAC-SHA-224, -256, -384 and -512" {
        Sha224 = "sha224", Sha256 = "sha256", Sha384 = "sha384", Sha512 = "sha512",
    }
}

/// The KDF families, for the algorithm policy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum KdfAlgorithm {
    /// PBKDF2.
    Pbkdf2,
    /// HKDF.
    Hkdf,
    /// NIST SP 800-108 counter mode with HMAC.
    #[serde(rename = "sp800-108-counter")]
    Sp800_108Counter,
}

fn check_len(len: usize) -> Result<()> {
    if len == 0 {
        return Err(CryptoError::InvalidParameter {
            name: "derived length",
            reason: "must be at least 1 byte",
        });
    }
    if len > MAX_OUTPUT_LEN {
        return Err(CryptoError::InputTooLong {
            what: "derived key length",
            max: MAX_OUTPUT_LEN,
            actual: len,
        });
    }
    Ok(())
}

/// PBKDF2-HMAC: derives `len` bytes from `password` and `salt`.
pub fn pbkdf2(
    hash: Pbkdf2Hash,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    check_len(len)?;
    let iterations = NonZeroU32::new(iterations).ok_or(CryptoError::InvalidParameter {
        name: "PBKDF2 iteration count",
        reason: "must be at least 1",
    })?;
    if iterations.get() > MAX_PBKDF2_ITERATIONS {
        return Err(CryptoError::InvalidParameter {
            name: "PBKDF2 iteration count",
            reason: "must be at most 10,000,000",
        });
    }
    let (alg, block) = match hash {
        Pbkdf2Hash::Sha1 => (lc_pbkdf2::PBKDF2_HMAC_SHA1, 20),
        Pbkdf2Hash::Sha256 => (lc_pbkdf2::PBKDF2_HMAC_SHA256, 32),
        Pbkdf2Hash::Sha384 => (lc_pbkdf2::PBKDF2_HMAC_SHA384, 48),
        Pbkdf2Hash::Sha512 => (lc_pbkdf2::PBKDF2_HMAC_SHA512, 64),
    };
    let blocks = len.div_ceil(block) as u64;
    if u64::from(iterations.get()).saturating_mul(blocks) > MAX_PBKDF2_WORK {
        return Err(CryptoError::InvalidParameter {
            name: "PBKDF2 iteration count",
            reason: "times the derived length in hash blocks must be at most 10,000,000",
        });
    }
    let mut out = Zeroizing::new(vec![0u8; len]);
    lc_pbkdf2::derive(alg, iterations, salt, password, &mut out);
    Ok(out)
}

struct OkmLen(usize);

impl lc_hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF extract-and-expand: derives `len` bytes (at most 255 × the hash length).
///
/// `salt: None` uses the RFC 5869 default (a string of zeros of the hash length).
pub fn hkdf(
    hash: HkdfHash,
    ikm: &[u8],
    salt: Option<&[u8]>,
    info: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    check_len(len)?;
    let max = 255 * hash.hash().output_len();
    if len > max {
        return Err(CryptoError::InputTooLong { what: "HKDF output length", max, actual: len });
    }
    let alg = match hash {
        HkdfHash::Sha1 => lc_hkdf::HKDF_SHA1_FOR_LEGACY_USE_ONLY,
        HkdfHash::Sha256 => lc_hkdf::HKDF_SHA256,
        HkdfHash::Sha384 => lc_hkdf::HKDF_SHA384,
        HkdfHash::Sha512 => lc_hkdf::HKDF_SHA512,
    };
    let salt = match salt {
        Some(s) => lc_hkdf::Salt::new(alg, s),
        None => lc_hkdf::Salt::new(alg, &[]),
    };
    let prk = salt.extract(ikm);
    let info = [info];
    let okm = prk.expand(&info, OkmLen(len)).map_err(|_| CryptoError::Internal("HKDF expand"))?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    okm.fill(&mut out).map_err(|_| CryptoError::Internal("HKDF expand"))?;
    Ok(out)
}

/// NIST SP 800-108 KDF in counter mode with an HMAC PRF: for i = 1, 2, …,
/// K(i) = HMAC(key, \[i\]₃₂ ‖ fixed_input), output the first `len` bytes.
///
/// The 32-bit big-endian counter comes before the fixed input (the CAVP
/// `BEFORE_FIXED`, `RLEN=32_BITS` layout). Build the recommended fixed input
/// with [`sp800_108_fixed_input`].
pub fn sp800_108_counter_hmac(
    hash: KbkdfHash,
    key: &[u8],
    fixed_input: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    check_len(len)?;
    if key.is_empty() {
        return Err(CryptoError::InvalidKeyLength {
            algorithm: "SP 800-108 KDF",
            expected: "at least 8 bits",
            actual_bits: 0,
        });
    }
    let id = match hash {
        KbkdfHash::Sha224 => lc_kdf::KbkdfCtrHmacAlgorithmId::Sha224,
        KbkdfHash::Sha256 => lc_kdf::KbkdfCtrHmacAlgorithmId::Sha256,
        KbkdfHash::Sha384 => lc_kdf::KbkdfCtrHmacAlgorithmId::Sha384,
        KbkdfHash::Sha512 => lc_kdf::KbkdfCtrHmacAlgorithmId::Sha512,
    };
    let alg = lc_kdf::get_kbkdf_ctr_hmac_algorithm(id)
        .ok_or(CryptoError::Unsupported("this SP 800-108 PRF in this build of AWS-LC"))?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    lc_kdf::kbkdf_ctr_hmac(alg, key, fixed_input, &mut out)
        .map_err(|_| CryptoError::Internal("SP 800-108 KDF"))?;
    Ok(out)
}

/// The SP 800-108 recommended fixed input: `label ‖ 0x00 ‖ context ‖ [L]₃₂`,
/// where L is the output length in bits.
pub fn sp800_108_fixed_input(label: &[u8], context: &[u8], out_len: usize) -> Result<Vec<u8>> {
    let bits = out_len.checked_mul(8).and_then(|b| u32::try_from(b).ok()).ok_or(
        CryptoError::InvalidParameter {
            name: "derived length",
            reason: "does not fit in the 32-bit length field",
        },
    )?;
    let mut v = Vec::with_capacity(label.len() + context.len() + 5);
    v.extend_from_slice(label);
    v.push(0);
    v.extend_from_slice(context);
    v.extend_from_slice(&bits.to_be_bytes());
    Ok(v)
}
