//! Export and Import (KMIP 1.4 §4.40 and §4.41, since 1.4).

use keyward_ttlv::spec::tags;
use keyward_ttlv::{Tag, Ttlv};

use crate::attributes::Attribute;
use crate::codec::{FromTtlv, ModelError, StructReader, ToTtlv};
use crate::enums::{KeyCompressionType, KeyFormatType, KeyWrapType, ObjectType};
use crate::kmip_struct;
use crate::objects::{KeyWrappingSpecification, Object};

kmip_struct! {
    /// Export request payload (KMIP 1.4 §4.40, Table 251).
    #[derive(Default)]
    pub struct ExportRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Key Format Type to return.
        opt key_format_type: KeyFormatType => KEY_FORMAT_TYPE,
        /// Key Wrap Type.
        opt key_wrap_type: KeyWrapType => KEY_WRAP_TYPE,
        /// Key Compression Type for EC public keys.
        opt key_compression_type: KeyCompressionType => KEY_COMPRESSION_TYPE,
        /// Key Wrapping Specification.
        opt key_wrapping_specification: KeyWrappingSpecification => KEY_WRAPPING_SPECIFICATION,
    }
}

/// Export response payload (KMIP 1.4 §4.40, Table 252). The Object Type on
/// the wire is the object's, and is checked against it when decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportResponse {
    /// Unique Identifier.
    pub unique_identifier: String,
    /// All of the object's attributes.
    pub attributes: Vec<Attribute>,
    /// The object.
    pub object: Object,
}

impl ExportResponse {
    /// The Object Type.
    pub fn object_type(&self) -> ObjectType {
        self.object.object_type()
    }
}

impl ToTtlv for ExportResponse {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        let mut c = Vec::with_capacity(3 + self.attributes.len());
        c.push(self.object_type().to_ttlv(tags::OBJECT_TYPE));
        c.push(self.unique_identifier.into_ttlv(tags::UNIQUE_IDENTIFIER));
        c.extend(self.attributes.into_iter().map(|a| a.into_ttlv(tags::ATTRIBUTE)));
        c.push(self.object.into_ttlv());
        Ttlv::structure(tag, c)
    }
}

impl FromTtlv for ExportResponse {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut r = StructReader::new(item)?;
        let object_type = r.required(tags::OBJECT_TYPE)?;
        let unique_identifier = r.required(tags::UNIQUE_IDENTIFIER)?;
        let attributes = r.repeated(tags::ATTRIBUTE)?;
        let object = Object::read_typed(&mut r, object_type)?;
        r.finish()?;
        Ok(Self { unique_identifier, attributes, object })
    }
}

/// Import request payload (KMIP 1.4 §4.41, Table 253).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRequest {
    /// Unique Identifier to give the object.
    pub unique_identifier: String,
    /// Replace Existing: replace an object with the same identifier.
    pub replace_existing: Option<bool>,
    /// Key Wrap Type: Not Wrapped asks the server to unwrap before storing.
    pub key_wrap_type: Option<KeyWrapType>,
    /// All of the object's attributes.
    pub attributes: Vec<Attribute>,
    /// The object.
    pub object: Object,
}

impl ToTtlv for ImportRequest {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        let mut c = Vec::with_capacity(4 + self.attributes.len());
        c.push(self.unique_identifier.into_ttlv(tags::UNIQUE_IDENTIFIER));
        if let Some(v) = self.replace_existing {
            c.push(v.to_ttlv(tags::REPLACE_EXISTING));
        }
        if let Some(v) = self.key_wrap_type {
            c.push(v.to_ttlv(tags::KEY_WRAP_TYPE));
        }
        c.extend(self.attributes.into_iter().map(|a| a.into_ttlv(tags::ATTRIBUTE)));
        c.push(self.object.into_ttlv());
        Ttlv::structure(tag, c)
    }
}

impl FromTtlv for ImportRequest {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut r = StructReader::new(item)?;
        let import = Self {
            unique_identifier: r.required(tags::UNIQUE_IDENTIFIER)?,
            replace_existing: r.optional(tags::REPLACE_EXISTING)?,
            key_wrap_type: r.optional(tags::KEY_WRAP_TYPE)?,
            attributes: r.repeated(tags::ATTRIBUTE)?,
            object: Object::read(&mut r)?,
        };
        r.finish()?;
        Ok(import)
    }
}

kmip_struct! {
    /// Import response payload (KMIP 1.4 §4.41, Table 254).
    pub struct ImportResponse {
        /// Unique Identifier of the imported object.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
    }
}
