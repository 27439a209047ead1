//! Create Split Key and Join Split Key (KMIP 1.4 §4.39 and §4.40).
//!
//! Methods: XOR (every part needed; the threshold must equal the number of
//! parts) and Polynomial Sharing GF(2^8) (Shamir; any `threshold` parts).
//! Each part is a Split Key object holding Split Key Parts, Key Part
//! Identifier (1..n), Split Key Threshold and Split Key Method, with the
//! split key's Cryptographic Algorithm and Length in its key block and
//! attributes, and a Parent link to the split key when one was named (which
//! gets a Child link to each part).
//!
//! Create Split Key splits the named Symmetric Key or Secret Data, or, with
//! no Unique Identifier, a new symmetric key generated from the template
//! (which is never stored whole). A key that is Sensitive or not Extractable
//! is not split: its parts would let it be rebuilt in the clear.
//!
//! Join Split Key needs at least the threshold of distinct parts of one split
//! (same method, parts and threshold) and makes a Symmetric Key (algorithm
//! and length from the parts) or Secret Data (Secret Data Type from the
//! request).

use keyward_crypto::keygen;
use keyward_crypto::policy::{KeySpec, Usage};
use keyward_crypto::split::{self, Share, SplitMethod};
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{Attribute, AttributeValue, Link};
use keyward_kmip::enums::{CryptographicAlgorithm, KeyFormatType, LinkType, ObjectType};
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object, SecretData, SplitKey, SymmetricKey};
use keyward_kmip::operations::{
    CreateSplitKeyRequest, CreateSplitKeyResponse, JoinSplitKeyRequest, JoinSplitKeyResponse,
};
use keyward_store::MaterialChange;
use zeroize::Zeroizing;

use super::crypto::engine_error;
use super::template::{attach_material, new_object};
use crate::Error;
use crate::algorithms;
use crate::keys::UsableKey;
use crate::kms::Ctx;
use crate::object::ManagedObject;
use crate::usage;

fn count(value: i32, what: &str) -> Result<usize, Error> {
    usize::try_from(value)
        .ok()
        .filter(|v| (1..=255).contains(v))
        .ok_or_else(|| Error::InvalidField(format!("{what} {value} is not between 1 and 255")))
}

fn set_key_attributes(
    object: &mut ManagedObject,
    algorithm: Option<CryptographicAlgorithm>,
    bits: i32,
) {
    if let Some(a) = algorithm
        && object.attributes.get("Cryptographic Algorithm").is_none()
    {
        object.attributes.push(Attribute::new(AttributeValue::CryptographicAlgorithm(a)));
    }
    if object.attributes.get("Cryptographic Length").is_none() {
        object.attributes.push(Attribute::new(AttributeValue::CryptographicLength(bits)));
    }
}

pub(crate) async fn create_split_key(
    ctx: &mut Ctx<'_>,
    request: CreateSplitKeyRequest,
) -> Result<CreateSplitKeyResponse, Error> {
    let method = algorithms::split_method(request.split_key_method)?;
    ctx.kms.config().algorithms.check_use(None, &Usage::Split(method))?;
    let parts = count(request.split_key_parts, "Split Key Parts")?;
    let threshold = count(request.split_key_threshold, "Split Key Threshold")?;
    if method == SplitMethod::Xor && threshold != parts {
        return Err(Error::InvalidField(
            "XOR splitting needs every part: Split Key Threshold must equal Split Key Parts".into(),
        ));
    }
    if request.prime_field_size.is_some() {
        return Err(Error::InvalidField(
            "Prime Field Size applies to prime-field sharing only".into(),
        ));
    }
    let template = request.template_attribute;
    let (secret, algorithm, parent): (Zeroizing<Vec<u8>>, _, _) = match request.unique_identifier {
        Some(id) => {
            let object = ctx.load(&id, false).await?;
            if object.object_type != request.object_type {
                return Err(Error::InvalidField(format!(
                    "{id} is a {:?}, not a {:?}",
                    object.object_type, request.object_type
                )));
            }
            if !matches!(object.object_type, ObjectType::SymmetricKey | ObjectType::SecretData) {
                return Err(Error::FeatureNotSupported(format!(
                    "splitting a {:?}; Symmetric Keys and Secret Data can be split",
                    object.object_type
                )));
            }
            if object.state_at(ctx.now).is_destroyed() {
                return Err(Error::KeyValueNotPresent(id));
            }
            let sensitive =
                matches!(object.attributes.get("Sensitive"), Some(AttributeValue::Sensitive(true)));
            let extractable = !matches!(
                object.attributes.get("Extractable"),
                Some(AttributeValue::Extractable(false))
            );
            if sensitive || !extractable {
                return Err(Error::NotExtractable(id));
            }
            let key = usage::parsed_key(ctx, &object).await?;
            let UsableKey::Symmetric { material, algorithm } = &key.key else {
                return Err(Error::InvalidField(format!("{id} holds no symmetric key bytes")));
            };
            (material.clone(), *algorithm, Some(object))
        }
        None => {
            if request.object_type != ObjectType::SymmetricKey {
                return Err(Error::InvalidField(
                    "without a Unique Identifier, Create Split Key makes a new Symmetric Key"
                        .into(),
                ));
            }
            let find = |name: &str| {
                template
                    .attributes
                    .iter()
                    .find(|a| crate::attributes::canonical_name(&a.name) == name)
            };
            let algorithm = match find("Cryptographic Algorithm").map(|a| &a.value) {
                Some(AttributeValue::CryptographicAlgorithm(a)) => *a,
                _ => return Err(Error::MissingData("Cryptographic Algorithm".into())),
            };
            let bits = match find("Cryptographic Length").map(|a| &a.value) {
                Some(AttributeValue::CryptographicLength(b)) => usize::try_from(*b)
                    .map_err(|_| Error::InvalidField(format!("Cryptographic Length {b}")))?,
                _ => return Err(Error::MissingData("Cryptographic Length".into())),
            };
            let engine = algorithms::symmetric(algorithm)?;
            ctx.kms
                .config()
                .algorithms
                .check_generate(&KeySpec::Symmetric { algorithm: engine, bits })?;
            let key = keygen::symmetric(engine, bits).map_err(engine_error)?;
            (key.into_material(), Some(algorithm), None)
        }
    };
    let bits = i32::try_from(secret.len() * 8)
        .map_err(|_| Error::InvalidField("the key is too long to split".into()))?;
    let shares = match method {
        SplitMethod::Xor => split::xor_split(&secret, parts),
        SplitMethod::ShamirGf256 => split::shamir_split(&secret, threshold, parts),
    }
    .map_err(engine_error)?;

    let mut ids = Vec::with_capacity(parts);
    for share in shares {
        let mut object = new_object(ctx, ObjectType::SplitKey, [template.clone()])?;
        set_key_attributes(&mut object, algorithm, bits);
        let part = SplitKey {
            split_key_parts: request.split_key_parts,
            key_part_identifier: i32::from(share.index()),
            split_key_threshold: request.split_key_threshold,
            split_key_method: request.split_key_method,
            prime_field_size: None,
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(share.value().to_vec())),
                algorithm,
                Some(bits),
            ),
        };
        attach_material(&mut object, Object::SplitKey(part), true);
        if let Some(parent) = &parent {
            object.attributes.push(Attribute::new(AttributeValue::Link(Link {
                link_type: LinkType::ParentLink,
                linked_object_identifier: parent.id.clone(),
            })));
        }
        ctx.insert(&object);
        ids.push(object.id);
    }
    if let Some(mut parent) = parent {
        // The split key links to its parts as they link to it.
        for id in &ids {
            parent.attributes.push(Attribute::new(AttributeValue::Link(Link {
                link_type: LinkType::ChildLink,
                linked_object_identifier: id.clone(),
            })));
        }
        ctx.record_change(&mut parent, MaterialChange::Keep);
    }
    Ok(CreateSplitKeyResponse {
        object_type: None,
        unique_identifiers: ids,
        template_attribute: None,
    })
}

pub(crate) async fn join_split_key(
    ctx: &mut Ctx<'_>,
    request: JoinSplitKeyRequest,
) -> Result<JoinSplitKeyResponse, Error> {
    let object_type = request.object_type;
    if !matches!(object_type, ObjectType::SymmetricKey | ObjectType::SecretData) {
        return Err(Error::FeatureNotSupported(format!(
            "joining into a {object_type:?}; Symmetric Keys and Secret Data can be joined"
        )));
    }
    if request.unique_identifiers.is_empty() {
        return Err(Error::MissingData("the Unique Identifiers of the parts".into()));
    }
    let mut shares = Vec::new();
    let mut first: Option<(SplitKey, usize)> = None;
    for id in &request.unique_identifiers {
        ctx.authorize_object(id).await?;
        let object = ctx.load(id, true).await?;
        if object.state_at(ctx.now).is_destroyed() {
            return Err(Error::KeyValueNotPresent(id.clone()));
        }
        let Some(Object::SplitKey(part)) = object.material else {
            return Err(Error::InvalidField(format!("{id} is not a Split Key")));
        };
        let UsableKey::Symmetric { material, .. } =
            crate::keys::usable_key(&Object::SplitKey(part.clone()))?
        else {
            return Err(Error::InvalidField(format!("{id} holds no key part")));
        };
        let index = u8::try_from(part.key_part_identifier)
            .map_err(|_| Error::InvalidField(format!("{id}: Key Part Identifier out of range")))?;
        match &first {
            None => {
                let threshold = count(part.split_key_threshold, "Split Key Threshold")?;
                first = Some((part.clone(), threshold));
            }
            Some((f, _)) => {
                if (f.split_key_parts, f.split_key_threshold, f.split_key_method)
                    != (part.split_key_parts, part.split_key_threshold, part.split_key_method)
                {
                    return Err(Error::InvalidField(format!(
                        "{id} is a part of another split (method, parts or threshold differ)"
                    )));
                }
            }
        }
        if shares.iter().any(|s: &Share| s.index() == index) {
            return Err(Error::InvalidField(format!("Key Part Identifier {index} is given twice")));
        }
        shares.push(Share::new(index, &material).map_err(engine_error)?);
    }
    let Some((template_part, threshold)) = first else {
        return Err(Error::MissingData("the parts".into()));
    };
    if shares.len() < threshold {
        return Err(Error::InvalidField(format!(
            "{} parts given; this split needs {threshold}",
            shares.len()
        )));
    }
    let method = algorithms::split_method(template_part.split_key_method)?;
    ctx.kms.config().algorithms.check_use(None, &Usage::Split(method))?;
    let secret = match method {
        SplitMethod::Xor => split::xor_combine(&shares),
        SplitMethod::ShamirGf256 => split::shamir_combine(&shares),
    }
    .map_err(engine_error)?;
    let bits = i32::try_from(secret.len() * 8)
        .map_err(|_| Error::InvalidField("the joined key is too long".into()))?;
    let mut object =
        new_object(ctx, object_type, [request.template_attribute.unwrap_or_default()])?;
    let algorithm = template_part.key_block.cryptographic_algorithm.or(
        match object.attributes.get("Cryptographic Algorithm") {
            Some(AttributeValue::CryptographicAlgorithm(a)) => Some(*a),
            _ => None,
        },
    );
    set_key_attributes(&mut object, algorithm, bits);
    let material = KeyMaterial::Bytes(Bytes(secret));
    let joined = match object_type {
        ObjectType::SymmetricKey => {
            let a = algorithm.ok_or_else(|| {
                Error::MissingData("Cryptographic Algorithm of the joined key".into())
            })?;
            let spec = KeySpec::Symmetric {
                algorithm: algorithms::symmetric(a)?,
                bits: usize::try_from(bits).unwrap_or_default(),
            };
            ctx.kms.config().algorithms.check_register(&spec)?;
            Object::SymmetricKey(SymmetricKey {
                key_block: KeyBlock::new(KeyFormatType::Raw, material, Some(a), Some(bits)),
            })
        }
        _ => Object::SecretData(SecretData {
            secret_data_type: request
                .secret_data_type
                .ok_or_else(|| Error::MissingData("Secret Data Type".into()))?,
            key_block: KeyBlock::new(KeyFormatType::Opaque, material, algorithm, Some(bits)),
        }),
    };
    attach_material(&mut object, joined, true);
    ctx.insert(&object);
    Ok(JoinSplitKeyResponse {
        object_type: None,
        unique_identifier: object.id,
        template_attribute: None,
    })
}
