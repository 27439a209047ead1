//! Get Attributes, Get Attribute List, Add, Modify and Delete Attribute
//! (KMIP 1.4 §4.12–§4.16).

use keyward_kmip::ToTtlv;
use keyward_kmip::attributes::{Attribute, AttributeValue};
use keyward_kmip::operations::*;
use keyward_store::MaterialChange;

use super::required_id;
use crate::Error;
use crate::attributes::{canonical_name, for_client};
use crate::kms::Ctx;
use crate::lifecycle::LifecycleState;
use crate::object::ManagedObject;

pub(crate) async fn get_attributes(
    ctx: &mut Ctx<'_>,
    request: GetAttributesRequest,
) -> Result<GetAttributesResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let object = ctx.load(&id, false).await?;
    let wanted: Vec<String> = request.attribute_names.iter().map(|n| canonical_name(n)).collect();
    if let Some(twice) = wanted.iter().enumerate().find(|(i, n)| wanted[..*i].contains(n)) {
        return Err(Error::InvalidMessage(format!(
            "the attribute name {:?} is asked for twice",
            twice.1
        )));
    }
    let attributes = object
        .attributes
        .iter()
        .filter(|a| wanted.is_empty() || wanted.contains(&canonical_name(&a.name)))
        .map(for_client)
        .collect();
    Ok(GetAttributesResponse { unique_identifier: id, attributes })
}

pub(crate) async fn get_attribute_list(
    ctx: &mut Ctx<'_>,
    request: GetAttributeListRequest,
) -> Result<GetAttributeListResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let object = ctx.load(&id, false).await?;
    let mut names: Vec<String> = Vec::new();
    for attribute in object.attributes.iter() {
        // Name only what the client's version can receive with Get Attributes.
        if let Some(version) = ctx.version
            && !keyward_kmip::version::attribute_survives(
                &attribute.to_ttlv(keyward_ttlv::spec::tags::ATTRIBUTE),
                version,
            )
        {
            continue;
        }
        let name = canonical_name(&attribute.name);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(GetAttributeListResponse { unique_identifier: id, attribute_names: names })
}

pub(crate) async fn add_attribute(
    ctx: &mut Ctx<'_>,
    request: AddAttributeRequest,
) -> Result<AddAttributeResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    check_date_change(&object, &request.attribute, ctx.now)?;
    if request.attribute.index.is_some_and(|i| i != 0) {
        return Err(Error::InvalidField("Add Attribute takes no Attribute Index".into()));
    }
    let added = object.attributes.client_add(request.attribute)?;
    touch(ctx, &mut object);
    Ok(AddAttributeResponse { unique_identifier: id, attribute: for_client(&added) })
}

pub(crate) async fn modify_attribute(
    ctx: &mut Ctx<'_>,
    request: ModifyAttributeRequest,
) -> Result<ModifyAttributeResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    check_date_change(&object, &request.attribute, ctx.now)?;
    check_one_way_flags(&object, &request.attribute)?;
    let modified = object.attributes.client_modify(request.attribute)?;
    touch(ctx, &mut object);
    Ok(ModifyAttributeResponse { unique_identifier: id, attribute: for_client(&modified) })
}

pub(crate) async fn delete_attribute(
    ctx: &mut Ctx<'_>,
    request: DeleteAttributeRequest,
) -> Result<DeleteAttributeResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    let deleted =
        object.attributes.client_delete(&request.attribute_name, request.attribute_index)?;
    touch(ctx, &mut object);
    Ok(DeleteAttributeResponse { unique_identifier: id, attribute: for_client(&deleted) })
}

/// Records the change: Last Change Date, the date-driven state (a past
/// Activation Date activates a Pre-Active object), and the write.
fn touch(ctx: &mut Ctx<'_>, object: &mut ManagedObject) {
    object.settle(ctx.now);
    ctx.record_change(object, MaterialChange::Keep);
}

/// The state conditions of KMIP 1.4 §3.24–§3.27 on setting lifecycle dates.
fn check_date_change(object: &ManagedObject, attribute: &Attribute, now: i64) -> Result<(), Error> {
    let state = object.state;
    let pre_or_active = matches!(state, LifecycleState::PreActive | LifecycleState::Active);
    let (allowed, rule) = match &attribute.value {
        AttributeValue::ActivationDate(_) => {
            (state == LifecycleState::PreActive, "only while the object is Pre-Active")
        }
        AttributeValue::DeactivationDate(_) => {
            (pre_or_active, "only while the object is Pre-Active or Active")
        }
        AttributeValue::ProcessStartDate(_) => (
            pre_or_active && object.dates().process_start.is_none_or(|d| d > now),
            "only while Pre-Active or Active and before the current Process Start Date",
        ),
        AttributeValue::ProtectStopDate(_) => (
            pre_or_active && object.dates().protect_stop.is_none_or(|d| d > now),
            "only while Pre-Active or Active and before the current Protect Stop Date",
        ),
        _ => return Ok(()),
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::Denied(format!("{} can be set {rule} (it is {state})", attribute.name)))
    }
}

/// Sensitive may only become true, Extractable only false (KMIP 1.4 §3.48, §3.50).
fn check_one_way_flags(object: &ManagedObject, attribute: &Attribute) -> Result<(), Error> {
    match &attribute.value {
        AttributeValue::Sensitive(false)
            if matches!(
                object.attributes.get("Sensitive"),
                Some(AttributeValue::Sensitive(true))
            ) =>
        {
            Err(Error::Denied("a Sensitive object cannot be made non-sensitive".into()))
        }
        AttributeValue::Extractable(true)
            if matches!(
                object.attributes.get("Extractable"),
                Some(AttributeValue::Extractable(false))
            ) =>
        {
            Err(Error::Denied("a non-extractable object cannot be made extractable".into()))
        }
        _ => Ok(()),
    }
}
