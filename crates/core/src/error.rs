//! The core's errors: each says what went wrong in words a person can act on,
//! and which KMIP Result Reason it is, so every door reports it the same way.

use keyward_kmip::enums::ResultReason;
use thiserror::Error;

use crate::lifecycle::{TransitionError, UseError};

/// An operation refused or failed by the core.
#[derive(Debug, Error)]
pub enum Error {
    /// No object with this identifier exists in the caller's domain.
    #[error("no object {0:?} in this domain")]
    NotFound(String),
    /// IAM refused the action, or a rule protects the object.
    #[error("permission denied: {0}")]
    Denied(String),
    /// The object's lifecycle state does not allow the operation.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The object's state or dates do not allow this use.
    #[error(transparent)]
    Use(#[from] UseError),
    /// A field of the request is invalid.
    #[error("invalid field: {0}")]
    InvalidField(String),
    /// A field the operation needs is missing.
    #[error("missing data: {0}")]
    MissingData(String),
    /// The operation is not supported for this object or request.
    #[error("operation not supported: {0}")]
    OperationNotSupported(String),
    /// A feature of the request is not supported.
    #[error("feature not supported: {0}")]
    FeatureNotSupported(String),
    /// The requested key format cannot be produced for this object.
    #[error("key format not supported: {0}")]
    KeyFormatNotSupported(String),
    /// Modify Attribute of an attribute the object does not have (KMIP 1.4
    /// §11.15: Invalid Field; it must be added first).
    #[error("the object has no {0:?} attribute; add it with Add Attribute first")]
    AttributeAbsent(String),
    /// No instance of the attribute at this index (KMIP 1.4 §11.15–16: Item
    /// Not Found).
    #[error("attribute {name:?} has no instance at index {index}")]
    NoSuchInstance {
        /// The attribute name.
        name: String,
        /// The index asked for.
        index: i32,
    },
    /// Add Attribute of a single-instance attribute the object already has
    /// (KMIP 1.4 §11.14: Illegal Operation).
    #[error("{0} already has a value; use Modify Attribute")]
    AttributeExists(String),
    /// The object is archived; recover it first.
    #[error("object {0:?} is archived; recover it first")]
    Archived(String),
    /// The object is sensitive or not extractable and cannot be returned in the clear.
    #[error("object {0:?} is not extractable in the clear; ask for it wrapped")]
    NotExtractable(String),
    /// The object holds no key material (destroyed, or a template).
    #[error("object {0:?} has no key material")]
    KeyValueNotPresent(String),
    /// A cryptographic operation failed (bad tag, bad padding, wrong key…).
    #[error("cryptographic failure: {0}")]
    Crypto(String),
    /// The algorithm policy refused the request.
    #[error("refused by the algorithm policy: {0}")]
    Policy(String),
    /// The storage layer failed; the message carries no secret.
    #[error("storage failure: {0}")]
    Store(String),
    /// The request is malformed for the operation (e.g. an IV the mode needs
    /// is missing), as the KMIP test cases report it.
    #[error("invalid message: {0}")]
    InvalidMessage(String),
    /// The operation failed for a reason KMIP has no better code for (e.g.
    /// an authentication tag length the mode does not allow, which the OASIS
    /// test cases expect as General Failure).
    #[error("general failure: {0}")]
    General(String),
    /// A concurrent writer changed an object between read and write; the
    /// operation is retried.
    #[error("concurrent change: {0}")]
    Conflict(String),
}

impl Error {
    /// The core's view of a store error.
    pub fn from_store(error: keyward_store::Error) -> Self {
        use keyward_store::Error as S;
        match error {
            S::NotFound { id, .. } => Error::NotFound(id),
            S::DomainNotFound(id) => Error::Denied(format!("KMS domain {id} does not exist")),
            S::Conflict { .. } => Error::Conflict(error.to_string()),
            other => Error::Store(other.to_string()),
        }
    }
}

impl From<keyward_crypto::CryptoError> for Error {
    fn from(error: keyward_crypto::CryptoError) -> Self {
        Error::Crypto(error.to_string())
    }
}

impl From<keyward_crypto::policy::PolicyViolation> for Error {
    fn from(error: keyward_crypto::policy::PolicyViolation) -> Self {
        Error::Policy(error.to_string())
    }
}

impl Error {
    /// The KMIP Result Reason for this error.
    pub fn reason(&self) -> ResultReason {
        match self {
            Error::NotFound(_) => ResultReason::ItemNotFound,
            // KMIP 1.x has no Wrong Key Lifecycle State reason (it arrived in 2.0):
            // a state that refuses the operation is Permission Denied (KMIP 1.4 §11).
            Error::Denied(_) | Error::Use(_) | Error::Transition(_) => {
                ResultReason::PermissionDenied
            }
            Error::InvalidField(_) | Error::Policy(_) => ResultReason::InvalidField,
            Error::MissingData(_) => ResultReason::MissingData,
            Error::OperationNotSupported(_) => ResultReason::OperationNotSupported,
            Error::FeatureNotSupported(_) => ResultReason::FeatureNotSupported,
            Error::KeyFormatNotSupported(_) => ResultReason::KeyFormatTypeNotSupported,
            Error::AttributeAbsent(_) => ResultReason::InvalidField,
            Error::NoSuchInstance { .. } => ResultReason::ItemNotFound,
            Error::AttributeExists(_) => ResultReason::IllegalOperation,
            Error::Archived(_) => ResultReason::ObjectArchived,
            Error::NotExtractable(_) => ResultReason::NotExtractable,
            Error::KeyValueNotPresent(_) => ResultReason::KeyValueNotPresent,
            Error::Crypto(_) => ResultReason::CryptographicFailure,
            Error::InvalidMessage(_) => ResultReason::InvalidMessage,
            Error::Store(_) | Error::Conflict(_) | Error::General(_) => {
                ResultReason::GeneralFailure
            }
        }
    }
}
