//! Obtain Lease and Get Usage Allocation (KMIP 1.4 §4.17 and §4.18); the
//! rules are in [`crate::usage`].

use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::operations::{
    GetUsageAllocationRequest, GetUsageAllocationResponse, ObtainLeaseRequest, ObtainLeaseResponse,
};
use keyward_kmip::{DateTime, Interval};
use keyward_store::MaterialChange;

use super::required_id;
use crate::Error;
use crate::kms::Ctx;
use crate::usage;

pub(crate) async fn obtain_lease(
    ctx: &mut Ctx<'_>,
    request: ObtainLeaseRequest,
) -> Result<ObtainLeaseResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    let (lease, first) = usage::lease(&object, ctx.now)?;
    if first {
        // A server-managed attribute: it does not move Last Change Date.
        object.attributes.set(AttributeValue::LeaseTime(Interval(lease)));
        ctx.update(&object, MaterialChange::Keep);
    }
    let last_change_date = match object.attributes.get("Last Change Date") {
        Some(AttributeValue::LastChangeDate(d)) => *d,
        _ => DateTime(ctx.now),
    };
    Ok(ObtainLeaseResponse { unique_identifier: id, lease_time: Interval(lease), last_change_date })
}

pub(crate) async fn get_usage_allocation(
    ctx: &mut Ctx<'_>,
    request: GetUsageAllocationRequest,
) -> Result<GetUsageAllocationResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    let limits = usage::allocate(&object, request.usage_limits_count, ctx.now)?;
    object.attributes.set(AttributeValue::UsageLimits(limits));
    ctx.update(&object, MaterialChange::Keep);
    Ok(GetUsageAllocationResponse { unique_identifier: id })
}
