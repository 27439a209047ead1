//! Check (KMIP 1.4 §4.10).

use crate::codec::Interval;
use crate::enums::CryptographicUsageMask;
use crate::kmip_struct;

kmip_struct! {
    /// Check request payload (KMIP 1.4 §4.10, Table 192).
    #[derive(Default)]
    pub struct CheckRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Usage Limits Count to check.
        opt usage_limits_count: i64 => USAGE_LIMITS_COUNT,
        /// Cryptographic Usage Mask the client intends to use.
        opt cryptographic_usage_mask: CryptographicUsageMask => CRYPTOGRAPHIC_USAGE_MASK,
        /// Lease Time to validate.
        opt lease_time: Interval => LEASE_TIME,
    }
}

kmip_struct! {
    /// Check response payload (KMIP 1.4 §4.10, Table 193): the fields that failed the check.
    pub struct CheckResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Usage Limits Count, if larger than the policy allows.
        opt usage_limits_count: i64 => USAGE_LIMITS_COUNT,
        /// Cryptographic Usage Mask, if rejected.
        opt cryptographic_usage_mask: CryptographicUsageMask => CRYPTOGRAPHIC_USAGE_MASK,
        /// Lease Time, if larger than the server grants.
        opt lease_time: Interval => LEASE_TIME,
    }
}
