//! Export (KMIP 1.4 §4.40) and Import (§4.41).
//!
//! Export is Get plus every attribute of the object: the same Key Format
//! Type, Key Wrap Type and Key Wrapping Specification rules, the same
//! Sensitive/Extractable rule.
//!
//! Import creates an object under the Unique Identifier the client gives,
//! or replaces one (Replace Existing true; the same Object Type). As the
//! spec says, the attributes are set to the supplied values, server-set ones
//! included (State, dates, Digest…) — Unique Identifier and Object Type are
//! forced to agree with the request. The material is checked as Register
//! checks it (nothing broken is stored; the algorithm policy applies). Key
//! Wrap Type Not Wrapped unwraps a wrapped key block with its wrapping key
//! from the domain before storing; otherwise the block is stored as given.

use keyward_kmip::DateTime;
use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::enums::KeyWrapType;
use keyward_kmip::operations::{ExportRequest, ExportResponse, ImportRequest, ImportResponse};
use keyward_store::MaterialChange;

use super::get::{KeyRequest, deliver};
use super::register::describe_material;
use super::required_id;
use crate::Error;
use crate::attributes::{Attributes, canonical_name, for_client};
use crate::keys::wrap;
use crate::kms::Ctx;
use crate::lifecycle::LifecycleState;
use crate::object::ManagedObject;

pub(crate) async fn export(
    ctx: &mut Ctx<'_>,
    request: ExportRequest,
) -> Result<ExportResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let object = ctx.load(&id, true).await?;
    let keys = KeyRequest {
        key_format_type: request.key_format_type,
        key_wrap_type: request.key_wrap_type,
        key_compression_type: request.key_compression_type,
        key_wrapping_specification: request.key_wrapping_specification,
    };
    let material = deliver(ctx, &object, &keys).await?;
    let attributes = object.attributes.iter().map(for_client).collect();
    Ok(ExportResponse { unique_identifier: id, attributes, object: material })
}

pub(crate) async fn import(
    ctx: &mut Ctx<'_>,
    request: ImportRequest,
) -> Result<ImportResponse, Error> {
    let id = request.unique_identifier.clone();
    if id.is_empty() {
        return Err(Error::MissingData("Unique Identifier".into()));
    }
    let object_type = request.object.object_type();
    let existing = match ctx.load(&id, false).await {
        Ok(existing) => {
            ctx.authorize_object(&id).await?;
            Some(existing)
        }
        Err(Error::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    if let Some(existing) = &existing {
        if request.replace_existing != Some(true) {
            return Err(Error::InvalidField(format!(
                "an object {id} already exists; set Replace Existing to replace it"
            )));
        }
        if existing.object_type != object_type {
            return Err(Error::InvalidField(format!(
                "object {id} is a {:?} and cannot be replaced by a {object_type:?}",
                existing.object_type
            )));
        }
    }

    let (material, clear_allowed) = match request.key_wrap_type {
        Some(KeyWrapType::NotWrapped) => {
            let unwrapped = wrap::unwrap(ctx, &request.object).await?;
            (unwrapped.object, unwrapped.clear_allowed)
        }
        _ => (request.object, true),
    };
    let mut attributes = Attributes::default();
    for mut attribute in request.attributes {
        attribute.name = canonical_name(&attribute.name);
        if attribute.index.is_some() {
            if attribute.index.is_some_and(|i| i < 0) {
                return Err(Error::InvalidField(format!(
                    "{} has a negative Attribute Index",
                    attribute.name
                )));
            }
            let (name, index) = (attribute.name.clone(), attribute.index);
            let mut items: Vec<_> = attributes
                .into_vec()
                .into_iter()
                .filter(|a| canonical_name(&a.name) != name || a.index != index)
                .collect();
            items.push(attribute);
            attributes = Attributes::from_stored(items);
        } else {
            attributes.push(attribute);
        }
    }
    if !clear_allowed {
        // Unwrapped by a key that may not leave the server in the clear: nor
        // may this one, whatever the request says.
        attributes.set(AttributeValue::Sensitive(true));
    }
    let now = DateTime(ctx.now);
    attributes.set(AttributeValue::UniqueIdentifier(id.clone()));
    attributes.set(AttributeValue::ObjectType(object_type));
    if attributes.get("Initial Date").is_none() {
        attributes.set(AttributeValue::InitialDate(now));
    }
    if attributes.get("Last Change Date").is_none() {
        attributes.set(AttributeValue::LastChangeDate(now));
    }
    let state = match attributes.get("State") {
        Some(AttributeValue::State(s)) => LifecycleState::from_kmip(*s)
            .ok_or_else(|| Error::InvalidField(format!("State {s:?}")))?,
        _ => LifecycleState::PreActive,
    };
    let mut object = ManagedObject {
        id: id.clone(),
        object_type,
        state,
        attributes,
        material: None,
        has_material: false,
        version: existing.as_ref().map_or(0, |e| e.version),
    };
    object.set_state(state);
    object.settle(ctx.now);
    describe_material(ctx, &mut object, &material)?;
    if state.is_destroyed() {
        // A destroyed object keeps its metadata only.
    } else {
        if object.attributes.get("Sensitive").is_none() {
            object.attributes.set(AttributeValue::Sensitive(false));
        }
        if object.attributes.get("Extractable").is_none() {
            object.attributes.set(AttributeValue::Extractable(true));
        }
        object.material = Some(material);
        object.has_material = true;
    }
    match existing {
        None => ctx.insert(&object),
        Some(_) => {
            let change = match object.to_new().material {
                Some(secret) => MaterialChange::Replace(secret),
                None => MaterialChange::Destroy,
            };
            ctx.update(&object, change);
        }
    }
    Ok(ImportResponse { unique_identifier: id })
}
