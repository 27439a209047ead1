//! Managed objects and the key block (KMIP 1.4 §2.1.3–§2.1.7 and §2.2).
//!
//! A [`KeyBlock`]'s [`KeyValue`] is either a wrapped Byte String or a plain
//! structure whose [`KeyMaterial`] is a Byte String or a transparent structure
//! chosen by the Key Format Type that precedes it. Key material (Byte Strings
//! and Big Integers) moves from the decoded TTLV into the model without a copy
//! and is wiped from memory on drop.

use keyward_ttlv::spec::tags;
use keyward_ttlv::{ItemType, Tag, Ttlv, Value};

use crate::attributes::{Attribute, CryptographicParameters};
use crate::codec::{BigInt, Bytes, FromTtlv, ModelError, StructReader, ToTtlv, wrong_type};
use crate::enums::*;
use crate::kmip_struct;

kmip_struct! {
    /// Encryption Key Information (KMIP 1.4 §2.1.5).
    pub struct EncryptionKeyInformation {
        /// Unique Identifier of the wrapping key.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Cryptographic Parameters.
        opt cryptographic_parameters: CryptographicParameters => CRYPTOGRAPHIC_PARAMETERS,
    }
}

kmip_struct! {
    /// MAC/Signature Key Information (KMIP 1.4 §2.1.5).
    pub struct MacSignatureKeyInformation {
        /// Unique Identifier of the MAC or signing key.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Cryptographic Parameters.
        opt cryptographic_parameters: CryptographicParameters => CRYPTOGRAPHIC_PARAMETERS,
    }
}

kmip_struct! {
    /// Key Wrapping Data (KMIP 1.4 §2.1.5): how a wrapped Key Value was wrapped.
    pub struct KeyWrappingData {
        /// Wrapping Method.
        req wrapping_method: WrappingMethod => WRAPPING_METHOD,
        /// Encryption Key Information.
        opt encryption_key_information: EncryptionKeyInformation => ENCRYPTION_KEY_INFORMATION,
        /// MAC/Signature Key Information.
        opt mac_signature_key_information: MacSignatureKeyInformation => MAC_SIGNATURE_KEY_INFORMATION,
        /// MAC/Signature.
        opt mac_signature: Bytes => MAC_SIGNATURE,
        /// IV/Counter/Nonce.
        opt iv_counter_nonce: Bytes => IV_COUNTER_NONCE,
        /// Encoding Option (1.1).
        opt encoding_option: EncodingOption => ENCODING_OPTION,
    }
}

kmip_struct! {
    /// Key Wrapping Specification (KMIP 1.4 §2.1.6): how the server should wrap
    /// a returned key.
    pub struct KeyWrappingSpecification {
        /// Wrapping Method.
        req wrapping_method: WrappingMethod => WRAPPING_METHOD,
        /// Encryption Key Information.
        opt encryption_key_information: EncryptionKeyInformation => ENCRYPTION_KEY_INFORMATION,
        /// MAC/Signature Key Information.
        opt mac_signature_key_information: MacSignatureKeyInformation => MAC_SIGNATURE_KEY_INFORMATION,
        /// Names of the attributes to wrap with the key value.
        vec attribute_names: String => ATTRIBUTE_NAME,
        /// Encoding Option (1.1).
        opt encoding_option: EncodingOption => ENCODING_OPTION,
    }
}

kmip_struct! {
    /// Transparent Symmetric Key material (KMIP 1.4 §2.1.7.1).
    pub struct TransparentSymmetricKey {
        /// Key.
        req key: Bytes => KEY,
    }
}

kmip_struct! {
    /// Transparent DSA Private Key material (KMIP 1.4 §2.1.7.2).
    pub struct TransparentDsaPrivateKey {
        /// P.
        req p: BigInt => P,
        /// Q.
        req q: BigInt => Q,
        /// G.
        req g: BigInt => G,
        /// X.
        req x: BigInt => X,
    }
}

kmip_struct! {
    /// Transparent DSA Public Key material (KMIP 1.4 §2.1.7.3).
    pub struct TransparentDsaPublicKey {
        /// P.
        req p: BigInt => P,
        /// Q.
        req q: BigInt => Q,
        /// G.
        req g: BigInt => G,
        /// Y.
        req y: BigInt => Y,
    }
}

kmip_struct! {
    /// Transparent RSA Private Key material (KMIP 1.4 §2.1.7.4).
    pub struct TransparentRsaPrivateKey {
        /// Modulus.
        req modulus: BigInt => MODULUS,
        /// Private Exponent.
        opt private_exponent: BigInt => PRIVATE_EXPONENT,
        /// Public Exponent.
        opt public_exponent: BigInt => PUBLIC_EXPONENT,
        /// P.
        opt p: BigInt => P,
        /// Q.
        opt q: BigInt => Q,
        /// Prime Exponent P.
        opt prime_exponent_p: BigInt => PRIME_EXPONENT_P,
        /// Prime Exponent Q.
        opt prime_exponent_q: BigInt => PRIME_EXPONENT_Q,
        /// CRT Coefficient.
        opt crt_coefficient: BigInt => CRT_COEFFICIENT,
    }
}

kmip_struct! {
    /// Transparent RSA Public Key material (KMIP 1.4 §2.1.7.5).
    pub struct TransparentRsaPublicKey {
        /// Modulus.
        req modulus: BigInt => MODULUS,
        /// Public Exponent.
        req public_exponent: BigInt => PUBLIC_EXPONENT,
    }
}

kmip_struct! {
    /// Transparent DH Private Key material (KMIP 1.4 §2.1.7.6).
    pub struct TransparentDhPrivateKey {
        /// P.
        req p: BigInt => P,
        /// Q.
        opt q: BigInt => Q,
        /// G.
        req g: BigInt => G,
        /// J.
        opt j: BigInt => J,
        /// X.
        req x: BigInt => X,
    }
}

kmip_struct! {
    /// Transparent DH Public Key material (KMIP 1.4 §2.1.7.7).
    pub struct TransparentDhPublicKey {
        /// P.
        req p: BigInt => P,
        /// Q.
        opt q: BigInt => Q,
        /// G.
        req g: BigInt => G,
        /// J.
        opt j: BigInt => J,
        /// Y.
        req y: BigInt => Y,
    }
}

kmip_struct! {
    /// Transparent EC private key material: the shape shared by Transparent
    /// ECDSA, ECDH, ECMQV (KMIP 1.4 §2.1.7.8–.12) and EC (§2.1.7.14) private keys.
    pub struct TransparentEcPrivateKey {
        /// Recommended Curve.
        req recommended_curve: RecommendedCurve => RECOMMENDED_CURVE,
        /// D.
        req d: BigInt => D,
    }
}

kmip_struct! {
    /// Transparent EC public key material: the shape shared by Transparent
    /// ECDSA, ECDH, ECMQV (KMIP 1.4 §2.1.7.9–.13) and EC (§2.1.7.15) public keys.
    pub struct TransparentEcPublicKey {
        /// Recommended Curve.
        req recommended_curve: RecommendedCurve => RECOMMENDED_CURVE,
        /// Q String.
        req q_string: Bytes => Q_STRING,
    }
}

/// Key Material (KMIP 1.4 §2.1.4): a Byte String or a transparent structure,
/// as the Key Format Type of the enclosing [`KeyBlock`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// Raw, Opaque, PKCS#1, PKCS#8, X.509, ECPrivateKey, PKCS#12 or extension
    /// format bytes.
    Bytes(Bytes),
    /// Transparent Symmetric Key.
    TransparentSymmetric(TransparentSymmetricKey),
    /// Transparent DSA Private Key.
    TransparentDsaPrivate(Box<TransparentDsaPrivateKey>),
    /// Transparent DSA Public Key.
    TransparentDsaPublic(Box<TransparentDsaPublicKey>),
    /// Transparent RSA Private Key.
    TransparentRsaPrivate(Box<TransparentRsaPrivateKey>),
    /// Transparent RSA Public Key.
    TransparentRsaPublic(Box<TransparentRsaPublicKey>),
    /// Transparent DH Private Key.
    TransparentDhPrivate(Box<TransparentDhPrivateKey>),
    /// Transparent DH Public Key.
    TransparentDhPublic(Box<TransparentDhPublicKey>),
    /// Transparent ECDSA, ECDH, ECMQV or EC Private Key.
    TransparentEcPrivate(Box<TransparentEcPrivateKey>),
    /// Transparent ECDSA, ECDH, ECMQV or EC Public Key.
    TransparentEcPublic(Box<TransparentEcPublicKey>),
    /// Material of an extension Key Format Type that is not a Byte String,
    /// kept as received.
    Other(Value),
}

impl KeyMaterial {
    /// Decodes the Key Material `item` of a key in `format`.
    pub fn decode(format: KeyFormatType, item: Ttlv) -> Result<Self, ModelError> {
        use KeyFormatType as F;
        Ok(match format {
            F::Raw | F::Opaque | F::PKCS1 | F::PKCS8 | F::X509 | F::ECPrivateKey | F::PKCS12 => {
                Self::Bytes(Bytes::from_ttlv(item)?)
            }
            F::TransparentSymmetricKey => Self::TransparentSymmetric(FromTtlv::from_ttlv(item)?),
            F::TransparentDSAPrivateKey => Self::TransparentDsaPrivate(FromTtlv::from_ttlv(item)?),
            F::TransparentDSAPublicKey => Self::TransparentDsaPublic(FromTtlv::from_ttlv(item)?),
            F::TransparentRSAPrivateKey => Self::TransparentRsaPrivate(FromTtlv::from_ttlv(item)?),
            F::TransparentRSAPublicKey => Self::TransparentRsaPublic(FromTtlv::from_ttlv(item)?),
            F::TransparentDHPrivateKey => Self::TransparentDhPrivate(FromTtlv::from_ttlv(item)?),
            F::TransparentDHPublicKey => Self::TransparentDhPublic(FromTtlv::from_ttlv(item)?),
            F::TransparentECDSAPrivateKey
            | F::TransparentECDHPrivateKey
            | F::TransparentECMQVPrivateKey
            | F::TransparentECPrivateKey => Self::TransparentEcPrivate(FromTtlv::from_ttlv(item)?),
            F::TransparentECDSAPublicKey
            | F::TransparentECDHPublicKey
            | F::TransparentECMQVPublicKey
            | F::TransparentECPublicKey => Self::TransparentEcPublic(FromTtlv::from_ttlv(item)?),
            F::Extension(_) => match item.value {
                Value::ByteString(bytes) => Self::Bytes(Bytes(bytes)),
                other => Self::Other(other),
            },
        })
    }

    /// The material as a Key Material item.
    pub fn to_ttlv(&self) -> Ttlv {
        self.clone().into_ttlv()
    }

    /// The material as a Key Material item, moving the key bytes.
    pub fn into_ttlv(self) -> Ttlv {
        let tag = tags::KEY_MATERIAL;
        match self {
            Self::Bytes(b) => b.into_ttlv(tag),
            Self::TransparentSymmetric(k) => k.into_ttlv(tag),
            Self::TransparentDsaPrivate(k) => k.into_ttlv(tag),
            Self::TransparentDsaPublic(k) => k.into_ttlv(tag),
            Self::TransparentRsaPrivate(k) => k.into_ttlv(tag),
            Self::TransparentRsaPublic(k) => k.into_ttlv(tag),
            Self::TransparentDhPrivate(k) => k.into_ttlv(tag),
            Self::TransparentDhPublic(k) => k.into_ttlv(tag),
            Self::TransparentEcPrivate(k) => k.into_ttlv(tag),
            Self::TransparentEcPublic(k) => k.into_ttlv(tag),
            Self::Other(v) => Ttlv::new(tag, v),
        }
    }
}

/// Key Value (KMIP 1.4 §2.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    /// A wrapped (or otherwise encoded) key value: a Byte String, described by
    /// the Key Block's [`KeyWrappingData`].
    Wrapped(Bytes),
    /// A plaintext key value: its material and, in KMIP 1.x, optional attributes.
    Plain {
        /// Key Material.
        key_material: KeyMaterial,
        /// Attributes bound to the key value (1.x). Some clients (Veeam) fail
        /// on any: servers should leave this empty.
        attributes: Vec<Attribute>,
    },
}

impl KeyValue {
    /// A plaintext key value with no attributes.
    pub fn plain(key_material: KeyMaterial) -> Self {
        Self::Plain { key_material, attributes: Vec::new() }
    }

    /// Decodes the Key Value `item` of a key in `format`.
    pub fn decode(format: KeyFormatType, item: Ttlv) -> Result<Self, ModelError> {
        match item.item_type() {
            ItemType::ByteString => Ok(Self::Wrapped(Bytes::from_ttlv(item)?)),
            ItemType::Structure => {
                let mut reader = StructReader::new(item)?;
                let material = reader
                    .take_if(tags::KEY_MATERIAL)
                    .ok_or_else(|| reader.missing(tags::KEY_MATERIAL))?;
                let key_material = KeyMaterial::decode(format, material)?;
                let attributes = reader.repeated(tags::ATTRIBUTE)?;
                reader.finish()?;
                Ok(Self::Plain { key_material, attributes })
            }
            _ => Err(wrong_type(&item, ItemType::Structure)),
        }
    }

    /// The value as a Key Value item.
    pub fn to_ttlv(&self) -> Ttlv {
        self.clone().into_ttlv()
    }

    /// The value as a Key Value item, moving the key bytes.
    pub fn into_ttlv(self) -> Ttlv {
        match self {
            Self::Wrapped(bytes) => bytes.into_ttlv(tags::KEY_VALUE),
            Self::Plain { key_material, attributes } => {
                let mut children = Vec::with_capacity(1 + attributes.len());
                children.push(key_material.into_ttlv());
                children.extend(attributes.into_iter().map(|a| a.into_ttlv(tags::ATTRIBUTE)));
                Ttlv::structure(tags::KEY_VALUE, children)
            }
        }
    }
}

/// Key Block (KMIP 1.4 §2.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBlock {
    /// Key Format Type.
    pub key_format_type: KeyFormatType,
    /// Key Compression Type.
    pub key_compression_type: Option<KeyCompressionType>,
    /// Key Value (absent when the server does not hold it, 1.2's Key Value Present).
    pub key_value: Option<KeyValue>,
    /// Cryptographic Algorithm (absent for Secret Data and Opaque keys).
    pub cryptographic_algorithm: Option<CryptographicAlgorithm>,
    /// Cryptographic Length.
    pub cryptographic_length: Option<i32>,
    /// Key Wrapping Data, present when the Key Value is wrapped (boxed: it
    /// is large and seldom there).
    pub key_wrapping_data: Option<Box<KeyWrappingData>>,
}

impl KeyBlock {
    /// A key block holding plaintext `key_material` in `format`.
    pub fn new(
        format: KeyFormatType,
        key_material: KeyMaterial,
        algorithm: Option<CryptographicAlgorithm>,
        length: Option<i32>,
    ) -> Self {
        Self {
            key_format_type: format,
            key_compression_type: None,
            key_value: Some(KeyValue::plain(key_material)),
            cryptographic_algorithm: algorithm,
            cryptographic_length: length,
            key_wrapping_data: None,
        }
    }

    /// The plaintext key material, if the key value is present and not wrapped.
    pub fn key_material(&self) -> Option<&KeyMaterial> {
        match &self.key_value {
            Some(KeyValue::Plain { key_material, .. }) => Some(key_material),
            _ => None,
        }
    }
}

impl ToTtlv for KeyBlock {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        let mut children = Vec::with_capacity(6);
        children.push(self.key_format_type.to_ttlv(tags::KEY_FORMAT_TYPE));
        if let Some(v) = self.key_compression_type {
            children.push(v.to_ttlv(tags::KEY_COMPRESSION_TYPE));
        }
        if let Some(v) = self.key_value {
            children.push(v.into_ttlv());
        }
        if let Some(v) = self.cryptographic_algorithm {
            children.push(v.to_ttlv(tags::CRYPTOGRAPHIC_ALGORITHM));
        }
        if let Some(v) = self.cryptographic_length {
            children.push(v.to_ttlv(tags::CRYPTOGRAPHIC_LENGTH));
        }
        if let Some(v) = self.key_wrapping_data {
            children.push(v.into_ttlv(tags::KEY_WRAPPING_DATA));
        }
        Ttlv::structure(tag, children)
    }
}

impl FromTtlv for KeyBlock {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut reader = StructReader::new(item)?;
        let key_format_type: KeyFormatType = reader.required(tags::KEY_FORMAT_TYPE)?;
        let key_compression_type = reader.optional(tags::KEY_COMPRESSION_TYPE)?;
        let key_value = match reader.take_if(tags::KEY_VALUE) {
            Some(item) => Some(KeyValue::decode(key_format_type, item)?),
            None => None,
        };
        let block = Self {
            key_format_type,
            key_compression_type,
            key_value,
            cryptographic_algorithm: reader.optional(tags::CRYPTOGRAPHIC_ALGORITHM)?,
            cryptographic_length: reader.optional(tags::CRYPTOGRAPHIC_LENGTH)?,
            key_wrapping_data: reader.optional(tags::KEY_WRAPPING_DATA)?,
        };
        reader.finish()?;
        Ok(block)
    }
}

kmip_struct! {
    /// Certificate (KMIP 1.4 §2.2.1).
    pub struct Certificate {
        /// Certificate Type.
        req certificate_type: CertificateType => CERTIFICATE_TYPE,
        /// Certificate Value (DER for X.509).
        req certificate_value: Bytes => CERTIFICATE_VALUE,
    }
}

kmip_struct! {
    /// Symmetric Key (KMIP 1.4 §2.2.2).
    pub struct SymmetricKey {
        /// Key Block.
        req key_block: KeyBlock => KEY_BLOCK,
    }
}

kmip_struct! {
    /// Public Key (KMIP 1.4 §2.2.3).
    pub struct PublicKey {
        /// Key Block.
        req key_block: KeyBlock => KEY_BLOCK,
    }
}

kmip_struct! {
    /// Private Key (KMIP 1.4 §2.2.4).
    pub struct PrivateKey {
        /// Key Block.
        req key_block: KeyBlock => KEY_BLOCK,
    }
}

kmip_struct! {
    /// Split Key (KMIP 1.4 §2.2.5).
    pub struct SplitKey {
        /// Split Key Parts (total number of parts).
        req split_key_parts: i32 => SPLIT_KEY_PARTS,
        /// Key Part Identifier (this part's number).
        req key_part_identifier: i32 => KEY_PART_IDENTIFIER,
        /// Split Key Threshold.
        req split_key_threshold: i32 => SPLIT_KEY_THRESHOLD,
        /// Split Key Method.
        req split_key_method: SplitKeyMethod => SPLIT_KEY_METHOD,
        /// Prime Field Size (Polynomial Sharing Prime Field only).
        opt prime_field_size: BigInt => PRIME_FIELD_SIZE,
        /// Key Block.
        req key_block: KeyBlock => KEY_BLOCK,
    }
}

kmip_struct! {
    /// Template (KMIP 1.4 §2.2.6; deprecated since 1.3).
    pub struct Template {
        /// Attributes.
        vec attributes: Attribute => ATTRIBUTE,
    }
}

kmip_struct! {
    /// Secret Data (KMIP 1.4 §2.2.7).
    pub struct SecretData {
        /// Secret Data Type.
        req secret_data_type: SecretDataType => SECRET_DATA_TYPE,
        /// Key Block.
        req key_block: KeyBlock => KEY_BLOCK,
    }
}

kmip_struct! {
    /// Opaque Object (KMIP 1.4 §2.2.8).
    pub struct OpaqueObject {
        /// Opaque Data Type.
        req opaque_data_type: OpaqueDataType => OPAQUE_DATA_TYPE,
        /// Opaque Data Value.
        req opaque_data_value: Bytes => OPAQUE_DATA_VALUE,
    }
}

kmip_struct! {
    /// PGP Key (KMIP 1.4 §2.2.9, since 1.2).
    pub struct PgpKey {
        /// PGP Key Version.
        req pgp_key_version: i32 => PGP_KEY_VERSION,
        /// Key Block.
        req key_block: KeyBlock => KEY_BLOCK,
    }
}

/// A Managed Object (KMIP 1.4 §2.2), carried in Register, Get, Put, Import and
/// Export payloads under its own tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// Certificate.
    Certificate(Certificate),
    /// Symmetric Key.
    SymmetricKey(SymmetricKey),
    /// Public Key.
    PublicKey(PublicKey),
    /// Private Key.
    PrivateKey(PrivateKey),
    /// Split Key.
    SplitKey(SplitKey),
    /// Template (deprecated since 1.3).
    Template(Template),
    /// Secret Data.
    SecretData(SecretData),
    /// Opaque Object.
    OpaqueObject(OpaqueObject),
    /// PGP Key.
    PgpKey(PgpKey),
}

impl Object {
    /// The object's type.
    pub fn object_type(&self) -> ObjectType {
        match self {
            Self::Certificate(_) => ObjectType::Certificate,
            Self::SymmetricKey(_) => ObjectType::SymmetricKey,
            Self::PublicKey(_) => ObjectType::PublicKey,
            Self::PrivateKey(_) => ObjectType::PrivateKey,
            Self::SplitKey(_) => ObjectType::SplitKey,
            Self::Template(_) => ObjectType::Template,
            Self::SecretData(_) => ObjectType::SecretData,
            Self::OpaqueObject(_) => ObjectType::OpaqueObject,
            Self::PgpKey(_) => ObjectType::PGPKey,
        }
    }

    /// The tag the object is carried under.
    pub fn tag(&self) -> Tag {
        match self {
            Self::Certificate(_) => tags::CERTIFICATE,
            Self::SymmetricKey(_) => tags::SYMMETRIC_KEY,
            Self::PublicKey(_) => tags::PUBLIC_KEY,
            Self::PrivateKey(_) => tags::PRIVATE_KEY,
            Self::SplitKey(_) => tags::SPLIT_KEY,
            Self::Template(_) => tags::TEMPLATE,
            Self::SecretData(_) => tags::SECRET_DATA,
            Self::OpaqueObject(_) => tags::OPAQUE_OBJECT,
            Self::PgpKey(_) => tags::PGP_KEY,
        }
    }

    /// True if `tag` is the tag of a managed object.
    pub fn is_object_tag(tag: Tag) -> bool {
        [
            tags::CERTIFICATE,
            tags::SYMMETRIC_KEY,
            tags::PUBLIC_KEY,
            tags::PRIVATE_KEY,
            tags::SPLIT_KEY,
            tags::TEMPLATE,
            tags::SECRET_DATA,
            tags::OPAQUE_OBJECT,
            tags::PGP_KEY,
        ]
        .contains(&tag)
    }

    /// The object's key block, for the kinds that have one.
    pub fn key_block(&self) -> Option<&KeyBlock> {
        match self {
            Self::SymmetricKey(o) => Some(&o.key_block),
            Self::PublicKey(o) => Some(&o.key_block),
            Self::PrivateKey(o) => Some(&o.key_block),
            Self::SplitKey(o) => Some(&o.key_block),
            Self::SecretData(o) => Some(&o.key_block),
            Self::PgpKey(o) => Some(&o.key_block),
            Self::Certificate(_) | Self::Template(_) | Self::OpaqueObject(_) => None,
        }
    }

    /// The object's key block, mutably.
    pub fn key_block_mut(&mut self) -> Option<&mut KeyBlock> {
        match self {
            Self::SymmetricKey(o) => Some(&mut o.key_block),
            Self::PublicKey(o) => Some(&mut o.key_block),
            Self::PrivateKey(o) => Some(&mut o.key_block),
            Self::SplitKey(o) => Some(&mut o.key_block),
            Self::SecretData(o) => Some(&mut o.key_block),
            Self::PgpKey(o) => Some(&mut o.key_block),
            Self::Certificate(_) | Self::Template(_) | Self::OpaqueObject(_) => None,
        }
    }

    /// The object as an item under its own tag.
    pub fn to_ttlv(&self) -> Ttlv {
        self.clone().into_ttlv()
    }

    /// The object as an item under its own tag, moving the key bytes.
    pub fn into_ttlv(self) -> Ttlv {
        let tag = self.tag();
        match self {
            Self::Certificate(o) => o.into_ttlv(tag),
            Self::SymmetricKey(o) => o.into_ttlv(tag),
            Self::PublicKey(o) => o.into_ttlv(tag),
            Self::PrivateKey(o) => o.into_ttlv(tag),
            Self::SplitKey(o) => o.into_ttlv(tag),
            Self::Template(o) => o.into_ttlv(tag),
            Self::SecretData(o) => o.into_ttlv(tag),
            Self::OpaqueObject(o) => o.into_ttlv(tag),
            Self::PgpKey(o) => o.into_ttlv(tag),
        }
    }

    /// Decodes an object; the item's tag says which kind.
    pub fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        Ok(match item.tag {
            t if t == tags::CERTIFICATE => Self::Certificate(FromTtlv::from_ttlv(item)?),
            t if t == tags::SYMMETRIC_KEY => Self::SymmetricKey(FromTtlv::from_ttlv(item)?),
            t if t == tags::PUBLIC_KEY => Self::PublicKey(FromTtlv::from_ttlv(item)?),
            t if t == tags::PRIVATE_KEY => Self::PrivateKey(FromTtlv::from_ttlv(item)?),
            t if t == tags::SPLIT_KEY => Self::SplitKey(FromTtlv::from_ttlv(item)?),
            t if t == tags::TEMPLATE => Self::Template(FromTtlv::from_ttlv(item)?),
            t if t == tags::SECRET_DATA => Self::SecretData(FromTtlv::from_ttlv(item)?),
            t if t == tags::OPAQUE_OBJECT => Self::OpaqueObject(FromTtlv::from_ttlv(item)?),
            t if t == tags::PGP_KEY => Self::PgpKey(FromTtlv::from_ttlv(item)?),
            other => {
                return Err(ModelError::InvalidValue {
                    tag: other,
                    reason: "expected a managed object (Certificate, Symmetric Key, …)".into(),
                });
            }
        })
    }

    /// Reads the managed object that must come next in `reader`.
    pub(crate) fn read(reader: &mut StructReader) -> Result<Self, ModelError> {
        match reader.peek_tag() {
            Some(tag) if Self::is_object_tag(tag) => match reader.take_any() {
                Some(item) => Self::from_ttlv(item),
                None => Err(missing_object(reader.tag())),
            },
            _ => Err(missing_object(reader.tag())),
        }
    }

    /// Reads a managed object and checks it against the Object Type read before it.
    pub(crate) fn read_typed(
        reader: &mut StructReader,
        object_type: ObjectType,
    ) -> Result<Self, ModelError> {
        let object = Self::read(reader)?;
        if object.object_type() != object_type {
            return Err(ModelError::InvalidValue {
                tag: tags::OBJECT_TYPE,
                reason: format!(
                    "the Object Type ({object_type:?}) does not match the object ({:?})",
                    object.object_type()
                ),
            });
        }
        Ok(object)
    }
}

fn missing_object(parent: Tag) -> ModelError {
    ModelError::InvalidValue { tag: parent, reason: "the managed object is missing".into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{AttributeValue, Name};

    fn round_trip(object: &Object) {
        let item = object.to_ttlv();
        let bytes = keyward_ttlv::binary::encode(&item);
        let decoded =
            keyward_ttlv::binary::decode(&bytes, &keyward_ttlv::Limits::default()).unwrap();
        let back = Object::from_ttlv(decoded).unwrap();
        assert_eq!(&back, object);
        assert_eq!(keyward_ttlv::binary::encode(&back.to_ttlv()), bytes);
    }

    fn big(n: u8) -> BigInt {
        BigInt::from_unsigned(&[n; 9])
    }

    #[test]
    fn key_material_follows_the_key_format_type() {
        round_trip(&Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(vec![7; 32])),
                Some(CryptographicAlgorithm::AES),
                Some(256),
            ),
        }));
        round_trip(&Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::TransparentSymmetricKey,
                KeyMaterial::TransparentSymmetric(TransparentSymmetricKey {
                    key: Bytes::new(vec![1; 16]),
                }),
                Some(CryptographicAlgorithm::AES),
                Some(128),
            ),
        }));
        round_trip(&Object::PrivateKey(PrivateKey {
            key_block: KeyBlock::new(
                KeyFormatType::TransparentRSAPrivateKey,
                KeyMaterial::TransparentRsaPrivate(Box::new(TransparentRsaPrivateKey {
                    modulus: big(0xC1),
                    private_exponent: Some(big(2)),
                    public_exponent: Some(BigInt::from_unsigned(&[1, 0, 1])),
                    p: None,
                    q: None,
                    prime_exponent_p: None,
                    prime_exponent_q: None,
                    crt_coefficient: Some(big(3)),
                })),
                Some(CryptographicAlgorithm::RSA),
                Some(2048),
            ),
        }));
        round_trip(&Object::PublicKey(PublicKey {
            key_block: KeyBlock::new(
                KeyFormatType::TransparentECPublicKey,
                KeyMaterial::TransparentEcPublic(Box::new(TransparentEcPublicKey {
                    recommended_curve: RecommendedCurve::P256,
                    q_string: Bytes::new(vec![4; 65]),
                })),
                Some(CryptographicAlgorithm::EC),
                Some(256),
            ),
        }));
        round_trip(&Object::PublicKey(PublicKey {
            key_block: KeyBlock::new(
                KeyFormatType::Extension(0x8000_0001),
                KeyMaterial::Other(Value::Structure(vec![Ttlv::new(
                    Tag(0x540010),
                    Value::Integer(3),
                )])),
                None,
                None,
            ),
        }));
    }

    #[test]
    fn wrapped_key_value_and_attributes_in_key_value() {
        let mut block = KeyBlock::new(
            KeyFormatType::Raw,
            KeyMaterial::Bytes(Bytes::new(vec![1, 2, 3])),
            Some(CryptographicAlgorithm::AES),
            Some(128),
        );
        block.key_value = Some(KeyValue::Plain {
            key_material: KeyMaterial::Bytes(Bytes::new(vec![1, 2, 3])),
            attributes: vec![Attribute::new(AttributeValue::Name(Name::text("k")))],
        });
        round_trip(&Object::SecretData(SecretData {
            secret_data_type: SecretDataType::Password,
            key_block: block.clone(),
        }));
        block.key_value = Some(KeyValue::Wrapped(Bytes::new(vec![9; 40])));
        block.key_wrapping_data = Some(Box::new(KeyWrappingData {
            wrapping_method: WrappingMethod::Encrypt,
            encryption_key_information: Some(EncryptionKeyInformation {
                unique_identifier: "kek".into(),
                cryptographic_parameters: None,
            }),
            mac_signature_key_information: None,
            mac_signature: None,
            iv_counter_nonce: None,
            encoding_option: Some(EncodingOption::NoEncoding),
        }));
        round_trip(&Object::SymmetricKey(SymmetricKey { key_block: block }));
    }

    #[test]
    fn mismatched_material_is_rejected() {
        let item = Ttlv::structure(
            tags::KEY_BLOCK,
            vec![
                Ttlv::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(1)),
                Ttlv::structure(tags::KEY_VALUE, vec![Ttlv::structure(tags::KEY_MATERIAL, vec![])]),
            ],
        );
        assert!(matches!(KeyBlock::from_ttlv(item), Err(ModelError::WrongType { .. })));
    }

    #[test]
    fn key_material_moves_into_the_encoded_item() {
        let object = Object::PrivateKey(PrivateKey {
            key_block: KeyBlock::new(
                KeyFormatType::TransparentECPrivateKey,
                KeyMaterial::TransparentEcPrivate(Box::new(TransparentEcPrivateKey {
                    recommended_curve: RecommendedCurve::P256,
                    d: big(0x42),
                })),
                None,
                None,
            ),
        });
        let address = match object.key_block().and_then(KeyBlock::key_material) {
            Some(KeyMaterial::TransparentEcPrivate(k)) => k.d.0.as_ptr(),
            other => panic!("unexpected {other:?}"),
        };
        let item = object.into_ttlv();
        let d = &item.children()[0].children()[1].children()[0].children()[1];
        match &d.value {
            Value::BigInteger(b) => assert_eq!(b.as_ptr(), address),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn key_material_is_moved_not_copied() {
        let material = vec![0xAB; 64];
        let item = Object::SymmetricKey(SymmetricKey {
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(material)),
                None,
                None,
            ),
        })
        .to_ttlv();
        let address = match &item.children()[0].children()[1].children()[0].value {
            Value::ByteString(b) => b.as_ptr(),
            _ => unreachable!(),
        };
        let object = Object::from_ttlv(item).unwrap();
        match object.key_block().and_then(KeyBlock::key_material) {
            Some(KeyMaterial::Bytes(b)) => assert_eq!(b.as_slice().as_ptr(), address),
            other => panic!("unexpected {other:?}"),
        }
    }
}
