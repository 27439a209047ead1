//! Create Split Key and Join Split Key (KMIP 1.4 §4.38 and §4.39, since 1.2).

use crate::attributes::TemplateAttribute;
use crate::codec::BigInt;
use crate::enums::{ObjectType, SecretDataType, SplitKeyMethod};
use crate::kmip_struct;

kmip_struct! {
    /// Create Split Key request payload (KMIP 1.4 §4.38, Table 247).
    pub struct CreateSplitKeyRequest {
        /// Object Type of the key to split.
        req object_type: ObjectType => OBJECT_TYPE,
        /// Unique Identifier of an existing key to split.
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Split Key Parts.
        req split_key_parts: i32 => SPLIT_KEY_PARTS,
        /// Split Key Threshold.
        req split_key_threshold: i32 => SPLIT_KEY_THRESHOLD,
        /// Split Key Method.
        req split_key_method: SplitKeyMethod => SPLIT_KEY_METHOD,
        /// Prime Field Size.
        opt prime_field_size: BigInt => PRIME_FIELD_SIZE,
        /// Template-Attribute.
        req template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Create Split Key response payload (KMIP 1.4 §4.38, Table 248). KMIP 1.2
    /// also returned the Object Type first; 1.3 dropped it.
    pub struct CreateSplitKeyResponse {
        /// Object Type (KMIP 1.2 only).
        opt object_type: ObjectType => OBJECT_TYPE,
        /// Unique Identifiers of the parts.
        vec unique_identifiers: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Join Split Key request payload (KMIP 1.4 §4.39, Table 249).
    pub struct JoinSplitKeyRequest {
        /// Object Type to create.
        req object_type: ObjectType => OBJECT_TYPE,
        /// Unique Identifiers of the parts to join.
        vec unique_identifiers: String => UNIQUE_IDENTIFIER,
        /// Secret Data Type, when joining into Secret Data.
        opt secret_data_type: SecretDataType => SECRET_DATA_TYPE,
        /// Template-Attribute.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Join Split Key response payload (KMIP 1.4 §4.39, Table 250). KMIP 1.2
    /// also returned the Object Type first; 1.3 dropped it.
    pub struct JoinSplitKeyResponse {
        /// Object Type (KMIP 1.2 only).
        opt object_type: ObjectType => OBJECT_TYPE,
        /// Unique Identifier of the joined object.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}
