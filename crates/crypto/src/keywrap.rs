//! AES key wrap: RFC 3394 (KW) and RFC 5649 (KWP, with padding), and the
//! [`KeyEncryptionKey`] trait behind which a PKCS#11 HSM can later stand in
//! for the software master key.
//!
//! 128- and 256-bit key-encryption keys use AWS-LC's own implementation.
//! AWS-LC's wrapper has no 192-bit variant, so 192-bit KEKs run the RFC
//! algorithm here over AES-ECB single blocks (the same algorithm, checked
//! against AWS-LC for 128/256 and against the RFC vectors for 192 in tests).
//!
//! ```
//! use keyward_crypto::keywrap::{KeyEncryptionKey, SoftwareKek};
//! let master = SoftwareKek::generate("master-1").unwrap();
//! let wrapped = master.wrap(&[9u8; 32]).unwrap();
//! assert_eq!(&master.unwrap(&wrapped).unwrap()[..], &[9u8; 32]);
//! ```

use aws_lc_rs::cipher::{
    self, DecryptingKey, DecryptionContext, EncryptingKey, EncryptionContext, UnboundCipherKey,
};
use aws_lc_rs::key_wrap::{self as lc_kw, KeyWrap, KeyWrapPadded};
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};
use crate::rng;

/// The two AES key-wrap algorithms.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum KeyWrapAlgorithm {
    /// RFC 3394 / NIST SP 800-38F KW: input a multiple of 8 bytes, at least 16.
    AesKw,
    /// RFC 5649 / NIST SP 800-38F KWP: any input of at least 1 byte.
    AesKwp,
}

impl KeyWrapAlgorithm {
    /// The name, e.g. `AES-KW (RFC 3394)`.
    pub fn name(self) -> &'static str {
        match self {
            Self::AesKw => "AES-KW (RFC 3394)",
            Self::AesKwp => "AES-KWP (RFC 5649)",
        }
    }
}

const KW_IV: [u8; 8] = [0xA6; 8];
const KWP_ICV: [u8; 4] = [0xA6, 0x59, 0x59, 0xA6];
/// Largest input accepted (RFC 5649 encodes the length in 32 bits).
const MAX_INPUT: usize = u32::MAX as usize;

/// An AES key-encryption key of 128, 192 or 256 bits.
pub struct AesKek {
    material: Zeroizing<Vec<u8>>,
}

impl AesKek {
    /// Prepares a KEK from 16, 24 or 32 bytes.
    pub fn new(key: &[u8]) -> Result<Self> {
        match key.len() {
            16 | 24 | 32 => Ok(Self { material: Zeroizing::new(key.to_vec()) }),
            n => Err(CryptoError::InvalidKeyLength {
                algorithm: "AES key wrap",
                expected: "128, 192 or 256 bits",
                actual_bits: n * 8,
            }),
        }
    }

    /// The KEK length in bits.
    pub fn bits(&self) -> usize {
        self.material.len() * 8
    }

    /// Wraps `key_data`.
    pub fn wrap(&self, algorithm: KeyWrapAlgorithm, key_data: &[u8]) -> Result<Vec<u8>> {
        check_wrap_input(algorithm, key_data)?;
        let out_len = match algorithm {
            KeyWrapAlgorithm::AesKw => key_data.len() + 8,
            KeyWrapAlgorithm::AesKwp => key_data.len().div_ceil(8) * 8 + 8,
        };
        if let Some(native) = self.native()? {
            let mut out = vec![0u8; out_len];
            let len = match algorithm {
                KeyWrapAlgorithm::AesKw => native.wrap(key_data, &mut out),
                KeyWrapAlgorithm::AesKwp => native.wrap_with_padding(key_data, &mut out),
            }
            .map_err(|_| CryptoError::Internal("AES key wrap"))?
            .len();
            out.truncate(len);
            return Ok(out);
        }
        let block = Block::new(&self.material)?;
        match algorithm {
            KeyWrapAlgorithm::AesKw => kw_wrap(&block, KW_IV, key_data),
            KeyWrapAlgorithm::AesKwp => kwp_wrap(&block, key_data),
        }
    }

    /// Unwraps `wrapped`, checking its integrity.
    pub fn unwrap(
        &self,
        algorithm: KeyWrapAlgorithm,
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        check_unwrap_input(algorithm, wrapped)?;
        if let Some(native) = self.native()? {
            let mut out = Zeroizing::new(vec![0u8; wrapped.len()]);
            let len = match algorithm {
                KeyWrapAlgorithm::AesKw => native.unwrap(wrapped, &mut out),
                KeyWrapAlgorithm::AesKwp => native.unwrap_with_padding(wrapped, &mut out),
            }
            .map_err(|_| CryptoError::UnwrapFailed)?
            .len();
            out.truncate(len);
            return Ok(out);
        }
        let block = Block::new(&self.material)?;
        match algorithm {
            KeyWrapAlgorithm::AesKw => {
                let (a, p) = kw_unwrap(&block, wrapped)?;
                if aws_lc_rs::constant_time::verify_slices_are_equal(&a, &KW_IV).is_err() {
                    return Err(CryptoError::UnwrapFailed);
                }
                Ok(p)
            }
            KeyWrapAlgorithm::AesKwp => kwp_unwrap(&block, wrapped),
        }
    }

    fn native(&self) -> Result<Option<lc_kw::AesKek>> {
        let cipher = match self.material.len() {
            16 => &lc_kw::AES_128,
            32 => &lc_kw::AES_256,
            _ => return Ok(None),
        };
        lc_kw::AesKek::new(cipher, &self.material)
            .map(Some)
            .map_err(|_| CryptoError::Internal("AES key-wrap key setup"))
    }

    /// Runs the in-crate RFC implementation whatever the key size (tests compare it with AWS-LC).
    #[cfg(test)]
    pub(crate) fn wrap_portable(
        &self,
        algorithm: KeyWrapAlgorithm,
        data: &[u8],
    ) -> Result<Vec<u8>> {
        check_wrap_input(algorithm, data)?;
        let block = Block::new(&self.material)?;
        match algorithm {
            KeyWrapAlgorithm::AesKw => kw_wrap(&block, KW_IV, data),
            KeyWrapAlgorithm::AesKwp => kwp_wrap(&block, data),
        }
    }
}

impl core::fmt::Debug for AesKek {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AesKek").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

fn check_wrap_input(algorithm: KeyWrapAlgorithm, data: &[u8]) -> Result<()> {
    if data.len() > MAX_INPUT {
        return Err(CryptoError::InputTooLong {
            what: "key data to wrap",
            max: MAX_INPUT,
            actual: data.len(),
        });
    }
    match algorithm {
        KeyWrapAlgorithm::AesKw => {
            if data.len() < 16 {
                return Err(CryptoError::InputTooShort {
                    what: "key data for AES-KW (RFC 3394)",
                    min: 16,
                    actual: data.len(),
                });
            }
            if !data.len().is_multiple_of(8) {
                return Err(CryptoError::InvalidParameter {
                    name: "key data length",
                    reason: "AES-KW (RFC 3394) wraps a multiple of 8 bytes; use AES-KWP (RFC 5649) for other lengths",
                });
            }
        }
        KeyWrapAlgorithm::AesKwp => {
            if data.is_empty() {
                return Err(CryptoError::InputTooShort {
                    what: "key data for AES-KWP (RFC 5649)",
                    min: 1,
                    actual: 0,
                });
            }
        }
    }
    Ok(())
}

fn check_unwrap_input(algorithm: KeyWrapAlgorithm, wrapped: &[u8]) -> Result<()> {
    let min = match algorithm {
        KeyWrapAlgorithm::AesKw => 24,
        KeyWrapAlgorithm::AesKwp => 16,
    };
    if wrapped.len() < min {
        return Err(CryptoError::InputTooShort { what: "wrapped key", min, actual: wrapped.len() });
    }
    if !wrapped.len().is_multiple_of(8) {
        return Err(CryptoError::UnwrapFailed);
    }
    if wrapped.len() > MAX_INPUT + 16 {
        return Err(CryptoError::InputTooLong {
            what: "wrapped key",
            max: MAX_INPUT + 16,
            actual: wrapped.len(),
        });
    }
    Ok(())
}

/// One AES key used block by block (ECB on exactly 16 bytes).
struct Block {
    enc: EncryptingKey,
    dec: DecryptingKey,
}

impl Block {
    fn new(key: &[u8]) -> Result<Self> {
        let alg = match key.len() {
            16 => &cipher::AES_128,
            24 => &cipher::AES_192,
            _ => &cipher::AES_256,
        };
        let setup = |_| CryptoError::Internal("AES key setup");
        Ok(Self {
            enc: EncryptingKey::ecb(UnboundCipherKey::new(alg, key).map_err(setup)?)
                .map_err(setup)?,
            dec: DecryptingKey::ecb(UnboundCipherKey::new(alg, key).map_err(setup)?)
                .map_err(setup)?,
        })
    }

    fn encrypt(&self, b: &mut [u8; 16]) -> Result<()> {
        self.enc
            .less_safe_encrypt(b, EncryptionContext::None)
            .map(|_| ())
            .map_err(|_| CryptoError::Internal("AES block encryption"))
    }

    fn decrypt(&self, b: &mut [u8; 16]) -> Result<()> {
        self.dec
            .decrypt(b, DecryptionContext::None)
            .map(|_| ())
            .map_err(|_| CryptoError::Internal("AES block decryption"))
    }
}

/// RFC 3394 §2.2.1 W(), with initial value `iv`, over `p` (a multiple of 8 bytes, ≥ 16).
fn kw_wrap(block: &Block, iv: [u8; 8], p: &[u8]) -> Result<Vec<u8>> {
    let n = p.len() / 8;
    let mut out = Vec::with_capacity(p.len() + 8);
    out.extend_from_slice(&iv);
    out.extend_from_slice(p);
    let mut b = Zeroizing::new([0u8; 16]);
    for j in 0..6u64 {
        for i in 1..=n {
            b[..8].copy_from_slice(&out[..8]);
            b[8..].copy_from_slice(&out[i * 8..i * 8 + 8]);
            block.encrypt(&mut b)?;
            let t = (n as u64) * j + i as u64;
            let a = u64::from_be_bytes(first8(&b[..])) ^ t;
            out[..8].copy_from_slice(&a.to_be_bytes());
            out[i * 8..i * 8 + 8].copy_from_slice(&b[8..]);
        }
    }
    Ok(out)
}

/// RFC 3394 §2.2.2 W⁻¹(): returns the recovered integrity value A and the key data.
fn kw_unwrap(block: &Block, c: &[u8]) -> Result<([u8; 8], Zeroizing<Vec<u8>>)> {
    let n = c.len() / 8 - 1;
    let mut a = first8(c);
    let mut r = Zeroizing::new(c[8..].to_vec());
    let mut b = Zeroizing::new([0u8; 16]);
    for j in (0..6u64).rev() {
        for i in (1..=n).rev() {
            let t = (n as u64) * j + i as u64;
            b[..8].copy_from_slice(&(u64::from_be_bytes(a) ^ t).to_be_bytes());
            b[8..].copy_from_slice(&r[(i - 1) * 8..i * 8]);
            block.decrypt(&mut b)?;
            a = first8(&b[..]);
            r[(i - 1) * 8..i * 8].copy_from_slice(&b[8..]);
        }
    }
    Ok((a, r))
}

/// RFC 5649 §4.1.
fn kwp_wrap(block: &Block, p: &[u8]) -> Result<Vec<u8>> {
    let mli = u32::try_from(p.len()).map_err(|_| CryptoError::InputTooLong {
        what: "key data to wrap",
        max: MAX_INPUT,
        actual: p.len(),
    })?;
    let mut aiv = [0u8; 8];
    aiv[..4].copy_from_slice(&KWP_ICV);
    aiv[4..].copy_from_slice(&mli.to_be_bytes());
    let mut padded = Zeroizing::new(p.to_vec());
    padded.resize(p.len().div_ceil(8) * 8, 0);
    if padded.len() == 8 {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&aiv);
        b[8..].copy_from_slice(&padded);
        block.encrypt(&mut b)?;
        return Ok(b.to_vec());
    }
    kw_wrap(block, aiv, &padded)
}

/// RFC 5649 §4.2, with the integrity checks combined so that a failure does
/// not say which check failed.
fn kwp_unwrap(block: &Block, c: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let (a, mut p) = if c.len() == 16 {
        let mut b = Zeroizing::new([0u8; 16]);
        b.copy_from_slice(c);
        block.decrypt(&mut b)?;
        (first8(&b[..]), Zeroizing::new(b[8..].to_vec()))
    } else {
        kw_unwrap(block, c)?
    };
    let padded_len = p.len();
    let mli = u32::from_be_bytes([a[4], a[5], a[6], a[7]]) as usize;
    let mut ok = aws_lc_rs::constant_time::verify_slices_are_equal(&a[..4], &KWP_ICV).is_ok();
    // padded_len - 8 < mli <= padded_len
    ok &= mli <= padded_len && mli + 8 > padded_len;
    let mli = mli.min(padded_len);
    let mut pad_or = 0u8;
    for &byte in &p[mli..] {
        pad_or |= byte;
    }
    ok &= pad_or == 0;
    if !ok {
        return Err(CryptoError::UnwrapFailed);
    }
    p.truncate(mli);
    Ok(p)
}

fn first8(b: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    a
}

// ------------------------------------------------------------------ KEK trait

/// A key-encryption key: wraps and unwraps other keys' bytes.
///
/// This is the boundary where a PKCS#11 HSM will stand in for software: the
/// store seals each domain key with whatever implements this trait (the
/// master key). Implementations must be deterministic in what they accept
/// (a blob wrapped by one must unwrap with the same key) and must never log or
/// return the KEK itself.
pub trait KeyEncryptionKey: Send + Sync + core::fmt::Debug {
    /// A stable label for this KEK (a key id or version), stored next to what
    /// it wrapped so that the right KEK is used to unwrap and rotation can
    /// tell old blobs from new ones.
    fn id(&self) -> &str;

    /// Wraps `key` (1 byte or more).
    fn wrap(&self, key: &[u8]) -> Result<Vec<u8>>;

    /// Unwraps what [`KeyEncryptionKey::wrap`] produced, checking integrity.
    fn unwrap(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>>;
}

/// The software master key: AES-256 with RFC 5649 key wrap with padding
/// (the same mechanism as PKCS#11's `CKM_AES_KEY_WRAP_PAD`, so an HSM
/// implementation produces interchangeable blobs).
pub struct SoftwareKek {
    id: String,
    kek: AesKek,
}

impl SoftwareKek {
    /// Draws a new random AES-256 KEK.
    pub fn generate(id: impl Into<String>) -> Result<Self> {
        let bytes = rng::random_bytes(32)?;
        Self::from_bytes(id, &bytes)
    }

    /// Loads a KEK from its 32 bytes (e.g. the master key file).
    pub fn from_bytes(id: impl Into<String>, key: &[u8]) -> Result<Self> {
        if key.len() != 32 {
            return Err(CryptoError::InvalidKeyLength {
                algorithm: "the software master key (AES-256)",
                expected: "256 bits",
                actual_bits: key.len() * 8,
            });
        }
        Ok(Self { id: id.into(), kek: AesKek::new(key)? })
    }

    /// The KEK bytes, for writing the master key file (secret).
    pub fn material(&self) -> &[u8] {
        &self.kek.material
    }
}

impl KeyEncryptionKey for SoftwareKek {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, key: &[u8]) -> Result<Vec<u8>> {
        self.kek.wrap(KeyWrapAlgorithm::AesKwp, key)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.kek.unwrap(KeyWrapAlgorithm::AesKwp, wrapped)
    }
}

impl core::fmt::Debug for SoftwareKek {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SoftwareKek").field("id", &self.id).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-crate RFC 3394/5649 code (used for 192-bit KEKs) agrees with
    /// AWS-LC's for 128- and 256-bit KEKs, on every length from 1 to 80 bytes.
    #[test]
    fn portable_implementation_matches_aws_lc() {
        for kek_len in [16, 32] {
            let kek = AesKek::new(&rng::random_bytes(kek_len).unwrap()).unwrap();
            for len in 1..=80 {
                let data = rng::random_bytes(len).unwrap();
                let native = kek.wrap(KeyWrapAlgorithm::AesKwp, &data).unwrap();
                let portable = kek.wrap_portable(KeyWrapAlgorithm::AesKwp, &data).unwrap();
                assert_eq!(native, portable, "KWP, KEK {kek_len} bytes, data {len} bytes");
                if len >= 16 && len % 8 == 0 {
                    let native = kek.wrap(KeyWrapAlgorithm::AesKw, &data).unwrap();
                    let portable = kek.wrap_portable(KeyWrapAlgorithm::AesKw, &data).unwrap();
                    assert_eq!(native, portable, "KW, KEK {kek_len} bytes, data {len} bytes");
                }
            }
        }
    }

    #[test]
    fn portable_unwrap_round_trips_and_rejects_tampering() {
        let kek = AesKek::new(&[7u8; 24]).unwrap();
        for len in 1..=40 {
            let data = rng::random_bytes(len).unwrap();
            let mut w = kek.wrap(KeyWrapAlgorithm::AesKwp, &data).unwrap();
            assert_eq!(&kek.unwrap(KeyWrapAlgorithm::AesKwp, &w).unwrap()[..], &data[..]);
            let i = len % w.len();
            w[i] ^= 1;
            assert_eq!(kek.unwrap(KeyWrapAlgorithm::AesKwp, &w), Err(CryptoError::UnwrapFailed));
        }
    }
}
