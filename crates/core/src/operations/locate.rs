//! Locate (KMIP 1.4 §4.9): objects of the caller's domain matching every
//! attribute given, served from the store's attribute index.

use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::enums::{KmipEnum, StorageStatusMask};
use keyward_kmip::operations::{LocateRequest, LocateResponse};
use keyward_store::{LocateQuery, Page};

use crate::Error;
use crate::attributes::canonical_name;
use crate::kms::Ctx;
use crate::lifecycle::LifecycleState;
use crate::object::index_value;

/// States a Locate can return: destroyed objects are never returned.
const LIVE_STATES: [LifecycleState; 4] = [
    LifecycleState::PreActive,
    LifecycleState::Active,
    LifecycleState::Deactivated,
    LifecycleState::Compromised,
];

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

    let mut query = LocateQuery::default();
    let mut wanted_state = None;
    for attribute in &request.attributes {
        match &attribute.value {
            AttributeValue::State(state) => {
                let state = LifecycleState::from_kmip(*state)
                    .ok_or_else(|| Error::InvalidField(format!("unknown State {state:?}")))?;
                if state.is_destroyed() {
                    return Ok(LocateResponse::default());
                }
                wanted_state = Some(state);
            }
            AttributeValue::ObjectType(t) => query.object_types.push(t.to_u32()),
            value => query.filters.push((canonical_name(&attribute.name), index_value(value))),
        }
    }
    query.states = LIVE_STATES.iter().map(|s| s.to_kmip().to_u32()).collect();
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

    let ids = match wanted_state {
        None if excluded.is_empty() => {
            query.page = Page { offset: u64::from(offset), limit };
            ctx.locate(&query).await?
        }
        None => {
            let wanted = offset.saturating_add(limit);
            query.page = Page { offset: 0, limit: wanted.saturating_add(excluded.len() as u32) };
            let ids = ctx.locate(&query).await?;
            ids.into_iter()
                .filter(|id| !excluded.contains(id))
                .skip(offset as usize)
                .take(limit as usize)
                .collect()
        }
        Some(state) => {
            // States move with time: match on the state at this moment.
            query.page = Page { offset: 0, limit: max.saturating_add(offset) };
            let mut matching = Vec::new();
            for id in ctx.locate(&query).await? {
                if excluded.contains(&id) {
                    continue;
                }
                let object = ctx.load(&id, false).await?;
                if object.state_at(ctx.now) == state {
                    matching.push(id);
                }
            }
            matching.into_iter().skip(offset as usize).take(limit as usize).collect()
        }
    };
    Ok(LocateResponse { located_items: None, unique_identifiers: ids })
}
