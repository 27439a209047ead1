//! Create, Create Key Pair and Register (KMIP 1.4 §4.1–§4.3).

use keyward_ttlv::spec::tags;
use keyward_ttlv::{Tag, Ttlv};

use crate::attributes::TemplateAttribute;
use crate::codec::{FromTtlv, ModelError, StructReader, ToTtlv};
use crate::enums::ObjectType;
use crate::kmip_struct;
use crate::objects::Object;

kmip_struct! {
    /// Create request payload (KMIP 1.4 §4.1, Table 163).
    pub struct CreateRequest {
        /// Object Type to create.
        req object_type: ObjectType => OBJECT_TYPE,
        /// Template-Attribute.
        req template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Create response payload (KMIP 1.4 §4.1, Table 164).
    pub struct CreateResponse {
        /// Object Type created.
        req object_type: ObjectType => OBJECT_TYPE,
        /// Unique Identifier of the new object.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Create Key Pair request payload (KMIP 1.4 §4.2, Table 166).
    #[derive(Default)]
    pub struct CreateKeyPairRequest {
        /// Common Template-Attribute.
        opt common_template_attribute: TemplateAttribute => COMMON_TEMPLATE_ATTRIBUTE,
        /// Private Key Template-Attribute.
        opt private_key_template_attribute: TemplateAttribute => PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        /// Public Key Template-Attribute.
        opt public_key_template_attribute: TemplateAttribute => PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Create Key Pair response payload (KMIP 1.4 §4.2, Table 167).
    pub struct CreateKeyPairResponse {
        /// Private Key Unique Identifier.
        req private_key_unique_identifier: String => PRIVATE_KEY_UNIQUE_IDENTIFIER,
        /// Public Key Unique Identifier.
        req public_key_unique_identifier: String => PUBLIC_KEY_UNIQUE_IDENTIFIER,
        /// Private key attributes set implicitly by the server.
        opt private_key_template_attribute: TemplateAttribute => PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        /// Public key attributes set implicitly by the server.
        opt public_key_template_attribute: TemplateAttribute => PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
    }
}

/// Register request payload (KMIP 1.4 §4.3, Table 169). The Object Type on
/// the wire is the object's, and is checked against it when decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRequest {
    /// Template-Attribute.
    pub template_attribute: TemplateAttribute,
    /// The object to register.
    pub object: Object,
}

impl RegisterRequest {
    /// The Object Type.
    pub fn object_type(&self) -> ObjectType {
        self.object.object_type()
    }
}

impl ToTtlv for RegisterRequest {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        Ttlv::structure(
            tag,
            vec![
                self.object_type().to_ttlv(tags::OBJECT_TYPE),
                self.template_attribute.into_ttlv(tags::TEMPLATE_ATTRIBUTE),
                self.object.into_ttlv(),
            ],
        )
    }
}

impl FromTtlv for RegisterRequest {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut r = StructReader::new(item)?;
        let object_type = r.required(tags::OBJECT_TYPE)?;
        let template_attribute = r.required(tags::TEMPLATE_ATTRIBUTE)?;
        let object = Object::read_typed(&mut r, object_type)?;
        r.finish()?;
        Ok(Self { template_attribute, object })
    }
}

kmip_struct! {
    /// Register response payload (KMIP 1.4 §4.3, Table 170).
    pub struct RegisterResponse {
        /// Unique Identifier of the registered object.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}
