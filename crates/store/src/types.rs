//! The records the store keeps and the requests it takes.
//!
//! The store knows rows, not KMIP: object types, states and link types are the
//! caller's integers (the KMIP enumeration values), attributes are the caller's
//! bytes (TTLV), and index entries are the caller's normalised text.

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;
use zeroize::Zeroizing;

/// Largest page a list or locate call returns; larger limits are refused.
pub const MAX_PAGE: u32 = 10_000;
/// Largest number of changes in one [`Batch`].
pub const MAX_BATCH_CHANGES: usize = 1_000;
/// Largest sealed-material plaintext accepted (1 MiB).
pub const MAX_MATERIAL_LEN: usize = 1 << 20;
/// Longest server secret name accepted, in bytes.
pub const MAX_SECRET_NAME_LEN: usize = 200;
/// Longest credential description accepted, in bytes.
pub const MAX_DESCRIPTION_LEN: usize = 1024;

/// Plaintext key material: wiped on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Takes ownership of plaintext bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Copies plaintext bytes.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self(Zeroizing::new(bytes.to_vec()))
    }

    /// The plaintext.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Zeroizing<Vec<u8>>> for Secret {
    fn from(v: Zeroizing<Vec<u8>>) -> Self {
        Self(v)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// A page request: skip `offset` rows, return at most `limit` (≤ [`MAX_PAGE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return at most.
    pub limit: u32,
}

impl Page {
    /// The first `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self { offset: 0, limit }
    }
}

impl Default for Page {
    fn default() -> Self {
        Self { offset: 0, limit: 100 }
    }
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its identifier (for example `xx1111-ovh`).
    pub id: String,
    /// A display name.
    pub name: String,
    /// When it was created.
    pub created_at: OffsetDateTime,
}

/// A request to create a KMS domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDomain {
    /// Its identifier (the `okmsId`, a UUID in text form).
    pub id: String,
    /// The owner account.
    pub account_id: String,
    /// The region it lives in.
    pub region: String,
    /// A display name.
    pub name: String,
}

/// A KMS domain. Its data key is stored only wrapped by the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// Its identifier.
    pub id: String,
    /// The owner account.
    pub account_id: String,
    /// Its region.
    pub region: String,
    /// Its display name.
    pub name: String,
    /// When it was created.
    pub created_at: OffsetDateTime,
}

/// One indexed attribute instance, as the core normalised it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexEntry {
    /// The attribute name (for example `Name`, `Cryptographic Algorithm`, `x-team`).
    pub name: String,
    /// The attribute index (instance number) for multi-instance attributes.
    pub index: u32,
    /// The normalised value as text.
    pub value: String,
}

impl IndexEntry {
    /// An entry.
    pub fn new(name: impl Into<String>, index: u32, value: impl Into<String>) -> Self {
        Self { name: name.into(), index, value: value.into() }
    }
}

/// A link from an object to another (KMIP Link: type and linked object id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    /// The link type (KMIP Link Type enumeration value).
    pub link_type: u32,
    /// The linked object's id.
    pub target: String,
}

impl Link {
    /// A link.
    pub fn new(link_type: u32, target: impl Into<String>) -> Self {
        Self { link_type, target: target.into() }
    }
}

/// A new managed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObject {
    /// Its unique identifier (chosen by the caller, unique across the store).
    pub id: String,
    /// The object type (KMIP Object Type enumeration value).
    pub object_type: u32,
    /// The lifecycle state (KMIP State enumeration value).
    pub state: u32,
    /// The encoded attributes (opaque to the store).
    pub attributes: Vec<u8>,
    /// The index entries Locate searches.
    pub index: Vec<IndexEntry>,
    /// Links to other objects.
    pub links: Vec<Link>,
    /// The key material (sealed before it is written), if the object has any.
    pub material: Option<Secret>,
}

/// What an update does to an object's material.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MaterialChange {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Replace it (sealed before it is written).
    Replace(Secret),
    /// Erase it for good, keeping the metadata (KMIP Destroy).
    Destroy,
}

/// A new state for an object: state, attributes, index entries and links are
/// all replaced together, atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectUpdate {
    /// The new lifecycle state.
    pub state: u32,
    /// The new encoded attributes.
    pub attributes: Vec<u8>,
    /// The new index entries (replacing all previous ones).
    pub index: Vec<IndexEntry>,
    /// The new links (replacing all previous ones).
    pub links: Vec<Link>,
    /// What happens to the material.
    pub material: MaterialChange,
}

/// A stored object as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Its unique identifier.
    pub id: String,
    /// Its domain.
    pub domain_id: String,
    /// The object type.
    pub object_type: u32,
    /// The lifecycle state.
    pub state: u32,
    /// The version, for compare-and-swap updates (1 after insert, +1 per update).
    pub version: u64,
    /// The encoded attributes.
    pub attributes: Vec<u8>,
    /// Its links, in (link type, target) order.
    pub links: Vec<Link>,
    /// Whether material is stored (false once destroyed).
    pub has_material: bool,
    /// The unsealed material, when asked for and present.
    pub material: Option<Secret>,
    /// When it was inserted.
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    pub updated_at: OffsetDateTime,
}

/// One change inside a [`Batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Insert a new object.
    Insert(NewObject),
    /// Replace an object's state if its version is still `expected_version`.
    Update {
        /// The object.
        id: String,
        /// The version the caller read.
        expected_version: u64,
        /// Its new state.
        update: ObjectUpdate,
    },
    /// Delete an object and its index entries and links, if its version is still `expected_version`.
    Delete {
        /// The object.
        id: String,
        /// The version the caller read.
        expected_version: u64,
    },
}

/// Several changes to one domain and their audit records, applied all or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The domain all changes apply to.
    pub domain_id: String,
    /// The changes, applied in order.
    pub changes: Vec<Change>,
    /// Audit records appended in the same transaction.
    pub audit: Vec<AuditEvent>,
}

impl Batch {
    /// An empty batch for a domain.
    pub fn new(domain_id: impl Into<String>) -> Self {
        Self { domain_id: domain_id.into(), changes: Vec::new(), audit: Vec::new() }
    }

    /// Adds a change.
    pub fn push(mut self, change: Change) -> Self {
        self.changes.push(change);
        self
    }

    /// Adds an audit record.
    pub fn audit(mut self, event: AuditEvent) -> Self {
        self.audit.push(event);
        self
    }
}

/// A Locate request served from the attribute index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocateQuery {
    /// Attribute (name, normalised value) pairs that must all match some instance.
    pub filters: Vec<(String, String)>,
    /// If not empty, only objects in one of these states.
    pub states: Vec<u32>,
    /// If not empty, only objects of one of these types.
    pub object_types: Vec<u32>,
    /// The page (results are in object id order).
    pub page: Page,
}

/// What the audit log records about one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// When it happened.
    pub at: OffsetDateTime,
    /// The domain, if any.
    pub domain_id: Option<String>,
    /// The caller's credential id, if any.
    pub credential_id: Option<String>,
    /// The caller's identity URNs (shared: a caller's list is rendered once).
    pub identities: Arc<[String]>,
    /// The operation (for example `Create`, `Get`).
    pub operation: String,
    /// The object concerned, if any.
    pub object_id: Option<String>,
    /// The result (for example `Success`, `PermissionDenied`).
    pub result: String,
}

/// An audit record as stored: its place in the chain and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Its position, from 1, without gaps.
    pub seq: u64,
    /// The event.
    pub event: AuditEvent,
    /// SHA-256(previous hash ‖ canonical encoding).
    pub hash: [u8; 32],
}

/// The result of [`crate::Store::verify_audit_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every record is present, unaltered and chained.
    Intact {
        /// Number of records checked.
        records: u64,
        /// The last record's hash (anchor it elsewhere to detect a rewrite of the whole log).
        head: [u8; 32],
    },
    /// The chain is broken at `position`.
    Broken {
        /// The sequence number where the break was found.
        position: u64,
        /// What was found there.
        reason: String,
    },
}

/// A new access credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    /// Its identifier.
    pub id: String,
    /// Its domain.
    pub domain_id: String,
    /// Its name.
    pub name: String,
    /// The identity URNs it maps to.
    pub identities: Vec<String>,
    /// The certificate (DER), once issued.
    pub certificate_der: Option<Vec<u8>>,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
}

/// A stored access credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Its identifier.
    pub id: String,
    /// Its domain.
    pub domain_id: String,
    /// Its name.
    pub name: String,
    /// The identity URNs it maps to.
    pub identities: Vec<String>,
    /// The certificate (DER), once issued.
    pub certificate_der: Option<Vec<u8>>,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// A free-text description (empty if none was given).
    pub description: String,
}

/// An account API token (the secret is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its identifier.
    pub id: String,
    /// Its account.
    pub account_id: String,
    /// Its name.
    pub name: String,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it expires, if ever.
    pub expires_at: Option<OffsetDateTime>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

/// An IAM policy (its document is JSON text the store does not interpret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Its identifier.
    pub id: String,
    /// Its account.
    pub account_id: String,
    /// Its name.
    pub name: String,
    /// The policy document (JSON).
    pub document: String,
    /// Its version (compare-and-swap on update).
    pub version: u64,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it was last changed.
    pub updated_at: OffsetDateTime,
}
