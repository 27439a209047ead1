//! Activate, Revoke and Destroy (KMIP 1.4 §4.19–§4.21).

use keyward_kmip::DateTime;
use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::enums::RevocationReasonCode;
use keyward_kmip::operations::*;
use keyward_store::MaterialChange;

use super::required_id;
use crate::Error;
use crate::kms::Ctx;
use crate::lifecycle::Event;

pub(crate) async fn activate(
    ctx: &mut Ctx<'_>,
    request: ActivateRequest,
) -> Result<ActivateResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    let next = object.state.apply(Event::Activate)?;
    let now = DateTime(ctx.now);
    object.set_state(next);
    object.attributes.set(AttributeValue::ActivationDate(now));
    ctx.record_change(&mut object, MaterialChange::Keep);
    Ok(ActivateResponse::new(id))
}

pub(crate) async fn revoke(
    ctx: &mut Ctx<'_>,
    request: RevokeRequest,
) -> Result<RevokeResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    let compromise = matches!(
        request.revocation_reason.code,
        RevocationReasonCode::KeyCompromise | RevocationReasonCode::CACompromise
    );
    let next = object.state.apply(Event::Revoke { compromise })?;
    let now = DateTime(ctx.now);
    object.set_state(next);
    let attrs = &mut object.attributes;
    if compromise {
        let occurred = request.compromise_occurrence_date.unwrap_or(now);
        attrs.set(AttributeValue::CompromiseOccurrenceDate(occurred));
        attrs.set(AttributeValue::CompromiseDate(now));
    } else {
        attrs.set(AttributeValue::DeactivationDate(now));
    }
    attrs.set(AttributeValue::RevocationReason(request.revocation_reason));
    ctx.record_change(&mut object, MaterialChange::Keep);
    Ok(RevokeResponse { unique_identifier: id })
}

pub(crate) async fn destroy(
    ctx: &mut Ctx<'_>,
    request: DestroyRequest,
) -> Result<DestroyResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    let next = object.state.apply(Event::Destroy)?;
    let now = DateTime(ctx.now);
    object.set_state(next);
    object.attributes.set(AttributeValue::DestroyDate(now));
    if object.attributes.get("Key Value Present").is_some() {
        object.attributes.set(AttributeValue::KeyValuePresent(false));
    }
    object.material = None;
    object.has_material = false;
    ctx.record_change(&mut object, MaterialChange::Destroy);
    Ok(DestroyResponse::new(id))
}
