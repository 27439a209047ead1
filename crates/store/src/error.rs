//! The store's typed errors.

use thiserror::Error;

/// Everything a store operation can fail with.
///
/// Each variant reads as a sentence a person can act on. None of them carries
/// key bytes, sealed material or SQL parameters: database errors are reduced to
/// the driver's message (which, for sqlx, never includes bound values).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The object does not exist in this domain (or exists in another one).
    #[error("object {id:?} not found in domain {domain}")]
    NotFound {
        /// The domain searched.
        domain: String,
        /// The object asked for.
        id: String,
    },
    /// A record other than an object (account, domain, credential, token, policy) is missing.
    #[error("{kind} {id:?} not found")]
    RecordNotFound {
        /// What kind of record: "account", "credential", ...
        kind: &'static str,
        /// Its identifier.
        id: String,
    },
    /// The domain does not exist.
    #[error("KMS domain {0} not found")]
    DomainNotFound(String),
    /// A compare-and-swap lost: the object changed since it was read. Re-read it and retry.
    #[error(
        "object {id:?} was changed concurrently (expected version {expected}, found {found:?}): re-read it and retry"
    )]
    Conflict {
        /// The object.
        id: String,
        /// The version the caller expected.
        expected: u64,
        /// The version found, or `None` if the object has gone.
        found: Option<u64>,
    },
    /// A record with this identifier already exists.
    #[error("{kind} {id:?} already exists")]
    AlreadyExists {
        /// What kind of record.
        kind: &'static str,
        /// Its identifier.
        id: String,
    },
    /// A request was malformed (too large a page, an empty batch, a bad URL...).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// Sealing or unsealing failed: wrong master key, altered ciphertext, or an unusable key source.
    #[error("sealing failure: {0}")]
    Sealing(#[from] crate::seal::SealError),
    /// The database aborted the transaction because of concurrent work (a
    /// PostgreSQL deadlock or serialisation failure, or SQLite still locked after
    /// its busy timeout). Nothing was written; the request can be retried as is.
    #[error("the database aborted the write because of concurrent work ({0}); retry it")]
    Retry(String),
    /// The connection to the database failed while a transaction was being
    /// committed, so whether the write took effect is not known: it is not
    /// retried (a retry could apply it twice, or append its audit records
    /// twice). Read the state back before repeating the request.
    #[error(
        "the database connection failed while committing ({0}): the write may or may not have \
         been applied; check before repeating it"
    )]
    CommitOutcomeUnknown(String),
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(String),
    /// A schema migration failed.
    #[error("schema migration failed: {0}")]
    Migration(String),
    /// The store's background writer has stopped (the store is shutting down or crashed).
    #[error("the store's writer task has stopped; reopen the store")]
    WriterStopped,
    /// The stored data is not in the expected shape (a bug or tampering).
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                // PostgreSQL serialization_failure / deadlock_detected; SQLite BUSY / LOCKED.
                if matches!(code.as_str(), "40001" | "40P01" | "5" | "6" | "517" | "261") {
                    return Error::Retry(format!("{} (code {code})", db.message()));
                }
                if code.is_empty() {
                    Error::Database(db.message().to_owned())
                } else {
                    Error::Database(format!("{} (code {code})", db.message()))
                }
            }
            other => Error::Database(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Migration(e.to_string())
    }
}

/// Shorthand for results of store operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a sqlx error is a unique-constraint violation (both backends).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || matches!(db.code().as_deref(), Some("23505") | Some("1555") | Some("2067"))
        }
        _ => false,
    }
}
