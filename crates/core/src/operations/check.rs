//! Check (KMIP 1.4 §4.10): may the client use the object as it says?
//!
//! Each field given is checked against the object:
//! - Usage Limits Count: no more than the object's remaining Usage Limits
//!   count (its total when no use was counted yet); no limit when the object
//!   has no Usage Limits;
//! - Cryptographic Usage Mask: every bit asked for must be in the object's
//!   mask (an object without a mask allows none);
//! - Lease Time: no longer than the object's Lease Time, when it has one.
//!
//! A passing check returns the Unique Identifier. A failing one is Permission
//! Denied, and its message names each field that failed with the value
//! allowed (the core's errors carry no payload, so the failed fields travel
//! in the Result Message rather than in the response payload). An archived
//! object answers Object Archived, a destroyed one Permission Denied.

use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::operations::{CheckRequest, CheckResponse};

use super::archive::is_archived;
use super::required_id;
use crate::Error;
use crate::kms::Ctx;

pub(crate) async fn check(
    ctx: &mut Ctx<'_>,
    request: CheckRequest,
) -> Result<CheckResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let object = ctx.load(&id, false).await?;
    if is_archived(&object) {
        return Err(Error::Archived(id));
    }
    let mut failed = Vec::new();
    if object.state.is_destroyed() {
        failed.push(format!("the object is {}", object.state));
    }
    if let Some(wanted) = request.usage_limits_count
        && let Some(AttributeValue::UsageLimits(limits)) = object.attributes.get("Usage Limits")
    {
        let remaining = limits.count.unwrap_or(limits.total);
        if wanted > remaining {
            failed.push(format!("Usage Limits Count {wanted} exceeds the {remaining} uses left"));
        }
    }
    if let Some(wanted) = request.cryptographic_usage_mask {
        let mask = match object.attributes.get("Cryptographic Usage Mask") {
            Some(AttributeValue::CryptographicUsageMask(m)) => m.0,
            _ => 0,
        };
        let missing = wanted.0 & !mask;
        if missing != 0 {
            failed.push(format!(
                "Cryptographic Usage Mask 0x{:X} asks for 0x{missing:X}, which the object's \
                 mask 0x{mask:X} does not allow",
                wanted.0
            ));
        }
    }
    if let Some(wanted) = request.lease_time
        && let Some(AttributeValue::LeaseTime(allowed)) = object.attributes.get("Lease Time")
        && wanted.0 > allowed.0
    {
        failed.push(format!(
            "Lease Time {}s exceeds the object's Lease Time {}s",
            wanted.0, allowed.0
        ));
    }
    if !failed.is_empty() {
        return Err(Error::Denied(format!("check of {id} failed: {}", failed.join("; "))));
    }
    Ok(CheckResponse {
        unique_identifier: id,
        usage_limits_count: None,
        cryptographic_usage_mask: None,
        lease_time: None,
    })
}
