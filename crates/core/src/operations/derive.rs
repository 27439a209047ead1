//! Derive Key (KMIP 1.4 §4.6): a new Symmetric Key or Secret Data derived
//! from one Symmetric Key or Secret Data base object.
//!
//! | Derivation Method | what | parameters |
//! |---|---|---|
//! | PBKDF2 | RFC 8018 PBKDF2-HMAC, the base object's bytes as the password | Salt, Iteration Count (both required); PRF hash from Cryptographic Parameters (default SHA-256) |
//! | HMAC | HMAC(base, Derivation Data), truncated to the asked length (at most the hash length) | Derivation Data; hash (default SHA-256) |
//! | NIST800-108-C | SP 800-108 counter-mode KDF with an HMAC PRF; Derivation Data is the fixed input | Derivation Data; hash (default SHA-256) |
//! | extension 0x80000001 ("HKDF") | RFC 5869 HKDF; KMIP 1.4 has no HKDF method, so Keyward names one | Salt (optional), Derivation Data as *info* (optional); hash (default SHA-256) |
//!
//! The length comes from the template's Cryptographic Length (bits, a
//! multiple of 8); a Symmetric Key also needs a Cryptographic Algorithm.
//! The base object must allow Derive Key (usage mask, state, dates, usage
//! limits, see [`crate::usage`]); the new object and the base are linked
//! (Derivation Base Object / Derived Key links). Other methods (HASH,
//! ENCRYPT, NIST800-108 feedback and double pipeline, asymmetric) and
//! several base objects are refused as not supported.

use keyward_crypto::kdf::{self, HkdfHash, KbkdfHash, KdfAlgorithm, Pbkdf2Hash};
use keyward_crypto::mac::{MacAlgorithm, MacKey};
use keyward_crypto::policy::{KeySpec, Usage};
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{Attribute, AttributeValue, Link};
use keyward_kmip::enums::{DerivationMethod, KeyFormatType, LinkType, ObjectType, SecretDataType};
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object, SecretData, SymmetricKey};
use keyward_kmip::operations::{DeriveKeyRequest, DeriveKeyResponse};
use keyward_store::MaterialChange;
use zeroize::Zeroizing;

use super::crypto::engine_error;
use super::template::{attach_material, new_object};
use crate::Error;
use crate::algorithms;
use crate::keys::UsableKey;
use crate::kms::Ctx;
use crate::usage::{self, KeyUse};

/// The extension Derivation Method value Keyward gives HKDF.
pub const HKDF: DerivationMethod = DerivationMethod::Extension(0x8000_0001);

pub(crate) async fn derive_key(
    ctx: &mut Ctx<'_>,
    request: DeriveKeyRequest,
) -> Result<DeriveKeyResponse, Error> {
    let object_type = request.object_type;
    if !matches!(object_type, ObjectType::SymmetricKey | ObjectType::SecretData) {
        return Err(Error::InvalidField(format!(
            "Derive Key makes Symmetric Keys and Secret Data, not {object_type:?}"
        )));
    }
    let base_id = match &request.unique_identifiers[..] {
        [id] => id.clone(),
        [] => return Err(Error::MissingData("the Unique Identifier of the base object".into())),
        _ => {
            return Err(Error::FeatureNotSupported("deriving from several base objects".into()));
        }
    };
    let mut object = new_object(ctx, object_type, [request.template_attribute])?;
    let bits = match object.attributes.get("Cryptographic Length") {
        Some(AttributeValue::CryptographicLength(bits)) => *bits,
        _ => return Err(Error::MissingData("Cryptographic Length of the derived key".into())),
    };
    let len =
        usize::try_from(bits).ok().filter(|b| *b > 0 && b % 8 == 0).map(|b| b / 8).ok_or_else(
            || {
                Error::InvalidField(format!(
                    "Cryptographic Length {bits} is not a positive multiple of 8"
                ))
            },
        )?;
    let algorithm = match object.attributes.get("Cryptographic Algorithm") {
        Some(AttributeValue::CryptographicAlgorithm(a)) => Some(*a),
        _ => None,
    };
    if object_type == ObjectType::SymmetricKey {
        let a = algorithm.ok_or_else(|| {
            Error::MissingData("Cryptographic Algorithm of the derived key".into())
        })?;
        let spec = KeySpec::Symmetric { algorithm: algorithms::symmetric(a)?, bits: len * 8 };
        ctx.kms.config().algorithms.check_generate(&spec)?;
    }

    let parameters = request.derivation_parameters;
    let crypto = parameters.cryptographic_parameters.unwrap_or_default();
    let hash = algorithms::hash_or(&crypto, algorithms::DEFAULT_HASH)?;
    ctx.authorize_object(&base_id).await?;
    let used = usage::prepare(ctx, &base_id, KeyUse::DeriveKey, len).await?;
    let UsableKey::Symmetric { material: base, .. } = &used.key.key else {
        return Err(Error::InvalidField(
            "Derive Key derives from a Symmetric Key or Secret Data".into(),
        ));
    };
    let data = parameters.derivation_data.as_ref().map(Bytes::as_slice);
    let unsupported = |e: keyward_crypto::CryptoError| Error::FeatureNotSupported(e.to_string());
    let policy = &ctx.kms.config().algorithms;
    let derived: Zeroizing<Vec<u8>> = match request.derivation_method {
        DerivationMethod::PBKDF2 => {
            let salt = parameters.salt.as_ref().ok_or_else(|| Error::MissingData("Salt".into()))?;
            let iterations = parameters
                .iteration_count
                .ok_or_else(|| Error::MissingData("Iteration Count".into()))?;
            let iterations = u32::try_from(iterations).map_err(|_| {
                Error::InvalidField(format!("Iteration Count {iterations} is negative"))
            })?;
            let usage =
                Usage::Kdf { algorithm: KdfAlgorithm::Pbkdf2, hash, iterations: Some(iterations) };
            policy.check_use(None, &usage)?;
            let prf = Pbkdf2Hash::try_from(hash).map_err(unsupported)?;
            kdf::pbkdf2(prf, base, salt.as_slice(), iterations, len).map_err(engine_error)?
        }
        DerivationMethod::HMAC => {
            let data = data.ok_or_else(|| Error::MissingData("Derivation Data".into()))?;
            let mac = MacAlgorithm::hmac(hash).map_err(unsupported)?;
            policy.check_use(None, &Usage::Mac(mac))?;
            if len > mac.tag_len() {
                return Err(Error::InvalidField(format!(
                    "HMAC derivation gives at most {} bytes; {len} were asked",
                    mac.tag_len()
                )));
            }
            let mut out =
                MacKey::new(mac, base).and_then(|k| k.sign(data)).map_err(engine_error)?;
            out.truncate(len);
            Zeroizing::new(out)
        }
        DerivationMethod::NIST800_108C => {
            let data = data.ok_or_else(|| Error::MissingData("Derivation Data".into()))?;
            let usage =
                Usage::Kdf { algorithm: KdfAlgorithm::Sp800_108Counter, hash, iterations: None };
            policy.check_use(None, &usage)?;
            let prf = KbkdfHash::try_from(hash).map_err(unsupported)?;
            kdf::sp800_108_counter_hmac(prf, base, data, len).map_err(engine_error)?
        }
        m if m == HKDF => {
            let usage = Usage::Kdf { algorithm: KdfAlgorithm::Hkdf, hash, iterations: None };
            policy.check_use(None, &usage)?;
            let prf = HkdfHash::try_from(hash).map_err(unsupported)?;
            let salt = parameters.salt.as_ref().map(Bytes::as_slice);
            kdf::hkdf(prf, base, salt, data.unwrap_or_default(), len).map_err(engine_error)?
        }
        other => {
            return Err(Error::FeatureNotSupported(format!(
                "derivation method {other:?}; PBKDF2, HMAC, NIST800-108-C and HKDF (0x80000001) \
                 are supported"
            )));
        }
    };

    let material = KeyMaterial::Bytes(Bytes(derived));
    let derived_object = match object_type {
        ObjectType::SymmetricKey => Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(KeyFormatType::Raw, material, algorithm, Some(bits)),
        }),
        _ => Object::SecretData(SecretData {
            secret_data_type: SecretDataType::Seed,
            key_block: KeyBlock::new(KeyFormatType::Opaque, material, algorithm, Some(bits)),
        }),
    };
    attach_material(&mut object, derived_object, true);
    object.attributes.push(Attribute::new(AttributeValue::Link(Link {
        link_type: LinkType::DerivationBaseObjectLink,
        linked_object_identifier: base_id,
    })));
    let mut base_object = used.object;
    base_object.attributes.push(Attribute::new(AttributeValue::Link(Link {
        link_type: LinkType::DerivedKeyLink,
        linked_object_identifier: object.id.clone(),
    })));
    ctx.update(&base_object, MaterialChange::Keep);
    ctx.insert(&object);
    Ok(DeriveKeyResponse { unique_identifier: object.id, template_attribute: None })
}
