//! Key formats, both ways: raw bytes, PKCS#1, PKCS#8, X.509
//! `SubjectPublicKeyInfo`, SEC1 `ECPrivateKey`, transparent components (the
//! KMIP *Transparent* structures) and JWK ([`jwk`]).
//!
//! The component structs are the hub: every DER format decodes into them and
//! encodes from them, with the RustCrypto format crates (`pkcs1`, `pkcs8`,
//! `spki`, `sec1`, `der`) doing the ASN.1. RSA conversions work for any key
//! size (a registered RSA-1024 key converts even though it cannot be used);
//! EC conversions ask AWS-LC to compute a missing public point.
//!
//! Private components keep secret fields in [`Zeroizing`] buffers and their
//! `Debug` output never shows them; encoded private DER is returned in
//! `Zeroizing` buffers too.
//!
//! ```
//! use keyward_crypto::ecdsa::{Curve, EcPrivateKey};
//! use keyward_crypto::formats::{EcPrivateComponents, PrivateKeyComponents};
//! let key = EcPrivateKey::generate(Curve::P384).unwrap();
//! let sec1 = key.to_sec1().unwrap();
//! let comps = EcPrivateComponents::from_sec1(&sec1).unwrap();
//! let pkcs8 = PrivateKeyComponents::Ec(comps).to_pkcs8().unwrap();
//! assert_eq!(EcPrivateKey::from_pkcs8(&pkcs8).unwrap().public_key(), key.public_key());
//! ```

pub mod jwk;

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode};
use pkcs8::PrivateKeyInfoRef;
use sec1::EcParameters;
use spki::{AlgorithmIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use crate::ecdsa::{Curve, EcPrivateKey, EcPublicKey};
use crate::eddsa;
use crate::error::{CryptoError, Result};

pub(crate) const OID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const OID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub(crate) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The KMIP key format types this module converts between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// Raw bytes (symmetric keys; Ed25519 seed or public key).
    Raw,
    /// PKCS#1 `RSAPrivateKey` / `RSAPublicKey`.
    Pkcs1,
    /// PKCS#8 `PrivateKeyInfo`.
    Pkcs8,
    /// X.509 `SubjectPublicKeyInfo`.
    Spki,
    /// SEC1 / RFC 5915 `ECPrivateKey`.
    Sec1,
    /// Transparent components (KMIP Transparent Symmetric / RSA / EC structures).
    Transparent,
    /// JSON Web Key (RFC 7517/7518/8037).
    Jwk,
}

fn malformed(format: &'static str) -> impl Fn(der::Error) -> CryptoError {
    move |_| CryptoError::MalformedKey { format, reason: "the DER structure is invalid" }
}

/// Encodes `value` into an exactly sized buffer that is wiped on drop.
fn secret_der<T: Encode>(value: &T) -> Result<Zeroizing<Vec<u8>>> {
    let enc = |_| CryptoError::Internal("DER encoding");
    let len = usize::try_from(value.encoded_len().map_err(enc)?).map_err(enc)?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    value.encode_to_slice(&mut out).map_err(enc)?;
    Ok(out)
}

fn public_der<T: Encode>(value: &T) -> Result<Vec<u8>> {
    value.to_der().map_err(|_| CryptoError::Internal("DER encoding"))
}

/// Left-pads a big-endian integer with zeros to `len` bytes (after dropping
/// any leading zeros); fails if it does not fit.
pub(crate) fn left_pad(v: &[u8], len: usize, what: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    let start = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    let v = &v[start..];
    if v.len() > len {
        return Err(CryptoError::MalformedKey {
            format: what,
            reason: "the value is too large for the curve",
        });
    }
    let mut out = Zeroizing::new(vec![0u8; len]);
    out[len - v.len()..].copy_from_slice(v);
    Ok(out)
}

/// Constant-time equality of two byte strings (their lengths are not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

fn strip_zeros(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    &v[start..]
}

fn bit_len(be: &[u8]) -> usize {
    let v = strip_zeros(be);
    match v.first() {
        Some(&top) => v.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

// ------------------------------------------------------------------- RSA

/// An RSA public key as its modulus and exponent (big-endian, no leading zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaPublicComponents {
    /// Modulus n.
    pub n: Vec<u8>,
    /// Public exponent e.
    pub e: Vec<u8>,
}

impl RsaPublicComponents {
    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        bit_len(&self.n)
    }

    /// Parses a PKCS#1 `RSAPublicKey`.
    pub fn from_pkcs1(der: &[u8]) -> Result<Self> {
        let k = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(der).map_err(malformed("PKCS#1"))?;
        Ok(Self { n: k.modulus.as_bytes().to_vec(), e: k.public_exponent.as_bytes().to_vec() })
    }

    /// Encodes a PKCS#1 `RSAPublicKey`.
    pub fn to_pkcs1(&self) -> Result<Vec<u8>> {
        let bad = malformed("RSA public components");
        let k = pkcs1::RsaPublicKey {
            modulus: UintRef::new(&self.n).map_err(&bad)?,
            public_exponent: UintRef::new(&self.e).map_err(&bad)?,
        };
        public_der(&k)
    }

    /// Encodes an X.509 `SubjectPublicKeyInfo`.
    pub fn to_spki(&self) -> Result<Vec<u8>> {
        PublicKeyComponents::Rsa(self.clone()).to_spki()
    }
}

/// An RSA private key as its eight components (big-endian, no leading zeros).
/// The private ones are wiped on drop, never shown by `Debug`, and compared
/// in constant time by `==`.
#[derive(Clone)]
pub struct RsaPrivateComponents {
    /// Modulus n.
    pub n: Vec<u8>,
    /// Public exponent e.
    pub e: Vec<u8>,
    /// Private exponent d.
    pub d: Zeroizing<Vec<u8>>,
    /// First prime p.
    pub p: Zeroizing<Vec<u8>>,
    /// Second prime q.
    pub q: Zeroizing<Vec<u8>>,
    /// d mod (p − 1).
    pub dp: Zeroizing<Vec<u8>>,
    /// d mod (q − 1).
    pub dq: Zeroizing<Vec<u8>>,
    /// q⁻¹ mod p.
    pub qinv: Zeroizing<Vec<u8>>,
}

impl RsaPrivateComponents {
    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        bit_len(&self.n)
    }

    /// The public half.
    pub fn public(&self) -> RsaPublicComponents {
        RsaPublicComponents { n: self.n.clone(), e: self.e.clone() }
    }

    /// Parses a PKCS#1 `RSAPrivateKey` (two-prime only).
    pub fn from_pkcs1(der: &[u8]) -> Result<Self> {
        let k = pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(der).map_err(malformed("PKCS#1"))?;
        if k.other_prime_infos.is_some() {
            return Err(CryptoError::Unsupported("multi-prime RSA keys"));
        }
        let s = |u: UintRef<'_>| Zeroizing::new(u.as_bytes().to_vec());
        Ok(Self {
            n: k.modulus.as_bytes().to_vec(),
            e: k.public_exponent.as_bytes().to_vec(),
            d: s(k.private_exponent),
            p: s(k.prime1),
            q: s(k.prime2),
            dp: s(k.exponent1),
            dq: s(k.exponent2),
            qinv: s(k.coefficient),
        })
    }

    /// Encodes a PKCS#1 `RSAPrivateKey` (secret).
    pub fn to_pkcs1(&self) -> Result<Zeroizing<Vec<u8>>> {
        fn u(v: &[u8]) -> Result<UintRef<'_>> {
            UintRef::new(v).map_err(malformed("RSA private components"))
        }
        for (v, _name) in [
            (&self.n[..], "n"),
            (&self.e[..], "e"),
            (&self.d[..], "d"),
            (&self.p[..], "p"),
            (&self.q[..], "q"),
            (&self.dp[..], "dP"),
            (&self.dq[..], "dQ"),
            (&self.qinv[..], "qInv"),
        ] {
            if strip_zeros(v).is_empty() {
                return Err(CryptoError::MalformedKey {
                    format: "RSA private components",
                    reason: "every component (n, e, d, p, q, dP, dQ, qInv) must be present and non-zero",
                });
            }
        }
        let k = pkcs1::RsaPrivateKey {
            modulus: u(&self.n)?,
            public_exponent: u(&self.e)?,
            private_exponent: u(&self.d)?,
            prime1: u(&self.p)?,
            prime2: u(&self.q)?,
            exponent1: u(&self.dp)?,
            exponent2: u(&self.dq)?,
            coefficient: u(&self.qinv)?,
            other_prime_infos: None,
        };
        secret_der(&k)
    }
}

impl PartialEq for RsaPrivateComponents {
    fn eq(&self, o: &Self) -> bool {
        // `&` rather than `&&`: every field is compared whatever the others give.
        (self.n == o.n)
            & (self.e == o.e)
            & ct_eq(&self.d, &o.d)
            & ct_eq(&self.p, &o.p)
            & ct_eq(&self.q, &o.q)
            & ct_eq(&self.dp, &o.dp)
            & ct_eq(&self.dq, &o.dq)
            & ct_eq(&self.qinv, &o.qinv)
    }
}

impl Eq for RsaPrivateComponents {}

impl core::fmt::Debug for RsaPrivateComponents {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaPrivateComponents").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

// -------------------------------------------------------------------- EC

/// An EC public key: curve and uncompressed point `04 ‖ X ‖ Y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcPublicComponents {
    /// The curve.
    pub curve: Curve,
    /// The uncompressed point.
    pub q: Vec<u8>,
}

impl EcPublicComponents {
    /// The affine coordinates (X, Y), each of the curve's field length.
    pub fn coordinates(&self) -> Result<(&[u8], &[u8])> {
        let fl = self.curve.field_len();
        if self.q.len() != 1 + 2 * fl || self.q[0] != 4 {
            return Err(CryptoError::MalformedKey {
                format: "EC public point",
                reason: "expected an uncompressed point (04 || X || Y) of the curve's size",
            });
        }
        Ok((&self.q[1..1 + fl], &self.q[1 + fl..]))
    }

    /// Builds the point from affine coordinates, checking it is on the curve.
    pub fn from_coordinates(curve: Curve, x: &[u8], y: &[u8]) -> Result<Self> {
        let fl = curve.field_len();
        if x.len() != fl || y.len() != fl {
            return Err(CryptoError::MalformedKey {
                format: "EC public point",
                reason: "each coordinate must be exactly the curve's field length",
            });
        }
        let mut q = Vec::with_capacity(1 + 2 * fl);
        q.push(4);
        q.extend_from_slice(x);
        q.extend_from_slice(y);
        EcPublicKey::from_point(curve, &q)?;
        Ok(Self { curve, q })
    }
}

/// An EC private key: curve, private scalar d (full field length, secret) and
/// public point. `==` compares the scalar in constant time.
#[derive(Clone)]
pub struct EcPrivateComponents {
    /// The curve.
    pub curve: Curve,
    /// The private scalar, big-endian.
    pub d: Zeroizing<Vec<u8>>,
    /// The uncompressed public point `04 ‖ X ‖ Y`.
    pub q: Vec<u8>,
}

impl EcPrivateComponents {
    /// The public half.
    pub fn public(&self) -> EcPublicComponents {
        EcPublicComponents { curve: self.curve, q: self.q.clone() }
    }

    /// Builds components from the scalar alone, computing the public point.
    pub fn from_scalar(curve: Curve, d: &[u8]) -> Result<Self> {
        EcPrivateKey::from_scalar(curve, d)?.components()
    }

    /// Parses a SEC1 / RFC 5915 `ECPrivateKey`. Without curve parameters the
    /// curve is inferred from the scalar length; without a public key it is computed.
    pub fn from_sec1(der: &[u8]) -> Result<Self> {
        Self::from_sec1_with(der, None)
    }

    fn from_sec1_with(der: &[u8], outer_curve: Option<Curve>) -> Result<Self> {
        let k = sec1::EcPrivateKey::from_der(der).map_err(malformed("SEC1"))?;
        let inner_curve = match k.parameters {
            Some(EcParameters::NamedCurve(oid)) => Some(Curve::from_oid(&oid)?),
            None => None,
        };
        let curve = match (outer_curve, inner_curve) {
            (Some(a), Some(b)) if a != b => {
                return Err(CryptoError::MalformedKey {
                    format: "PKCS#8",
                    reason: "the algorithm parameters and the inner ECPrivateKey name different curves",
                });
            }
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => Curve::from_field_len(k.private_key.len()).ok_or(
                CryptoError::MalformedKey {
                    format: "SEC1",
                    reason: "no curve is named and the scalar length matches none of P-256, P-384, P-521",
                },
            )?,
        };
        let d = left_pad(k.private_key, curve.field_len(), "EC private scalar")?;
        match k.public_key {
            Some(q) => {
                EcPrivateKey::from_components(&Self { curve, d: d.clone(), q: q.to_vec() })?;
                Ok(Self { curve, d, q: q.to_vec() })
            }
            None => Self::from_scalar(curve, &d),
        }
    }

    /// Encodes a SEC1 / RFC 5915 `ECPrivateKey` with the curve and public key (secret).
    pub fn to_sec1(&self) -> Result<Zeroizing<Vec<u8>>> {
        sec1_der(self.curve, &self.d, Some(&self.q), true)
    }
}

impl PartialEq for EcPrivateComponents {
    fn eq(&self, o: &Self) -> bool {
        (self.curve == o.curve) & (self.q == o.q) & ct_eq(&self.d, &o.d)
    }
}

impl Eq for EcPrivateComponents {}

impl core::fmt::Debug for EcPrivateComponents {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EcPrivateComponents").field("curve", &self.curve).finish_non_exhaustive()
    }
}

/// Encodes an RFC 5915 `ECPrivateKey`.
pub(crate) fn sec1_der(
    curve: Curve,
    d: &[u8],
    q: Option<&[u8]>,
    with_params: bool,
) -> Result<Zeroizing<Vec<u8>>> {
    let d = left_pad(d, curve.field_len(), "EC private scalar")?;
    let k = sec1::EcPrivateKey {
        private_key: &d,
        parameters: with_params.then(|| EcParameters::NamedCurve(curve.oid())),
        public_key: q,
    };
    secret_der(&k)
}

// --------------------------------------------------------------- Ed25519

/// An Ed25519 private key: its 32-byte seed (secret) and public key. `==`
/// compares the seed in constant time.
#[derive(Clone)]
pub struct Ed25519PrivateComponents {
    /// The RFC 8032 private key (seed).
    pub seed: Zeroizing<[u8; 32]>,
    /// The public key.
    pub public: [u8; 32],
}

impl Ed25519PrivateComponents {
    /// Builds components from the seed alone, computing the public key.
    pub fn from_seed(seed: &[u8]) -> Result<Self> {
        eddsa::Ed25519PrivateKey::from_seed(seed)?.components()
    }
}

impl PartialEq for Ed25519PrivateComponents {
    fn eq(&self, o: &Self) -> bool {
        (self.public == o.public) & ct_eq(&self.seed[..], &o.seed[..])
    }
}

impl Eq for Ed25519PrivateComponents {}

impl core::fmt::Debug for Ed25519PrivateComponents {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ed25519PrivateComponents").finish_non_exhaustive()
    }
}

// --------------------------------------------------------- any algorithm

/// A private key of any supported algorithm, as components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivateKeyComponents {
    /// RSA.
    Rsa(RsaPrivateComponents),
    /// ECDSA curve key.
    Ec(EcPrivateComponents),
    /// Ed25519.
    Ed25519(Ed25519PrivateComponents),
}

/// A public key of any supported algorithm, as components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKeyComponents {
    /// RSA.
    Rsa(RsaPublicComponents),
    /// ECDSA curve key.
    Ec(EcPublicComponents),
    /// Ed25519 (the 32-byte public key).
    Ed25519([u8; 32]),
}

impl PrivateKeyComponents {
    /// The public half.
    pub fn public(&self) -> PublicKeyComponents {
        match self {
            Self::Rsa(c) => PublicKeyComponents::Rsa(c.public()),
            Self::Ec(c) => PublicKeyComponents::Ec(c.public()),
            Self::Ed25519(c) => PublicKeyComponents::Ed25519(c.public),
        }
    }

    /// Parses an unencrypted PKCS#8 `PrivateKeyInfo` (v1 or v2) holding an
    /// RSA, EC (P-256/384/521) or Ed25519 key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let info = PrivateKeyInfoRef::from_der(der).map_err(malformed("PKCS#8"))?;
        let oid = info.algorithm.oid;
        let inner = info.private_key.as_bytes();
        if oid == OID_RSA_ENCRYPTION {
            Ok(Self::Rsa(RsaPrivateComponents::from_pkcs1(inner)?))
        } else if oid == OID_EC_PUBLIC_KEY {
            let params = info.algorithm.parameters.ok_or(CryptoError::MalformedKey {
                format: "PKCS#8",
                reason: "an EC key must name its curve in the algorithm parameters",
            })?;
            let curve_oid: ObjectIdentifier = params.decode_as().map_err(malformed("PKCS#8"))?;
            let curve = Curve::from_oid(&curve_oid)?;
            Ok(Self::Ec(EcPrivateComponents::from_sec1_with(inner, Some(curve))?))
        } else if oid == OID_ED25519 {
            // CurvePrivateKey ::= OCTET STRING (RFC 8410)
            let seed = <&OctetStringRef>::from_der(inner).map_err(malformed("PKCS#8"))?;
            let comps = Ed25519PrivateComponents::from_seed(seed.as_bytes())?;
            if let Some(pk) = info.public_key
                && pk.as_bytes() != Some(&comps.public[..])
            {
                return Err(CryptoError::MalformedKey {
                    format: "PKCS#8",
                    reason: "the Ed25519 public key does not match the private key",
                });
            }
            Ok(Self::Ed25519(comps))
        } else {
            Err(CryptoError::Unsupported(
                "PKCS#8 keys other than RSA, EC (P-256/384/521) and Ed25519",
            ))
        }
    }

    /// Encodes an unencrypted PKCS#8 v1 `PrivateKeyInfo` (secret).
    pub fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>> {
        let bad = malformed("PKCS#8");
        let (algorithm, inner) = match self {
            Self::Rsa(c) => (
                AlgorithmIdentifier { oid: OID_RSA_ENCRYPTION, parameters: Some(AnyRef::NULL) },
                c.to_pkcs1()?,
            ),
            Self::Ec(c) => (
                AlgorithmIdentifier {
                    oid: OID_EC_PUBLIC_KEY,
                    parameters: Some(AnyRef::from(&CURVE_OIDS[curve_index(c.curve)])),
                },
                sec1_der(c.curve, &c.d, Some(&c.q), false)?,
            ),
            Self::Ed25519(c) => (
                AlgorithmIdentifier { oid: OID_ED25519, parameters: None },
                secret_der(&OctetStringRef::new(&c.seed[..]).map_err(&bad)?)?,
            ),
        };
        let info: PrivateKeyInfoRef<'_> =
            pkcs8::PrivateKeyInfo::new(algorithm, OctetStringRef::new(&inner).map_err(&bad)?);
        secret_der(&info)
    }
}

const CURVE_OIDS: [ObjectIdentifier; 3] =
    [crate::ecdsa::OID_P256, crate::ecdsa::OID_P384, crate::ecdsa::OID_P521];

fn curve_index(c: Curve) -> usize {
    match c {
        Curve::P256 => 0,
        Curve::P384 => 1,
        Curve::P521 => 2,
    }
}

impl PublicKeyComponents {
    /// Parses an X.509 `SubjectPublicKeyInfo` holding an RSA, EC or Ed25519 key.
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        let info =
            SubjectPublicKeyInfoRef::from_der(der).map_err(malformed("SubjectPublicKeyInfo"))?;
        let key = info.subject_public_key.as_bytes().ok_or(CryptoError::MalformedKey {
            format: "SubjectPublicKeyInfo",
            reason: "the key BIT STRING has unused bits",
        })?;
        let oid = info.algorithm.oid;
        if oid == OID_RSA_ENCRYPTION {
            Ok(Self::Rsa(RsaPublicComponents::from_pkcs1(key)?))
        } else if oid == OID_EC_PUBLIC_KEY {
            let params = info.algorithm.parameters.ok_or(CryptoError::MalformedKey {
                format: "SubjectPublicKeyInfo",
                reason: "an EC key must name its curve in the algorithm parameters",
            })?;
            let curve_oid: ObjectIdentifier =
                params.decode_as().map_err(malformed("SubjectPublicKeyInfo"))?;
            let curve = Curve::from_oid(&curve_oid)?;
            let k = EcPublicKey::from_point(curve, key)?;
            Ok(Self::Ec(k.components()))
        } else if oid == OID_ED25519 {
            let arr: [u8; 32] = key.try_into().map_err(|_| CryptoError::MalformedKey {
                format: "SubjectPublicKeyInfo",
                reason: "an Ed25519 public key is 32 bytes",
            })?;
            Ok(Self::Ed25519(arr))
        } else {
            Err(CryptoError::Unsupported(
                "public keys other than RSA, EC (P-256/384/521) and Ed25519",
            ))
        }
    }

    /// Encodes an X.509 `SubjectPublicKeyInfo`.
    pub fn to_spki(&self) -> Result<Vec<u8>> {
        let bad = malformed("SubjectPublicKeyInfo");
        let (algorithm, key): (AlgorithmIdentifier<AnyRef<'_>>, Vec<u8>) = match self {
            Self::Rsa(c) => (
                AlgorithmIdentifier { oid: OID_RSA_ENCRYPTION, parameters: Some(AnyRef::NULL) },
                c.to_pkcs1()?,
            ),
            Self::Ec(c) => (
                AlgorithmIdentifier {
                    oid: OID_EC_PUBLIC_KEY,
                    parameters: Some(AnyRef::from(&CURVE_OIDS[curve_index(c.curve)])),
                },
                c.q.clone(),
            ),
            Self::Ed25519(k) => {
                (AlgorithmIdentifier { oid: OID_ED25519, parameters: None }, k.to_vec())
            }
        };
        let info = SubjectPublicKeyInfoRef {
            algorithm,
            subject_public_key: BitStringRef::from_bytes(&key).map_err(&bad)?,
        };
        public_der(&info)
    }
}

// ------------------------------------------------ by KMIP key format type

fn private_only(format: KeyFormat) -> CryptoError {
    match format {
        KeyFormat::Spki => CryptoError::WrongKeyType("SubjectPublicKeyInfo holds public keys only"),
        KeyFormat::Transparent => CryptoError::InvalidParameter {
            name: "key format",
            reason: "a transparent key is its components: use the components directly",
        },
        _ => CryptoError::Unsupported("this key format for this key"),
    }
}

/// Encodes a private key in `format`: PKCS#8 (any key), PKCS#1 (RSA), SEC1
/// (EC), raw (Ed25519 seed or EC scalar) or JWK (JSON text). The bytes are
/// secret and wiped on drop.
pub fn encode_private(key: &PrivateKeyComponents, format: KeyFormat) -> Result<Zeroizing<Vec<u8>>> {
    match (format, key) {
        (KeyFormat::Pkcs8, k) => k.to_pkcs8(),
        (KeyFormat::Pkcs1, PrivateKeyComponents::Rsa(c)) => c.to_pkcs1(),
        (KeyFormat::Pkcs1, _) => Err(CryptoError::WrongKeyType("PKCS#1 holds RSA keys only")),
        (KeyFormat::Sec1, PrivateKeyComponents::Ec(c)) => c.to_sec1(),
        (KeyFormat::Sec1, _) => {
            Err(CryptoError::WrongKeyType("SEC1 ECPrivateKey holds EC keys only"))
        }
        (KeyFormat::Raw, PrivateKeyComponents::Ed25519(c)) => Ok(Zeroizing::new(c.seed.to_vec())),
        (KeyFormat::Raw, PrivateKeyComponents::Ec(c)) => {
            left_pad(&c.d, c.curve.field_len(), "EC private scalar")
        }
        (KeyFormat::Raw, PrivateKeyComponents::Rsa(_)) => Err(CryptoError::WrongKeyType(
            "RSA private keys have no raw form; use PKCS#1, PKCS#8, JWK or transparent components",
        )),
        (KeyFormat::Jwk, k) => {
            let json = jwk::Jwk::from_private(k)?.to_json()?;
            Ok(Zeroizing::new(json.as_bytes().to_vec()))
        }
        (f, _) => Err(private_only(f)),
    }
}

/// Decodes a private key from `format`: PKCS#8, PKCS#1 (RSA), SEC1 (EC) or
/// JWK (JSON text). Raw private keys do not name their algorithm: build them
/// with [`Ed25519PrivateComponents::from_seed`] or [`EcPrivateComponents::from_scalar`].
pub fn decode_private(format: KeyFormat, bytes: &[u8]) -> Result<PrivateKeyComponents> {
    match format {
        KeyFormat::Pkcs8 => PrivateKeyComponents::from_pkcs8(bytes),
        KeyFormat::Pkcs1 => RsaPrivateComponents::from_pkcs1(bytes).map(PrivateKeyComponents::Rsa),
        KeyFormat::Sec1 => EcPrivateComponents::from_sec1(bytes).map(PrivateKeyComponents::Ec),
        KeyFormat::Jwk => match jwk_from_bytes(bytes)?.to_key()? {
            jwk::JwkKey::Private(k) => Ok(k),
            _ => Err(CryptoError::WrongKeyType("this JWK does not hold a private key")),
        },
        KeyFormat::Raw => Err(CryptoError::InvalidParameter {
            name: "key format",
            reason: "a raw private key does not say its algorithm; decode it as an Ed25519 seed or an EC scalar",
        }),
        f => Err(private_only(f)),
    }
}

/// Encodes a public key in `format`: SPKI (any key), PKCS#1 (RSA), raw (EC
/// uncompressed point or Ed25519 key) or JWK (JSON text).
pub fn encode_public(key: &PublicKeyComponents, format: KeyFormat) -> Result<Vec<u8>> {
    match (format, key) {
        (KeyFormat::Spki, k) => k.to_spki(),
        (KeyFormat::Pkcs1, PublicKeyComponents::Rsa(c)) => c.to_pkcs1(),
        (KeyFormat::Pkcs1, _) => Err(CryptoError::WrongKeyType("PKCS#1 holds RSA keys only")),
        (KeyFormat::Raw, PublicKeyComponents::Ec(c)) => Ok(c.q.clone()),
        (KeyFormat::Raw, PublicKeyComponents::Ed25519(k)) => Ok(k.to_vec()),
        (KeyFormat::Raw, PublicKeyComponents::Rsa(_)) => Err(CryptoError::WrongKeyType(
            "RSA public keys have no raw form; use PKCS#1, SubjectPublicKeyInfo or JWK",
        )),
        (KeyFormat::Jwk, k) => Ok(jwk::Jwk::from_public(k)?.to_json()?.as_bytes().to_vec()),
        (KeyFormat::Pkcs8 | KeyFormat::Sec1, _) => {
            Err(CryptoError::WrongKeyType("PKCS#8 and SEC1 hold private keys only"))
        }
        (f, _) => Err(private_only(f)),
    }
}

/// Decodes a public key from `format`: SPKI, PKCS#1 (RSA) or JWK (JSON text).
pub fn decode_public(format: KeyFormat, bytes: &[u8]) -> Result<PublicKeyComponents> {
    match format {
        KeyFormat::Spki => PublicKeyComponents::from_spki(bytes),
        KeyFormat::Pkcs1 => RsaPublicComponents::from_pkcs1(bytes).map(PublicKeyComponents::Rsa),
        KeyFormat::Jwk => match jwk_from_bytes(bytes)?.to_key()? {
            jwk::JwkKey::Public(k) => Ok(k),
            jwk::JwkKey::Private(k) => Ok(k.public()),
            jwk::JwkKey::Symmetric(_) => {
                Err(CryptoError::WrongKeyType("this JWK holds a symmetric key"))
            }
        },
        KeyFormat::Raw => Err(CryptoError::InvalidParameter {
            name: "key format",
            reason: "a raw public key does not say its algorithm; decode it as an EC point or an Ed25519 key",
        }),
        KeyFormat::Pkcs8 | KeyFormat::Sec1 => {
            Err(CryptoError::WrongKeyType("PKCS#8 and SEC1 hold private keys only"))
        }
        f => Err(private_only(f)),
    }
}

fn jwk_from_bytes(bytes: &[u8]) -> Result<jwk::Jwk> {
    let text = core::str::from_utf8(bytes).map_err(|_| CryptoError::MalformedKey {
        format: "JWK",
        reason: "the JSON text is not UTF-8",
    })?;
    jwk::Jwk::from_json(text)
}
