//! Locate (KMIP 1.4 §4.9).

use crate::attributes::Attribute;
use crate::enums::{ObjectGroupMember, StorageStatusMask};
use crate::kmip_struct;

kmip_struct! {
    /// Locate request payload (KMIP 1.4 §4.9, Table 190).
    #[derive(Default)]
    pub struct LocateRequest {
        /// Maximum Items to return.
        opt maximum_items: i32 => MAXIMUM_ITEMS,
        /// Offset Items: matches to skip (1.3).
        opt offset_items: i32 => OFFSET_ITEMS,
        /// Storage Status Mask (on-line only when absent).
        opt storage_status_mask: StorageStatusMask => STORAGE_STATUS_MASK,
        /// Object Group Member (1.1).
        opt object_group_member: ObjectGroupMember => OBJECT_GROUP_MEMBER,
        /// Attributes that must all match.
        vec attributes: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Locate response payload (KMIP 1.4 §4.9, Table 191). No match is a
    /// success with an empty payload.
    #[derive(Default)]
    pub struct LocateResponse {
        /// Located Items: the number of matches (1.3).
        opt located_items: i32 => LOCATED_ITEMS,
        /// Unique Identifiers of the located objects.
        vec unique_identifiers: String => UNIQUE_IDENTIFIER,
    }
}
