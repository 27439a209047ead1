//! Query and Discover Versions (KMIP 1.4 §4.25 and §4.26), with the Query
//! response's information structures (§2.1.9, §2.1.19–§2.1.21).

use keyward_ttlv::Value;

use crate::attributes::RngParameters;
use crate::enums::*;
use crate::kmip_struct;
use crate::message::ProtocolVersion;

kmip_struct! {
    /// Extension Information (KMIP 1.4 §2.1.9, since 1.1).
    pub struct ExtensionInformation {
        /// Extension Name.
        req extension_name: String => EXTENSION_NAME,
        /// Extension Tag.
        opt extension_tag: i32 => EXTENSION_TAG,
        /// Extension Type (an item type code).
        opt extension_type: i32 => EXTENSION_TYPE,
    }
}

kmip_struct! {
    /// Profile Information (KMIP 1.4 §2.1.19, since 1.3).
    pub struct ProfileInformation {
        /// Profile Name.
        req profile_name: ProfileName => PROFILE_NAME,
        /// Server URI.
        opt server_uri: String => SERVER_URI,
        /// Server Port.
        opt server_port: i32 => SERVER_PORT,
    }
}

kmip_struct! {
    /// Validation Information (KMIP 1.4 §2.1.20, since 1.3).
    pub struct ValidationInformation {
        /// Validation Authority Type.
        req validation_authority_type: ValidationAuthorityType => VALIDATION_AUTHORITY_TYPE,
        /// Validation Authority Country.
        opt validation_authority_country: String => VALIDATION_AUTHORITY_COUNTRY,
        /// Validation Authority URI.
        opt validation_authority_uri: String => VALIDATION_AUTHORITY_URI,
        /// Validation Version Major.
        req validation_version_major: i32 => VALIDATION_VERSION_MAJOR,
        /// Validation Version Minor.
        opt validation_version_minor: i32 => VALIDATION_VERSION_MINOR,
        /// Validation Type.
        req validation_type: ValidationType => VALIDATION_TYPE,
        /// Validation Level.
        req validation_level: i32 => VALIDATION_LEVEL,
        /// Validation Certificate Identifier.
        opt validation_certificate_identifier: String => VALIDATION_CERTIFICATE_IDENTIFIER,
        /// Validation Certificate URI.
        opt validation_certificate_uri: String => VALIDATION_CERTIFICATE_URI,
        /// Validation Vendor URI.
        opt validation_vendor_uri: String => VALIDATION_VENDOR_URI,
        /// Validation Profiles.
        vec validation_profiles: String => VALIDATION_PROFILE,
    }
}

kmip_struct! {
    /// Capability Information (KMIP 1.4 §2.1.21, since 1.3).
    #[derive(Default)]
    pub struct CapabilityInformation {
        /// Streaming Capability.
        opt streaming_capability: bool => STREAMING_CAPABILITY,
        /// Asynchronous Capability.
        opt asynchronous_capability: bool => ASYNCHRONOUS_CAPABILITY,
        /// Attestation Capability.
        opt attestation_capability: bool => ATTESTATION_CAPABILITY,
        /// Batch Undo Capability (1.4).
        opt batch_undo_capability: bool => BATCH_UNDO_CAPABILITY,
        /// Batch Continue Capability (1.4).
        opt batch_continue_capability: bool => BATCH_CONTINUE_CAPABILITY,
        /// Unwrap Mode.
        opt unwrap_mode: UnwrapMode => UNWRAP_MODE,
        /// Destroy Action.
        opt destroy_action: DestroyAction => DESTROY_ACTION,
        /// Shredding Algorithm.
        opt shredding_algorithm: ShreddingAlgorithm => SHREDDING_ALGORITHM,
        /// RNG Mode.
        opt rng_mode: RngMode => RNG_MODE,
    }
}

kmip_struct! {
    /// Query request payload (KMIP 1.4 §4.25, Table 222).
    #[derive(Default)]
    pub struct QueryRequest {
        /// Query Functions.
        vec query_functions: QueryFunction => QUERY_FUNCTION,
    }
}

kmip_struct! {
    /// Query response payload (KMIP 1.4 §4.25, Table 223).
    #[derive(Default)]
    pub struct QueryResponse {
        /// Operations supported.
        vec operations: Operation => OPERATION,
        /// Object Types supported.
        vec object_types: ObjectType => OBJECT_TYPE,
        /// Vendor Identification.
        opt vendor_identification: String => VENDOR_IDENTIFICATION,
        /// Server Information: vendor-specific, kept as received.
        opt server_information: Value => SERVER_INFORMATION,
        /// Application Namespaces supported.
        vec application_namespaces: String => APPLICATION_NAMESPACE,
        /// Extension Information (1.1).
        vec extension_information: ExtensionInformation => EXTENSION_INFORMATION,
        /// Attestation Types supported (1.2).
        vec attestation_types: AttestationType => ATTESTATION_TYPE,
        /// RNG Parameters (1.3).
        vec rng_parameters: RngParameters => RNG_PARAMETERS,
        /// Profile Information (1.3).
        vec profile_information: ProfileInformation => PROFILE_INFORMATION,
        /// Validation Information (1.3).
        vec validation_information: ValidationInformation => VALIDATION_INFORMATION,
        /// Capability Information (1.3).
        vec capability_information: CapabilityInformation => CAPABILITY_INFORMATION,
        /// Client Registration Methods (1.3).
        vec client_registration_methods: ClientRegistrationMethod => CLIENT_REGISTRATION_METHOD,
    }
}

kmip_struct! {
    /// Discover Versions request payload (KMIP 1.4 §4.26, Table 224; since 1.1).
    #[derive(Default)]
    pub struct DiscoverVersionsRequest {
        /// Versions the client supports, preferred first.
        vec protocol_versions: ProtocolVersion => PROTOCOL_VERSION,
    }
}

kmip_struct! {
    /// Discover Versions response payload (KMIP 1.4 §4.26, Table 225; since 1.1).
    #[derive(Default)]
    pub struct DiscoverVersionsResponse {
        /// Versions the server supports among the client's, preferred first.
        vec protocol_versions: ProtocolVersion => PROTOCOL_VERSION,
    }
}
