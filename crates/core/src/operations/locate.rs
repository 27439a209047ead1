//! Locate (KMIP 1.4 §4.9): objects of the caller's domain matching every
//! attribute given.
//!
//! Criteria on indexed attributes (see [`crate::object::is_indexed`]) are
//! answered by the store's index; the others (dates — two instances of one
//! date attribute give a range —, flags, the State, which moves with time, and
//! the Cryptographic Usage Mask, which an object matches when it has every bit
//! of the requested mask, perhaps more, and Usage Limits, matched by an object
//! with as much left) are checked on the candidates the index returns.

use keyward_kmip::attributes::{Attribute, AttributeValue};
use keyward_kmip::enums::{KmipEnum, StorageStatusMask};
use keyward_kmip::operations::{LocateRequest, LocateResponse};
use keyward_store::{LocateQuery, Page};

use crate::Error;
use crate::attributes::canonical_name;
use crate::kms::Ctx;
use crate::lifecycle::LifecycleState;
use crate::object::{ManagedObject, index_value, is_indexed};

/// States a Locate can return: destroyed objects are never returned.
const LIVE_STATES: [LifecycleState; 4] = [
    LifecycleState::PreActive,
    LifecycleState::Active,
    LifecycleState::Deactivated,
    LifecycleState::Compromised,
];

/// The most candidates one Locate examines attribute by attribute.
const MAX_SCAN: u64 = 100_000;

/// Candidates fetched from the index at a time.
const SCAN_PAGE: u32 = 1000;

pub(crate) async fn locate(
    ctx: &mut Ctx<'_>,
    request: LocateRequest,
) -> Result<LocateResponse, Error> {
    // Storage Status Mask (default on-line only): archived objects carry an
    // indexed marker (see `archive`).
    let mask = request.storage_status_mask.map_or(StorageStatusMask::ON_LINE_STORAGE.0, |m| m.0);
    let on_line = mask & StorageStatusMask::ON_LINE_STORAGE.0 != 0;
    let archival = mask & StorageStatusMask::ARCHIVAL_STORAGE.0 != 0;
    if !on_line && !archival {
        return Ok(LocateResponse::default());
    }
    let max = ctx.kms.config().max_locate_items;
    let limit = match request.maximum_items {
        Some(n) if n < 0 => return Err(Error::InvalidField("Maximum Items is negative".into())),
        Some(n) => u32::try_from(n).unwrap_or(max).min(max),
        None => max,
    };
    let offset = match request.offset_items {
        Some(n) if n < 0 => return Err(Error::InvalidField("Offset Items is negative".into())),
        Some(n) => u32::try_from(n).unwrap_or(0),
        None => 0,
    };

    let mut query = LocateQuery {
        states: LIVE_STATES.iter().map(|s| s.to_kmip().to_u32()).collect(),
        ..LocateQuery::default()
    };
    let mut residual: Vec<Attribute> = Vec::new();
    for mut attribute in request.attributes {
        attribute.name = canonical_name(&attribute.name);
        match &attribute.value {
            AttributeValue::State(state) => {
                let state = LifecycleState::from_kmip(*state)
                    .ok_or_else(|| Error::InvalidField(format!("unknown State {state:?}")))?;
                if state.is_destroyed() {
                    return Ok(LocateResponse::default());
                }
                residual.push(attribute);
            }
            AttributeValue::ObjectType(t) => query.object_types.push(t.to_u32()),
            value if is_indexed(&attribute.name) => {
                query.filters.push((attribute.name.clone(), index_value(value)));
            }
            _ => residual.push(attribute),
        }
    }

    if archival && !on_line {
        query.filters.push(super::archive::archived_filter());
    }
    // On-line only: leave out the archived matches (few), found from the index.
    let mut excluded = Vec::new();
    if on_line && !archival {
        let mut archived = query.clone();
        archived.filters.push(super::archive::archived_filter());
        archived.page = Page { offset: 0, limit: max };
        excluded = ctx.locate(&archived).await?;
    }

    if residual.is_empty() && excluded.is_empty() {
        query.page = Page { offset: u64::from(offset), limit };
        let ids = ctx.locate(&query).await?;
        return Ok(LocateResponse { located_items: None, unique_identifiers: ids });
    }
    let wanted = offset as usize + limit as usize;
    let mut matching = Vec::new();
    let mut scanned = 0u64;
    while matching.len() < wanted && scanned < MAX_SCAN {
        query.page = Page { offset: scanned, limit: SCAN_PAGE };
        let page = ctx.locate(&query).await?;
        scanned += page.len() as u64;
        let last_page = page.len() < SCAN_PAGE as usize;
        for id in page {
            if excluded.contains(&id) {
                continue;
            }
            if residual.is_empty() {
                matching.push(id);
                continue;
            }
            let object = ctx.load(&id, false).await?;
            if matches_all(&object, &residual, ctx.now) {
                matching.push(id);
            }
        }
        if last_page {
            break;
        }
    }
    let ids = matching.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(LocateResponse { located_items: None, unique_identifiers: ids })
}

/// Whether `object` satisfies every criterion: per attribute name, one of the
/// object's instances equals one of the values given — or, for a date given
/// twice, falls within the two dates; for the Cryptographic Usage Mask, has
/// every bit of one of the masks given (KMIP 1.4 §4.9: the logical AND of the
/// two masks equals the requested one); for Usage Limits, has the same unit
/// and a Total and a Count at least those given (§4.9; a limit without a
/// Count still has its Total left).
fn matches_all(object: &ManagedObject, criteria: &[Attribute], now: i64) -> bool {
    let mut names: Vec<&str> = criteria.iter().map(|a| a.name.as_str()).collect();
    names.dedup();
    names.iter().all(|name| {
        let wanted: Vec<&AttributeValue> =
            criteria.iter().filter(|a| a.name == *name).map(|a| &a.value).collect();
        if *name == "State" {
            let state = object.state_at(now).to_kmip();
            return wanted.iter().any(|v| matches!(v, AttributeValue::State(s) if *s == state));
        }
        let have: Vec<&AttributeValue> = object.attributes.all(name).map(|a| &a.value).collect();
        if *name == "Cryptographic Usage Mask" {
            return wanted.iter().any(|w| have.iter().any(|h| mask_covers(h, w)));
        }
        if *name == "Usage Limits" {
            return wanted.iter().any(|w| have.iter().any(|h| limits_cover(h, w)));
        }
        match (date_of_all(&wanted), wanted.len()) {
            (Some(range), 2) => {
                let (low, high) = (range[0].min(range[1]), range[0].max(range[1]));
                have.iter().any(|v| date_of(v).is_some_and(|d| (low..=high).contains(&d)))
            }
            _ => {
                let wanted: Vec<String> = wanted.iter().map(|v| index_value(v)).collect();
                have.iter().any(|v| wanted.contains(&index_value(v)))
            }
        }
    })
}

/// Whether usage mask `have` has every bit of usage mask `wanted`.
fn mask_covers(have: &AttributeValue, wanted: &AttributeValue) -> bool {
    match (have, wanted) {
        (AttributeValue::CryptographicUsageMask(h), AttributeValue::CryptographicUsageMask(w)) => {
            h.0 & w.0 == w.0
        }
        _ => false,
    }
}

/// Whether Usage Limits `have` leave at least what `wanted` asks for.
fn limits_cover(have: &AttributeValue, wanted: &AttributeValue) -> bool {
    match (have, wanted) {
        (AttributeValue::UsageLimits(h), AttributeValue::UsageLimits(w)) => {
            let left = h.count.unwrap_or(h.total);
            h.unit == w.unit && h.total >= w.total && w.count.is_none_or(|c| left >= c)
        }
        _ => false,
    }
}

fn date_of(value: &AttributeValue) -> Option<i64> {
    match value {
        AttributeValue::InitialDate(d)
        | AttributeValue::ActivationDate(d)
        | AttributeValue::ProcessStartDate(d)
        | AttributeValue::ProtectStopDate(d)
        | AttributeValue::DeactivationDate(d)
        | AttributeValue::DestroyDate(d)
        | AttributeValue::CompromiseOccurrenceDate(d)
        | AttributeValue::CompromiseDate(d)
        | AttributeValue::ArchiveDate(d)
        | AttributeValue::LastChangeDate(d)
        | AttributeValue::OriginalCreationDate(d) => Some(d.0),
        _ => None,
    }
}

fn date_of_all(values: &[&AttributeValue]) -> Option<Vec<i64>> {
    values.iter().map(|v| date_of(v)).collect()
}
