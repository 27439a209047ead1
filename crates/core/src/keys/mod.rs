//! KMIP key objects ⇄ the crypto engine's keys.
//!
//! [`components`] reads a KMIP key block in any supported Key Format Type
//! (raw bytes, PKCS#1, PKCS#8, X.509 SPKI, SEC1 ECPrivateKey, transparent
//! structures) into the engine's key components; [`usable_key`] turns a
//! stored object into a key ready for cryptographic operations.
//! [`convert`] produces a key in another Key Format Type and reads what a key
//! is from its material; [`wrap`] wraps and unwraps keys with other managed
//! keys (Key Wrapping Specification).

pub mod convert;
pub mod wrap;

use keyward_crypto::ecdsa::{Curve, EcPrivateKey, EcPublicKey};
use keyward_crypto::eddsa::{Ed25519PrivateKey, Ed25519PublicKey};
use keyward_crypto::formats::{
    self, EcPrivateComponents, EcPublicComponents, KeyFormat, PrivateKeyComponents,
    PublicKeyComponents, RsaPrivateComponents, RsaPublicComponents,
};
use keyward_crypto::rsa::{RsaPrivateKey, RsaPublicKey};
use keyward_kmip::BigInt;
use keyward_kmip::enums::{CryptographicAlgorithm, KeyFormatType, ObjectType, RecommendedCurve};
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object};
use zeroize::Zeroizing;

use crate::Error;

/// The key material of a KMIP key, read into the engine's vocabulary.
#[derive(Debug)]
pub enum Components {
    /// Symmetric key bytes (Raw, Opaque or Transparent Symmetric Key).
    Symmetric(Zeroizing<Vec<u8>>),
    /// A private key.
    Private(PrivateKeyComponents),
    /// A public key.
    Public(PublicKeyComponents),
}

/// A key ready for cryptographic operations (parsed once; cache it).
#[derive(Debug)]
pub enum UsableKey {
    /// Symmetric key bytes and their algorithm.
    Symmetric {
        /// The key bytes.
        material: Zeroizing<Vec<u8>>,
        /// The Cryptographic Algorithm, if known.
        algorithm: Option<CryptographicAlgorithm>,
    },
    /// An RSA private key.
    RsaPrivate(RsaPrivateKey),
    /// An RSA public key.
    RsaPublic(RsaPublicKey),
    /// An EC private key.
    EcPrivate(EcPrivateKey),
    /// An EC public key.
    EcPublic(EcPublicKey),
    /// An Ed25519 private key.
    Ed25519Private(Ed25519PrivateKey),
    /// An Ed25519 public key.
    Ed25519Public(Ed25519PublicKey),
}

/// The engine's format for a KMIP byte-string Key Format Type.
pub fn byte_format(format: KeyFormatType) -> Option<KeyFormat> {
    Some(match format {
        KeyFormatType::Raw | KeyFormatType::Opaque => KeyFormat::Raw,
        KeyFormatType::PKCS1 => KeyFormat::Pkcs1,
        KeyFormatType::PKCS8 => KeyFormat::Pkcs8,
        KeyFormatType::X509 => KeyFormat::Spki,
        KeyFormatType::ECPrivateKey => KeyFormat::Sec1,
        _ => return None,
    })
}

/// The curve of a KMIP Recommended Curve.
pub fn curve(curve: RecommendedCurve) -> Result<Curve, Error> {
    Ok(match curve {
        RecommendedCurve::P256 => Curve::P256,
        RecommendedCurve::P384 => Curve::P384,
        RecommendedCurve::P521 => Curve::P521,
        other => {
            return Err(Error::FeatureNotSupported(format!(
                "curve {other:?}; P-256, P-384 and P-521 are supported"
            )));
        }
    })
}

/// The KMIP Recommended Curve of a curve.
pub fn recommended_curve(curve: Curve) -> RecommendedCurve {
    match curve {
        Curve::P256 => RecommendedCurve::P256,
        Curve::P384 => RecommendedCurve::P384,
        Curve::P521 => RecommendedCurve::P521,
    }
}

fn unsigned(value: &Option<BigInt>, what: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let value = value.as_ref().ok_or_else(|| Error::MissingData(what.to_owned()))?;
    value
        .to_unsigned()
        .map(|v| Zeroizing::new(v.to_vec()))
        .ok_or_else(|| Error::InvalidField(format!("{what} is negative")))
}

/// Reads a key object's material into components.
pub fn components(object: &Object) -> Result<Components, Error> {
    let block = object
        .key_block()
        .ok_or_else(|| Error::InvalidField(format!("a {:?} holds no key", object.object_type())))?;
    if block.key_wrapping_data.is_some() {
        return Err(Error::FeatureNotSupported("using a key stored wrapped".into()));
    }
    let material = block
        .key_material()
        .ok_or_else(|| Error::KeyValueNotPresent("the key block has no key material".into()))?;
    let kind = object.object_type();
    match (kind, material) {
        (
            ObjectType::SymmetricKey | ObjectType::SecretData | ObjectType::SplitKey,
            KeyMaterial::Bytes(b),
        ) => Ok(Components::Symmetric(Zeroizing::new(b.as_slice().to_vec()))),
        (ObjectType::SymmetricKey, KeyMaterial::TransparentSymmetric(t)) => {
            Ok(Components::Symmetric(Zeroizing::new(t.key.as_slice().to_vec())))
        }
        (ObjectType::PrivateKey, KeyMaterial::Bytes(b)) => {
            private_from_bytes(block, b.as_slice()).map(Components::Private)
        }
        (ObjectType::PublicKey, KeyMaterial::Bytes(b)) => {
            public_from_bytes(block, b.as_slice()).map(Components::Public)
        }
        (ObjectType::PrivateKey, KeyMaterial::TransparentRsaPrivate(t)) => {
            let c = RsaPrivateComponents {
                n: unsigned(&Some(t.modulus.clone()), "Modulus")?.to_vec(),
                e: unsigned(&t.public_exponent, "Public Exponent")?.to_vec(),
                d: unsigned(&t.private_exponent, "Private Exponent")?,
                p: unsigned(&t.p, "P")?,
                q: unsigned(&t.q, "Q")?,
                dp: unsigned(&t.prime_exponent_p, "Prime Exponent P")?,
                dq: unsigned(&t.prime_exponent_q, "Prime Exponent Q")?,
                qinv: unsigned(&t.crt_coefficient, "CRT Coefficient")?,
            };
            Ok(Components::Private(PrivateKeyComponents::Rsa(c)))
        }
        (ObjectType::PublicKey, KeyMaterial::TransparentRsaPublic(t)) => {
            let c = RsaPublicComponents {
                n: unsigned(&Some(t.modulus.clone()), "Modulus")?.to_vec(),
                e: unsigned(&Some(t.public_exponent.clone()), "Public Exponent")?.to_vec(),
            };
            Ok(Components::Public(PublicKeyComponents::Rsa(c)))
        }
        (ObjectType::PrivateKey, KeyMaterial::TransparentEcPrivate(t)) => {
            let d = unsigned(&Some(t.d.clone()), "D")?;
            let c = EcPrivateComponents::from_scalar(curve(t.recommended_curve)?, &d)?;
            Ok(Components::Private(PrivateKeyComponents::Ec(c)))
        }
        (ObjectType::PublicKey, KeyMaterial::TransparentEcPublic(t)) => {
            let curve = curve(t.recommended_curve)?;
            EcPublicKey::from_point(curve, t.q_string.as_slice())?;
            let c = EcPublicComponents { curve, q: t.q_string.as_slice().to_vec() };
            Ok(Components::Public(PublicKeyComponents::Ec(c)))
        }
        (kind, _) => Err(Error::KeyFormatNotSupported(format!(
            "{:?} material in a {kind:?}",
            block.key_format_type
        ))),
    }
}

fn private_from_bytes(block: &KeyBlock, bytes: &[u8]) -> Result<PrivateKeyComponents, Error> {
    let format = byte_format(block.key_format_type).ok_or_else(|| {
        Error::KeyFormatNotSupported(format!("{:?} private keys", block.key_format_type))
    })?;
    if format == KeyFormat::Raw {
        // A raw private key is an Ed25519 seed.
        return Ok(PrivateKeyComponents::Ed25519(formats::Ed25519PrivateComponents::from_seed(
            bytes,
        )?));
    }
    Ok(formats::decode_private(format, bytes)?)
}

fn public_from_bytes(block: &KeyBlock, bytes: &[u8]) -> Result<PublicKeyComponents, Error> {
    let format = byte_format(block.key_format_type).ok_or_else(|| {
        Error::KeyFormatNotSupported(format!("{:?} public keys", block.key_format_type))
    })?;
    if format == KeyFormat::Raw {
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            Error::KeyFormatNotSupported("raw public keys other than 32-byte Ed25519 keys".into())
        })?;
        return Ok(PublicKeyComponents::Ed25519(key));
    }
    Ok(formats::decode_public(format, bytes)?)
}

/// A stored object as a key ready for use.
pub fn usable_key(object: &Object) -> Result<UsableKey, Error> {
    let algorithm = object.key_block().and_then(|b| b.cryptographic_algorithm);
    Ok(match components(object)? {
        Components::Symmetric(material) => UsableKey::Symmetric { material, algorithm },
        Components::Private(PrivateKeyComponents::Rsa(c)) => {
            UsableKey::RsaPrivate(RsaPrivateKey::from_components(&c)?)
        }
        Components::Private(PrivateKeyComponents::Ec(c)) => {
            UsableKey::EcPrivate(EcPrivateKey::from_components(&c)?)
        }
        Components::Private(PrivateKeyComponents::Ed25519(c)) => {
            UsableKey::Ed25519Private(Ed25519PrivateKey::from_components(&c)?)
        }
        Components::Public(PublicKeyComponents::Rsa(c)) => {
            UsableKey::RsaPublic(RsaPublicKey::from_components(&c)?)
        }
        Components::Public(PublicKeyComponents::Ec(c)) => {
            UsableKey::EcPublic(EcPublicKey::from_point(c.curve, &c.q)?)
        }
        Components::Public(PublicKeyComponents::Ed25519(k)) => {
            UsableKey::Ed25519Public(Ed25519PublicKey::from_bytes(&k)?)
        }
    })
}
