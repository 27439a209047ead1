//! Get (KMIP 1.4 §4.11): an object's material, in the Key Format Type asked
//! for (see [`crate::keys::convert`]) and, on request, wrapped by another
//! managed key (see [`crate::keys::wrap`]).
//!
//! Rules, shared with Export:
//! - no Key Format Type: the key as registered or generated (its stored format);
//! - a key stored wrapped comes back as stored unless the Key Wrap Type is Not
//!   Wrapped, a Key Format Type or a Key Wrapping Specification is asked for:
//!   then it is unwrapped first with its wrapping key from the domain;
//! - a plaintext Key Value never carries Attributes (Veeam fails on them);
//! - a Sensitive or non-Extractable key is never returned in the clear: only
//!   wrapped (Not Extractable otherwise);
//! - an archived object answers Object Archived; a destroyed one Key Value
//!   Not Present.

use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::enums::{KeyCompressionType, KeyFormatType, KeyWrapType};
use keyward_kmip::objects::{KeyWrappingSpecification, Object};
use keyward_kmip::operations::{GetRequest, GetResponse};
use keyward_store::MaterialChange;

use super::archive::is_archived;
use super::required_id;
use crate::Error;
use crate::keys::{convert, wrap};
use crate::kms::Ctx;
use crate::object::ManagedObject;

/// What the client asked about the returned key.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyRequest {
    pub key_format_type: Option<KeyFormatType>,
    pub key_wrap_type: Option<KeyWrapType>,
    pub key_compression_type: Option<KeyCompressionType>,
    pub key_wrapping_specification: Option<KeyWrappingSpecification>,
}

pub(crate) async fn get(ctx: &mut Ctx<'_>, request: GetRequest) -> Result<GetResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let object = ctx.load(&id, true).await?;
    let keys = KeyRequest {
        key_format_type: request.key_format_type,
        key_wrap_type: request.key_wrap_type,
        key_compression_type: request.key_compression_type,
        key_wrapping_specification: request.key_wrapping_specification,
    };
    let material = deliver(ctx, &object, &keys).await?;
    served(ctx, object);
    Ok(GetResponse { unique_identifier: id, object: material })
}

/// Records that the object has been served to a client: Fresh becomes false
/// (KMIP 1.4 §3.34). Only the first serving writes.
pub(crate) fn served(ctx: &mut Ctx<'_>, mut object: ManagedObject) {
    if matches!(object.attributes.get("Fresh"), Some(AttributeValue::Fresh(true))) {
        object.attributes.set(AttributeValue::Fresh(false));
        ctx.update(&object, MaterialChange::Keep);
    }
}

/// The object's material as `keys` asks (see the module documentation).
pub(crate) async fn deliver(
    ctx: &mut Ctx<'_>,
    object: &ManagedObject,
    keys: &KeyRequest,
) -> Result<Object, Error> {
    let id = &object.id;
    if is_archived(object) {
        return Err(Error::Archived(id.clone()));
    }
    if object.state.is_destroyed() {
        return Err(Error::KeyValueNotPresent(id.clone()));
    }
    let stored = object.material.as_ref().ok_or_else(|| Error::KeyValueNotPresent(id.clone()))?;
    if let Some(compression) = keys.key_compression_type
        && compression != KeyCompressionType::ECPublicKeyTypeUncompressed
    {
        return Err(Error::FeatureNotSupported(format!(
            "Key Compression Type {compression:?}; keys are returned uncompressed"
        )));
    }
    let Some(block) = stored.key_block() else {
        // Certificates, opaque objects: no key block, no format, no wrapping.
        if let Some(format) = keys.key_format_type {
            return Err(Error::KeyFormatNotSupported(format!(
                "{format:?} for a {:?}, which has no key block",
                stored.object_type()
            )));
        }
        if keys.key_wrapping_specification.is_some() {
            return Err(Error::FeatureNotSupported(format!(
                "wrapping a {:?}; only key objects can be wrapped",
                stored.object_type()
            )));
        }
        return Ok(stored.clone());
    };
    if block.key_value.is_none() {
        return Err(Error::KeyValueNotPresent(format!("{id} (registered without its key value)")));
    }

    let wants_plain = keys.key_wrap_type == Some(KeyWrapType::NotWrapped)
        || keys.key_format_type.is_some_and(|f| f != block.key_format_type)
        || keys.key_wrapping_specification.is_some();
    let (mut plain, unwrapped_in_the_clear_allowed) = if wrap::is_wrapped(stored) {
        if keys.key_wrap_type == Some(KeyWrapType::AsRegistered) || !wants_plain {
            if keys.key_format_type.is_some_and(|f| f != block.key_format_type) {
                return Err(Error::KeyFormatNotSupported(format!(
                    "{:?} for a key kept wrapped as registered in {:?}",
                    keys.key_format_type, block.key_format_type
                )));
            }
            // Wrapped: nothing is revealed in the clear.
            return Ok(stored.clone());
        }
        let unwrapped = wrap::unwrap(ctx, stored).await?;
        (unwrapped.object, unwrapped.clear_allowed)
    } else {
        (stored.clone(), true)
    };
    if let Some(format) = keys.key_format_type {
        plain = convert::to_format(&plain, format)?;
    } else if let Some(b) = plain.key_block_mut() {
        convert::strip_key_value_attributes(b);
    }

    if let Some(spec) = &keys.key_wrapping_specification {
        return wrap::wrap(ctx, &plain, &object.attributes, spec).await;
    }
    if !wrap::may_leave_in_the_clear(&object.attributes) || !unwrapped_in_the_clear_allowed {
        return Err(Error::NotExtractable(id.clone()));
    }
    Ok(plain)
}
