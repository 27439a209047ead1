//! ECDSA on the NIST curves P-256, P-384 and P-521.
//!
//! The hash is the one that goes with the curve (SHA-256, SHA-384, SHA-512:
//! JOSE's ES256/ES384/ES512), which is also what aws-lc-rs signs with.
//! Signatures come in two encodings: DER (X9.62 `ECDSA-Sig-Value`, what KMIP
//! and X.509 use) or fixed-width `r ‖ s` (what JOSE uses).
//!
//! An [`EcPrivateKey`] is parsed once and reused.
//!
//! ```
//! use keyward_crypto::ecdsa::{Curve, EcPrivateKey, SignatureFormat};
//! let key = EcPrivateKey::generate(Curve::P256).unwrap();
//! let sig = key.sign(b"hello", SignatureFormat::Der).unwrap();
//! key.public_key().verify(b"hello", &sig, SignatureFormat::Der).unwrap();
//! ```

use aws_lc_rs::digest::Digest as LcDigest;
use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, KeyPair as _};
use der::asn1::{ObjectIdentifier, UintRef};
use der::{Decode, Reader, SliceReader};
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};
use crate::formats::{self, EcPrivateComponents, EcPublicComponents, PrivateKeyComponents};
use crate::hash::HashAlgorithm;

/// A NIST prime curve.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    #[serde(rename = "P-256")]
    P256,
    /// NIST P-384 (secp384r1).
    #[serde(rename = "P-384")]
    P384,
    /// NIST P-521 (secp521r1).
    #[serde(rename = "P-521")]
    P521,
}

pub(crate) const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
pub(crate) const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

impl Curve {
    /// All curves.
    pub const ALL: [Curve; 3] = [Curve::P256, Curve::P384, Curve::P521];

    /// The curve's name as NIST and JWK write it, e.g. `P-256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
        }
    }

    /// The field size in bits (256, 384 or 521).
    pub fn bits(self) -> usize {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }

    /// The length of a field element or scalar in bytes (32, 48 or 66).
    pub fn field_len(self) -> usize {
        self.bits().div_ceil(8)
    }

    /// The length of an uncompressed point `04 ‖ X ‖ Y`.
    pub fn point_len(self) -> usize {
        1 + 2 * self.field_len()
    }

    /// The hash ECDSA uses on this curve.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::P256 => HashAlgorithm::Sha256,
            Self::P384 => HashAlgorithm::Sha384,
            Self::P521 => HashAlgorithm::Sha512,
        }
    }

    /// The curve named by a JWK `crv` value.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "P-256" => Ok(Self::P256),
            "P-384" => Ok(Self::P384),
            "P-521" => Ok(Self::P521),
            _ => Err(CryptoError::Unsupported("EC curves other than P-256, P-384 and P-521")),
        }
    }

    pub(crate) fn oid(self) -> ObjectIdentifier {
        match self {
            Self::P256 => OID_P256,
            Self::P384 => OID_P384,
            Self::P521 => OID_P521,
        }
    }

    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Result<Self> {
        if *oid == OID_P256 {
            Ok(Self::P256)
        } else if *oid == OID_P384 {
            Ok(Self::P384)
        } else if *oid == OID_P521 {
            Ok(Self::P521)
        } else {
            Err(CryptoError::Unsupported("EC curves other than P-256, P-384 and P-521"))
        }
    }

    /// The curve whose scalars are `len` bytes long.
    pub(crate) fn from_field_len(len: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.field_len() == len)
    }

    fn signing(self) -> &'static sig::EcdsaSigningAlgorithm {
        match self {
            Self::P256 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
            Self::P384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
            Self::P521 => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
        }
    }

    fn verifying(self, format: SignatureFormat) -> &'static sig::EcdsaVerificationAlgorithm {
        match (self, format) {
            (Self::P256, SignatureFormat::Der) => &sig::ECDSA_P256_SHA256_ASN1,
            (Self::P384, SignatureFormat::Der) => &sig::ECDSA_P384_SHA384_ASN1,
            (Self::P521, SignatureFormat::Der) => &sig::ECDSA_P521_SHA512_ASN1,
            (Self::P256, SignatureFormat::Fixed) => &sig::ECDSA_P256_SHA256_FIXED,
            (Self::P384, SignatureFormat::Fixed) => &sig::ECDSA_P384_SHA384_FIXED,
            (Self::P521, SignatureFormat::Fixed) => &sig::ECDSA_P521_SHA512_FIXED,
        }
    }
}

impl core::fmt::Display for Curve {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// How an ECDSA signature is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureFormat {
    /// DER `SEQUENCE { r INTEGER, s INTEGER }` (X9.62; KMIP, X.509, PKCS#11 users).
    Der,
    /// Fixed-width big-endian `r ‖ s` (JOSE / JWS, RFC 7518 §3.4).
    Fixed,
}

/// An ECDSA private key, parsed once and reused.
pub struct EcPrivateKey {
    curve: Curve,
    key_pair: EcdsaKeyPair,
    public: EcPublicKey,
}

impl EcPrivateKey {
    /// Generates a key on `curve`.
    pub fn generate(curve: Curve) -> Result<Self> {
        let key_pair = EcdsaKeyPair::generate(curve.signing())
            .map_err(|_| CryptoError::Internal("EC key generation"))?;
        Ok(Self::wrap(curve, key_pair))
    }

    /// Parses a PKCS#8 `PrivateKeyInfo` holding an EC key (the curve is read from it).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        match PrivateKeyComponents::from_pkcs8(der)? {
            PrivateKeyComponents::Ec(c) => Self::from_components(&c),
            _ => Err(CryptoError::WrongKeyType("this PKCS#8 key is not an EC key")),
        }
    }

    /// Parses a SEC1 / RFC 5915 `ECPrivateKey`.
    pub fn from_sec1(der: &[u8]) -> Result<Self> {
        Self::from_components(&EcPrivateComponents::from_sec1(der)?)
    }

    /// Builds a key from its curve, private scalar and public point (checked to match).
    pub fn from_components(c: &EcPrivateComponents) -> Result<Self> {
        let d = formats::left_pad(&c.d, c.curve.field_len(), "EC private scalar")?;
        let key_pair = EcdsaKeyPair::from_private_key_and_public_key(c.curve.signing(), &d, &c.q)
            .map_err(|_| CryptoError::MalformedKey {
            format: "EC",
            reason: "the private scalar and public point are not a valid key pair on this curve",
        })?;
        Ok(Self::wrap(c.curve, key_pair))
    }

    /// Builds a key from its private scalar alone (the public point is computed).
    pub fn from_scalar(curve: Curve, d: &[u8]) -> Result<Self> {
        let d = formats::left_pad(d, curve.field_len(), "EC private scalar")?;
        let sec1 = formats::sec1_der(curve, &d, None, true)?;
        let key_pair =
            EcdsaKeyPair::from_private_key_der(curve.signing(), &sec1).map_err(|_| {
                CryptoError::MalformedKey {
                    format: "EC",
                    reason: "the private scalar is not valid on this curve",
                }
            })?;
        Ok(Self::wrap(curve, key_pair))
    }

    fn wrap(curve: Curve, key_pair: EcdsaKeyPair) -> Self {
        let public = EcPublicKey { curve, point: key_pair.public_key().as_ref().to_vec() };
        Self { curve, key_pair, public }
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// The public half.
    pub fn public_key(&self) -> &EcPublicKey {
        &self.public
    }

    /// The private scalar, big-endian, full field length (secret).
    pub fn scalar(&self) -> Result<Zeroizing<Vec<u8>>> {
        let bin: aws_lc_rs::encoding::EcPrivateKeyBin<'_> = self
            .key_pair
            .private_key()
            .as_be_bytes()
            .map_err(|_| CryptoError::Internal("EC private key export"))?;
        Ok(Zeroizing::new(bin.as_ref().to_vec()))
    }

    /// Curve, private scalar and public point.
    pub fn components(&self) -> Result<EcPrivateComponents> {
        Ok(EcPrivateComponents {
            curve: self.curve,
            d: self.scalar()?,
            q: self.public.point.clone(),
        })
    }

    /// PKCS#8 `PrivateKeyInfo` DER (secret).
    pub fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>> {
        PrivateKeyComponents::Ec(self.components()?).to_pkcs8()
    }

    /// SEC1 / RFC 5915 `ECPrivateKey` DER, with the curve and public key (secret).
    pub fn to_sec1(&self) -> Result<Zeroizing<Vec<u8>>> {
        self.components()?.to_sec1()
    }

    /// Signs `message` (hashed with the curve's hash).
    pub fn sign(&self, message: &[u8], format: SignatureFormat) -> Result<Vec<u8>> {
        let s = self
            .key_pair
            .sign(&SystemRandom::new(), message)
            .map_err(|_| CryptoError::Internal("ECDSA signing"))?;
        self.encode(s.as_ref(), format)
    }

    /// Signs a digest computed by the caller (KMIP *Digested Data*); it must be
    /// the curve's hash (see [`Curve::hash`]).
    pub fn sign_digest(&self, digest: &[u8], format: SignatureFormat) -> Result<Vec<u8>> {
        let d = import_digest(self.curve.hash(), digest)?;
        let s =
            self.key_pair.sign_digest(&d).map_err(|_| CryptoError::Internal("ECDSA signing"))?;
        self.encode(s.as_ref(), format)
    }

    fn encode(&self, der_sig: &[u8], format: SignatureFormat) -> Result<Vec<u8>> {
        match format {
            SignatureFormat::Der => Ok(der_sig.to_vec()),
            SignatureFormat::Fixed => der_to_fixed(der_sig, self.curve.field_len()),
        }
    }
}

impl core::fmt::Debug for EcPrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EcPrivateKey").field("curve", &self.curve).finish_non_exhaustive()
    }
}

/// An ECDSA public key: a curve and an uncompressed point.
#[derive(Clone, PartialEq, Eq)]
pub struct EcPublicKey {
    curve: Curve,
    point: Vec<u8>,
}

impl EcPublicKey {
    /// Builds a key from an uncompressed point `04 ‖ X ‖ Y`, checking that it is on the curve.
    pub fn from_point(curve: Curve, point: &[u8]) -> Result<Self> {
        if point.len() != curve.point_len() || point.first() != Some(&4) {
            return Err(CryptoError::MalformedKey {
                format: "EC public point",
                reason: "expected an uncompressed point (04 || X || Y) of the curve's size",
            });
        }
        sig::ParsedPublicKey::new(curve.verifying(SignatureFormat::Der), point).map_err(|_| {
            CryptoError::MalformedKey {
                format: "EC public point",
                reason: "the point is not on the curve",
            }
        })?;
        Ok(Self { curve, point: point.to_vec() })
    }

    /// Parses an X.509 `SubjectPublicKeyInfo` holding an EC key.
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        match formats::PublicKeyComponents::from_spki(der)? {
            formats::PublicKeyComponents::Ec(c) => Self::from_point(c.curve, &c.q),
            _ => Err(CryptoError::WrongKeyType("this SubjectPublicKeyInfo is not an EC key")),
        }
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// The uncompressed point `04 ‖ X ‖ Y`.
    pub fn point(&self) -> &[u8] {
        &self.point
    }

    /// Curve and point.
    pub fn components(&self) -> EcPublicComponents {
        EcPublicComponents { curve: self.curve, q: self.point.clone() }
    }

    /// X.509 `SubjectPublicKeyInfo` DER.
    pub fn to_spki(&self) -> Result<Vec<u8>> {
        formats::PublicKeyComponents::Ec(self.components()).to_spki()
    }

    /// Verifies a signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8], format: SignatureFormat) -> Result<()> {
        sig::UnparsedPublicKey::new(self.curve.verifying(format), &self.point)
            .verify(message, signature)
            .map_err(|_| CryptoError::InvalidSignature)
    }

    /// Verifies a signature over a digest computed by the caller (the curve's hash).
    pub fn verify_digest(
        &self,
        digest: &[u8],
        signature: &[u8],
        format: SignatureFormat,
    ) -> Result<()> {
        let d = import_digest(self.curve.hash(), digest)?;
        sig::UnparsedPublicKey::new(self.curve.verifying(format), &self.point)
            .verify_digest(&d, signature)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

impl core::fmt::Debug for EcPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EcPublicKey").field("curve", &self.curve).finish_non_exhaustive()
    }
}

pub(crate) fn import_digest(hash: HashAlgorithm, digest: &[u8]) -> Result<LcDigest> {
    if digest.len() != hash.output_len() {
        return Err(CryptoError::InvalidParameter {
            name: "digested data",
            reason: "its length is not the output length of the signature's hash",
        });
    }
    LcDigest::import_less_safe(digest, hash.lc())
        .map_err(|_| CryptoError::Internal("digest import"))
}

/// DER `SEQUENCE { r, s }` → fixed-width `r ‖ s`.
fn der_to_fixed(der_sig: &[u8], field_len: usize) -> Result<Vec<u8>> {
    let bad = |_| CryptoError::Internal("ECDSA signature re-encoding");
    let mut reader = SliceReader::new(der_sig).map_err(bad)?;
    let (r, s) = reader
        .sequence(|rd| Ok::<_, der::Error>((UintRef::decode(rd)?, UintRef::decode(rd)?)))
        .map_err(bad)?;
    reader.finish().map_err(bad)?;
    let mut out = formats::left_pad(r.as_bytes(), field_len, "ECDSA r")?.to_vec();
    out.extend_from_slice(&formats::left_pad(s.as_bytes(), field_len, "ECDSA s")?);
    Ok(out)
}
