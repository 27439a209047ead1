//! Attributes (KMIP 1.4 §2.1.1, §2.1.8 and §3).
//!
//! An [`Attribute`] carries its name exactly as received (the 1.0 profile test
//! cases write `"Activation   Date"` with runs of spaces) and an
//! [`AttributeValue`] whose type is chosen by the *normalised* name: every one
//! of the 50 typed attributes of KMIP 1.4 §3 has its own variant, and custom
//! (`x-`/`y-`) or unknown attributes are kept as [`AttributeValue::Custom`],
//! whatever their type or structure.
//!
//! ```
//! use keyward_kmip::attributes::{Attribute, AttributeValue};
//! use keyward_kmip::enums::CryptographicAlgorithm;
//! use keyward_kmip::{FromTtlv, ToTtlv};
//! use keyward_ttlv::spec::tags;
//!
//! let attr = Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES));
//! assert_eq!(attr.name, "Cryptographic Algorithm");
//! let item = attr.to_ttlv(tags::ATTRIBUTE);
//! assert_eq!(Attribute::from_ttlv(item).unwrap(), attr);
//! ```

use keyward_ttlv::spec::{self, tags};
use keyward_ttlv::{Tag, Ttlv, Value};

use crate::codec::{Bytes, DateTime, FromTtlv, Interval, ModelError, StructReader, ToTtlv};
use crate::enums::*;
use crate::kmip_struct;

kmip_struct! {
    /// Name (KMIP 1.4 §3.2).
    pub struct Name {
        /// Name Value.
        req value: String => NAME_VALUE,
        /// Name Type.
        req name_type: NameType => NAME_TYPE,
    }
}

impl Name {
    /// An uninterpreted text string name.
    pub fn text(value: impl Into<String>) -> Self {
        Self { value: value.into(), name_type: NameType::UninterpretedTextString }
    }
}

kmip_struct! {
    /// Cryptographic Parameters (KMIP 1.4 §3.6). Fields from Digital Signature
    /// Algorithm on were added in KMIP 1.2, from Salt Length on in KMIP 1.4.
    #[derive(Default)]
    pub struct CryptographicParameters {
        /// Block Cipher Mode.
        opt block_cipher_mode: BlockCipherMode => BLOCK_CIPHER_MODE,
        /// Padding Method.
        opt padding_method: PaddingMethod => PADDING_METHOD,
        /// Hashing Algorithm.
        opt hashing_algorithm: HashingAlgorithm => HASHING_ALGORITHM,
        /// Key Role Type.
        opt key_role_type: KeyRoleType => KEY_ROLE_TYPE,
        /// Digital Signature Algorithm (1.2).
        opt digital_signature_algorithm: DigitalSignatureAlgorithm => DIGITAL_SIGNATURE_ALGORITHM,
        /// Cryptographic Algorithm (1.2).
        opt cryptographic_algorithm: CryptographicAlgorithm => CRYPTOGRAPHIC_ALGORITHM,
        /// Random IV (1.2).
        opt random_iv: bool => RANDOM_IV,
        /// IV Length in bits (1.2).
        opt iv_length: i32 => IV_LENGTH,
        /// Tag Length in bytes (1.2).
        opt tag_length: i32 => TAG_LENGTH,
        /// Fixed Field Length (1.2).
        opt fixed_field_length: i32 => FIXED_FIELD_LENGTH,
        /// Invocation Field Length (1.2).
        opt invocation_field_length: i32 => INVOCATION_FIELD_LENGTH,
        /// Counter Length (1.2).
        opt counter_length: i32 => COUNTER_LENGTH,
        /// Initial Counter Value (1.2).
        opt initial_counter_value: i32 => INITIAL_COUNTER_VALUE,
        /// Salt Length (1.4).
        opt salt_length: i32 => SALT_LENGTH,
        /// Mask Generator (1.4).
        opt mask_generator: MaskGenerator => MASK_GENERATOR,
        /// Mask Generator Hashing Algorithm (1.4).
        opt mask_generator_hashing_algorithm: HashingAlgorithm => MASK_GENERATOR_HASHING_ALGORITHM,
        /// P Source (1.4).
        opt p_source: Bytes => P_SOURCE,
        /// Trailer Field (1.4).
        opt trailer_field: i32 => TRAILER_FIELD,
    }
}

kmip_struct! {
    /// Cryptographic Domain Parameters (KMIP 1.4 §3.7).
    #[derive(Default)]
    pub struct CryptographicDomainParameters {
        /// Qlength, in bits.
        opt qlength: i32 => QLENGTH,
        /// Recommended Curve.
        opt recommended_curve: RecommendedCurve => RECOMMENDED_CURVE,
    }
}

kmip_struct! {
    /// X.509 Certificate Identifier (KMIP 1.4 §3.10, since 1.1).
    pub struct X509CertificateIdentifier {
        /// Issuer Distinguished Name (DER).
        req issuer_distinguished_name: Bytes => ISSUER_DISTINGUISHED_NAME,
        /// Certificate Serial Number.
        req certificate_serial_number: Bytes => CERTIFICATE_SERIAL_NUMBER,
    }
}

kmip_struct! {
    /// X.509 Certificate Subject (KMIP 1.4 §3.11, since 1.1).
    pub struct X509CertificateSubject {
        /// Subject Distinguished Name (DER, possibly empty).
        req subject_distinguished_name: Bytes => SUBJECT_DISTINGUISHED_NAME,
        /// Subject Alternative Names.
        vec subject_alternative_names: Bytes => SUBJECT_ALTERNATIVE_NAME,
    }
}

kmip_struct! {
    /// X.509 Certificate Issuer (KMIP 1.4 §3.12, since 1.1).
    pub struct X509CertificateIssuer {
        /// Issuer Distinguished Name (DER).
        req issuer_distinguished_name: Bytes => ISSUER_DISTINGUISHED_NAME,
        /// Issuer Alternative Names.
        vec issuer_alternative_names: Bytes => ISSUER_ALTERNATIVE_NAME,
    }
}

kmip_struct! {
    /// Certificate Identifier (KMIP 1.4 §3.13; deprecated since 1.1).
    pub struct CertificateIdentifier {
        /// Issuer.
        req issuer: String => ISSUER,
        /// Serial Number (required for X.509 certificates).
        opt serial_number: String => SERIAL_NUMBER,
    }
}

kmip_struct! {
    /// Certificate Subject (KMIP 1.4 §3.14; deprecated since 1.1).
    pub struct CertificateSubject {
        /// Certificate Subject Distinguished Name (possibly empty).
        req distinguished_name: String => CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
        /// Certificate Subject Alternative Names.
        vec alternative_names: String => CERTIFICATE_SUBJECT_ALTERNATIVE_NAME,
    }
}

kmip_struct! {
    /// Certificate Issuer (KMIP 1.4 §3.15; deprecated since 1.1).
    pub struct CertificateIssuer {
        /// Certificate Issuer Distinguished Name.
        req distinguished_name: String => CERTIFICATE_ISSUER_DISTINGUISHED_NAME,
        /// Certificate Issuer Alternative Names.
        vec alternative_names: String => CERTIFICATE_ISSUER_ALTERNATIVE_NAME,
    }
}

kmip_struct! {
    /// Digest (KMIP 1.4 §3.17). Key Format Type was added in KMIP 1.1.
    pub struct Digest {
        /// Hashing Algorithm.
        req hashing_algorithm: HashingAlgorithm => HASHING_ALGORITHM,
        /// Digest Value (absent when the server cannot see the key value).
        opt digest_value: Bytes => DIGEST_VALUE,
        /// Key Format Type the digest was computed over (1.1).
        opt key_format_type: KeyFormatType => KEY_FORMAT_TYPE,
    }
}

kmip_struct! {
    /// Usage Limits (KMIP 1.4 §3.21). The count is set by the server only, so
    /// a client's request carries Total and Unit alone.
    pub struct UsageLimits {
        /// Usage Limits Total.
        req total: i64 => USAGE_LIMITS_TOTAL,
        /// Usage Limits Count (remaining).
        opt count: i64 => USAGE_LIMITS_COUNT,
        /// Usage Limits Unit.
        req unit: UsageLimitsUnit => USAGE_LIMITS_UNIT,
    }
}

kmip_struct! {
    /// Revocation Reason (KMIP 1.4 §3.31).
    pub struct RevocationReason {
        /// Revocation Reason Code.
        req code: RevocationReasonCode => REVOCATION_REASON_CODE,
        /// Revocation Message.
        opt message: String => REVOCATION_MESSAGE,
    }
}

kmip_struct! {
    /// Link (KMIP 1.4 §3.35).
    pub struct Link {
        /// Link Type.
        req link_type: LinkType => LINK_TYPE,
        /// Linked Object Identifier.
        req linked_object_identifier: String => LINKED_OBJECT_IDENTIFIER,
    }
}

kmip_struct! {
    /// Application Specific Information (KMIP 1.4 §3.36).
    pub struct ApplicationSpecificInformation {
        /// Application Namespace.
        req application_namespace: String => APPLICATION_NAMESPACE,
        /// Application Data.
        opt application_data: String => APPLICATION_DATA,
    }
}

kmip_struct! {
    /// Alternative Name (KMIP 1.4 §3.40, since 1.2).
    pub struct AlternativeName {
        /// Alternative Name Value.
        req value: String => ALTERNATIVE_NAME_VALUE,
        /// Alternative Name Type.
        req name_type: AlternativeNameType => ALTERNATIVE_NAME_TYPE,
    }
}

kmip_struct! {
    /// Key Value Location (KMIP 1.4 §3.42, since 1.2).
    pub struct KeyValueLocation {
        /// Key Value Location Value.
        req value: String => KEY_VALUE_LOCATION_VALUE,
        /// Key Value Location Type.
        req location_type: KeyValueLocationType => KEY_VALUE_LOCATION_TYPE,
    }
}

kmip_struct! {
    /// RNG Parameters (KMIP 1.4 §2.1.18, since 1.3): the value of the Random
    /// Number Generator attribute and of Query responses.
    pub struct RngParameters {
        /// RNG Algorithm.
        req rng_algorithm: RngAlgorithm => RNG_ALGORITHM,
        /// Cryptographic Algorithm.
        opt cryptographic_algorithm: CryptographicAlgorithm => CRYPTOGRAPHIC_ALGORITHM,
        /// Cryptographic Length.
        opt cryptographic_length: i32 => CRYPTOGRAPHIC_LENGTH,
        /// Hashing Algorithm.
        opt hashing_algorithm: HashingAlgorithm => HASHING_ALGORITHM,
        /// DRBG Algorithm.
        opt drbg_algorithm: DrbgAlgorithm => DRBG_ALGORITHM,
        /// Recommended Curve.
        opt recommended_curve: RecommendedCurve => RECOMMENDED_CURVE,
        /// FIPS186 Variation.
        opt fips186_variation: Fips186Variation => FIPS186_VARIATION,
        /// Prediction Resistance.
        opt prediction_resistance: bool => PREDICTION_RESISTANCE,
    }
}

/// True for the names of custom attributes: `x-…` (client) and `y-…` (server).
pub fn is_custom_name(name: &str) -> bool {
    name.starts_with("x-") || name.starts_with("y-")
}

/// Declares [`AttributeValue`]: one variant per typed attribute, with its
/// canonical name.
macro_rules! attribute_values {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) = $name:literal, )*) => {
        /// The value of an attribute, typed by the attribute's name (KMIP 1.4 §3).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum AttributeValue {
            $( $(#[$doc])* $variant($ty), )*
            /// A custom attribute (`x-…` from clients, `y-…` from servers) or
            /// an attribute this model does not know, kept exactly as received:
            /// any type, any structure.
            Custom(Value),
        }

        impl AttributeValue {
            /// The canonical name of a typed attribute; `None` for [`AttributeValue::Custom`].
            pub fn standard_name(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant(_) => Some($name), )*
                    Self::Custom(_) => None,
                }
            }

            /// Decodes the Attribute Value `item` of the attribute called `name`
            /// (compared after collapsing runs of whitespace). Unknown and
            /// custom names give [`AttributeValue::Custom`].
            pub fn decode(name: &str, item: Ttlv) -> Result<Self, ModelError> {
                if is_custom_name(name) {
                    return Ok(Self::Custom(item.value));
                }
                match spec::attribute(name).map(|def| def.name) {
                    $( Some($name) => Ok(Self::$variant(<$ty as FromTtlv>::from_ttlv(item)?)), )*
                    _ => Ok(Self::Custom(item.value)),
                }
            }

            /// True if `name` (normalised) is one of the typed attributes.
            pub fn is_typed_name(name: &str) -> bool {
                matches!(spec::attribute(name).map(|def| def.name), Some($($name)|*))
            }

            /// The value as an Attribute Value item.
            pub fn to_ttlv(&self) -> Ttlv {
                match self {
                    $( Self::$variant(v) => v.to_ttlv(tags::ATTRIBUTE_VALUE), )*
                    Self::Custom(v) => Ttlv::new(tags::ATTRIBUTE_VALUE, v.clone()),
                }
            }

            /// The value as an Attribute Value item, moving its contents.
            pub fn into_ttlv(self) -> Ttlv {
                match self {
                    $( Self::$variant(v) => v.into_ttlv(tags::ATTRIBUTE_VALUE), )*
                    Self::Custom(v) => Ttlv::new(tags::ATTRIBUTE_VALUE, v),
                }
            }
        }
    };
}

attribute_values! {
    /// Unique Identifier (§3.1).
    UniqueIdentifier(String) = "Unique Identifier",
    /// Name (§3.2).
    Name(Name) = "Name",
    /// Object Type (§3.3).
    ObjectType(ObjectType) = "Object Type",
    /// Cryptographic Algorithm (§3.4).
    CryptographicAlgorithm(CryptographicAlgorithm) = "Cryptographic Algorithm",
    /// Cryptographic Length (§3.5).
    CryptographicLength(i32) = "Cryptographic Length",
    /// Cryptographic Parameters (§3.6).
    CryptographicParameters(CryptographicParameters) = "Cryptographic Parameters",
    /// Cryptographic Domain Parameters (§3.7).
    CryptographicDomainParameters(CryptographicDomainParameters) = "Cryptographic Domain Parameters",
    /// Certificate Type (§3.8).
    CertificateType(CertificateType) = "Certificate Type",
    /// Certificate Length (§3.9, 1.1).
    CertificateLength(i32) = "Certificate Length",
    /// X.509 Certificate Identifier (§3.10, 1.1).
    X509CertificateIdentifier(X509CertificateIdentifier) = "X.509 Certificate Identifier",
    /// X.509 Certificate Subject (§3.11, 1.1).
    X509CertificateSubject(X509CertificateSubject) = "X.509 Certificate Subject",
    /// X.509 Certificate Issuer (§3.12, 1.1).
    X509CertificateIssuer(X509CertificateIssuer) = "X.509 Certificate Issuer",
    /// Certificate Identifier (§3.13, deprecated since 1.1).
    CertificateIdentifier(CertificateIdentifier) = "Certificate Identifier",
    /// Certificate Subject (§3.14, deprecated since 1.1).
    CertificateSubject(CertificateSubject) = "Certificate Subject",
    /// Certificate Issuer (§3.15, deprecated since 1.1).
    CertificateIssuer(CertificateIssuer) = "Certificate Issuer",
    /// Digital Signature Algorithm (§3.16, 1.1).
    DigitalSignatureAlgorithm(DigitalSignatureAlgorithm) = "Digital Signature Algorithm",
    /// Digest (§3.17).
    Digest(Digest) = "Digest",
    /// Operation Policy Name (§3.18, deprecated since 1.3).
    OperationPolicyName(String) = "Operation Policy Name",
    /// Cryptographic Usage Mask (§3.19).
    CryptographicUsageMask(CryptographicUsageMask) = "Cryptographic Usage Mask",
    /// Lease Time (§3.20).
    LeaseTime(Interval) = "Lease Time",
    /// Usage Limits (§3.21).
    UsageLimits(UsageLimits) = "Usage Limits",
    /// State (§3.22).
    State(State) = "State",
    /// Initial Date (§3.23).
    InitialDate(DateTime) = "Initial Date",
    /// Activation Date (§3.24).
    ActivationDate(DateTime) = "Activation Date",
    /// Process Start Date (§3.25).
    ProcessStartDate(DateTime) = "Process Start Date",
    /// Protect Stop Date (§3.26).
    ProtectStopDate(DateTime) = "Protect Stop Date",
    /// Deactivation Date (§3.27).
    DeactivationDate(DateTime) = "Deactivation Date",
    /// Destroy Date (§3.28).
    DestroyDate(DateTime) = "Destroy Date",
    /// Compromise Occurrence Date (§3.29).
    CompromiseOccurrenceDate(DateTime) = "Compromise Occurrence Date",
    /// Compromise Date (§3.30).
    CompromiseDate(DateTime) = "Compromise Date",
    /// Revocation Reason (§3.31).
    RevocationReason(RevocationReason) = "Revocation Reason",
    /// Archive Date (§3.32).
    ArchiveDate(DateTime) = "Archive Date",
    /// Object Group (§3.33).
    ObjectGroup(String) = "Object Group",
    /// Fresh (§3.34, 1.1).
    Fresh(bool) = "Fresh",
    /// Link (§3.35).
    Link(Link) = "Link",
    /// Application Specific Information (§3.36).
    ApplicationSpecificInformation(ApplicationSpecificInformation) = "Application Specific Information",
    /// Contact Information (§3.37).
    ContactInformation(String) = "Contact Information",
    /// Last Change Date (§3.38).
    LastChangeDate(DateTime) = "Last Change Date",
    /// Alternative Name (§3.40, 1.2).
    AlternativeName(AlternativeName) = "Alternative Name",
    /// Key Value Present (§3.41, 1.2).
    KeyValuePresent(bool) = "Key Value Present",
    /// Key Value Location (§3.42, 1.2).
    KeyValueLocation(KeyValueLocation) = "Key Value Location",
    /// Original Creation Date (§3.43, 1.2).
    OriginalCreationDate(DateTime) = "Original Creation Date",
    /// Random Number Generator (§3.44, 1.3).
    RandomNumberGenerator(RngParameters) = "Random Number Generator",
    /// PKCS#12 Friendly Name (§3.45, 1.4).
    Pkcs12FriendlyName(String) = "PKCS#12 Friendly Name",
    /// Description (§3.46, 1.4).
    Description(String) = "Description",
    /// Comment (§3.47, 1.4).
    Comment(String) = "Comment",
    /// Sensitive (§3.48, 1.4).
    Sensitive(bool) = "Sensitive",
    /// Always Sensitive (§3.49, 1.4).
    AlwaysSensitive(bool) = "Always Sensitive",
    /// Extractable (§3.50, 1.4).
    Extractable(bool) = "Extractable",
    /// Never Extractable (§3.51, 1.4).
    NeverExtractable(bool) = "Never Extractable",
}

/// An Attribute (KMIP 1.4 §2.1.1): name, optional index and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Attribute Name, exactly as received.
    pub name: String,
    /// Attribute Index (1.x), selecting among instances; absent means 0.
    pub index: Option<i32>,
    /// Attribute Value, typed by the normalised name.
    pub value: AttributeValue,
}

impl Attribute {
    /// A typed attribute under its canonical name. A [`AttributeValue::Custom`]
    /// value gets an empty name: use [`Attribute::custom`] for those.
    pub fn new(value: AttributeValue) -> Self {
        Self { name: value.standard_name().unwrap_or_default().to_owned(), index: None, value }
    }

    /// A custom attribute (`x-…`/`y-…`) with a value of any type.
    pub fn custom(name: impl Into<String>, value: Value) -> Self {
        Self { name: name.into(), index: None, value: AttributeValue::Custom(value) }
    }

    /// The same attribute with an Attribute Index.
    pub fn with_index(mut self, index: i32) -> Self {
        self.index = Some(index);
        self
    }

    /// The definition of this attribute in KMIP 1.4, if it is a standard one.
    pub fn definition(&self) -> Option<&'static spec::AttributeDef> {
        spec::attribute(&self.name)
    }
}

/// Reads the fields shared by [`Attribute`] and the Notify attribute: name,
/// index and, if present, the value.
pub(crate) fn read_attribute(
    item: Ttlv,
) -> Result<(String, Option<i32>, Option<AttributeValue>, StructReader), ModelError> {
    let mut reader = StructReader::new(item)?;
    let name: String = reader.required(tags::ATTRIBUTE_NAME)?;
    let index = reader.optional(tags::ATTRIBUTE_INDEX)?;
    let value = match reader.take_if(tags::ATTRIBUTE_VALUE) {
        Some(item) => Some(AttributeValue::decode(&name, item)?),
        None => None,
    };
    Ok((name, index, value, reader))
}

/// An Attribute structure from its parts; `value` is an Attribute Value item.
pub(crate) fn write_attribute(
    tag: Tag,
    name: String,
    index: Option<i32>,
    value: Option<Ttlv>,
) -> Ttlv {
    let mut children = Vec::with_capacity(3);
    children.push(Ttlv::new(tags::ATTRIBUTE_NAME, Value::TextString(name)));
    if let Some(index) = index {
        children.push(Ttlv::new(tags::ATTRIBUTE_INDEX, Value::Integer(index)));
    }
    children.extend(value);
    Ttlv::structure(tag, children)
}

impl ToTtlv for Attribute {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        write_attribute(tag, self.name.clone(), self.index, Some(self.value.to_ttlv()))
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        write_attribute(tag, self.name, self.index, Some(self.value.into_ttlv()))
    }
}

impl FromTtlv for Attribute {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let (name, index, value, reader) = read_attribute(item)?;
        let value = value.ok_or_else(|| reader.missing(tags::ATTRIBUTE_VALUE))?;
        reader.finish()?;
        Ok(Self { name, index, value })
    }
}

kmip_struct! {
    /// Template-Attribute (KMIP 1.4 §2.1.8), also used as Common, Private Key
    /// and Public Key Template-Attribute: the tag is the caller's.
    #[derive(Default)]
    pub struct TemplateAttribute {
        /// Names of Template objects to apply (deprecated since 1.3).
        vec names: Name => NAME,
        /// Individual attributes.
        vec attributes: Attribute => ATTRIBUTE,
    }
}

impl TemplateAttribute {
    /// A Template-Attribute holding only these attributes.
    pub fn from_attributes(attributes: Vec<Attribute>) -> Self {
        Self { names: Vec::new(), attributes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(attr: &Attribute) {
        let item = attr.to_ttlv(tags::ATTRIBUTE);
        let bytes = keyward_ttlv::binary::encode(&item);
        let decoded =
            keyward_ttlv::binary::decode(&bytes, &keyward_ttlv::Limits::default()).unwrap();
        let back = Attribute::from_ttlv(decoded).unwrap();
        assert_eq!(&back, attr);
        assert_eq!(keyward_ttlv::binary::encode(&back.to_ttlv(tags::ATTRIBUTE)), bytes);
    }

    #[test]
    fn every_spec_attribute_but_custom_is_typed() {
        for def in spec::all_attributes() {
            assert_eq!(
                AttributeValue::is_typed_name(def.name),
                def.name != "Custom Attribute",
                "{}",
                def.name
            );
        }
    }

    #[test]
    fn value_type_follows_the_normalised_name() {
        let item = Ttlv::structure(
            tags::ATTRIBUTE,
            vec![
                Ttlv::new(tags::ATTRIBUTE_NAME, Value::text("Activation   Date")),
                Ttlv::new(tags::ATTRIBUTE_VALUE, Value::DateTime(1_000)),
            ],
        );
        let attr = Attribute::from_ttlv(item.clone()).unwrap();
        assert_eq!(attr.name, "Activation   Date");
        assert_eq!(attr.value, AttributeValue::ActivationDate(DateTime(1_000)));
        assert_eq!(attr.to_ttlv(tags::ATTRIBUTE), item);
    }

    #[test]
    fn custom_attributes_keep_any_type() {
        round_trip(&Attribute::custom("x-Int", Value::Integer(-5)));
        round_trip(&Attribute::custom("y-Date", Value::DateTime(7)).with_index(2));
        round_trip(&Attribute::custom(
            "x-Struct",
            Value::Structure(vec![Ttlv::new(Tag(0x540001), Value::bytes(vec![1, 2, 3]))]),
        ));
        round_trip(&Attribute::custom("Unknown Attribute", Value::LongInteger(1)));
    }

    #[test]
    fn wrong_value_type_for_a_typed_attribute_is_an_error() {
        let item = Ttlv::structure(
            tags::ATTRIBUTE,
            vec![
                Ttlv::new(tags::ATTRIBUTE_NAME, Value::text("Cryptographic Length")),
                Ttlv::new(tags::ATTRIBUTE_VALUE, Value::text("256")),
            ],
        );
        assert!(matches!(Attribute::from_ttlv(item), Err(ModelError::WrongType { .. })));
    }

    #[test]
    fn structured_attributes_round_trip() {
        round_trip(&Attribute::new(AttributeValue::Name(Name::text("key"))));
        round_trip(&Attribute::new(AttributeValue::CryptographicParameters(
            CryptographicParameters {
                block_cipher_mode: Some(BlockCipherMode::GCM),
                tag_length: Some(16),
                p_source: Some(Bytes::new(vec![9])),
                ..Default::default()
            },
        )));
        round_trip(&Attribute::new(AttributeValue::UsageLimits(UsageLimits {
            total: 10,
            count: None,
            unit: UsageLimitsUnit::Object,
        })));
        round_trip(&Attribute::new(AttributeValue::RandomNumberGenerator(RngParameters {
            rng_algorithm: RngAlgorithm::DRBG,
            cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
            cryptographic_length: Some(256),
            hashing_algorithm: None,
            drbg_algorithm: None,
            recommended_curve: None,
            fips186_variation: None,
            prediction_resistance: Some(true),
        })));
    }
}
