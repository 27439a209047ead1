//! A key object in another Key Format Type (KMIP 1.4 §4.11, Get), and what
//! a key is (algorithm, length, curve) read from its material.
//!
//! | object | formats produced |
//! |---|---|
//! | Symmetric Key | Raw, Transparent Symmetric Key |
//! | RSA Private Key | PKCS#1, PKCS#8, Transparent RSA Private Key |
//! | RSA Public Key | PKCS#1, X.509 (SubjectPublicKeyInfo), Transparent RSA Public Key |
//! | EC Private Key | ECPrivateKey (SEC1), PKCS#8, Transparent EC / ECDSA / ECDH / ECMQV Private Key |
//! | EC Public Key | X.509, Transparent EC / ECDSA / ECDH / ECMQV Public Key |
//! | Ed25519 Private Key | PKCS#8, Raw (the 32-byte seed) |
//! | Ed25519 Public Key | X.509, Raw (the 32-byte key) |
//! | Secret Data, Split Key, PGP Key | the stored format only |
//!
//! Any other request is [`Error::KeyFormatNotSupported`], naming what was
//! asked and what is available. Converted private material lives in
//! zeroizing buffers from the engine to the returned object.

use keyward_crypto::ecdsa::Curve;
use keyward_crypto::formats::{self, KeyFormat, PrivateKeyComponents, PublicKeyComponents};
use keyward_crypto::keygen::SymmetricAlgorithm;
use keyward_crypto::policy::KeySpec;
use keyward_kmip::enums::{CryptographicAlgorithm, KeyFormatType, ObjectType, RecommendedCurve};
use keyward_kmip::objects::{
    KeyBlock, KeyMaterial, KeyValue, Object, TransparentEcPrivateKey, TransparentEcPublicKey,
    TransparentRsaPrivateKey, TransparentRsaPublicKey, TransparentSymmetricKey,
};
use keyward_kmip::{BigInt, Bytes};

use super::{Components, components, recommended_curve};
use crate::Error;
use crate::algorithms;

/// The Cryptographic Algorithm Keyward gives Ed25519 keys.
///
/// KMIP 1.x has no value for Ed25519 (KMIP 2.0 added `Ed25519 = 0x38`), so
/// Keyward uses the vendor extension `0x80000038`, mirroring the 2.0 value.
/// Create Key Pair accepts it; Register of an Ed25519 key (PKCS#8, X.509 or
/// Raw) gets it when no algorithm is given.
pub const ED25519: CryptographicAlgorithm = CryptographicAlgorithm::Extension(0x8000_0038);

/// What a key is, read from its material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    /// The Cryptographic Algorithm (none for Secret Data and opaque material).
    pub algorithm: Option<CryptographicAlgorithm>,
    /// The Cryptographic Length in bits.
    pub length: Option<i32>,
    /// The curve of an EC key.
    pub curve: Option<RecommendedCurve>,
    /// The key as the algorithm policy sees it, when it is one the engine knows.
    pub spec: Option<KeySpec>,
}

/// True for the KMIP names of EC keys.
pub fn is_ec_algorithm(algorithm: CryptographicAlgorithm) -> bool {
    matches!(
        algorithm,
        CryptographicAlgorithm::EC
            | CryptographicAlgorithm::ECDSA
            | CryptographicAlgorithm::ECDH
            | CryptographicAlgorithm::ECMQV
    )
}

/// Reads what a plaintext key object is. `declared` is the algorithm the
/// client gave (in the key block or the attributes): a symmetric key's bytes
/// do not say their algorithm, and an EC key may be declared EC, ECDSA, ECDH
/// or ECMQV. Fails with Invalid Field if the material does not parse or
/// contradicts `declared`.
pub fn facts(object: &Object, declared: Option<CryptographicAlgorithm>) -> Result<KeyFacts, Error> {
    let parsed = components(object).map_err(|e| match e {
        Error::Crypto(reason) | Error::InvalidField(reason) | Error::MissingData(reason) => {
            Error::InvalidField(format!("the key material does not parse: {reason}"))
        }
        other => other,
    })?;
    let bits = |n: usize| i32::try_from(n).ok();
    let mismatch = |what: &str| {
        Error::InvalidField(format!(
            "the Cryptographic Algorithm {declared:?} does not match the key material ({what})"
        ))
    };
    Ok(match parsed {
        Components::Symmetric(bytes) => {
            let length = bits(bytes.len() * 8);
            let spec = match (object.object_type(), declared) {
                (ObjectType::SymmetricKey, Some(algorithm)) => {
                    let engine = algorithms::symmetric(algorithm)?;
                    check_symmetric_length(engine, bytes.len() * 8)?;
                    Some(KeySpec::Symmetric { algorithm: engine, bits: bytes.len() * 8 })
                }
                _ => None,
            };
            KeyFacts { algorithm: declared, length, curve: None, spec }
        }
        Components::Private(PrivateKeyComponents::Rsa(c)) => {
            rsa_facts(declared, c.bits()).map_err(|_| mismatch("RSA"))?
        }
        Components::Public(PublicKeyComponents::Rsa(c)) => {
            rsa_facts(declared, c.bits()).map_err(|_| mismatch("RSA"))?
        }
        Components::Private(PrivateKeyComponents::Ec(c)) => {
            ec_facts(declared, c.curve).map_err(|_| mismatch("EC"))?
        }
        Components::Public(PublicKeyComponents::Ec(c)) => {
            ec_facts(declared, c.curve).map_err(|_| mismatch("EC"))?
        }
        Components::Private(PrivateKeyComponents::Ed25519(_))
        | Components::Public(PublicKeyComponents::Ed25519(_)) => {
            if declared.is_some_and(|a| a != ED25519) {
                return Err(mismatch("Ed25519"));
            }
            KeyFacts {
                algorithm: Some(ED25519),
                length: Some(256),
                curve: None,
                spec: Some(KeySpec::Ed25519),
            }
        }
    })
}

fn check_symmetric_length(algorithm: SymmetricAlgorithm, bits: usize) -> Result<(), Error> {
    match algorithm.material_len(bits) {
        Ok(len) if len * 8 == bits => Ok(()),
        Ok(_) => Err(Error::InvalidField(format!(
            "{bits}-bit key material is not a valid {} key",
            algorithm.name()
        ))),
        Err(e) => Err(Error::InvalidField(format!("the key material: {e}"))),
    }
}

fn rsa_facts(declared: Option<CryptographicAlgorithm>, bits: usize) -> Result<KeyFacts, ()> {
    if declared.is_some_and(|a| a != CryptographicAlgorithm::RSA) {
        return Err(());
    }
    Ok(KeyFacts {
        algorithm: Some(CryptographicAlgorithm::RSA),
        length: i32::try_from(bits).ok(),
        curve: None,
        spec: Some(KeySpec::Rsa { bits }),
    })
}

fn ec_facts(declared: Option<CryptographicAlgorithm>, curve: Curve) -> Result<KeyFacts, ()> {
    let algorithm = match declared {
        Some(a) if is_ec_algorithm(a) => a,
        Some(_) => return Err(()),
        None => CryptographicAlgorithm::EC,
    };
    Ok(KeyFacts {
        algorithm: Some(algorithm),
        length: i32::try_from(curve.bits()).ok(),
        curve: Some(recommended_curve(curve)),
        spec: Some(KeySpec::Ec(curve)),
    })
}

/// The object with its key material in `format`. A key already in `format`
/// is returned as it is; the key value never carries Attributes (some
/// clients, Veeam among them, fail on any). The key block must be plaintext.
pub fn to_format(object: &Object, format: KeyFormatType) -> Result<Object, Error> {
    let block = object.key_block().ok_or_else(|| {
        Error::KeyFormatNotSupported(format!(
            "{format:?}: a {:?} holds no key",
            object.object_type()
        ))
    })?;
    if block.key_format_type == format || is_same_transparent_ec(block.key_format_type, format) {
        let mut same = object.clone();
        if let Some(b) = same.key_block_mut() {
            b.key_format_type = format;
            strip_key_value_attributes(b);
        }
        return Ok(same);
    }
    let kind = object.object_type();
    let not_supported = |available: &str| {
        Error::KeyFormatNotSupported(format!(
            "{format:?} for this {kind:?} (stored as {:?}); available: {available}",
            block.key_format_type
        ))
    };
    let material =
        match (kind, components(object)?) {
            (ObjectType::SymmetricKey, Components::Symmetric(bytes)) => match format {
                KeyFormatType::Raw => KeyMaterial::Bytes(Bytes(bytes)),
                KeyFormatType::TransparentSymmetricKey => {
                    KeyMaterial::TransparentSymmetric(TransparentSymmetricKey { key: Bytes(bytes) })
                }
                _ => return Err(not_supported("Raw, Transparent Symmetric Key")),
            },
            (_, Components::Symmetric(_)) => return Err(not_supported("the stored format only")),
            (_, Components::Private(key)) => private_material(&key, format)
                .ok_or_else(|| not_supported(private_formats(&key)))??,
            (_, Components::Public(key)) => public_material(&key, format)
                .ok_or_else(|| not_supported(public_formats(&key)))??,
        };
    let new_block =
        KeyBlock::new(format, material, block.cryptographic_algorithm, block.cryptographic_length);
    Ok(with_key_block(object, new_block))
}

/// The transparent EC structures (EC, ECDSA, ECDH, ECMQV) share one shape.
fn is_same_transparent_ec(a: KeyFormatType, b: KeyFormatType) -> bool {
    use KeyFormatType as F;
    let private = |f| {
        matches!(
            f,
            F::TransparentECPrivateKey
                | F::TransparentECDSAPrivateKey
                | F::TransparentECDHPrivateKey
                | F::TransparentECMQVPrivateKey
        )
    };
    let public = |f| {
        matches!(
            f,
            F::TransparentECPublicKey
                | F::TransparentECDSAPublicKey
                | F::TransparentECDHPublicKey
                | F::TransparentECMQVPublicKey
        )
    };
    a != b && ((private(a) && private(b)) || (public(a) && public(b)))
}

/// Removes any Attributes from a plaintext Key Value (KMIP 1.x allows them;
/// Veeam's decoder fails on them).
pub fn strip_key_value_attributes(block: &mut KeyBlock) {
    if let Some(KeyValue::Plain { attributes, .. }) = &mut block.key_value {
        attributes.clear();
    }
}

/// A copy of `object` holding `block` as its key block.
pub fn with_key_block(object: &Object, block: KeyBlock) -> Object {
    let mut copy = match object {
        // Avoid cloning the old material only to drop it: rebuild the shell.
        Object::SymmetricKey(_) => {
            Object::SymmetricKey(keyward_kmip::objects::SymmetricKey { key_block: block })
        }
        Object::PrivateKey(_) => {
            Object::PrivateKey(keyward_kmip::objects::PrivateKey { key_block: block })
        }
        Object::PublicKey(_) => {
            Object::PublicKey(keyward_kmip::objects::PublicKey { key_block: block })
        }
        other => {
            let mut copy = other.clone();
            if let Some(b) = copy.key_block_mut() {
                *b = block;
            }
            copy
        }
    };
    if let Some(b) = copy.key_block_mut() {
        strip_key_value_attributes(b);
    }
    copy
}

fn private_formats(key: &PrivateKeyComponents) -> &'static str {
    match key {
        PrivateKeyComponents::Rsa(_) => "PKCS#1, PKCS#8, Transparent RSA Private Key",
        PrivateKeyComponents::Ec(_) => {
            "ECPrivateKey, PKCS#8, Transparent EC/ECDSA/ECDH/ECMQV Private Key"
        }
        PrivateKeyComponents::Ed25519(_) => "PKCS#8, Raw",
    }
}

fn public_formats(key: &PublicKeyComponents) -> &'static str {
    match key {
        PublicKeyComponents::Rsa(_) => "PKCS#1, X.509, Transparent RSA Public Key",
        PublicKeyComponents::Ec(_) => "X.509, Transparent EC/ECDSA/ECDH/ECMQV Public Key",
        PublicKeyComponents::Ed25519(_) => "X.509, Raw",
    }
}

/// Private material in `format`; `None` if the format does not fit the key.
fn private_material(
    key: &PrivateKeyComponents,
    format: KeyFormatType,
) -> Option<Result<KeyMaterial, Error>> {
    use KeyFormatType as F;
    use PrivateKeyComponents as K;
    let encode = |f: KeyFormat| {
        Some(
            formats::encode_private(key, f).map(Bytes).map(KeyMaterial::Bytes).map_err(Error::from),
        )
    };
    match (format, key) {
        (F::PKCS8, _) => encode(KeyFormat::Pkcs8),
        (F::PKCS1, K::Rsa(_)) => encode(KeyFormat::Pkcs1),
        (F::ECPrivateKey, K::Ec(_)) => encode(KeyFormat::Sec1),
        (F::Raw, K::Ed25519(_)) => encode(KeyFormat::Raw),
        (F::TransparentRSAPrivateKey, K::Rsa(c)) => {
            Some(Ok(KeyMaterial::TransparentRsaPrivate(Box::new(TransparentRsaPrivateKey {
                modulus: BigInt::from_unsigned(&c.n),
                private_exponent: Some(BigInt::from_unsigned(&c.d)),
                public_exponent: Some(BigInt::from_unsigned(&c.e)),
                p: Some(BigInt::from_unsigned(&c.p)),
                q: Some(BigInt::from_unsigned(&c.q)),
                prime_exponent_p: Some(BigInt::from_unsigned(&c.dp)),
                prime_exponent_q: Some(BigInt::from_unsigned(&c.dq)),
                crt_coefficient: Some(BigInt::from_unsigned(&c.qinv)),
            }))))
        }
        (
            F::TransparentECPrivateKey
            | F::TransparentECDSAPrivateKey
            | F::TransparentECDHPrivateKey
            | F::TransparentECMQVPrivateKey,
            K::Ec(c),
        ) => Some(Ok(KeyMaterial::TransparentEcPrivate(Box::new(TransparentEcPrivateKey {
            recommended_curve: recommended_curve(c.curve),
            d: BigInt::from_unsigned(&c.d),
        })))),
        _ => None,
    }
}

/// Public material in `format`; `None` if the format does not fit the key.
fn public_material(
    key: &PublicKeyComponents,
    format: KeyFormatType,
) -> Option<Result<KeyMaterial, Error>> {
    use KeyFormatType as F;
    use PublicKeyComponents as K;
    let encode = |f: KeyFormat| {
        Some(
            formats::encode_public(key, f)
                .map(|b| KeyMaterial::Bytes(Bytes::new(b)))
                .map_err(Error::from),
        )
    };
    match (format, key) {
        (F::X509, _) => encode(KeyFormat::Spki),
        (F::PKCS1, K::Rsa(_)) => encode(KeyFormat::Pkcs1),
        (F::Raw, K::Ed25519(_)) => encode(KeyFormat::Raw),
        (F::TransparentRSAPublicKey, K::Rsa(c)) => {
            Some(Ok(KeyMaterial::TransparentRsaPublic(Box::new(TransparentRsaPublicKey {
                modulus: BigInt::from_unsigned(&c.n),
                public_exponent: BigInt::from_unsigned(&c.e),
            }))))
        }
        (
            F::TransparentECPublicKey
            | F::TransparentECDSAPublicKey
            | F::TransparentECDHPublicKey
            | F::TransparentECMQVPublicKey,
            K::Ec(c),
        ) => Some(Ok(KeyMaterial::TransparentEcPublic(Box::new(TransparentEcPublicKey {
            recommended_curve: recommended_curve(c.curve),
            q_string: Bytes::new(c.q.clone()),
        })))),
        _ => None,
    }
}

/// A private key's material in the format Keyward stores generated keys in:
/// PKCS#1 for RSA (what KMIP's asymmetric profile and Veeam/vSphere expect),
/// PKCS#8 for EC and Ed25519 (self-describing: it names the curve).
pub fn stored_private(key: &PrivateKeyComponents) -> Result<(KeyFormatType, KeyMaterial), Error> {
    let (kmip, engine_format) = match key {
        PrivateKeyComponents::Rsa(_) => (KeyFormatType::PKCS1, KeyFormat::Pkcs1),
        _ => (KeyFormatType::PKCS8, KeyFormat::Pkcs8),
    };
    Ok((kmip, KeyMaterial::Bytes(Bytes(formats::encode_private(key, engine_format)?))))
}

/// A public key's material in the format Keyward stores generated keys in:
/// PKCS#1 for RSA, X.509 SubjectPublicKeyInfo for EC and Ed25519.
pub fn stored_public(key: &PublicKeyComponents) -> Result<(KeyFormatType, KeyMaterial), Error> {
    let (kmip, engine_format) = match key {
        PublicKeyComponents::Rsa(_) => (KeyFormatType::PKCS1, KeyFormat::Pkcs1),
        _ => (KeyFormatType::X509, KeyFormat::Spki),
    };
    Ok((kmip, KeyMaterial::Bytes(Bytes::new(formats::encode_public(key, engine_format)?))))
}
