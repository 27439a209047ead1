//! Get Attributes, Get Attribute List, Add, Modify and Delete Attribute
//! (KMIP 1.4 §4.12–§4.16).

use crate::attributes::Attribute;
use crate::kmip_struct;

kmip_struct! {
    /// Get Attributes request payload (KMIP 1.4 §4.12, Table 196).
    #[derive(Default)]
    pub struct GetAttributesRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Names of the attributes wanted (all when empty).
        vec attribute_names: String => ATTRIBUTE_NAME,
    }
}

kmip_struct! {
    /// Get Attributes response payload (KMIP 1.4 §4.12, Table 197).
    pub struct GetAttributesResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attributes found.
        vec attributes: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Get Attribute List request payload (KMIP 1.4 §4.13, Table 198).
    #[derive(Default)]
    pub struct GetAttributeListRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
    }
}

kmip_struct! {
    /// Get Attribute List response payload (KMIP 1.4 §4.13, Table 199).
    pub struct GetAttributeListResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Names of the object's attributes.
        vec attribute_names: String => ATTRIBUTE_NAME,
    }
}

kmip_struct! {
    /// Add Attribute request payload (KMIP 1.4 §4.14, Table 200).
    pub struct AddAttributeRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attribute to add.
        req attribute: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Add Attribute response payload (KMIP 1.4 §4.14, Table 201).
    pub struct AddAttributeResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attribute added (with its index).
        req attribute: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Modify Attribute request payload (KMIP 1.4 §4.15, Table 202).
    pub struct ModifyAttributeRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attribute with its new value.
        req attribute: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Modify Attribute response payload (KMIP 1.4 §4.15, Table 203).
    pub struct ModifyAttributeResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attribute with its new value.
        req attribute: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Delete Attribute request payload (KMIP 1.4 §4.16, Table 204).
    pub struct DeleteAttributeRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Name of the attribute to delete.
        req attribute_name: String => ATTRIBUTE_NAME,
        /// Attribute Index of the instance to delete (0 when absent).
        opt attribute_index: i32 => ATTRIBUTE_INDEX,
    }
}

kmip_struct! {
    /// Delete Attribute response payload (KMIP 1.4 §4.16, Table 205).
    pub struct DeleteAttributeResponse {
        /// Unique Identifier.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attribute deleted.
        req attribute: Attribute => ATTRIBUTE,
    }
}
