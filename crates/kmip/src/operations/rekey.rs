//! Re-key and Re-key Key Pair (KMIP 1.4 §4.4 and §4.5).

use crate::attributes::TemplateAttribute;
use crate::codec::Interval;
use crate::kmip_struct;

kmip_struct! {
    /// Re-key request payload (KMIP 1.4 §4.4, Table 174).
    #[derive(Default)]
    pub struct ReKeyRequest {
        /// Unique Identifier of the key to replace (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Offset between the new key's Initial Date and Activation Date.
        opt offset: Interval => OFFSET,
        /// Template-Attribute.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Re-key response payload (KMIP 1.4 §4.4, Table 175).
    pub struct ReKeyResponse {
        /// Unique Identifier of the replacement key.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Re-key Key Pair request payload (KMIP 1.4 §4.5, Table 178; since 1.1).
    #[derive(Default)]
    pub struct ReKeyKeyPairRequest {
        /// Private Key Unique Identifier (ID Placeholder if absent).
        opt private_key_unique_identifier: String => PRIVATE_KEY_UNIQUE_IDENTIFIER,
        /// Offset between the new keys' Initial Date and Activation Date.
        opt offset: Interval => OFFSET,
        /// Common Template-Attribute.
        opt common_template_attribute: TemplateAttribute => COMMON_TEMPLATE_ATTRIBUTE,
        /// Private Key Template-Attribute.
        opt private_key_template_attribute: TemplateAttribute => PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        /// Public Key Template-Attribute.
        opt public_key_template_attribute: TemplateAttribute => PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Re-key Key Pair response payload (KMIP 1.4 §4.5, Table 179; since 1.1).
    pub struct ReKeyKeyPairResponse {
        /// Private Key Unique Identifier of the replacement.
        req private_key_unique_identifier: String => PRIVATE_KEY_UNIQUE_IDENTIFIER,
        /// Public Key Unique Identifier of the replacement.
        req public_key_unique_identifier: String => PUBLIC_KEY_UNIQUE_IDENTIFIER,
        /// Private key attributes set implicitly by the server.
        opt private_key_template_attribute: TemplateAttribute => PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        /// Public key attributes set implicitly by the server.
        opt public_key_template_attribute: TemplateAttribute => PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
    }
}
