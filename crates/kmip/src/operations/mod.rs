//! The payloads of every KMIP 1.0–1.4 operation (KMIP 1.4 §4 and §5).
//!
//! [`RequestPayload`] and [`ResponsePayload`] have one variant per operation;
//! the batch item's Operation chooses the variant when decoding. Payloads of
//! operations this model does not know (vendor extensions, 0x8XXXXXXX) are
//! kept as received in the `Raw` variants, so that a server can still answer
//! "Operation Not Supported" for that batch item alone.

mod asynchronous;
mod attributes;
mod certify;
mod check;
mod create;
mod crypto;
mod derive;
mod get;
mod import_export;
mod lease;
mod lifecycle;
mod locate;
mod query;
mod rekey;
mod server_to_client;
mod split;
mod validate;

pub use asynchronous::*;
pub use attributes::*;
pub use certify::*;
pub use check::*;
pub use create::*;
pub use crypto::*;
pub use derive::*;
pub use get::*;
pub use import_export::*;
pub use lease::*;
pub use lifecycle::*;
pub use locate::*;
pub use query::*;
pub use rekey::*;
pub use server_to_client::*;
pub use split::*;
pub use validate::*;

use keyward_ttlv::spec::tags;
use keyward_ttlv::{Ttlv, Value};

use crate::codec::{FromTtlv, ModelError, ToTtlv};
use crate::enums::Operation;

/// Declares the payload enums from the list of operations.
macro_rules! payloads {
    ($( $variant:ident($op:ident, $req:ty, $resp:ty), )*) => {
        /// A request payload: one variant per operation (KMIP 1.4 §4, §5).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum RequestPayload {
            $(
                #[doc = concat!("The ", stringify!($op), " operation's request.")]
                $variant($req),
            )*
            /// The payload of an operation the model does not type (a vendor
            /// extension), kept as received.
            Raw {
                /// The Operation.
                operation: Operation,
                /// The payload's value (normally a structure).
                payload: Value,
            },
        }

        /// A response payload: one variant per operation (KMIP 1.4 §4, §5).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum ResponsePayload {
            $(
                #[doc = concat!("The ", stringify!($op), " operation's response.")]
                $variant($resp),
            )*
            /// The payload of an operation the model does not type, or of a
            /// batch item without Operation, kept as received.
            Raw(Value),
        }

        impl RequestPayload {
            /// The Operation this payload belongs to.
            pub fn operation(&self) -> Operation {
                match self {
                    $( Self::$variant(_) => Operation::$op, )*
                    Self::Raw { operation, .. } => *operation,
                }
            }

            /// Decodes the Request Payload `item` of `operation`.
            pub fn decode(operation: Operation, item: Ttlv) -> Result<Self, ModelError> {
                Ok(match operation {
                    $( Operation::$op => Self::$variant(<$req as FromTtlv>::from_ttlv(item)?), )*
                    Operation::Extension(_) => Self::Raw { operation, payload: item.value },
                })
            }

            /// The payload as a Request Payload item.
            pub fn to_ttlv(&self) -> Ttlv {
                match self {
                    $( Self::$variant(p) => p.to_ttlv(tags::REQUEST_PAYLOAD), )*
                    Self::Raw { payload, .. } => Ttlv::new(tags::REQUEST_PAYLOAD, payload.clone()),
                }
            }

            /// The payload as a Request Payload item, moving its contents.
            pub fn into_ttlv(self) -> Ttlv {
                match self {
                    $( Self::$variant(p) => p.into_ttlv(tags::REQUEST_PAYLOAD), )*
                    Self::Raw { payload, .. } => Ttlv::new(tags::REQUEST_PAYLOAD, payload),
                }
            }
        }

        impl ResponsePayload {
            /// The Operation this payload belongs to; `None` for [`ResponsePayload::Raw`].
            pub fn operation(&self) -> Option<Operation> {
                match self {
                    $( Self::$variant(_) => Some(Operation::$op), )*
                    Self::Raw(_) => None,
                }
            }

            /// Decodes the Response Payload `item` of `operation`.
            pub fn decode(operation: Option<Operation>, item: Ttlv) -> Result<Self, ModelError> {
                Ok(match operation {
                    $( Some(Operation::$op) => Self::$variant(<$resp as FromTtlv>::from_ttlv(item)?), )*
                    Some(Operation::Extension(_)) | None => Self::Raw(item.value),
                })
            }

            /// The payload as a Response Payload item.
            pub fn to_ttlv(&self) -> Ttlv {
                match self {
                    $( Self::$variant(p) => p.to_ttlv(tags::RESPONSE_PAYLOAD), )*
                    Self::Raw(payload) => Ttlv::new(tags::RESPONSE_PAYLOAD, payload.clone()),
                }
            }

            /// The payload as a Response Payload item, moving its contents:
            /// the key material of a Get response is not copied.
            pub fn into_ttlv(self) -> Ttlv {
                match self {
                    $( Self::$variant(p) => p.into_ttlv(tags::RESPONSE_PAYLOAD), )*
                    Self::Raw(payload) => Ttlv::new(tags::RESPONSE_PAYLOAD, payload),
                }
            }
        }

        $(
            impl From<$req> for RequestPayload {
                fn from(p: $req) -> Self {
                    Self::$variant(p)
                }
            }

            impl From<$resp> for ResponsePayload {
                fn from(p: $resp) -> Self {
                    Self::$variant(p)
                }
            }
        )*
    };
}

payloads! {
    Create(Create, CreateRequest, CreateResponse),
    CreateKeyPair(CreateKeyPair, CreateKeyPairRequest, CreateKeyPairResponse),
    Register(Register, RegisterRequest, RegisterResponse),
    ReKey(ReKey, ReKeyRequest, ReKeyResponse),
    DeriveKey(DeriveKey, DeriveKeyRequest, DeriveKeyResponse),
    Certify(Certify, CertifyRequest, CertifyResponse),
    ReCertify(ReCertify, ReCertifyRequest, ReCertifyResponse),
    Locate(Locate, LocateRequest, LocateResponse),
    Check(Check, CheckRequest, CheckResponse),
    Get(Get, GetRequest, GetResponse),
    GetAttributes(GetAttributes, GetAttributesRequest, GetAttributesResponse),
    GetAttributeList(GetAttributeList, GetAttributeListRequest, GetAttributeListResponse),
    AddAttribute(AddAttribute, AddAttributeRequest, AddAttributeResponse),
    ModifyAttribute(ModifyAttribute, ModifyAttributeRequest, ModifyAttributeResponse),
    DeleteAttribute(DeleteAttribute, DeleteAttributeRequest, DeleteAttributeResponse),
    ObtainLease(ObtainLease, ObtainLeaseRequest, ObtainLeaseResponse),
    GetUsageAllocation(GetUsageAllocation, GetUsageAllocationRequest, GetUsageAllocationResponse),
    Activate(Activate, ActivateRequest, ActivateResponse),
    Revoke(Revoke, RevokeRequest, RevokeResponse),
    Destroy(Destroy, DestroyRequest, DestroyResponse),
    Archive(Archive, ArchiveRequest, ArchiveResponse),
    Recover(Recover, RecoverRequest, RecoverResponse),
    Validate(Validate, ValidateRequest, ValidateResponse),
    Query(Query, QueryRequest, QueryResponse),
    Cancel(Cancel, CancelRequest, CancelResponse),
    Poll(Poll, PollRequest, PollResponse),
    Notify(Notify, NotifyRequest, NotifyResponse),
    Put(Put, PutRequest, PutResponse),
    ReKeyKeyPair(ReKeyKeyPair, ReKeyKeyPairRequest, ReKeyKeyPairResponse),
    DiscoverVersions(DiscoverVersions, DiscoverVersionsRequest, DiscoverVersionsResponse),
    Encrypt(Encrypt, EncryptRequest, EncryptResponse),
    Decrypt(Decrypt, DecryptRequest, DecryptResponse),
    Sign(Sign, SignRequest, SignResponse),
    SignatureVerify(SignatureVerify, SignatureVerifyRequest, SignatureVerifyResponse),
    Mac(MAC, MacRequest, MacResponse),
    MacVerify(MACVerify, MacVerifyRequest, MacVerifyResponse),
    RngRetrieve(RNGRetrieve, RngRetrieveRequest, RngRetrieveResponse),
    RngSeed(RNGSeed, RngSeedRequest, RngSeedResponse),
    Hash(Hash, HashRequest, HashResponse),
    CreateSplitKey(CreateSplitKey, CreateSplitKeyRequest, CreateSplitKeyResponse),
    JoinSplitKey(JoinSplitKey, JoinSplitKeyRequest, JoinSplitKeyResponse),
    Import(Import, ImportRequest, ImportResponse),
    Export(Export, ExportRequest, ExportResponse),
}
