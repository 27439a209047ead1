//! The [`Store`] trait: the narrow storage operations the core builds on.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::error::Result;
use crate::seal::MasterKey;
use crate::types::*;

/// A boxed, `Send` future returning a store [`Result`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Storage for Keyward: accounts, domains, sealed objects with their attribute
/// index and links, the hash-chained audit log, credentials, API tokens and IAM
/// policies.
///
/// # Why object-safe
/// The backend is chosen at run time from a URL (`sqlite://…` or `postgres://…`),
/// so the core holds an `Arc<dyn Store>`. Methods therefore return a boxed future
/// ([`BoxFuture`]) rather than using `async fn` in the trait, which would not be
/// object-safe. The box costs one allocation per call, nothing next to a database
/// round trip.
///
/// # Semantics
/// * Every write that returns `Ok` is committed (durable) before it returns.
/// * Objects are only ever seen through their domain: asking for an object with
///   the wrong domain gives [`crate::Error::NotFound`].
/// * Updates are compare-and-swap on the object's version: an update that lost a
///   race gets [`crate::Error::Conflict`] and changes nothing; re-read and retry.
/// * Material is sealed under the domain's data key before it reaches the database.
pub trait Store: Send + Sync + std::fmt::Debug {
    // ----- accounts -----

    /// Creates an account.
    fn create_account<'a>(&'a self, id: &'a str, name: &'a str) -> BoxFuture<'a, Account>;
    /// Reads an account.
    fn get_account<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Account>;
    /// Lists accounts in id order.
    fn list_accounts(&self, page: Page) -> BoxFuture<'_, Vec<Account>>;

    // ----- domains -----

    /// Creates a KMS domain with a fresh data key wrapped by the master key.
    fn create_domain<'a>(&'a self, domain: &'a NewDomain) -> BoxFuture<'a, Domain>;
    /// Reads a domain.
    fn get_domain<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Domain>;
    /// Lists domains in id order, all of them or one account's.
    fn list_domains<'a>(
        &'a self,
        account_id: Option<&'a str>,
        page: Page,
    ) -> BoxFuture<'a, Vec<Domain>>;

    // ----- objects -----

    /// Inserts an object (with its index entries and links); returns its version (1).
    fn insert_object<'a>(&'a self, domain_id: &'a str, object: NewObject) -> BoxFuture<'a, u64>;
    /// Reads an object; with `with_material`, its material unsealed.
    fn get_object<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        with_material: bool,
    ) -> BoxFuture<'a, StoredObject>;
    /// Replaces an object's state, attributes, index entries and links (and
    /// possibly material) if its version is `expected_version`; returns the new version.
    fn update_object<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        expected_version: u64,
        update: ObjectUpdate,
    ) -> BoxFuture<'a, u64>;
    /// Deletes an object, its index entries and links, if its version is `expected_version`.
    fn delete_object<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        expected_version: u64,
    ) -> BoxFuture<'a, ()>;
    /// Applies several changes and audit records atomically; returns, per change,
    /// the object's new version (0 for a delete).
    fn apply(&self, batch: Batch) -> BoxFuture<'_, Vec<u64>>;
    /// Finds object ids in a domain from the attribute index.
    fn locate<'a>(
        &'a self,
        domain_id: &'a str,
        query: &'a LocateQuery,
    ) -> BoxFuture<'a, Vec<String>>;
    /// The objects that link to `target`: (source object id, link).
    fn linked_to<'a>(
        &'a self,
        domain_id: &'a str,
        target: &'a str,
    ) -> BoxFuture<'a, Vec<(String, Link)>>;
    /// Number of objects in a domain (billing is per stored key).
    fn count_objects<'a>(&'a self, domain_id: &'a str) -> BoxFuture<'a, u64>;

    // ----- audit -----

    /// Appends an audit record; returns its sequence number.
    fn append_audit(&self, event: AuditEvent) -> BoxFuture<'_, u64>;
    /// Lists audit records after `after_seq`, all of them or one domain's.
    fn list_audit<'a>(
        &'a self,
        domain_id: Option<&'a str>,
        after_seq: u64,
        limit: u32,
    ) -> BoxFuture<'a, Vec<AuditRecord>>;
    /// Recomputes the hash chain and reports the first removed or altered record.
    fn verify_audit_chain(&self) -> BoxFuture<'_, AuditVerification>;

    // ----- credentials -----

    /// Creates an access credential (with an empty description).
    fn create_credential<'a>(&'a self, credential: &'a NewCredential) -> BoxFuture<'a, Credential> {
        self.create_credential_with_description(credential, "")
    }
    /// Creates an access credential with a description, in one write.
    fn create_credential_with_description<'a>(
        &'a self,
        credential: &'a NewCredential,
        description: &'a str,
    ) -> BoxFuture<'a, Credential>;
    /// Finds a credential by its id alone, whatever its domain.
    fn find_credential<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Option<Credential>>;
    /// Reads a credential of a domain.
    fn get_credential<'a>(&'a self, domain_id: &'a str, id: &'a str) -> BoxFuture<'a, Credential>;
    /// Lists a domain's credentials in id order.
    fn list_credentials<'a>(
        &'a self,
        domain_id: &'a str,
        page: Page,
    ) -> BoxFuture<'a, Vec<Credential>>;
    /// Stores the issued certificate of a credential.
    fn set_credential_certificate<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        certificate_der: &'a [u8],
    ) -> BoxFuture<'a, ()>;
    /// Revokes a credential (idempotent: the first revocation time is kept).
    fn revoke_credential<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        at: OffsetDateTime,
    ) -> BoxFuture<'a, ()>;

    // ----- API tokens -----

    /// Stores an API token by the SHA-256 of its `secret` (the secret is not stored).
    fn create_api_token<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        name: &'a str,
        secret: &'a [u8],
        expires_at: Option<OffsetDateTime>,
    ) -> BoxFuture<'a, ApiToken>;
    /// Finds the token whose secret this is (revoked and expired ones included:
    /// the caller decides).
    fn find_api_token<'a>(&'a self, secret: &'a [u8]) -> BoxFuture<'a, Option<ApiToken>>;
    /// Lists an account's tokens in id order.
    fn list_api_tokens<'a>(
        &'a self,
        account_id: &'a str,
        page: Page,
    ) -> BoxFuture<'a, Vec<ApiToken>>;
    /// Revokes a token.
    fn revoke_api_token<'a>(&'a self, account_id: &'a str, id: &'a str) -> BoxFuture<'a, ()>;

    // ----- IAM policies -----

    /// Creates a policy (version 1).
    fn create_policy<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        name: &'a str,
        document: &'a str,
    ) -> BoxFuture<'a, Policy>;
    /// Reads a policy.
    fn get_policy<'a>(&'a self, account_id: &'a str, id: &'a str) -> BoxFuture<'a, Policy>;
    /// Lists an account's policies in id order.
    fn list_policies<'a>(&'a self, account_id: &'a str, page: Page) -> BoxFuture<'a, Vec<Policy>>;
    /// Replaces a policy's name and document if its version is `expected_version`.
    fn update_policy<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        expected_version: u64,
        name: &'a str,
        document: &'a str,
    ) -> BoxFuture<'a, Policy>;
    /// Deletes a policy.
    fn delete_policy<'a>(&'a self, account_id: &'a str, id: &'a str) -> BoxFuture<'a, ()>;

    // ----- server secrets -----

    /// Stores the named deployment secret (a CA's or the server certificate's
    /// key, say), sealed under the master key, **unless one of that name
    /// exists**; returns whether this call inserted it.
    ///
    /// Several nodes starting at once on one database all call this and then
    /// [`Store::get_server_secret`]: exactly one insert wins and every node reads
    /// the winner's value.
    fn put_server_secret<'a>(&'a self, name: &'a str, plaintext: &'a Secret)
    -> BoxFuture<'a, bool>;
    /// Stores the named deployment secret, replacing any previous value (a
    /// renewed server certificate, say).
    fn set_server_secret<'a>(&'a self, name: &'a str, plaintext: &'a Secret) -> BoxFuture<'a, ()>;
    /// Reads and unseals the named deployment secret, if it exists.
    fn get_server_secret<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Option<Secret>>;

    // ----- master key -----

    /// Re-wraps every domain key and server secret key under `new_key` in one
    /// transaction (objects are not touched), then uses `new_key` from now on.
    /// Returns the number of domains.
    ///
    /// Other server nodes sharing the database must be restarted with the new key.
    fn rotate_master_key(&self, new_key: Arc<dyn MasterKey>) -> BoxFuture<'_, u64>;
}
