//! Obtain Lease and Get Usage Allocation (KMIP 1.4 §4.17 and §4.18).

use crate::codec::{DateTime, Interval};
use crate::kmip_struct;

kmip_struct! {
    /// Obtain Lease request payload (KMIP 1.4 §4.17, Table 206).
    #[derive(Default)]
    pub struct ObtainLeaseRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
    }
}

kmip_struct! {
    /// Obtain Lease response payload (KMIP 1.4 §4.17, Table 207).
    pub struct ObtainLeaseResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Lease Time granted.
        req lease_time: Interval => LEASE_TIME,
        /// Last Change Date of the object.
        req last_change_date: DateTime => LAST_CHANGE_DATE,
    }
}

kmip_struct! {
    /// Get Usage Allocation request payload (KMIP 1.4 §4.18, Table 208).
    pub struct GetUsageAllocationRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Usage Limits Count wanted.
        req usage_limits_count: i64 => USAGE_LIMITS_COUNT,
    }
}

kmip_struct! {
    /// Get Usage Allocation response payload (KMIP 1.4 §4.18, Table 209).
    pub struct GetUsageAllocationResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
    }
}
