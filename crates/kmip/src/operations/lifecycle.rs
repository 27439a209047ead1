//! Activate, Revoke, Destroy, Archive and Recover (KMIP 1.4 §4.19–§4.23).

use crate::attributes::RevocationReason;
use crate::codec::DateTime;
use crate::kmip_struct;

/// Declares a request payload holding only an optional Unique Identifier and
/// a response payload holding only a Unique Identifier.
macro_rules! uid_only {
    ($(($req:ident, $resp:ident, $doc_req:literal, $doc_resp:literal)),* $(,)?) => {$(
        kmip_struct! {
            #[doc = $doc_req]
            #[derive(Default)]
            pub struct $req {
                /// Unique Identifier (ID Placeholder if absent).
                opt unique_identifier: String => UNIQUE_IDENTIFIER,
            }
        }

        kmip_struct! {
            #[doc = $doc_resp]
            pub struct $resp {
                /// Unique Identifier.
                req unique_identifier: String => UNIQUE_IDENTIFIER,
            }
        }

        impl $req {
            /// A request for the object `unique_identifier`.
            pub fn new(unique_identifier: impl Into<String>) -> Self {
                Self { unique_identifier: Some(unique_identifier.into()) }
            }
        }

        impl $resp {
            /// A response for the object `unique_identifier`.
            pub fn new(unique_identifier: impl Into<String>) -> Self {
                Self { unique_identifier: unique_identifier.into() }
            }
        }
    )*};
}

uid_only! {
    (ActivateRequest, ActivateResponse,
        "Activate request payload (KMIP 1.4 §4.19, Table 210).",
        "Activate response payload (KMIP 1.4 §4.19, Table 211)."),
    (DestroyRequest, DestroyResponse,
        "Destroy request payload (KMIP 1.4 §4.21, Table 214).",
        "Destroy response payload (KMIP 1.4 §4.21, Table 215)."),
    (ArchiveRequest, ArchiveResponse,
        "Archive request payload (KMIP 1.4 §4.22, Table 216).",
        "Archive response payload (KMIP 1.4 §4.22, Table 217)."),
    (RecoverRequest, RecoverResponse,
        "Recover request payload (KMIP 1.4 §4.23, Table 218).",
        "Recover response payload (KMIP 1.4 §4.23, Table 219)."),
}

kmip_struct! {
    /// Revoke request payload (KMIP 1.4 §4.20, Table 212).
    pub struct RevokeRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Revocation Reason.
        req revocation_reason: RevocationReason => REVOCATION_REASON,
        /// Compromise Occurrence Date (for key or CA compromise only).
        opt compromise_occurrence_date: DateTime => COMPROMISE_OCCURRENCE_DATE,
    }
}

kmip_struct! {
    /// Revoke response payload (KMIP 1.4 §4.20, Table 213).
    pub struct RevokeResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
    }
}
