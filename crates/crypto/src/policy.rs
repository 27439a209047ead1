//! The algorithm policy: which algorithms, key sizes and modes may be
//! created, registered and used, decided by configuration.
//!
//! A [`Policy`] is plain data (serde, every field optional in configuration,
//! missing fields taken from [`Policy::default`]). Each field is a *rule*; a
//! refusal is a [`PolicyViolation`] naming the rule (by its configuration
//! key) and what was asked, so an operator knows which setting to change.
//!
//! Two profiles are built in:
//!
//! * [`Policy::default`] lets existing KMIP clients work: every symmetric
//!   algorithm KMIP names may be created and registered (as random bytes of
//!   the asked length), every mode, hash and padding the engine implements
//!   may be used, RSA keys must be at least 2048 bits to be generated (and
//!   1024 to be registered).
//! * [`Policy::fips`] allows only FIPS-approved algorithms (FIPS 140-3, SP
//!   800-131A Rev. 2), read strictly: AES and HMAC-SHA-2/SHA-3 keys (HMAC keys
//!   of at least 112 bits); RSA of at least 2048 bits everywhere; P-256/384/521
//!   and Ed25519 (FIPS 186-5); no SHA-1 anywhere (even where SP 800-131A still
//!   tolerates it); GCM, CBC and CTR but not ECB; RSA-OAEP but not PKCS#1
//!   v1.5 encryption; PBKDF2 with at least 1000 iterations; no secret
//!   splitting (not an approved algorithm).
//!
//! ```
//! use keyward_crypto::policy::{KeySpec, Policy, PolicyRule};
//! let err = Policy::default().check_generate(&KeySpec::Rsa { bits: 1024 }).unwrap_err();
//! assert_eq!(err.rule, PolicyRule::RsaMinGenerateBits);
//! assert!(err.to_string().contains("rsa_min_generate_bits"));
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ecdsa::Curve;
use crate::hash::HashAlgorithm;
use crate::kdf::KdfAlgorithm;
use crate::keygen::SymmetricAlgorithm;
use crate::keywrap::KeyWrapAlgorithm;
use crate::mac::MacAlgorithm;
use crate::rsa::{
    RsaEncryptionPadding, RsaEncryptionScheme, RsaSignaturePadding, RsaSignatureScheme,
};
use crate::split::SplitMethod;
use crate::symmetric::{CipherMode, SymmetricMode};

/// What a key is, for the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySpec {
    /// A symmetric key of `bits` (KMIP *Cryptographic Length*).
    Symmetric {
        /// The algorithm.
        algorithm: SymmetricAlgorithm,
        /// The length in bits.
        bits: usize,
    },
    /// An RSA key with a modulus of `bits`.
    Rsa {
        /// The modulus size.
        bits: usize,
    },
    /// An EC key.
    Ec(Curve),
    /// An Ed25519 key.
    Ed25519,
}

/// A use of a key or of the engine, for the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Usage {
    /// AES encryption or decryption in a mode.
    Cipher(SymmetricMode),
    /// AES key wrap or unwrap.
    KeyWrap(KeyWrapAlgorithm),
    /// RSA encryption or decryption.
    RsaEncryption(RsaEncryptionScheme),
    /// RSA signing or verification.
    RsaSignature(RsaSignatureScheme),
    /// ECDSA signing or verification on a curve.
    Ecdsa(Curve),
    /// Ed25519 signing or verification.
    Ed25519,
    /// MAC computation or check.
    Mac(MacAlgorithm),
    /// Hashing.
    Hash(HashAlgorithm),
    /// Key derivation.
    Kdf {
        /// The KDF.
        algorithm: KdfAlgorithm,
        /// Its hash.
        hash: HashAlgorithm,
        /// PBKDF2's iteration count.
        iterations: Option<u32>,
    },
    /// Splitting or joining a key.
    Split(SplitMethod),
}

/// The rules of a [`Policy`], named as their configuration keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyRule {
    /// `symmetric_algorithms`
    SymmetricAlgorithms,
    /// `hmac_min_key_bits`
    HmacMinKeyBits,
    /// `rsa_min_generate_bits`
    RsaMinGenerateBits,
    /// `rsa_min_bits`
    RsaMinBits,
    /// `curves`
    Curves,
    /// `ed25519`
    Ed25519,
    /// `hashes`
    Hashes,
    /// `cipher_modes`
    CipherModes,
    /// `key_wrap`
    KeyWrap,
    /// `rsa_encryption`
    RsaEncryption,
    /// `rsa_signature`
    RsaSignature,
    /// `macs`
    Macs,
    /// `kdfs`
    Kdfs,
    /// `pbkdf2_min_iterations`
    Pbkdf2MinIterations,
    /// `split_methods`
    SplitMethods,
}

impl PolicyRule {
    /// The configuration key of the rule.
    pub fn key(self) -> &'static str {
        match self {
            Self::SymmetricAlgorithms => "symmetric_algorithms",
            Self::HmacMinKeyBits => "hmac_min_key_bits",
            Self::RsaMinGenerateBits => "rsa_min_generate_bits",
            Self::RsaMinBits => "rsa_min_bits",
            Self::Curves => "curves",
            Self::Ed25519 => "ed25519",
            Self::Hashes => "hashes",
            Self::CipherModes => "cipher_modes",
            Self::KeyWrap => "key_wrap",
            Self::RsaEncryption => "rsa_encryption",
            Self::RsaSignature => "rsa_signature",
            Self::Macs => "macs",
            Self::Kdfs => "kdfs",
            Self::Pbkdf2MinIterations => "pbkdf2_min_iterations",
            Self::SplitMethods => "split_methods",
        }
    }
}

impl core::fmt::Display for PolicyRule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.key())
    }
}

/// A refusal by the policy: which policy, which rule, and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused by the \"{policy}\" crypto policy, rule `{rule}`: {detail}")]
pub struct PolicyViolation {
    /// The policy's name.
    pub policy: String,
    /// The rule that refused.
    pub rule: PolicyRule,
    /// What was asked and what the rule allows.
    pub detail: String,
}

/// An algorithm policy. Every field is one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The name shown in refusals (e.g. `default`, `fips`, or the operator's own).
    pub name: String,
    /// Symmetric algorithms that may be created, registered and used.
    pub symmetric_algorithms: BTreeSet<SymmetricAlgorithm>,
    /// Smallest HMAC key, in bits.
    pub hmac_min_key_bits: usize,
    /// Smallest RSA modulus that may be generated.
    pub rsa_min_generate_bits: usize,
    /// Smallest RSA modulus that may be registered or used.
    pub rsa_min_bits: usize,
    /// EC curves that may be created, registered and used.
    pub curves: BTreeSet<Curve>,
    /// Whether Ed25519 keys may be created, registered and used.
    pub ed25519: bool,
    /// Hash functions that may be used (alone or inside signatures, OAEP, HMAC, KDFs).
    pub hashes: BTreeSet<HashAlgorithm>,
    /// AES modes that may be used.
    pub cipher_modes: BTreeSet<CipherMode>,
    /// AES key-wrap algorithms that may be used.
    pub key_wrap: BTreeSet<KeyWrapAlgorithm>,
    /// RSA encryption paddings that may be used.
    pub rsa_encryption: BTreeSet<RsaEncryptionPadding>,
    /// RSA signature paddings that may be used.
    pub rsa_signature: BTreeSet<RsaSignaturePadding>,
    /// MAC algorithms that may be used.
    pub macs: BTreeSet<MacAlgorithm>,
    /// KDFs that may be used.
    pub kdfs: BTreeSet<KdfAlgorithm>,
    /// Fewest PBKDF2 iterations accepted.
    pub pbkdf2_min_iterations: u32,
    /// Secret-splitting methods that may be used.
    pub split_methods: BTreeSet<SplitMethod>,
}

impl Default for Policy {
    /// The permissive profile that lets existing KMIP clients work (see the module docs).
    fn default() -> Self {
        Self {
            name: "default".into(),
            symmetric_algorithms: SymmetricAlgorithm::ALL.into_iter().collect(),
            hmac_min_key_bits: 8,
            rsa_min_generate_bits: 2048,
            rsa_min_bits: 1024,
            curves: Curve::ALL.into_iter().collect(),
            ed25519: true,
            hashes: HashAlgorithm::ALL.into_iter().collect(),
            cipher_modes: [CipherMode::Gcm, CipherMode::Cbc, CipherMode::Ecb, CipherMode::Ctr]
                .into_iter()
                .collect(),
            key_wrap: [KeyWrapAlgorithm::AesKw, KeyWrapAlgorithm::AesKwp].into_iter().collect(),
            rsa_encryption: [RsaEncryptionPadding::Oaep, RsaEncryptionPadding::Pkcs1v15]
                .into_iter()
                .collect(),
            rsa_signature: [RsaSignaturePadding::Pkcs1v15, RsaSignaturePadding::Pss]
                .into_iter()
                .collect(),
            macs: [
                MacAlgorithm::HmacSha1,
                MacAlgorithm::HmacSha224,
                MacAlgorithm::HmacSha256,
                MacAlgorithm::HmacSha384,
                MacAlgorithm::HmacSha512,
                MacAlgorithm::CmacAes,
            ]
            .into_iter()
            .collect(),
            kdfs: [KdfAlgorithm::Pbkdf2, KdfAlgorithm::Hkdf, KdfAlgorithm::Sp800_108Counter]
                .into_iter()
                .collect(),
            pbkdf2_min_iterations: 1,
            split_methods: [SplitMethod::Xor, SplitMethod::ShamirGf256].into_iter().collect(),
        }
    }
}

impl Policy {
    /// The strict FIPS-approved-only profile (see the module docs).
    pub fn fips() -> Self {
        use SymmetricAlgorithm as S;
        Self {
            name: "fips".into(),
            symmetric_algorithms: [
                S::Aes,
                S::HmacSha224,
                S::HmacSha256,
                S::HmacSha384,
                S::HmacSha512,
                S::HmacSha3_224,
                S::HmacSha3_256,
                S::HmacSha3_384,
                S::HmacSha3_512,
            ]
            .into_iter()
            .collect(),
            hmac_min_key_bits: 112,
            rsa_min_generate_bits: 2048,
            rsa_min_bits: 2048,
            curves: Curve::ALL.into_iter().collect(),
            ed25519: true,
            hashes: HashAlgorithm::ALL.into_iter().filter(|h| *h != HashAlgorithm::Sha1).collect(),
            cipher_modes: [CipherMode::Gcm, CipherMode::Cbc, CipherMode::Ctr].into_iter().collect(),
            key_wrap: [KeyWrapAlgorithm::AesKw, KeyWrapAlgorithm::AesKwp].into_iter().collect(),
            rsa_encryption: [RsaEncryptionPadding::Oaep].into_iter().collect(),
            rsa_signature: [RsaSignaturePadding::Pkcs1v15, RsaSignaturePadding::Pss]
                .into_iter()
                .collect(),
            macs: [
                MacAlgorithm::HmacSha224,
                MacAlgorithm::HmacSha256,
                MacAlgorithm::HmacSha384,
                MacAlgorithm::HmacSha512,
                MacAlgorithm::CmacAes,
            ]
            .into_iter()
            .collect(),
            kdfs: [KdfAlgorithm::Pbkdf2, KdfAlgorithm::Hkdf, KdfAlgorithm::Sp800_108Counter]
                .into_iter()
                .collect(),
            pbkdf2_min_iterations: 1000,
            split_methods: BTreeSet::new(),
        }
    }

    /// A built-in profile by name: `default` or `fips`.
    pub fn profile(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::default()),
            "fips" => Some(Self::fips()),
            _ => None,
        }
    }

    fn refuse(&self, rule: PolicyRule, detail: String) -> PolicyViolation {
        PolicyViolation { policy: self.name.clone(), rule, detail }
    }

    fn key_allowed(
        &self,
        spec: &KeySpec,
        rsa_min: (usize, PolicyRule),
        verb: &str,
    ) -> Result<(), PolicyViolation> {
        match *spec {
            KeySpec::Symmetric { algorithm, bits } => {
                if !self.symmetric_algorithms.contains(&algorithm) {
                    return Err(self.refuse(
                        PolicyRule::SymmetricAlgorithms,
                        format!("{algorithm} keys may not be {verb}"),
                    ));
                }
                if algorithm.is_hmac() && bits < self.hmac_min_key_bits {
                    return Err(self.refuse(
                        PolicyRule::HmacMinKeyBits,
                        format!(
                            "a {bits}-bit {algorithm} key is below the minimum of {} bits",
                            self.hmac_min_key_bits
                        ),
                    ));
                }
            }
            KeySpec::Rsa { bits } => {
                let (min, rule) = rsa_min;
                if bits < min {
                    return Err(self.refuse(
                        rule,
                        format!("an RSA-{bits} key may not be {verb}; the minimum is {min} bits"),
                    ));
                }
            }
            KeySpec::Ec(curve) => {
                if !self.curves.contains(&curve) {
                    return Err(
                        self.refuse(PolicyRule::Curves, format!("{curve} keys may not be {verb}"))
                    );
                }
            }
            KeySpec::Ed25519 => {
                if !self.ed25519 {
                    return Err(
                        self.refuse(PolicyRule::Ed25519, format!("Ed25519 keys may not be {verb}"))
                    );
                }
            }
        }
        Ok(())
    }

    /// May a key like `spec` be generated (KMIP Create / Create Key Pair)?
    pub fn check_generate(&self, spec: &KeySpec) -> Result<(), PolicyViolation> {
        let rsa_min = self.rsa_min_generate_bits.max(self.rsa_min_bits);
        self.key_allowed(spec, (rsa_min, PolicyRule::RsaMinGenerateBits), "generated")
    }

    /// May a key like `spec` be registered or imported?
    pub fn check_register(&self, spec: &KeySpec) -> Result<(), PolicyViolation> {
        self.key_allowed(spec, (self.rsa_min_bits, PolicyRule::RsaMinBits), "registered")
    }

    /// May `usage` happen, with `key` if a key is involved?
    pub fn check_use(&self, key: Option<&KeySpec>, usage: &Usage) -> Result<(), PolicyViolation> {
        if let Some(spec) = key {
            self.key_allowed(spec, (self.rsa_min_bits, PolicyRule::RsaMinBits), "used")?;
        }
        match *usage {
            Usage::Cipher(mode) => {
                if !self.cipher_modes.contains(&mode.kind()) {
                    return Err(self.refuse(
                        PolicyRule::CipherModes,
                        format!("{} may not be used", mode.name()),
                    ));
                }
            }
            Usage::KeyWrap(alg) => {
                if !self.key_wrap.contains(&alg) {
                    return Err(
                        self.refuse(PolicyRule::KeyWrap, format!("{} may not be used", alg.name()))
                    );
                }
            }
            Usage::RsaEncryption(scheme) => {
                if !self.rsa_encryption.contains(&scheme.padding()) {
                    let name = match scheme.padding() {
                        RsaEncryptionPadding::Oaep => "RSA-OAEP",
                        RsaEncryptionPadding::Pkcs1v15 => "RSA PKCS#1 v1.5 encryption",
                    };
                    return Err(
                        self.refuse(PolicyRule::RsaEncryption, format!("{name} may not be used"))
                    );
                }
                if let Some(h) = scheme.hash() {
                    self.hash_allowed(h, "RSA-OAEP")?;
                }
            }
            Usage::RsaSignature(scheme) => {
                if !self.rsa_signature.contains(&scheme.padding()) {
                    let name = match scheme.padding() {
                        RsaSignaturePadding::Pkcs1v15 => "RSA PKCS#1 v1.5 signatures",
                        RsaSignaturePadding::Pss => "RSA-PSS signatures",
                    };
                    return Err(
                        self.refuse(PolicyRule::RsaSignature, format!("{name} may not be used"))
                    );
                }
                self.hash_allowed(scheme.hash().hash(), "an RSA signature")?;
            }
            Usage::Ecdsa(curve) => {
                if !self.curves.contains(&curve) {
                    return Err(self
                        .refuse(PolicyRule::Curves, format!("ECDSA on {curve} may not be used")));
                }
                self.hash_allowed(curve.hash(), "ECDSA")?;
            }
            Usage::Ed25519 => {
                if !self.ed25519 {
                    return Err(self.refuse(PolicyRule::Ed25519, "Ed25519 may not be used".into()));
                }
            }
            Usage::Mac(alg) => {
                if !self.macs.contains(&alg) {
                    return Err(self.refuse(PolicyRule::Macs, format!("{alg} may not be used")));
                }
                if let Some(h) = alg.hash() {
                    self.hash_allowed(h, "HMAC")?;
                }
            }
            Usage::Hash(h) => self.hash_allowed(h, "hashing")?,
            Usage::Kdf { algorithm, hash, iterations } => {
                if !self.kdfs.contains(&algorithm) {
                    return Err(
                        self.refuse(PolicyRule::Kdfs, format!("{algorithm:?} may not be used"))
                    );
                }
                self.hash_allowed(hash, "key derivation")?;
                if algorithm == KdfAlgorithm::Pbkdf2 {
                    let n = iterations.unwrap_or(0);
                    if n < self.pbkdf2_min_iterations {
                        return Err(self.refuse(
                            PolicyRule::Pbkdf2MinIterations,
                            format!(
                                "PBKDF2 with {n} iterations is below the minimum of {}",
                                self.pbkdf2_min_iterations
                            ),
                        ));
                    }
                }
            }
            Usage::Split(method) => {
                if !self.split_methods.contains(&method) {
                    return Err(self.refuse(
                        PolicyRule::SplitMethods,
                        format!("{method:?} secret splitting may not be used"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn hash_allowed(&self, h: HashAlgorithm, within: &str) -> Result<(), PolicyViolation> {
        if self.hashes.contains(&h) {
            Ok(())
        } else {
            Err(self.refuse(PolicyRule::Hashes, format!("{h} may not be used for {within}")))
        }
    }
}
