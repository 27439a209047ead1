//! Derive Key (KMIP 1.4 §4.6).

use crate::attributes::{CryptographicParameters, TemplateAttribute};
use crate::codec::Bytes;
use crate::enums::{DerivationMethod, ObjectType};
use crate::kmip_struct;

kmip_struct! {
    /// Derivation Parameters (KMIP 1.4 §4.6, Tables 182 and 183): which fields
    /// apply depends on the Derivation Method (Salt and Iteration Count for PBKDF2).
    #[derive(Default)]
    pub struct DerivationParameters {
        /// Cryptographic Parameters.
        opt cryptographic_parameters: CryptographicParameters => CRYPTOGRAPHIC_PARAMETERS,
        /// Initialization Vector.
        opt initialization_vector: Bytes => INITIALIZATION_VECTOR,
        /// Derivation Data.
        opt derivation_data: Bytes => DERIVATION_DATA,
        /// Salt (PBKDF2).
        opt salt: Bytes => SALT,
        /// Iteration Count (PBKDF2).
        opt iteration_count: i32 => ITERATION_COUNT,
    }
}

kmip_struct! {
    /// Derive Key request payload (KMIP 1.4 §4.6, Table 180).
    pub struct DeriveKeyRequest {
        /// Object Type to create.
        req object_type: ObjectType => OBJECT_TYPE,
        /// Unique Identifiers of the objects to derive from (one or more).
        vec unique_identifiers: String => UNIQUE_IDENTIFIER,
        /// Derivation Method.
        req derivation_method: DerivationMethod => DERIVATION_METHOD,
        /// Derivation Parameters.
        req derivation_parameters: DerivationParameters => DERIVATION_PARAMETERS,
        /// Template-Attribute.
        req template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Derive Key response payload (KMIP 1.4 §4.6, Table 181).
    pub struct DeriveKeyResponse {
        /// Unique Identifier of the derived object.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}
