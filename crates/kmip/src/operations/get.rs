//! Get (KMIP 1.4 §4.11).

use keyward_ttlv::spec::tags;
use keyward_ttlv::{Tag, Ttlv};

use crate::codec::{FromTtlv, ModelError, StructReader, ToTtlv};
use crate::enums::{KeyCompressionType, KeyFormatType, KeyWrapType, ObjectType};
use crate::kmip_struct;
use crate::objects::{KeyWrappingSpecification, Object};

kmip_struct! {
    /// Get request payload (KMIP 1.4 §4.11, Table 194).
    #[derive(Default)]
    pub struct GetRequest {
        /// Unique Identifier (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Key Format Type to return.
        opt key_format_type: KeyFormatType => KEY_FORMAT_TYPE,
        /// Key Wrap Type (1.4).
        opt key_wrap_type: KeyWrapType => KEY_WRAP_TYPE,
        /// Key Compression Type for EC public keys.
        opt key_compression_type: KeyCompressionType => KEY_COMPRESSION_TYPE,
        /// Key Wrapping Specification, to return the key wrapped.
        opt key_wrapping_specification: KeyWrappingSpecification => KEY_WRAPPING_SPECIFICATION,
    }
}

/// Get response payload (KMIP 1.4 §4.11, Table 195). The Object Type on the
/// wire is the object's, and is checked against it when decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetResponse {
    /// Unique Identifier.
    pub unique_identifier: String,
    /// The object.
    pub object: Object,
}

impl GetResponse {
    /// The Object Type.
    pub fn object_type(&self) -> ObjectType {
        self.object.object_type()
    }
}

impl ToTtlv for GetResponse {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        Ttlv::structure(
            tag,
            vec![
                self.object_type().to_ttlv(tags::OBJECT_TYPE),
                self.unique_identifier.into_ttlv(tags::UNIQUE_IDENTIFIER),
                self.object.into_ttlv(),
            ],
        )
    }
}

impl FromTtlv for GetResponse {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut r = StructReader::new(item)?;
        let object_type = r.required(tags::OBJECT_TYPE)?;
        let unique_identifier = r.required(tags::UNIQUE_IDENTIFIER)?;
        let object = Object::read_typed(&mut r, object_type)?;
        r.finish()?;
        Ok(Self { unique_identifier, object })
    }
}
