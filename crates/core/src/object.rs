//! A managed object as the core sees it, and how it is kept in the store.
//!
//! The store keeps rows: the attributes as TTLV bytes, the key material (the
//! KMIP object structure, e.g. a Symmetric Key with its Key Block, as TTLV
//! bytes) sealed under the domain key, and index entries for Locate. Each
//! index entry's value is the hex of the attribute value's TTLV encoding, so
//! that any attribute — structure, enumeration, custom of any type — is
//! matched exactly by the same rule.

use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::enums::{KmipEnum, ObjectType};
use keyward_kmip::objects::Object;
use keyward_store::{IndexEntry, Link, NewObject, ObjectUpdate, Secret, StoredObject};
use keyward_ttlv::{Limits, binary};

use crate::Error;
use crate::attributes::Attributes;
use crate::lifecycle::{LifecycleDates, LifecycleState};
use crate::stored_attributes;

/// A managed object: identity, state, attributes and (when loaded) its material.
#[derive(Clone, Debug)]
pub struct ManagedObject {
    /// Unique Identifier.
    pub id: String,
    /// Object Type.
    pub object_type: ObjectType,
    /// The lifecycle state as stored (see [`ManagedObject::state_at`]).
    pub state: LifecycleState,
    /// Attributes.
    pub attributes: Attributes,
    /// The KMIP object (key block, certificate value…), when loaded and present.
    pub material: Option<Object>,
    /// Whether the store holds material for it (false once destroyed).
    pub has_material: bool,
    /// Store version, for compare-and-swap updates; 0 for a new object.
    pub version: u64,
}

impl ManagedObject {
    /// The lifecycle dates from the attributes.
    ///
    /// One pass over the attributes, by the values' types (each date
    /// attribute has a type of its own), as it runs on every use of a key.
    pub fn dates(&self) -> LifecycleDates {
        let mut dates = LifecycleDates::default();
        for attribute in self.attributes.iter().filter(|a| a.index.unwrap_or(0) == 0) {
            let (slot, date) = match &attribute.value {
                AttributeValue::ActivationDate(d) => (&mut dates.activation, d),
                AttributeValue::DeactivationDate(d) => (&mut dates.deactivation, d),
                AttributeValue::ProcessStartDate(d) => (&mut dates.process_start, d),
                AttributeValue::ProtectStopDate(d) => (&mut dates.protect_stop, d),
                _ => continue,
            };
            slot.get_or_insert(date.0);
        }
        dates
    }

    /// A copy without the material (which [`ManagedObject::has_material`]
    /// still tells about), as a load that does not ask for it gets.
    pub fn without_material(&self) -> Self {
        Self {
            id: self.id.clone(),
            object_type: self.object_type,
            state: self.state,
            attributes: self.attributes.clone(),
            material: None,
            has_material: self.has_material,
            version: self.version,
        }
    }

    /// The state once the dates are applied at `now`.
    pub fn state_at(&self, now: i64) -> LifecycleState {
        self.state.at(&self.dates(), now)
    }

    /// Moves the stored state to the date-driven state at `now` (setting the
    /// State attribute too); true if it changed.
    pub fn settle(&mut self, now: i64) -> bool {
        let effective = self.state_at(now);
        if effective == self.state {
            return false;
        }
        self.set_state(effective);
        true
    }

    /// Sets the state and the State attribute.
    pub fn set_state(&mut self, state: LifecycleState) {
        self.state = state;
        self.attributes.set(AttributeValue::State(state.to_kmip()));
    }

    /// Rebuilds an object from its stored row.
    pub fn from_stored(stored: StoredObject) -> Result<Self, Error> {
        let object_type = ObjectType::from_u32(stored.object_type)
            .ok_or_else(|| corrupt(&stored.id, "unknown object type"))?;
        let state = keyward_kmip::enums::State::from_u32(stored.state)
            .and_then(LifecycleState::from_kmip)
            .ok_or_else(|| corrupt(&stored.id, "unknown state"))?;
        let attributes = decode_attributes(&stored.id, &stored.attributes)?;
        let material = match &stored.material {
            Some(secret) => Some(decode_material(&stored.id, secret.expose())?),
            None => None,
        };
        Ok(Self {
            id: stored.id,
            object_type,
            state,
            attributes,
            material,
            has_material: stored.has_material,
            version: stored.version,
        })
    }

    /// The row for a new object.
    pub fn to_new(&self) -> NewObject {
        NewObject {
            id: self.id.clone(),
            object_type: self.object_type.to_u32(),
            state: self.state.to_kmip().to_u32(),
            attributes: encode_attributes(&self.attributes),
            index: index_entries(&self.attributes),
            links: links(&self.attributes),
            material: self.material.as_ref().map(encode_material),
        }
    }

    /// The update writing this object's current state; `material` says what
    /// happens to the stored material.
    pub fn to_update(&self, material: keyward_store::MaterialChange) -> ObjectUpdate {
        ObjectUpdate {
            state: self.state.to_kmip().to_u32(),
            attributes: encode_attributes(&self.attributes),
            index: index_entries(&self.attributes),
            links: links(&self.attributes),
            material,
        }
    }
}

fn corrupt(id: &str, what: &str) -> Error {
    Error::Store(format!("object {id:?} is unreadable in the store: {what}"))
}

/// Limits for decoding what the store hands back (it wrote it, but a damaged
/// database must still not crash the server).
pub(crate) fn store_limits() -> Limits {
    Limits { max_message_size: 64 << 20, max_depth: 64, max_items: 1 << 20 }
}

fn encode_attributes(attributes: &Attributes) -> Vec<u8> {
    stored_attributes::encode(attributes.iter())
}

fn decode_attributes(id: &str, bytes: &[u8]) -> Result<Attributes, Error> {
    let attributes = stored_attributes::decode(bytes).map_err(|e| corrupt(id, &e))?;
    Ok(Attributes::from_stored(attributes))
}

fn encode_material(object: &Object) -> Secret {
    Secret::new(binary::encode(&object.to_ttlv()))
}

fn decode_material(id: &str, bytes: &[u8]) -> Result<Object, Error> {
    let item = binary::decode(bytes, &store_limits()).map_err(|e| corrupt(id, &e.to_string()))?;
    Object::from_ttlv(item).map_err(|e| corrupt(id, &e.to_string()))
}

/// The normalised index value of an attribute value: the hex of its TTLV
/// encoding (tag, type and value), so equal values always match.
pub fn index_value(value: &AttributeValue) -> String {
    hex::encode(binary::encode(&value.to_ttlv()))
}

/// Whether Locate finds an attribute through the store's index. Dates (which
/// Locate matches as ranges), flags, server bookkeeping and the attributes
/// Locate matches by more than equality (the Cryptographic Usage Mask by its
/// bits, Usage Limits by what is left) are not indexed: they are rarely the
/// only criterion, each would cost an index row per object (the usage mask's
/// was one of a new key's three), and Locate checks them on the candidates the
/// indexed criteria give. Rows a database holds from before an attribute left
/// the index are never queried, and go when their object next changes.
pub fn is_indexed(name: &str) -> bool {
    !matches!(
        name,
        "Unique Identifier"
            | "Object Type"
            | "Cryptographic Usage Mask"
            | "Usage Limits"
            | "State"
            | "Digest"
            | "Initial Date"
            | "Activation Date"
            | "Process Start Date"
            | "Protect Stop Date"
            | "Deactivation Date"
            | "Destroy Date"
            | "Compromise Occurrence Date"
            | "Compromise Date"
            | "Archive Date"
            | "Last Change Date"
            | "Original Creation Date"
            | "Lease Time"
            | "Revocation Reason"
            | "Fresh"
            | "Key Value Present"
            | "Sensitive"
            | "Always Sensitive"
            | "Extractable"
            | "Never Extractable"
            | "Random Number Generator"
    )
}

fn index_entries(attributes: &Attributes) -> Vec<IndexEntry> {
    attributes
        .iter()
        .filter(|a| is_indexed(&a.name))
        .map(|a| {
            let index = u32::try_from(a.index.unwrap_or(0)).unwrap_or(0);
            IndexEntry::new(a.name.clone(), index, index_value(&a.value))
        })
        .collect()
}

fn links(attributes: &Attributes) -> Vec<Link> {
    attributes
        .all("Link")
        .filter_map(|a| match &a.value {
            AttributeValue::Link(link) => {
                Some(Link::new(link.link_type.to_u32(), link.linked_object_identifier.clone()))
            }
            _ => None,
        })
        .collect()
}
