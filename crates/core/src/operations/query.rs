//! Query (KMIP 1.4 §4.25): what this server supports.

use keyward_kmip::attributes::RngParameters;
use keyward_kmip::enums::{
    CryptographicAlgorithm, DestroyAction, DrbgAlgorithm, ObjectType, Operation, ProfileName,
    QueryFunction, RngAlgorithm, RngMode, ShreddingAlgorithm, UnwrapMode,
};
use keyward_kmip::operations::{
    CapabilityInformation, ProfileInformation, QueryRequest, QueryResponse,
};

use crate::Error;
use crate::kms::Ctx;

/// The operations the core implements, as Query reports them.
pub(crate) const OPERATIONS: &[Operation] = &[
    Operation::Create,
    Operation::Register,
    Operation::Locate,
    Operation::Get,
    Operation::GetAttributes,
    Operation::GetAttributeList,
    Operation::AddAttribute,
    Operation::ModifyAttribute,
    Operation::DeleteAttribute,
    Operation::Activate,
    Operation::Revoke,
    Operation::Destroy,
    // Answered by the KMIP door: nothing is ever pending, Poll and Cancel say so.
    Operation::Poll,
    Operation::Cancel,
    Operation::Query,
    Operation::DiscoverVersions,
    Operation::CreateKeyPair,
    Operation::ReKey,
    Operation::ReKeyKeyPair,
    Operation::Archive,
    Operation::Recover,
    Operation::Check,
    Operation::Import,
    Operation::Export,
    Operation::Encrypt,
    Operation::Decrypt,
    Operation::Sign,
    Operation::SignatureVerify,
    Operation::MAC,
    Operation::MACVerify,
    Operation::Hash,
    Operation::RNGRetrieve,
    Operation::RNGSeed,
    Operation::DeriveKey,
    Operation::CreateSplitKey,
    Operation::JoinSplitKey,
    Operation::ObtainLease,
    Operation::GetUsageAllocation,
];

/// The object types the core stores.
pub(crate) const OBJECT_TYPES: &[ObjectType] = &[
    ObjectType::Certificate,
    ObjectType::SymmetricKey,
    ObjectType::PublicKey,
    ObjectType::PrivateKey,
    ObjectType::SplitKey,
    ObjectType::SecretData,
    ObjectType::Template,
    ObjectType::OpaqueObject,
    ObjectType::PGPKey,
];

/// The server profiles claimed, at every KMIP version that names them (the
/// KMIP layer drops the values a client's version does not define): those
/// whose every mandatory OASIS test case passes (README, "KMIP conformance").
/// Profiles with known failures (Baseline, Asymmetric Key Lifecycle, the
/// cryptographic ones, Tape Library, Suite B) are not claimed.
pub(crate) const PROFILES: &[ProfileName] = {
    use ProfileName as P;
    &[
        P::SymmetricKeyLifecycleServerKMIPV1_4,
        P::RNGCryptographicServerKMIPV1_4,
        P::OpaqueManagedObjectStoreServerKMIPV1_4,
        P::StorageArrayWithSelfEncryptingDriveServerKMIPV1_4,
        P::SymmetricKeyLifecycleServerKMIPV1_3,
        P::RNGCryptographicServerKMIPV1_3,
        P::OpaqueManagedObjectStoreServerKMIPV1_3,
        P::StorageArrayWithSelfEncryptingDriveServerKMIPV1_3,
        P::SymmetricKeyLifecycleServerKMIPV1_2,
        P::RNGCryptographicServerKMIPV1_2,
        P::OpaqueManagedObjectStoreServerKMIPV1_2,
        P::StorageArrayWithSelfEncryptingDriveServerKMIPV1_2,
    ]
};

pub(crate) fn query(ctx: &Ctx<'_>, request: QueryRequest) -> Result<QueryResponse, Error> {
    let mut response = QueryResponse::default();
    for function in request.query_functions {
        match function {
            QueryFunction::QueryOperations => response.operations = OPERATIONS.to_vec(),
            QueryFunction::QueryObjects => response.object_types = OBJECT_TYPES.to_vec(),
            QueryFunction::QueryServerInformation => {
                response.vendor_identification = Some(ctx.kms.config().vendor.clone());
                // Vendor-defined content; left empty so that strict decoders
                // meet no tag they do not know.
                response.server_information = Some(keyward_ttlv::Value::Structure(Vec::new()));
            }
            QueryFunction::QueryProfiles => {
                response.profile_information = PROFILES
                    .iter()
                    .map(|&profile_name| ProfileInformation {
                        profile_name,
                        server_uri: None,
                        server_port: None,
                    })
                    .collect();
            }
            QueryFunction::QueryCapabilities => {
                response.capability_information = vec![capabilities()];
            }
            QueryFunction::QueryRNGs => response.rng_parameters = vec![rng()],
            // Namespaces, extensions, attestation, validations and client
            // registration methods: none to report.
            _ => {}
        }
    }
    Ok(response)
}

/// What the server can do with messages and keys (KMIP 1.4 §2.1.21).
fn capabilities() -> CapabilityInformation {
    CapabilityInformation {
        // Every operation completes before its response: nothing is asynchronous.
        streaming_capability: Some(false),
        asynchronous_capability: Some(false),
        attestation_capability: Some(false),
        // Batch items commit one by one: Continue and Stop, never Undo.
        batch_undo_capability: Some(false),
        batch_continue_capability: Some(true),
        // Unwrapped material is checked before it is stored.
        unwrap_mode: Some(UnwrapMode::Processed),
        // Destroy erases the sealed material and keeps the metadata.
        destroy_action: Some(DestroyAction::KeyMaterialDeleted),
        shredding_algorithm: Some(ShreddingAlgorithm::Unsupported),
        rng_mode: Some(RngMode::SharedInstantiation),
    }
}

/// The random number generator behind keys and RNG Retrieve: AWS-LC's
/// CTR_DRBG with AES-256 (KMIP 1.4 §2.1.18).
pub(crate) fn rng() -> RngParameters {
    RngParameters {
        rng_algorithm: RngAlgorithm::DRBG,
        cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
        cryptographic_length: Some(256),
        hashing_algorithm: None,
        drbg_algorithm: Some(DrbgAlgorithm::CTR),
        recommended_curve: None,
        fips186_variation: None,
        prediction_resistance: None,
    }
}
