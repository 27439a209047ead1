//! [`Kms`]: the one operation API every door calls.
//!
//! [`Kms::execute`] takes an authenticated [`Caller`] and a typed KMIP request
//! payload and, in this order: resolves the ID placeholder, checks IAM (deny by
//! default; nothing is read or written before), runs the operation, commits
//! its writes together with the audit record in one transaction, and returns
//! the response payload. A refused or failed operation is audited too.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use keyward_crypto::policy::Policy as AlgorithmPolicy;
use keyward_kmip::DateTime;
use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::enums::Operation;
use keyward_kmip::operations::{RequestPayload, ResponsePayload};
use keyward_store::{AuditEvent, Batch, Change, MaterialChange, Store};
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::iam::{self, Decision};
use crate::key_cache::{self, KeyCache};
use crate::object::ManagedObject;
use crate::object_cache::ObjectCache;
use crate::operations;
use crate::{Caller, Door, Error};

/// How many times an operation is retried when a concurrent writer changed
/// an object between read and write.
const MAX_ATTEMPTS: usize = 5;

/// What the core needs to know about a domain, cached after first use.
#[derive(Clone, Debug)]
pub struct DomainInfo {
    /// The domain id (okmsId).
    pub id: String,
    /// The owner account.
    pub account: String,
    /// The region.
    pub region: String,
}

/// State carried across the batch items of one message: the ID Placeholder
/// (KMIP 1.4 §6.15), the Unique Identifier the previous item produced or used.
#[derive(Clone, Debug, Default)]
pub struct BatchContext {
    /// The ID Placeholder.
    pub id_placeholder: Option<String>,
    /// The KMIP protocol version the message speaks, when the door has one:
    /// answers that list names (Get Attribute List) leave out what that
    /// version cannot receive.
    pub version: Option<keyward_ttlv::Version>,
}

impl BatchContext {
    /// The context of a message speaking KMIP `version`.
    pub fn for_version(version: keyward_ttlv::Version) -> Self {
        Self { id_placeholder: None, version: Some(version) }
    }
}

/// Settings of the core.
#[derive(Clone, Debug)]
pub struct Config {
    /// The algorithm policy applied to every create, register and use.
    pub algorithms: AlgorithmPolicy,
    /// The largest number of identifiers one Locate returns.
    pub max_locate_items: u32,
    /// Vendor Identification reported by Query.
    pub vendor: String,
    /// How many objects (with their unsealed material) to keep in memory; 0
    /// disables the cache. Only safe when this process is the store's only
    /// writer (the embedded SQLite store); leave it at 0 for several nodes on
    /// one PostgreSQL database.
    pub object_cache: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            algorithms: AlgorithmPolicy::default(),
            max_locate_items: 1000,
            vendor: "Keyward".to_owned(),
            object_cache: 0,
        }
    }
}

/// The KMS core. Cheap to clone; share one per process.
#[derive(Clone, Debug)]
pub struct Kms {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: Config,
    domains: RwLock<HashMap<String, Arc<DomainInfo>>>,
    objects: Option<ObjectCache>,
    audit: OnceLock<tokio::sync::mpsc::Sender<AuditMessage>>,
    keys: KeyCache,
}

/// What the background audit writer receives.
enum AuditMessage {
    Event(AuditEvent),
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Records queued for the background audit writer before senders wait.
const AUDIT_QUEUE: usize = 16_384;

/// Most records the background audit writer commits in one transaction.
const AUDIT_GROUP: usize = 4_096;

/// How long the background audit writer lets records accumulate.
const AUDIT_GATHER: std::time::Duration = std::time::Duration::from_millis(2);

impl Kms {
    /// A core on `store`, telling time with `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: Config) -> Self {
        let objects = (config.object_cache > 0).then(|| ObjectCache::new(config.object_cache));
        Self {
            inner: Arc::new(Inner {
                store,
                clock,
                config,
                domains: RwLock::new(HashMap::new()),
                objects,
                audit: OnceLock::new(),
                keys: KeyCache::new(key_cache::DEFAULT_CAPACITY),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The parsed-key cache.
    pub(crate) fn key_cache(&self) -> &KeyCache {
        &self.inner.keys
    }

    /// The current time, POSIX seconds.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The domain's owner and region (cached: domains never move).
    pub async fn domain(&self, id: &str) -> Result<Arc<DomainInfo>, Error> {
        if let Some(info) = self.read_domains().get(id) {
            return Ok(info.clone());
        }
        let domain = self.inner.store.get_domain(id).await.map_err(Error::from_store)?;
        let info = Arc::new(DomainInfo {
            id: domain.id,
            account: domain.account_id,
            region: domain.region,
        });
        if let Ok(mut cache) = self.inner.domains.write() {
            cache.insert(id.to_owned(), info.clone());
        }
        Ok(info)
    }

    fn read_domains(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<DomainInfo>>> {
        match self.inner.domains.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Runs one operation for `caller`. See the module documentation.
    pub async fn execute(
        &self,
        caller: &Caller,
        mut request: RequestPayload,
        batch: &mut BatchContext,
    ) -> Result<ResponsePayload, Error> {
        let operation = request.operation();
        let domain = self.domain(&caller.domain).await?;
        operations::resolve_placeholder(&mut request, batch)?;
        let target = operations::target(&request).map(str::to_owned);

        let decision = self.authorize(caller, &domain, operation, target.as_deref()).await?;
        if !decision.is_allowed() {
            let error = Error::Denied(denial_message(&decision, operation));
            self.audit(caller, &domain, operation, target.as_deref(), &error).await;
            return Err(error);
        }

        let mut attempt = 0;
        let (response, object_id) = loop {
            attempt += 1;
            let mut ctx = Ctx::new(self, caller, &domain, operation);
            ctx.version = batch.version;
            match operations::run(&mut ctx, request.clone()).await {
                Ok(response) => {
                    let object_id = operations::response_id(&response).or(target.clone());
                    match ctx.commit(operation, object_id.as_deref()).await {
                        Ok(()) => break (response, object_id),
                        Err(Error::Conflict(_)) if attempt < MAX_ATTEMPTS => continue,
                        Err(error) => {
                            self.audit(caller, &domain, operation, object_id.as_deref(), &error)
                                .await;
                            return Err(error);
                        }
                    }
                }
                Err(error) => {
                    self.audit(caller, &domain, operation, target.as_deref(), &error).await;
                    return Err(error);
                }
            }
        };
        if let Some(id) = object_id {
            batch.id_placeholder = Some(id);
        }
        Ok(response)
    }

    /// Waits until every audit record of a completed operation is in the store.
    pub async fn flush_audit(&self) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        if self.audit_queue().send(AuditMessage::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// The queue of the background writer of read-only operations' audit
    /// records, started on first use (inside the caller's runtime).
    fn audit_queue(&self) -> &tokio::sync::mpsc::Sender<AuditMessage> {
        self.inner.audit.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::channel(AUDIT_QUEUE);
            tokio::spawn(audit_writer(self.inner.store.clone(), rx));
            tx
        })
    }

    async fn authorize(
        &self,
        caller: &Caller,
        domain: &DomainInfo,
        operation: Operation,
        target: Option<&str>,
    ) -> Result<Decision, Error> {
        if caller.door == Door::Admin {
            return Ok(Decision::AllowedAsRoot);
        }
        if caller.identities().iter().any(|i| i.is_root_of(&domain.account)) {
            return Ok(Decision::AllowedAsRoot);
        }
        let action = action_name(caller.door, operation);
        let resource = match target {
            Some(id) => iam::kmip_object_resource(region_group(&domain.region), &domain.id, id),
            None => iam::domain_resource(region_group(&domain.region), &domain.id),
        };
        let policies = self.policies(&domain.account).await?;
        Ok(iam::authorize(caller.identities(), &domain.account, &policies, &action, &resource))
    }

    /// Every IAM policy of `account`, however many: a deny among the last of
    /// them counts as much as one among the first. A stored document that does
    /// not parse refuses the request rather than being skipped, since it may be
    /// a deny.
    async fn policies(&self, account: &str) -> Result<Vec<iam::Policy>, Error> {
        const PAGE: u32 = 1000;
        let mut policies = Vec::new();
        let mut offset = 0;
        loop {
            let page = keyward_store::Page { offset, limit: PAGE };
            let stored =
                self.inner.store.list_policies(account, page).await.map_err(Error::from_store)?;
            for p in &stored {
                let policy = serde_json::from_str(&p.document).map_err(|e| {
                    Error::Denied(format!(
                        "IAM policy {} of this account cannot be read ({e}): no request is \
                         allowed under its policies until it is fixed",
                        p.id
                    ))
                })?;
                policies.push(policy);
            }
            if stored.len() < PAGE as usize {
                return Ok(policies);
            }
            offset += u64::from(PAGE);
        }
    }

    async fn audit(
        &self,
        caller: &Caller,
        domain: &DomainInfo,
        operation: Operation,
        object: Option<&str>,
        error: &Error,
    ) {
        let event =
            audit_event(caller, domain, operation, object, &format!("{:?}", error.reason()));
        // The refusal stands even if the audit write fails; the store logs it.
        let _ = self.inner.store.append_audit(event).await;
    }
}

fn denial_message(decision: &Decision, operation: Operation) -> String {
    match decision {
        Decision::DeniedBy(policy) => format!("policy {policy} denies {operation:?}"),
        _ => format!("no IAM policy allows {operation:?} for this credential"),
    }
}

/// The region group used in URNs (`eu` for `eu-west-rbx`).
fn region_group(region: &str) -> &str {
    region.split('-').next().unwrap_or(region)
}

/// The IAM action name of an operation through a door, as OVHcloud names
/// them (`okms:kmip:getAttributes`, `okms:kmip:rekeyKeyPair`).
pub fn action_name(door: Door, operation: Operation) -> String {
    let verb = match operation {
        Operation::ReKey => "rekey".to_owned(),
        Operation::ReKeyKeyPair => "rekeyKeyPair".to_owned(),
        Operation::MAC => "mac".to_owned(),
        Operation::MACVerify => "macVerify".to_owned(),
        Operation::RNGRetrieve => "rngRetrieve".to_owned(),
        Operation::RNGSeed => "rngSeed".to_owned(),
        Operation::Extension(v) => format!("extension{v:08X}"),
        other => {
            let name = format!("{other:?}");
            let mut chars = name.chars();
            match chars.next() {
                Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                None => name,
            }
        }
    };
    match door {
        Door::Kmip | Door::Admin => format!("okms:kmip:{verb}"),
        Door::Rest => format!("okms:apikms:{verb}"),
    }
}

fn audit_event(
    caller: &Caller,
    domain: &DomainInfo,
    operation: Operation,
    object: Option<&str>,
    result: &str,
) -> AuditEvent {
    AuditEvent {
        at: OffsetDateTime::now_utc(),
        domain_id: Some(domain.id.clone()),
        credential_id: caller.credential.clone(),
        identities: caller.identity_names().clone(),
        operation: format!("{operation:?}"),
        object_id: object.map(str::to_owned),
        result: result.to_owned(),
    }
}

/// What one operation sees and accumulates: the caller, the time, and the
/// writes to commit with its audit record.
pub(crate) struct Ctx<'a> {
    pub kms: &'a Kms,
    pub caller: &'a Caller,
    pub domain: &'a DomainInfo,
    /// The operation being run, which IAM checks on every object it uses.
    pub operation: Operation,
    pub now: i64,
    /// The protocol version of the message, if any.
    pub version: Option<keyward_ttlv::Version>,
    changes: Vec<Change>,
}

impl<'a> Ctx<'a> {
    fn new(kms: &'a Kms, caller: &'a Caller, domain: &'a DomainInfo, operation: Operation) -> Self {
        Self { kms, caller, domain, operation, now: kms.now(), version: None, changes: Vec::new() }
    }

    /// Refuses unless IAM lets the caller run this operation on object `id`.
    /// The object a request names is checked before the operation runs; an
    /// operation that also uses another object — the key that wraps or
    /// unwraps, the key derived from, the parts joined, the object replaced,
    /// the public key re-keyed with its private key — checks it here before
    /// using it, so that a denied key cannot be used through another.
    pub(crate) async fn authorize_object(&self, id: &str) -> Result<(), Error> {
        let decision =
            self.kms.authorize(self.caller, self.domain, self.operation, Some(id)).await?;
        if decision.is_allowed() {
            Ok(())
        } else {
            Err(Error::Denied(format!(
                "{} (object {id}, used by this request)",
                denial_message(&decision, self.operation)
            )))
        }
    }

    /// A fresh Unique Identifier: a UUID version 7 (RFC 9562), whose leading
    /// bits are the creation time in milliseconds. Identifiers made one after
    /// another sort together, so the store's id-keyed indexes grow at their
    /// right edge instead of taking each new key on a random page — a group
    /// of creates then writes (and syncs) a few pages instead of several per
    /// object. The time they reveal is no secret: it is the object's Initial
    /// Date.
    pub fn new_id(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }

    /// Loads an object of the caller's domain, with its material if asked,
    /// its state settled to the current time.
    pub async fn load(&mut self, id: &str, with_material: bool) -> Result<ManagedObject, Error> {
        let cache = self.kms.inner.objects.as_ref();
        let mut object = match cache.and_then(|c| c.get(&self.domain.id, id)) {
            // A use of a key reads its parsed form from the key cache: its
            // material is copied only for the operations that return or wrap it.
            Some(cached) if with_material => ManagedObject::clone(&cached),
            Some(cached) => cached.without_material(),
            None => {
                let ticket = cache.map(ObjectCache::ticket);
                let stored = self
                    .kms
                    .inner
                    .store
                    .get_object(&self.domain.id, id, with_material || cache.is_some())
                    .await
                    .map_err(Error::from_store)?;
                let object = ManagedObject::from_stored(stored)?;
                if let (Some(cache), Some(ticket)) = (cache, ticket) {
                    cache.fill(ticket, &self.domain.id, id, object.clone());
                }
                object
            }
        };
        if object.settle(self.now) {
            self.update(&object, MaterialChange::Keep);
        }
        Ok(object)
    }

    /// Queues the insertion of a new object.
    pub fn insert(&mut self, object: &ManagedObject) {
        self.changes.push(Change::Insert(object.to_new()));
    }

    /// Queues the update of an object whose contents or attributes the
    /// operation changed, after stamping its Last Change Date (KMIP 1.4
    /// §3.38) with the operation's time: the one place that rule lives.
    pub fn record_change(&mut self, object: &mut ManagedObject, material: MaterialChange) {
        object.attributes.set(AttributeValue::LastChangeDate(DateTime(self.now)));
        self.update(object, material);
    }

    /// Queues the update of an object loaded earlier (compare-and-swap on its
    /// version; a later update of the same object in this operation replaces
    /// an earlier one). Alone, it is for the server's own bookkeeping, which
    /// leaves Last Change Date as it is (Fresh, Lease Time, Usage Limits
    /// counts, a state settled by its dates); an operation that changed the
    /// object calls [`Ctx::record_change`].
    pub fn update(&mut self, object: &ManagedObject, material: MaterialChange) {
        let update = object.to_update(material);
        for change in &mut self.changes {
            if let Change::Update { id, update: queued, .. } = change
                && *id == object.id
            {
                let keep_material = std::mem::take(&mut queued.material);
                *queued = update;
                if matches!(queued.material, MaterialChange::Keep) {
                    queued.material = keep_material;
                }
                return;
            }
        }
        self.changes.push(Change::Update {
            id: object.id.clone(),
            expected_version: object.version,
            update,
        });
    }

    /// The store's Locate, in the caller's domain.
    pub async fn locate(&self, query: &keyward_store::LocateQuery) -> Result<Vec<String>, Error> {
        self.kms.inner.store.locate(&self.domain.id, query).await.map_err(Error::from_store)
    }

    async fn commit(self, operation: Operation, object: Option<&str>) -> Result<(), Error> {
        let event = audit_event(self.caller, self.domain, operation, object, "Success");
        if self.changes.is_empty() {
            // A read changes nothing: its audit record is written in the
            // background, in groups, so that reads cost no commit each.
            let _ = self.kms.audit_queue().send(AuditMessage::Event(event)).await;
            return Ok(());
        }
        let changed: Vec<String> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Update { id, .. } | Change::Delete { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect();
        let mut batch = Batch::new(self.domain.id.clone());
        batch.changes = self.changes;
        batch.audit.push(event);
        let result = self.kms.inner.store.apply(batch).await.map_err(Error::from_store);
        // Whatever the outcome, the cached copies of what was written are stale.
        for id in changed {
            if let Some(cache) = &self.kms.inner.objects {
                cache.invalidate(&self.domain.id, &id);
            }
            self.kms.inner.keys.invalidate(&self.domain.id, &id);
        }
        result.map(|_| ())
    }
}

/// Writes queued audit records, grouping what has accumulated into one
/// transaction per domain.
///
/// After the first record of a group arrives the writer waits
/// [`AUDIT_GATHER`] before writing: records queued meanwhile join the group
/// without waking it, so a stream of reads costs one wake-up and one
/// transaction per interval instead of one per read.
async fn audit_writer(store: Arc<dyn Store>, mut rx: tokio::sync::mpsc::Receiver<AuditMessage>) {
    let mut buffer = Vec::new();
    while rx.recv_many(&mut buffer, AUDIT_GROUP).await > 0 {
        let flushing = buffer.iter().any(|m| matches!(m, AuditMessage::Flush(_)));
        if !flushing && buffer.len() < AUDIT_GROUP {
            tokio::time::sleep(AUDIT_GATHER).await;
            while buffer.len() < AUDIT_GROUP {
                match rx.try_recv() {
                    Ok(message) => buffer.push(message),
                    Err(_) => break,
                }
            }
        }
        let mut events: Vec<AuditEvent> = Vec::new();
        let mut flushes = Vec::new();
        for message in buffer.drain(..) {
            match message {
                AuditMessage::Event(event) => events.push(event),
                AuditMessage::Flush(done) => flushes.push(done),
            }
        }
        while !events.is_empty() {
            let domain = events[0].domain_id.clone().unwrap_or_default();
            let (same, rest): (Vec<_>, Vec<_>) = events
                .into_iter()
                .partition(|e| e.domain_id.as_deref().unwrap_or_default() == domain);
            events = rest;
            let mut batch = Batch::new(domain);
            batch.audit = same;
            if let Err(error) = store.apply(batch).await {
                tracing::error!(%error, "could not write audit records");
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}
