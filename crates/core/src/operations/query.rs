//! Query (KMIP 1.4 §4.25): what this server supports.

use keyward_kmip::enums::{ObjectType, Operation, QueryFunction};
use keyward_kmip::operations::{QueryRequest, QueryResponse};

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
    ObjectType::OpaqueObject,
    ObjectType::PGPKey,
];

pub(crate) fn query(ctx: &Ctx<'_>, request: QueryRequest) -> Result<QueryResponse, Error> {
    let mut response = QueryResponse::default();
    for function in request.query_functions {
        match function {
            QueryFunction::QueryOperations => response.operations = OPERATIONS.to_vec(),
            QueryFunction::QueryObjects => response.object_types = OBJECT_TYPES.to_vec(),
            QueryFunction::QueryServerInformation => {
                response.vendor_identification = Some(ctx.kms.config().vendor.clone());
            }
            // Namespaces, extensions, attestation, RNG, profiles, validations,
            // capabilities, registration methods: none to report yet.
            _ => {}
        }
    }
    Ok(response)
}
