//! Validate (KMIP 1.4 §4.24).

use crate::codec::DateTime;
use crate::enums::ValidityIndicator;
use crate::kmip_struct;
use crate::objects::Certificate;

kmip_struct! {
    /// Validate request payload (KMIP 1.4 §4.24, Table 220).
    #[derive(Default)]
    pub struct ValidateRequest {
        /// Certificates of the chain.
        vec certificates: Certificate => CERTIFICATE,
        /// Unique Identifiers of certificates of the chain.
        vec unique_identifiers: String => UNIQUE_IDENTIFIER,
        /// Validity Date (now when absent).
        opt validity_date: DateTime => VALIDITY_DATE,
    }
}

kmip_struct! {
    /// Validate response payload (KMIP 1.4 §4.24, Table 221).
    pub struct ValidateResponse {
        /// Validity Indicator.
        req validity_indicator: ValidityIndicator => VALIDITY_INDICATOR,
    }
}
