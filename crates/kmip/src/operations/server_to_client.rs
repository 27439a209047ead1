//! Notify and Put, sent by the server to the client (KMIP 1.4 §5.1 and §5.2).

use keyward_ttlv::spec::tags;
use keyward_ttlv::{Tag, Ttlv};

use crate::attributes::{Attribute, AttributeValue, read_attribute, write_attribute};
use crate::codec::{FromTtlv, ModelError, ToTtlv};
use crate::enums::PutFunction;
use crate::kmip_struct;
use crate::objects::Object;

/// An attribute in a Notify message (KMIP 1.4 §5.1): without a value when the
/// attribute was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyAttribute {
    /// Attribute Name, exactly as received.
    pub name: String,
    /// Attribute Index.
    pub index: Option<i32>,
    /// Attribute Value; `None` for a deleted attribute.
    pub value: Option<AttributeValue>,
}

impl From<Attribute> for NotifyAttribute {
    fn from(a: Attribute) -> Self {
        Self { name: a.name, index: a.index, value: Some(a.value) }
    }
}

impl ToTtlv for NotifyAttribute {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        write_attribute(
            tag,
            self.name.clone(),
            self.index,
            self.value.as_ref().map(|v| v.to_ttlv()),
        )
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        write_attribute(tag, self.name, self.index, self.value.map(AttributeValue::into_ttlv))
    }
}

impl FromTtlv for NotifyAttribute {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let (name, index, value, reader) = read_attribute(item)?;
        reader.finish()?;
        Ok(Self { name, index, value })
    }
}

kmip_struct! {
    /// Notify message payload (KMIP 1.4 §5.1, Table 255).
    pub struct NotifyRequest {
        /// Unique Identifier of the changed object.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// The attributes that changed.
        vec attributes: NotifyAttribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// The client's (empty) response payload to Notify.
    #[derive(Default)]
    pub struct NotifyResponse {}
}

/// Put message payload (KMIP 1.4 §5.2, Table 256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutRequest {
    /// Unique Identifier of the object.
    pub unique_identifier: String,
    /// Put Function.
    pub put_function: PutFunction,
    /// Replaced Unique Identifier (with the Replace function).
    pub replaced_unique_identifier: Option<String>,
    /// The object.
    pub object: Object,
    /// Additional attributes.
    pub attributes: Vec<Attribute>,
}

impl ToTtlv for PutRequest {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        let mut c = Vec::with_capacity(4 + self.attributes.len());
        c.push(self.unique_identifier.into_ttlv(tags::UNIQUE_IDENTIFIER));
        c.push(self.put_function.to_ttlv(tags::PUT_FUNCTION));
        if let Some(r) = self.replaced_unique_identifier {
            c.push(r.into_ttlv(tags::REPLACED_UNIQUE_IDENTIFIER));
        }
        c.push(self.object.into_ttlv());
        c.extend(self.attributes.into_iter().map(|a| a.into_ttlv(tags::ATTRIBUTE)));
        Ttlv::structure(tag, c)
    }
}

impl FromTtlv for PutRequest {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut r = crate::codec::StructReader::new(item)?;
        let put = Self {
            unique_identifier: r.required(tags::UNIQUE_IDENTIFIER)?,
            put_function: r.required(tags::PUT_FUNCTION)?,
            replaced_unique_identifier: r.optional(tags::REPLACED_UNIQUE_IDENTIFIER)?,
            object: Object::read(&mut r)?,
            attributes: r.repeated(tags::ATTRIBUTE)?,
        };
        r.finish()?;
        Ok(put)
    }
}

kmip_struct! {
    /// The client's (empty) response payload to Put.
    #[derive(Default)]
    pub struct PutResponse {}
}
