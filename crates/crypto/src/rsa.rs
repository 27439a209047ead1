//! RSA: OAEP (SHA-1/256/384/512) and PKCS#1 v1.5 encryption, PSS and
//! PKCS#1 v1.5 signatures (SHA-256/384/512).
//!
//! Keys of 2048 to 8192 bits can be used (aws-lc-rs refuses smaller ones);
//! smaller keys can still be converted between formats in [`crate::formats`].
//! An [`RsaPrivateKey`] holds AWS-LC's parsed key for signing and for
//! decryption, so nothing is re-parsed per operation: keep it in a cache.
//!
//! ```
//! use keyward_crypto::rsa::{RsaBits, RsaPrivateKey, RsaSignatureScheme, SignatureHash};
//! # let key = RsaPrivateKey::generate(RsaBits::B2048).unwrap();
//! let scheme = RsaSignatureScheme::Pss(SignatureHash::Sha256);
//! let sig = key.sign(scheme, b"hello").unwrap();
//! key.public_key().verify(scheme, b"hello", &sig).unwrap();
//! ```
//!
//! PKCS#1 v1.5 *encryption* is here because KMIP clients ask for it; it is
//! exposed to padding-oracle attacks when decryption results are observable,
//! so prefer OAEP (the FIPS policy refuses it).

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384,
    OAEP_SHA512_MGF1SHA512, OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{self as sig, KeyPair as _, RsaKeyPair};
use zeroize::Zeroizing;

use crate::ecdsa::import_digest;
use crate::error::{CryptoError, Result};
use crate::formats::{PrivateKeyComponents, RsaPrivateComponents, RsaPublicComponents};
use crate::hash::{HashAlgorithm, hash_subset};

/// RSA modulus sizes the engine generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RsaBits {
    /// 2048 bits.
    B2048,
    /// 3072 bits.
    B3072,
    /// 4096 bits.
    B4096,
}

impl RsaBits {
    /// The size in bits.
    pub fn bits(self) -> usize {
        match self {
            Self::B2048 => 2048,
            Self::B3072 => 3072,
            Self::B4096 => 4096,
        }
    }

    /// The generation size for `bits`, if it is 2048, 3072 or 4096.
    pub fn from_bits(bits: usize) -> Result<Self> {
        match bits {
            2048 => Ok(Self::B2048),
            3072 => Ok(Self::B3072),
            4096 => Ok(Self::B4096),
            _ => Err(CryptoError::InvalidKeyLength {
                algorithm: "RSA key generation",
                expected: "2048, 3072 or 4096 bits",
                actual_bits: bits,
            }),
        }
    }
}

hash_subset! {
    /// The hash of an RSA signature.
    SignatureHash, "RSA signing", "SHA-256, SHA-384 and SHA-512" {
        Sha256 = "sha256", Sha384 = "sha384", Sha512 = "sha512",
    }
}

hash_subset! {
    /// The hash of RSA-OAEP; MGF1 uses the same hash.
    OaepHash, "RSA-OAEP", "SHA-1, SHA-256, SHA-384 and SHA-512 (with MGF1 over the same hash)" {
        Sha1 = "sha1", Sha256 = "sha256", Sha384 = "sha384", Sha512 = "sha512",
    }
}

/// An RSA signature scheme.
///
/// PSS uses MGF1 with the same hash and a salt as long as the hash (the
/// FIPS 186-5 choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaSignatureScheme {
    /// RSASSA-PKCS1-v1_5.
    Pkcs1v15(SignatureHash),
    /// RSASSA-PSS.
    Pss(SignatureHash),
}

/// RSA signature paddings by name (for the algorithm policy).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum RsaSignaturePadding {
    /// PKCS#1 v1.5.
    Pkcs1v15,
    /// PSS.
    Pss,
}

/// RSA encryption paddings by name (for the algorithm policy).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum RsaEncryptionPadding {
    /// OAEP.
    Oaep,
    /// PKCS#1 v1.5.
    Pkcs1v15,
}

impl RsaSignatureScheme {
    /// The padding, without the hash.
    pub fn padding(self) -> RsaSignaturePadding {
        match self {
            Self::Pkcs1v15(_) => RsaSignaturePadding::Pkcs1v15,
            Self::Pss(_) => RsaSignaturePadding::Pss,
        }
    }

    /// The hash.
    pub fn hash(self) -> SignatureHash {
        match self {
            Self::Pkcs1v15(h) | Self::Pss(h) => h,
        }
    }

    fn encoding(self) -> &'static dyn sig::RsaEncoding {
        match self {
            Self::Pkcs1v15(SignatureHash::Sha256) => &sig::RSA_PKCS1_SHA256,
            Self::Pkcs1v15(SignatureHash::Sha384) => &sig::RSA_PKCS1_SHA384,
            Self::Pkcs1v15(SignatureHash::Sha512) => &sig::RSA_PKCS1_SHA512,
            Self::Pss(SignatureHash::Sha256) => &sig::RSA_PSS_SHA256,
            Self::Pss(SignatureHash::Sha384) => &sig::RSA_PSS_SHA384,
            Self::Pss(SignatureHash::Sha512) => &sig::RSA_PSS_SHA512,
        }
    }

    fn verification(self) -> &'static sig::RsaParameters {
        match self {
            Self::Pkcs1v15(SignatureHash::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            Self::Pkcs1v15(SignatureHash::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            Self::Pkcs1v15(SignatureHash::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
            Self::Pss(SignatureHash::Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
            Self::Pss(SignatureHash::Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
            Self::Pss(SignatureHash::Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
        }
    }
}

/// The salt length of an RSASSA-PSS signature ([`RsaSignatureScheme::Pss`]
/// uses [`PssSalt::Digest`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PssSalt {
    /// As long as the hash (the FIPS 186-5 choice).
    Digest,
    /// The longest the key allows, emLen − hLen − 2 (OpenSSL's default when signing).
    Max,
    /// Exactly this many bytes.
    Bytes(u16),
}

type PssAlgorithms = (&'static sig::RsaSignatureEncoding, &'static sig::RsaParameters);

/// AWS-LC's signing and verification algorithms for PSS with `hash` and
/// `salt`. They must be `'static`; the non-default ones are built once per
/// (hash, salt) pair and kept (at most 3 × 65,537 small values, in practice a
/// handful).
fn pss_algorithms(hash: SignatureHash, salt: PssSalt) -> PssAlgorithms {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock, PoisonError};

    use aws_lc_rs::signature::RsaPssSaltLength;

    let (encoding, params) = match hash {
        SignatureHash::Sha256 => (sig::RSA_PSS_SHA256, sig::RSA_PSS_2048_8192_SHA256),
        SignatureHash::Sha384 => (sig::RSA_PSS_SHA384, sig::RSA_PSS_2048_8192_SHA384),
        SignatureHash::Sha512 => (sig::RSA_PSS_SHA512, sig::RSA_PSS_2048_8192_SHA512),
    };
    let length = match salt {
        PssSalt::Digest => RsaPssSaltLength::Digest,
        PssSalt::Max => RsaPssSaltLength::Max,
        PssSalt::Bytes(n) => RsaPssSaltLength::Custom(n),
    };
    static KEPT: OnceLock<Mutex<HashMap<(SignatureHash, PssSalt), PssAlgorithms>>> =
        OnceLock::new();
    let mut kept =
        KEPT.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
    *kept.entry((hash, salt)).or_insert_with(|| {
        (
            Box::leak(Box::new(encoding.with_pss_salt_length(length))),
            Box::leak(Box::new(params.with_pss_salt_length(length))),
        )
    })
}

/// An RSA encryption scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaEncryptionScheme {
    /// RSAES-OAEP with MGF1 over the same hash and an empty label.
    Oaep(OaepHash),
    /// RSAES-PKCS1-v1_5 (legacy; see the module documentation).
    Pkcs1v15,
}

impl RsaEncryptionScheme {
    /// The padding, without the hash.
    pub fn padding(self) -> RsaEncryptionPadding {
        match self {
            Self::Oaep(_) => RsaEncryptionPadding::Oaep,
            Self::Pkcs1v15 => RsaEncryptionPadding::Pkcs1v15,
        }
    }

    /// The OAEP hash, if any.
    pub fn hash(self) -> Option<HashAlgorithm> {
        match self {
            Self::Oaep(h) => Some(h.hash()),
            Self::Pkcs1v15 => None,
        }
    }

    /// OAEP from a KMIP-style pair of hashes; the MGF1 hash must equal the
    /// OAEP hash (aws-lc-rs offers no other combination).
    pub fn oaep(hash: HashAlgorithm, mgf1: HashAlgorithm) -> Result<Self> {
        if hash != mgf1 {
            return Err(CryptoError::Unsupported(
                "RSA-OAEP with an MGF1 hash different from the OAEP hash",
            ));
        }
        Ok(Self::Oaep(OaepHash::try_from(hash)?))
    }
}

fn oaep_alg(h: OaepHash) -> &'static OaepAlgorithm {
    match h {
        OaepHash::Sha1 => &OAEP_SHA1_MGF1SHA1,
        OaepHash::Sha256 => &OAEP_SHA256_MGF1SHA256,
        OaepHash::Sha384 => &OAEP_SHA384_MGF1SHA384,
        OaepHash::Sha512 => &OAEP_SHA512_MGF1SHA512,
    }
}

fn too_small_or_malformed(format: &'static str, bits: Option<usize>) -> CryptoError {
    match bits {
        Some(b) if !(2048..=8192).contains(&b) => CryptoError::InvalidKeyLength {
            algorithm: "RSA (for use by this engine)",
            expected: "2048 to 8192 bits",
            actual_bits: b,
        },
        _ => CryptoError::MalformedKey {
            format,
            reason: "AWS-LC rejected the key (inconsistent components or unsupported encoding)",
        },
    }
}

/// An RSA private key, parsed once for signing and decryption.
pub struct RsaPrivateKey {
    signing: RsaKeyPair,
    oaep: OaepPrivateDecryptingKey,
    pkcs1v15: Pkcs1PrivateDecryptingKey,
    public: RsaPublicKey,
}

impl RsaPrivateKey {
    /// Generates a key of 2048, 3072 or 4096 bits (e = 65537).
    pub fn generate(bits: RsaBits) -> Result<Self> {
        let size = match bits {
            RsaBits::B2048 => KeySize::Rsa2048,
            RsaBits::B3072 => KeySize::Rsa3072,
            RsaBits::B4096 => KeySize::Rsa4096,
        };
        let kp = RsaKeyPair::generate(size).map_err(|_| CryptoError::Internal("RSA generation"))?;
        let der = kp.as_der().map_err(|_| CryptoError::Internal("RSA PKCS#8 export"))?;
        let pkcs8 = Zeroizing::new(der.as_ref().to_vec());
        let decrypting = PrivateDecryptingKey::from_pkcs8(&pkcs8)
            .map_err(|_| CryptoError::Internal("RSA key load"))?;
        Self::assemble(kp, decrypting)
    }

    /// Parses a PKCS#8 `PrivateKeyInfo` holding an RSA key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let (Ok(signing), Ok(decrypting)) =
            (RsaKeyPair::from_pkcs8(der), PrivateDecryptingKey::from_pkcs8(der))
        else {
            let bits = match PrivateKeyComponents::from_pkcs8(der)? {
                PrivateKeyComponents::Rsa(c) => Some(c.bits()),
                _ => return Err(CryptoError::WrongKeyType("this PKCS#8 key is not an RSA key")),
            };
            return Err(too_small_or_malformed("PKCS#8", bits));
        };
        Self::assemble(signing, decrypting)
    }

    /// Parses a PKCS#1 `RSAPrivateKey`.
    pub fn from_pkcs1(der: &[u8]) -> Result<Self> {
        Self::from_components(&RsaPrivateComponents::from_pkcs1(der)?)
    }

    /// Builds a key from n, e, d, p, q, dP, dQ and qInv (all are checked for consistency).
    pub fn from_components(c: &RsaPrivateComponents) -> Result<Self> {
        let pkcs8 = PrivateKeyComponents::Rsa(c.clone()).to_pkcs8()?;
        match Self::from_pkcs8(&pkcs8) {
            Err(CryptoError::MalformedKey { .. }) => Err(CryptoError::MalformedKey {
                format: "RSA components",
                reason: "the components do not form a consistent RSA key (n = p*q, d, dP, dQ, qInv)",
            }),
            other => other,
        }
    }

    fn assemble(signing: RsaKeyPair, decrypting: PrivateDecryptingKey) -> Result<Self> {
        let pkcs1 = signing.public_key().as_ref().to_vec();
        let encrypting = decrypting.public_key();
        let bits = encrypting.key_size_bits();
        let setup = |_| CryptoError::Internal("RSA key setup");
        Ok(Self {
            signing,
            oaep: OaepPrivateDecryptingKey::new(decrypting.clone()).map_err(setup)?,
            pkcs1v15: Pkcs1PrivateDecryptingKey::new(decrypting).map_err(setup)?,
            public: RsaPublicKey { encrypting, pkcs1, bits },
        })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.public.bits
    }

    /// The public half.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    /// PKCS#8 `PrivateKeyInfo` DER (secret).
    pub fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>> {
        let der = self.signing.as_der().map_err(|_| CryptoError::Internal("RSA PKCS#8 export"))?;
        Ok(Zeroizing::new(der.as_ref().to_vec()))
    }

    /// All private components (n, e, d, p, q, dP, dQ, qInv) (secret).
    pub fn components(&self) -> Result<RsaPrivateComponents> {
        match PrivateKeyComponents::from_pkcs8(&self.to_pkcs8()?)? {
            PrivateKeyComponents::Rsa(c) => Ok(c),
            _ => Err(CryptoError::Internal("RSA PKCS#8 export")),
        }
    }

    /// PKCS#1 `RSAPrivateKey` DER (secret).
    pub fn to_pkcs1(&self) -> Result<Zeroizing<Vec<u8>>> {
        self.components()?.to_pkcs1()
    }

    /// Signs `message`.
    pub fn sign(&self, scheme: RsaSignatureScheme, message: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.signing.public_modulus_len()];
        self.signing
            .sign(scheme.encoding(), &SystemRandom::new(), message, &mut out)
            .map_err(|_| CryptoError::Internal("RSA signing"))?;
        Ok(out)
    }

    /// Signs a digest the caller computed (KMIP *Digested Data*) with the scheme's hash.
    pub fn sign_digest(&self, scheme: RsaSignatureScheme, digest: &[u8]) -> Result<Vec<u8>> {
        let d = import_digest(scheme.hash().hash(), digest)?;
        let mut out = vec![0u8; self.signing.public_modulus_len()];
        self.signing
            .sign_digest(scheme.encoding(), &d, &mut out)
            .map_err(|_| CryptoError::Internal("RSA signing"))?;
        Ok(out)
    }

    /// Signs `message` (or, with `prehashed`, the digest of it) with
    /// RSASSA-PSS and the given salt length.
    pub fn sign_pss(
        &self,
        hash: SignatureHash,
        salt: PssSalt,
        message: &[u8],
        prehashed: bool,
    ) -> Result<Vec<u8>> {
        let (encoding, _) = pss_algorithms(hash, salt);
        let mut out = vec![0u8; self.signing.public_modulus_len()];
        if prehashed {
            let d = import_digest(hash.hash(), message)?;
            self.signing.sign_digest(encoding, &d, &mut out)
        } else {
            self.signing.sign(encoding, &SystemRandom::new(), message, &mut out)
        }
        .map_err(|_| CryptoError::Internal("RSA-PSS signing"))?;
        Ok(out)
    }

    /// Decrypts `ciphertext` (exactly the modulus length).
    pub fn decrypt(
        &self,
        scheme: RsaEncryptionScheme,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let k = self.public.bits.div_ceil(8);
        if ciphertext.len() != k {
            return Err(if ciphertext.len() < k {
                CryptoError::InputTooShort {
                    what: "RSA ciphertext",
                    min: k,
                    actual: ciphertext.len(),
                }
            } else {
                CryptoError::InputTooLong {
                    what: "RSA ciphertext",
                    max: k,
                    actual: ciphertext.len(),
                }
            });
        }
        let mut out = Zeroizing::new(vec![0u8; k]);
        let len = match scheme {
            RsaEncryptionScheme::Oaep(h) => self
                .oaep
                .decrypt(oaep_alg(h), ciphertext, &mut out, None)
                .map_err(|_| CryptoError::DecryptionFailed)?
                .len(),
            RsaEncryptionScheme::Pkcs1v15 => self
                .pkcs1v15
                .decrypt(ciphertext, &mut out)
                .map_err(|_| CryptoError::DecryptionFailed)?
                .len(),
        };
        out.truncate(len);
        Ok(out)
    }
}

impl core::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaPrivateKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

/// An RSA public key.
#[derive(Clone)]
pub struct RsaPublicKey {
    encrypting: PublicEncryptingKey,
    pkcs1: Vec<u8>,
    bits: usize,
}

impl RsaPublicKey {
    /// Parses an X.509 `SubjectPublicKeyInfo` holding an RSA key.
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        let c = match crate::formats::PublicKeyComponents::from_spki(der)? {
            crate::formats::PublicKeyComponents::Rsa(c) => c,
            _ => {
                return Err(CryptoError::WrongKeyType(
                    "this SubjectPublicKeyInfo is not an RSA key",
                ));
            }
        };
        Self::from_components(&c)
    }

    /// Parses a PKCS#1 `RSAPublicKey`.
    pub fn from_pkcs1(der: &[u8]) -> Result<Self> {
        Self::from_components(&RsaPublicComponents::from_pkcs1(der)?)
    }

    /// Builds a key from its modulus and public exponent.
    pub fn from_components(c: &RsaPublicComponents) -> Result<Self> {
        let spki = c.to_spki()?;
        let encrypting = PublicEncryptingKey::from_der(&spki)
            .map_err(|_| too_small_or_malformed("RSA public", Some(c.bits())))?;
        Ok(Self { bits: encrypting.key_size_bits(), encrypting, pkcs1: c.to_pkcs1()? })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// PKCS#1 `RSAPublicKey` DER.
    pub fn to_pkcs1(&self) -> Vec<u8> {
        self.pkcs1.clone()
    }

    /// X.509 `SubjectPublicKeyInfo` DER.
    pub fn to_spki(&self) -> Result<Vec<u8>> {
        self.components()?.to_spki()
    }

    /// Modulus and exponent.
    pub fn components(&self) -> Result<RsaPublicComponents> {
        RsaPublicComponents::from_pkcs1(&self.pkcs1)
    }

    /// The longest plaintext `scheme` can encrypt under this key.
    pub fn max_plaintext_len(&self, scheme: RsaEncryptionScheme) -> usize {
        let k = self.bits.div_ceil(8);
        match scheme {
            RsaEncryptionScheme::Oaep(h) => k.saturating_sub(2 * h.hash().output_len() + 2),
            RsaEncryptionScheme::Pkcs1v15 => k.saturating_sub(11),
        }
    }

    /// Encrypts `plaintext`.
    pub fn encrypt(&self, scheme: RsaEncryptionScheme, plaintext: &[u8]) -> Result<Vec<u8>> {
        let max = self.max_plaintext_len(scheme);
        if plaintext.len() > max {
            return Err(CryptoError::InputTooLong {
                what: "RSA plaintext",
                max,
                actual: plaintext.len(),
            });
        }
        let mut out = vec![0u8; self.bits.div_ceil(8)];
        let len = match scheme {
            RsaEncryptionScheme::Oaep(h) => OaepPublicEncryptingKey::new(self.encrypting.clone())
                .map_err(|_| CryptoError::Internal("RSA key setup"))?
                .encrypt(oaep_alg(h), plaintext, &mut out, None)
                .map_err(|_| CryptoError::Internal("RSA-OAEP encryption"))?
                .len(),
            RsaEncryptionScheme::Pkcs1v15 => Pkcs1PublicEncryptingKey::new(self.encrypting.clone())
                .map_err(|_| CryptoError::Internal("RSA key setup"))?
                .encrypt(plaintext, &mut out)
                .map_err(|_| CryptoError::Internal("RSA PKCS#1 v1.5 encryption"))?
                .len(),
        };
        out.truncate(len);
        Ok(out)
    }

    /// Verifies a signature over `message`.
    pub fn verify(
        &self,
        scheme: RsaSignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        sig::UnparsedPublicKey::new(scheme.verification(), &self.pkcs1)
            .verify(message, signature)
            .map_err(|_| CryptoError::InvalidSignature)
    }

    /// Verifies an RSASSA-PSS signature over `message` (or, with `prehashed`,
    /// its digest) made with the given salt length.
    pub fn verify_pss(
        &self,
        hash: SignatureHash,
        salt: PssSalt,
        message: &[u8],
        prehashed: bool,
        signature: &[u8],
    ) -> Result<()> {
        let (_, params) = pss_algorithms(hash, salt);
        let key = sig::UnparsedPublicKey::new(params, &self.pkcs1);
        if prehashed {
            key.verify_digest(&import_digest(hash.hash(), message)?, signature)
        } else {
            key.verify(message, signature)
        }
        .map_err(|_| CryptoError::InvalidSignature)
    }

    /// Verifies a signature over a digest the caller computed.
    pub fn verify_digest(
        &self,
        scheme: RsaSignatureScheme,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        let d = import_digest(scheme.hash().hash(), digest)?;
        sig::UnparsedPublicKey::new(scheme.verification(), &self.pkcs1)
            .verify_digest(&d, signature)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

impl core::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaPublicKey").field("bits", &self.bits).finish_non_exhaustive()
    }
}
