//! AES encryption: GCM (with IV, tag length and associated data), CBC and
//! ECB (with PKCS#5 or no padding) and CTR.
//!
//! An [`AesKey`] is prepared once (the GCM key schedule is kept) and reused.
//! Every decryption returns its plaintext in a buffer that is wiped on drop.
//!
//! ```
//! use keyward_crypto::symmetric::{AesKey, GcmTagLen};
//! let key = AesKey::new(&[0x42; 32]).unwrap();
//! let sealed = key.gcm_encrypt(None, b"object-id", b"secret", GcmTagLen::FULL).unwrap();
//! let opened = key.gcm_decrypt(&sealed.iv, b"object-id", &sealed.ciphertext, &sealed.tag).unwrap();
//! assert_eq!(&opened[..], b"secret");
//! ```
//!
//! Limits that come from aws-lc-rs: GCM takes a 96-bit nonce only, and tags
//! of 12 to 16 bytes (a shorter tag is produced by truncation and checked by
//! recomputing the full tag, in constant time).

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self, DecryptingKey, DecryptionContext, EncryptingKey, EncryptionContext, UnboundCipherKey,
};
use aws_lc_rs::iv::FixedLength;
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};
use crate::rng;

/// The AES block length in bytes.
pub const BLOCK_LEN: usize = 16;
/// The only GCM nonce length aws-lc-rs accepts (96 bits).
pub const GCM_NONCE_LEN: usize = 12;

/// A GCM tag length: 12 to 16 bytes (96 to 128 bits, as NIST SP 800-38D allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GcmTagLen(u8);

impl GcmTagLen {
    /// The full 16-byte tag (the default; always use it unless a peer needs less).
    pub const FULL: GcmTagLen = GcmTagLen(16);

    /// A tag of `bytes` bytes; 12 to 16.
    pub fn new(bytes: usize) -> Result<Self> {
        match bytes {
            12..=16 => Ok(Self(bytes as u8)),
            _ => Err(CryptoError::InvalidTagLength {
                mode: "AES-GCM",
                expected: "12 to 16 bytes",
                actual: bytes,
            }),
        }
    }

    /// The length in bytes.
    pub fn bytes(self) -> usize {
        self.0 as usize
    }
}

impl Default for GcmTagLen {
    fn default() -> Self {
        Self::FULL
    }
}

/// Block padding for CBC and ECB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Padding {
    /// No padding: input must be a whole number of 16-byte blocks.
    None,
    /// PKCS#5 (PKCS#7 with 16-byte blocks): always adds 1 to 16 bytes.
    Pkcs5,
}

/// A cipher mode with its parameters, for callers that pick the mode at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymmetricMode {
    /// AES-GCM with the given tag length.
    Gcm {
        /// The tag length.
        tag_len: GcmTagLen,
    },
    /// AES-CBC with a 16-byte IV.
    Cbc(Padding),
    /// AES-ECB (no IV; leaks equal blocks: only for interoperability).
    Ecb(Padding),
    /// AES-CTR with a 16-byte initial counter block, incremented as one 128-bit big-endian number.
    Ctr,
}

/// The cipher modes by name, without parameters (for the algorithm policy).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CipherMode {
    /// GCM.
    Gcm,
    /// CBC.
    Cbc,
    /// ECB.
    Ecb,
    /// CTR.
    Ctr,
}

impl SymmetricMode {
    /// The mode without its parameters.
    pub fn kind(&self) -> CipherMode {
        match self {
            Self::Gcm { .. } => CipherMode::Gcm,
            Self::Cbc(_) => CipherMode::Cbc,
            Self::Ecb(_) => CipherMode::Ecb,
            Self::Ctr => CipherMode::Ctr,
        }
    }

    /// The mode's name, e.g. `AES-GCM`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Gcm { .. } => "AES-GCM",
            Self::Cbc(_) => "AES-CBC",
            Self::Ecb(_) => "AES-ECB",
            Self::Ctr => "AES-CTR",
        }
    }
}

/// The result of an encryption: ciphertext, the IV/nonce used (generated when
/// none was given) and, for GCM, the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypted {
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The IV, nonce or initial counter block used; empty for ECB.
    pub iv: Vec<u8>,
    /// The authentication tag (GCM); empty otherwise.
    pub tag: Vec<u8>,
}

/// An AES-128/192/256 key, prepared for reuse.
pub struct AesKey {
    material: Zeroizing<Vec<u8>>,
    cipher_alg: &'static cipher::Algorithm,
    gcm: LessSafeKey,
}

impl AesKey {
    /// Prepares a key from 16, 24 or 32 bytes.
    pub fn new(key: &[u8]) -> Result<Self> {
        let (cipher_alg, gcm_alg) = match key.len() {
            16 => (&cipher::AES_128, &aead::AES_128_GCM),
            24 => (&cipher::AES_192, &aead::AES_192_GCM),
            32 => (&cipher::AES_256, &aead::AES_256_GCM),
            n => {
                return Err(CryptoError::InvalidKeyLength {
                    algorithm: "AES",
                    expected: "128, 192 or 256 bits",
                    actual_bits: n * 8,
                });
            }
        };
        let gcm = LessSafeKey::new(
            UnboundKey::new(gcm_alg, key)
                .map_err(|_| CryptoError::Internal("AES-GCM key setup"))?,
        );
        Ok(Self { material: Zeroizing::new(key.to_vec()), cipher_alg, gcm })
    }

    /// Generates a random key of 128, 192 or 256 bits.
    pub fn generate(bits: usize) -> Result<Self> {
        match bits {
            128 | 192 | 256 => Self::new(&rng::random_bytes(bits / 8)?),
            _ => Err(CryptoError::InvalidKeyLength {
                algorithm: "AES",
                expected: "128, 192 or 256 bits",
                actual_bits: bits,
            }),
        }
    }

    /// The key length in bits.
    pub fn bits(&self) -> usize {
        self.material.len() * 8
    }

    /// The raw key bytes (secret).
    pub fn material(&self) -> &[u8] {
        &self.material
    }

    fn unbound(&self) -> Result<UnboundCipherKey> {
        UnboundCipherKey::new(self.cipher_alg, &self.material)
            .map_err(|_| CryptoError::Internal("AES key setup"))
    }

    // ---------------------------------------------------------------- GCM

    /// Encrypts with AES-GCM. `nonce` must be 12 bytes; `None` draws a random one.
    ///
    /// A caller-supplied nonce must never repeat under the same key (a repeat
    /// reveals the XOR of the plaintexts and lets tags be forged): prefer
    /// `None`. Random nonces are safe for up to 2³² messages per key (NIST SP
    /// 800-38D §8.3).
    pub fn gcm_encrypt(
        &self,
        nonce: Option<&[u8]>,
        aad: &[u8],
        plaintext: &[u8],
        tag_len: GcmTagLen,
    ) -> Result<Encrypted> {
        let nonce: [u8; GCM_NONCE_LEN] = match nonce {
            Some(n) => gcm_nonce(n)?,
            None => rng::random_array()?,
        };
        let mut buf = plaintext.to_vec();
        let tag = self
            .gcm
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut buf,
            )
            .map_err(|_| CryptoError::InputTooLong {
                what: "AES-GCM plaintext",
                max: (1 << 36) - 32,
                actual: plaintext.len(),
            })?;
        Ok(Encrypted {
            ciphertext: buf,
            iv: nonce.to_vec(),
            tag: tag.as_ref()[..tag_len.bytes()].to_vec(),
        })
    }

    /// Decrypts and authenticates with AES-GCM. The tag may be 12 to 16 bytes.
    pub fn gcm_decrypt(
        &self,
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let nonce = gcm_nonce(nonce)?;
        let tag_len = GcmTagLen::new(tag.len())?;
        if tag_len == GcmTagLen::FULL {
            let mut buf = Zeroizing::new(ciphertext.to_vec());
            let len = self
                .gcm
                .open_in_place_separate_tag(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(aad),
                    tag,
                    &mut buf,
                )
                .map_err(|_| CryptoError::AuthenticationFailed)?
                .len();
            buf.truncate(len);
            return Ok(buf);
        }
        // A truncated tag: AES-GCM's keystream is AES-CTR from nonce || 2, so
        // decrypt with CTR, recompute the full tag over the result, and
        // release the plaintext only if its prefix matches (in constant time).
        if ciphertext.len() > (u32::MAX as usize - 2) * BLOCK_LEN {
            return Err(CryptoError::InputTooLong {
                what: "AES-GCM ciphertext with a truncated tag",
                max: (u32::MAX as usize - 2) * BLOCK_LEN,
                actual: ciphertext.len(),
            });
        }
        let mut counter = [0u8; BLOCK_LEN];
        counter[..GCM_NONCE_LEN].copy_from_slice(&nonce);
        counter[BLOCK_LEN - 1] = 2;
        let plaintext = self.ctr_decrypt(&counter, ciphertext)?;
        let mut check = Zeroizing::new(plaintext.to_vec());
        let full = self
            .gcm
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut check,
            )
            .map_err(|_| CryptoError::Internal("AES-GCM tag recomputation"))?;
        aws_lc_rs::constant_time::verify_slices_are_equal(&full.as_ref()[..tag.len()], tag)
            .map_err(|_| CryptoError::AuthenticationFailed)?;
        Ok(plaintext)
    }

    // ---------------------------------------------------------------- CBC

    /// Encrypts with AES-CBC. `iv` must be 16 bytes; `None` draws a random one.
    pub fn cbc_encrypt(
        &self,
        iv: Option<&[u8]>,
        padding: Padding,
        plaintext: &[u8],
    ) -> Result<Encrypted> {
        let iv: [u8; BLOCK_LEN] = match iv {
            Some(v) => block_iv("AES-CBC", v)?,
            None => rng::random_array()?,
        };
        let buf = self.block_encrypt("AES-CBC", Some(iv), padding, plaintext)?;
        Ok(Encrypted { ciphertext: buf, iv: iv.to_vec(), tag: Vec::new() })
    }

    /// Decrypts AES-CBC, removing PKCS#5 padding in constant time if asked.
    pub fn cbc_decrypt(
        &self,
        iv: &[u8],
        padding: Padding,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let iv = block_iv("AES-CBC", iv)?;
        self.block_decrypt("AES-CBC", Some(iv), padding, ciphertext)
    }

    // ---------------------------------------------------------------- ECB

    /// Encrypts with AES-ECB (no IV; equal blocks give equal ciphertext).
    pub fn ecb_encrypt(&self, padding: Padding, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.block_encrypt("AES-ECB", None, padding, plaintext)
    }

    /// Decrypts AES-ECB, removing PKCS#5 padding in constant time if asked.
    pub fn ecb_decrypt(&self, padding: Padding, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.block_decrypt("AES-ECB", None, padding, ciphertext)
    }

    // ---------------------------------------------------------------- CTR

    /// Encrypts with AES-CTR from a 16-byte initial counter block; `None` draws a random one.
    pub fn ctr_encrypt(&self, iv: Option<&[u8]>, plaintext: &[u8]) -> Result<Encrypted> {
        let iv: [u8; BLOCK_LEN] = match iv {
            Some(v) => block_iv("AES-CTR", v)?,
            None => rng::random_array()?,
        };
        let key = EncryptingKey::ctr(self.unbound()?)
            .map_err(|_| CryptoError::Internal("AES-CTR key setup"))?;
        let mut buf = plaintext.to_vec();
        key.less_safe_encrypt(&mut buf, EncryptionContext::Iv128(FixedLength::from(iv)))
            .map_err(|_| CryptoError::Internal("AES-CTR encryption"))?;
        Ok(Encrypted { ciphertext: buf, iv: iv.to_vec(), tag: Vec::new() })
    }

    /// Decrypts AES-CTR.
    pub fn ctr_decrypt(&self, iv: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let iv = block_iv("AES-CTR", iv)?;
        let key = DecryptingKey::ctr(self.unbound()?)
            .map_err(|_| CryptoError::Internal("AES-CTR key setup"))?;
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        key.decrypt(&mut buf, DecryptionContext::Iv128(FixedLength::from(iv)))
            .map_err(|_| CryptoError::Internal("AES-CTR decryption"))?;
        Ok(buf)
    }

    // ------------------------------------------------------------ dispatch

    /// Encrypts in the mode chosen at run time. `aad` is only accepted by GCM.
    pub fn encrypt(
        &self,
        mode: SymmetricMode,
        iv: Option<&[u8]>,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Encrypted> {
        if !matches!(mode, SymmetricMode::Gcm { .. }) && !aad.is_empty() {
            return Err(no_aad(mode));
        }
        match mode {
            SymmetricMode::Gcm { tag_len } => self.gcm_encrypt(iv, aad, plaintext, tag_len),
            SymmetricMode::Cbc(p) => self.cbc_encrypt(iv, p, plaintext),
            SymmetricMode::Ecb(p) => {
                if iv.is_some_and(|v| !v.is_empty()) {
                    return Err(CryptoError::InvalidIvLength {
                        mode: "AES-ECB",
                        expected: "no IV",
                        actual: iv.map_or(0, <[u8]>::len),
                    });
                }
                Ok(Encrypted {
                    ciphertext: self.ecb_encrypt(p, plaintext)?,
                    iv: Vec::new(),
                    tag: Vec::new(),
                })
            }
            SymmetricMode::Ctr => self.ctr_encrypt(iv, plaintext),
        }
    }

    /// Decrypts in the mode chosen at run time. GCM needs `iv` and `tag`; CBC and CTR need `iv`.
    pub fn decrypt(
        &self,
        mode: SymmetricMode,
        iv: Option<&[u8]>,
        aad: &[u8],
        ciphertext: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if !matches!(mode, SymmetricMode::Gcm { .. }) && !aad.is_empty() {
            return Err(no_aad(mode));
        }
        let need_iv = |expected| {
            iv.ok_or(CryptoError::InvalidIvLength { mode: mode.name(), expected, actual: 0 })
        };
        match mode {
            SymmetricMode::Gcm { tag_len } => {
                let tag = tag.ok_or(CryptoError::InvalidTagLength {
                    mode: "AES-GCM",
                    expected: "12 to 16 bytes",
                    actual: 0,
                })?;
                if tag.len() != tag_len.bytes() {
                    return Err(CryptoError::InvalidTagLength {
                        mode: "AES-GCM",
                        expected: "the tag length the mode was given",
                        actual: tag.len(),
                    });
                }
                self.gcm_decrypt(need_iv("12 bytes")?, aad, ciphertext, tag)
            }
            SymmetricMode::Cbc(p) => self.cbc_decrypt(need_iv("16 bytes")?, p, ciphertext),
            SymmetricMode::Ecb(p) => self.ecb_decrypt(p, ciphertext),
            SymmetricMode::Ctr => self.ctr_decrypt(need_iv("16 bytes")?, ciphertext),
        }
    }

    // ------------------------------------------------------------ helpers

    fn block_encrypt(
        &self,
        mode: &'static str,
        iv: Option<[u8; BLOCK_LEN]>,
        padding: Padding,
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        let pad = match padding {
            Padding::Pkcs5 => BLOCK_LEN - plaintext.len() % BLOCK_LEN,
            Padding::None => {
                if !plaintext.len().is_multiple_of(BLOCK_LEN) {
                    return Err(CryptoError::NotBlockAligned {
                        mode,
                        block_len: BLOCK_LEN,
                        actual: plaintext.len(),
                    });
                }
                0
            }
        };
        let mut buf = Vec::with_capacity(plaintext.len() + pad);
        buf.extend_from_slice(plaintext);
        buf.resize(plaintext.len() + pad, pad as u8);
        let unbound = self.unbound()?;
        let (key, ctx) = match iv {
            Some(iv) => {
                (EncryptingKey::cbc(unbound), EncryptionContext::Iv128(FixedLength::from(iv)))
            }
            None => (EncryptingKey::ecb(unbound), EncryptionContext::None),
        };
        key.map_err(|_| CryptoError::Internal("AES key setup"))?
            .less_safe_encrypt(&mut buf, ctx)
            .map_err(|_| CryptoError::Internal("AES block encryption"))?;
        Ok(buf)
    }

    fn block_decrypt(
        &self,
        mode: &'static str,
        iv: Option<[u8; BLOCK_LEN]>,
        padding: Padding,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        if !ciphertext.len().is_multiple_of(BLOCK_LEN) {
            return Err(CryptoError::NotBlockAligned {
                mode,
                block_len: BLOCK_LEN,
                actual: ciphertext.len(),
            });
        }
        if padding == Padding::Pkcs5 && ciphertext.is_empty() {
            return Err(CryptoError::InputTooShort {
                what: "padded ciphertext",
                min: BLOCK_LEN,
                actual: 0,
            });
        }
        let unbound = self.unbound()?;
        let (key, ctx) = match iv {
            Some(iv) => {
                (DecryptingKey::cbc(unbound), DecryptionContext::Iv128(FixedLength::from(iv)))
            }
            None => (DecryptingKey::ecb(unbound), DecryptionContext::None),
        };
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        key.map_err(|_| CryptoError::Internal("AES key setup"))?
            .decrypt(&mut buf, ctx)
            .map_err(|_| CryptoError::Internal("AES block decryption"))?;
        if padding == Padding::Pkcs5 {
            let len = pkcs5_unpad_len(&buf).ok_or(CryptoError::BadPadding)?;
            buf.truncate(len);
        }
        Ok(buf)
    }
}

impl core::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AesKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

fn no_aad(mode: SymmetricMode) -> CryptoError {
    CryptoError::InvalidParameter {
        name: "associated data",
        reason: match mode {
            SymmetricMode::Cbc(_) => {
                "AES-CBC does not authenticate; only AES-GCM takes associated data"
            }
            SymmetricMode::Ecb(_) => {
                "AES-ECB does not authenticate; only AES-GCM takes associated data"
            }
            _ => "AES-CTR does not authenticate; only AES-GCM takes associated data",
        },
    }
}

fn gcm_nonce(n: &[u8]) -> Result<[u8; GCM_NONCE_LEN]> {
    n.try_into().map_err(|_| CryptoError::InvalidIvLength {
        mode: "AES-GCM",
        expected: "12 bytes (96 bits)",
        actual: n.len(),
    })
}

fn block_iv(mode: &'static str, v: &[u8]) -> Result<[u8; BLOCK_LEN]> {
    v.try_into().map_err(|_| CryptoError::InvalidIvLength {
        mode,
        expected: "16 bytes",
        actual: v.len(),
    })
}

/// Checks PKCS#5/#7 padding on a non-empty, block-aligned buffer without
/// branching on its bytes; returns the unpadded length.
fn pkcs5_unpad_len(buf: &[u8]) -> Option<usize> {
    let n = buf.len();
    let last = buf[n - 1];
    // good = 0xff while everything checks out, 0 otherwise.
    let mut good: u8 = ct_nonzero(last) & ct_le(last, BLOCK_LEN as u8);
    for i in 0..BLOCK_LEN {
        let b = buf[n - 1 - i];
        // For positions inside the padding (i < last) the byte must equal `last`.
        let in_pad = ct_lt(i as u8, last);
        good &= !in_pad | ct_eq(b, last);
    }
    if good == 0xff { Some(n - last as usize) } else { None }
}

/// 0xff if a == b, else 0 (no branches).
fn ct_eq(a: u8, b: u8) -> u8 {
    let x = (a ^ b) as u16;
    ((x.wrapping_sub(1) >> 8) & 0xff) as u8
}

/// 0xff if a != 0, else 0.
fn ct_nonzero(a: u8) -> u8 {
    !ct_eq(a, 0)
}

/// 0xff if a < b, else 0.
fn ct_lt(a: u8, b: u8) -> u8 {
    (((a as u16).wrapping_sub(b as u16) >> 8) & 0xff) as u8
}

/// 0xff if a <= b, else 0.
fn ct_le(a: u8, b: u8) -> u8 {
    !ct_lt(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_helpers() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(ct_eq(a, b) == 0xff, a == b);
                assert_eq!(ct_lt(a, b) == 0xff, a < b);
                assert_eq!(ct_le(a, b) == 0xff, a <= b);
            }
        }
    }

    #[test]
    fn unpad_accepts_only_valid_padding() {
        let mut block = [0u8; 16];
        block[15] = 1;
        assert_eq!(pkcs5_unpad_len(&block), Some(15));
        let full = [16u8; 16];
        assert_eq!(pkcs5_unpad_len(&full), Some(0));
        let mut bad = [3u8; 16];
        bad[13] = 2;
        assert_eq!(pkcs5_unpad_len(&bad), None);
        assert_eq!(pkcs5_unpad_len(&[0u8; 16]), None);
        assert_eq!(pkcs5_unpad_len(&[17u8; 16]), None);
    }
}
