//! The SQL implementation of [`Store`], for SQLite and PostgreSQL alike.
//!
//! One code path over sqlx's `Any` driver with runtime `$N` SQL; the two backends
//! differ only in their migration folders and in the few statements of
//! [`Backend`] (connection pragmas, how a write transaction begins, row locks).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use aws_lc_rs::digest::{SHA256, digest};
use sqlx::AnyConnection;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, Connection, Executor, Row};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use crate::audit;
use crate::error::{Error, Result, is_unique_violation};
use crate::seal::{self, DataKey, DomainKey, MasterKey};
use crate::store::{BoxFuture, Store};
use crate::types::*;
use crate::writer::{self, Job, JobOutput, PreparedBatch, PreparedChange, SealedChange};

/// Which database a [`SqlStore`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite: one file, WAL journal, `synchronous=FULL`.
    Sqlite,
    /// PostgreSQL: one database shared by several server nodes.
    Postgres,
}

impl Backend {
    /// The statement that opens a write transaction. SQLite takes its write lock
    /// up front (`BEGIN IMMEDIATE`), so a transaction that reads then writes never
    /// fails with a lock upgrade error; PostgreSQL uses row locks.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Row-lock suffix for a read that precedes a write of the same row.
    pub(crate) fn for_update(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

/// Options for [`SqlStore::open`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Maximum connections in the pool (readers plus the writer).
    pub max_connections: u32,
    /// Most write requests committed in one group transaction.
    pub max_group: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self { max_connections: 8, max_group: 256 }
    }
}

/// The SQL store (SQLite or PostgreSQL). Cheap to clone: clones share one pool
/// and one writer.
#[derive(Clone)]
pub struct SqlStore {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pool: AnyPool,
    writer_pool: AnyPool,
    pub(crate) backend: Backend,
    master: RwLock<Arc<dyn MasterKey>>,
    keys: RwLock<HashMap<String, Arc<DomainKey>>>,
    writer: mpsc::Sender<writer::Message>,
}

impl fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore").field("backend", &self.inner.backend).finish_non_exhaustive()
    }
}

/// Microseconds since the Unix epoch (saturating).
pub(crate) fn to_micros(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

pub(crate) fn from_micros(us: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .map_err(|_| Error::Corrupt(format!("timestamp {us} out of range")))
}

pub(crate) fn now_micros() -> i64 {
    to_micros(OffsetDateTime::now_utc())
}

fn to_i64(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::Invalid(format!("{what} {v} is too large")))
}

fn to_u32(v: i64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| Error::Corrupt(format!("{what} {v} out of range")))
}

fn to_u64(v: i64, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::Corrupt(format!("{what} {v} out of range")))
}

fn check_page(page: Page) -> Result<(i64, i64)> {
    if page.limit == 0 || page.limit > MAX_PAGE {
        return Err(Error::Invalid(format!(
            "page limit {} must be between 1 and {MAX_PAGE}",
            page.limit
        )));
    }
    Ok((i64::from(page.limit), to_i64(page.offset, "page offset")?))
}

/// ` LIMIT n OFFSET m` for `page`, checked, with the numbers written into the
/// text. Bound, SQLite weighs their values when it plans the query, so it
/// re-prepared the statement on every execution (half of a Locate's server
/// time); written in, each page's text is prepared once and stays cached.
fn page_clause(page: Page) -> Result<String> {
    let (limit, offset) = check_page(page)?;
    Ok(format!(" LIMIT {limit} OFFSET {offset}"))
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "objects", include_str!("../migrations/sqlite/0001_objects.sql")),
    (2, "credentials", include_str!("../migrations/sqlite/0002_credentials.sql")),
    (3, "server secrets", include_str!("../migrations/sqlite/0003_server_secrets.sql")),
    (
        4,
        "object ids per domain",
        include_str!("../migrations/sqlite/0004_object_ids_per_domain.sql"),
    ),
    (5, "compact attributes", include_str!("../migrations/sqlite/0005_compact_attributes.sql")),
    (6, "audit blocks", include_str!("../migrations/sqlite/0006_audit_blocks.sql")),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "objects", include_str!("../migrations/postgres/0001_objects.sql")),
    (2, "credentials", include_str!("../migrations/postgres/0002_credentials.sql")),
    (3, "server secrets", include_str!("../migrations/postgres/0003_server_secrets.sql")),
    (
        4,
        "object ids per domain",
        include_str!("../migrations/postgres/0004_object_ids_per_domain.sql"),
    ),
    (5, "compact attributes", include_str!("../migrations/postgres/0005_compact_attributes.sql")),
    (6, "audit blocks", include_str!("../migrations/postgres/0006_audit_blocks.sql")),
];

/// The schema migrations of a backend, up to and including `up_to`.
pub fn migrator(backend: Backend, up_to: i64) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    Migrator::with_migrations(
        list.iter()
            .filter(|(v, _, _)| *v <= up_to)
            .map(|(v, d, sql)| {
                Migration::new(
                    *v,
                    (*d).into(),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(*sql),
                    false,
                )
            })
            .collect(),
    )
}

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 6;

/// Parses a store URL into the backend and the URL sqlx's `Any` driver takes.
pub fn parse_url(url: &str) -> Result<(Backend, String)> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() || path.contains(":memory:") || path.starts_with("?") {
            return Err(Error::Invalid(
                "a sqlite:// URL needs a file path (in-memory databases are not durable)".into(),
            ));
        }
        let (path, _) = path.split_once('?').unwrap_or((path, ""));
        let escaped = path.replace('%', "%25").replace('#', "%23");
        Ok((Backend::Sqlite, format!("sqlite://{escaped}?mode=rwc")))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, url.to_owned()))
    } else {
        Err(Error::Invalid(
            "the store URL must start with sqlite:// (a file path) or postgres://".into(),
        ))
    }
}

/// Connects a pool and applies migrations up to `up_to` (used by tests of the
/// upgrade path; [`SqlStore::open`] applies all of them).
pub async fn connect_pool(
    url: &str,
    max_connections: u32,
    up_to: i64,
) -> Result<(Backend, AnyPool)> {
    sqlx::any::install_default_drivers();
    let (backend, any_url) = parse_url(url)?;
    if backend == Backend::Sqlite
        && let Some(parent) = std::path::Path::new(&url["sqlite://".len()..]).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::Invalid(format!("cannot create the directory {}: {e}", parent.display()))
        })?;
    }
    let pool = pool_of(backend, &any_url, max_connections.max(2), "").await?;
    migrator(backend, up_to).run(&pool).await?;
    Ok((backend, pool))
}

/// A pool of at most `max_connections` connections with the backend's pragmas
/// (SQLite: then `extra_pragmas`).
async fn pool_of(
    backend: Backend,
    any_url: &str,
    max_connections: u32,
    extra_pragmas: &'static str,
) -> Result<AnyPool> {
    let mut opts = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30));
    if backend == Backend::Sqlite {
        // A connection to a local file cannot go stale: no ping (a round trip
        // to the connection's worker thread) before each use.
        opts = opts.test_before_acquire(false);
        // WAL lets readers run beside the single writer. synchronous=FULL syncs the
        // WAL on every commit, so an acknowledged commit survives power loss, not
        // only a process crash (NORMAL would only sync at checkpoints). Group
        // commit pays that one fsync for many writes.
        opts = opts.after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
                )
                .await?;
                if !extra_pragmas.is_empty() {
                    conn.execute(extra_pragmas).await?;
                }
                Ok(())
            })
        });
    }
    Ok(opts.connect(any_url).await?)
}

/// The SQLite writer connection's own WAL checkpoints, a safety net: only
/// once the WAL holds this many pages (32 MiB), if [`checkpointer`] has fallen
/// that far behind.
const WRITER_AUTOCHECKPOINT: &str = "PRAGMA wal_autocheckpoint = 8192;";

/// How long the checkpointer lets commits accumulate before each checkpoint.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(50);

/// Copies committed WAL frames back into the SQLite database file, on a pool
/// connection of its own, after the writer reports commits.
///
/// SQLite's default is that the committing connection checkpoints every
/// 1,000 WAL pages, inside its commit: then the writer — and every caller
/// waiting on its group — waited for the copy and for an fsync of the
/// database file. A PASSIVE checkpoint from another connection runs beside
/// the writer and never blocks it. Ends when the writer stops (its sender is
/// dropped) or the pool is closed.
async fn checkpointer(pool: AnyPool, mut committed: mpsc::Receiver<()>) {
    while committed.recv().await.is_some() {
        tokio::time::sleep(CHECKPOINT_INTERVAL).await;
        if pool.is_closed() {
            break;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            if pool.is_closed() {
                break;
            }
            tracing::warn!(%error, "WAL checkpoint failed; the writer checkpoints itself later");
        }
    }
}

impl SqlStore {
    /// Opens (creating if needed) the store at `url` — `sqlite://PATH` or
    /// `postgres://…` — applies pending migrations, and checks `master_key`
    /// against the one the store was created with.
    pub async fn open(url: &str, master_key: Arc<dyn MasterKey>) -> Result<Self> {
        Self::open_with(url, master_key, OpenOptions::default()).await
    }

    /// [`SqlStore::open`] with explicit options.
    pub async fn open_with(
        url: &str,
        master_key: Arc<dyn MasterKey>,
        options: OpenOptions,
    ) -> Result<Self> {
        let (backend, pool) = connect_pool(url, options.max_connections, SCHEMA_VERSION).await?;
        // The master-key check value: created once, verified on every open.
        let check = seal::make_check(master_key.as_ref())?;
        sqlx::query(
            "INSERT INTO store_meta (name, value) VALUES ('master_key_check', $1) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(check)
        .execute(&pool)
        .await?;
        let stored: Vec<u8> =
            sqlx::query("SELECT value FROM store_meta WHERE name = 'master_key_check'")
                .fetch_one(&pool)
                .await?
                .try_get(0)?;
        seal::verify_check(master_key.as_ref(), &stored)?;

        // SQLite: the writer gets a pool of its own with one connection, so
        // every group is written through the same connection. In WAL mode a
        // connection's page cache survives its own commits but is dropped when
        // another connection wrote; varying connections would re-read the
        // database on every group. PostgreSQL shares the main pool.
        // Its WAL checkpoints are made by another connection (see
        // [`checkpointer`]); the writer checkpoints only if that one falls far
        // behind.
        let (writer_pool, checkpoints) = match backend {
            Backend::Sqlite => {
                let writer_pool =
                    pool_of(backend, &parse_url(url)?.1, 1, WRITER_AUTOCHECKPOINT).await?;
                let (commits, committed) = mpsc::channel(1);
                tokio::spawn(checkpointer(pool.clone(), committed));
                (writer_pool, Some(commits))
            }
            Backend::Postgres => (pool.clone(), None),
        };
        let (tx, rx) = mpsc::channel(options.max_group.max(1) * 4);
        tokio::spawn(writer::run(
            writer_pool.clone(),
            backend,
            rx,
            options.max_group.max(1),
            checkpoints,
        ));
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                writer_pool,
                backend,
                master: RwLock::new(master_key),
                keys: RwLock::new(HashMap::new()),
                writer: tx,
            }),
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The connection pool (for maintenance and tests; prefer the trait's methods).
    pub fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    /// Closes the pool; pending writes are finished first.
    pub async fn close(&self) {
        let (done, released) = oneshot::channel();
        if self.inner.writer.send(writer::Message::Release(done)).await.is_ok() {
            let _ = released.await;
        }
        self.inner.writer_pool.close().await;
        self.inner.pool.close().await;
    }

    /// Rows of `select` (which filters on `$1 = key`), in id order, one page,
    /// each turned into a record by `row`.
    async fn list_by<T>(
        &self,
        select: &str,
        key: &str,
        page: Page,
        row: fn(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        sqlx::query(AssertSqlSafe(format!("{select} ORDER BY id{}", page_clause(page)?)))
            .bind(key)
            .fetch_all(&self.inner.pool)
            .await?
            .iter()
            .map(row)
            .collect()
    }

    /// Checks a server secret's name and size and seals it under the master key.
    fn seal_secret(&self, name: &str, plaintext: &Secret) -> Result<(Vec<u8>, Vec<u8>)> {
        if name.is_empty() || name.len() > MAX_SECRET_NAME_LEN {
            return Err(Error::Invalid(format!(
                "a server secret name must hold 1 to {MAX_SECRET_NAME_LEN} bytes"
            )));
        }
        if plaintext.len() > MAX_MATERIAL_LEN {
            return Err(Error::Invalid(format!(
                "a server secret of {} bytes exceeds the {MAX_MATERIAL_LEN}-byte limit",
                plaintext.len()
            )));
        }
        Ok(seal::seal_server_secret(self.master().as_ref(), name, plaintext.expose())?)
    }

    fn master(&self) -> Arc<dyn MasterKey> {
        match self.inner.master.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The unwrapped data key of a domain (cached after the first use).
    async fn domain_key(&self, domain_id: &str) -> Result<Arc<DomainKey>> {
        if let Some(k) = self.inner.keys.read().ok().and_then(|m| m.get(domain_id).cloned()) {
            return Ok(k);
        }
        let row = sqlx::query("SELECT wrapped_key FROM domains WHERE id = $1")
            .bind(domain_id)
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or_else(|| Error::DomainNotFound(domain_id.to_owned()))?;
        let wrapped: Vec<u8> = row.try_get(0)?;
        let data_key = self.master().unwrap(domain_id.as_bytes(), &wrapped)?;
        let key = Arc::new(DomainKey::new(&data_key)?);
        if let Ok(mut m) = self.inner.keys.write() {
            m.insert(domain_id.to_owned(), key.clone());
        }
        Ok(key)
    }

    async fn submit(&self, job: Job) -> Result<JobOutput> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .writer
            .send(writer::Message::Write(writer::Request { job, reply }))
            .await
            .map_err(|_| Error::WriterStopped)?;
        rx.await.map_err(|_| Error::WriterStopped)?
    }

    fn prepare_index(index: Vec<IndexEntry>) -> Vec<IndexEntry> {
        let mut index = index;
        index.sort();
        index.dedup();
        index
    }

    fn prepare_links(links: Vec<Link>) -> Vec<Link> {
        let mut links = links;
        links.sort();
        links.dedup();
        links
    }

    async fn prepare(&self, batch: Batch) -> Result<PreparedBatch> {
        if batch.changes.is_empty() && batch.audit.is_empty() {
            return Err(Error::Invalid("a batch needs at least one change or audit record".into()));
        }
        if batch.changes.len() > MAX_BATCH_CHANGES {
            return Err(Error::Invalid(format!(
                "a batch holds at most {MAX_BATCH_CHANGES} changes, got {}",
                batch.changes.len()
            )));
        }
        let domain = &batch.domain_id;
        // Loading the domain key also checks that the domain exists.
        let key =
            if !batch.changes.is_empty() { Some(self.domain_key(domain).await?) } else { None };
        let seal = |id: &str, m: &Secret| -> Result<Vec<u8>> {
            if m.len() > MAX_MATERIAL_LEN {
                return Err(Error::Invalid(format!(
                    "material of {} bytes exceeds the {MAX_MATERIAL_LEN}-byte limit",
                    m.len()
                )));
            }
            match &key {
                Some(k) => Ok(k.seal(domain, id, m.expose())?),
                None => Err(Error::DomainNotFound(domain.clone())),
            }
        };
        let mut changes = Vec::with_capacity(batch.changes.len());
        for c in batch.changes {
            changes.push(match c {
                Change::Insert(o) => {
                    if o.id.is_empty() {
                        return Err(Error::Invalid("an object id cannot be empty".into()));
                    }
                    let sealed = o.material.as_ref().map(|m| seal(&o.id, m)).transpose()?;
                    PreparedChange::Insert {
                        id: o.id,
                        object_type: o.object_type,
                        state: o.state,
                        attributes: o.attributes,
                        index: Self::prepare_index(o.index),
                        links: Self::prepare_links(o.links),
                        material: sealed,
                    }
                }
                Change::Update { id, expected_version, update } => {
                    let material = match &update.material {
                        MaterialChange::Keep => SealedChange::Keep,
                        MaterialChange::Destroy => SealedChange::Destroy,
                        MaterialChange::Replace(m) => SealedChange::Replace(seal(&id, m)?),
                    };
                    PreparedChange::Update {
                        id,
                        expected_version,
                        state: update.state,
                        attributes: update.attributes,
                        index: Self::prepare_index(update.index),
                        links: Self::prepare_links(update.links),
                        material,
                    }
                }
                Change::Delete { id, expected_version } => {
                    PreparedChange::Delete { id, expected_version }
                }
            });
        }
        Ok(PreparedBatch { domain_id: batch.domain_id, changes, audit: batch.audit })
    }

    async fn apply_batch(&self, batch: Batch) -> Result<Vec<u64>> {
        let prepared = self.prepare(batch).await?;
        match self.submit(Job::Batch(prepared)).await? {
            JobOutput::Versions(v) => Ok(v),
            JobOutput::Seq(_) => {
                Err(Error::Corrupt("writer answered a batch with a sequence".into()))
            }
        }
    }

    async fn object_row(
        &self,
        domain_id: &str,
        id: &str,
        with_material: bool,
    ) -> Result<StoredObject> {
        let pool = &self.inner.pool;
        let row = sqlx::query(
            "SELECT object_type, state, version, attributes, material, created_at, updated_at \
             FROM objects WHERE id = $1 AND domain_id = $2",
        )
        .bind(id)
        .bind(domain_id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::NotFound { domain: domain_id.to_owned(), id: id.to_owned() })?;
        let sealed: Option<Vec<u8>> = row.try_get(4)?;
        let links = sqlx::query(
            "SELECT link_type, target_id FROM object_links WHERE domain_id = $1 AND object_id = $2 \
             ORDER BY link_type, target_id",
        )
        .bind(domain_id)
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(Link { link_type: to_u32(r.try_get(0)?, "link type")?, target: r.try_get(1)? }))
        .collect::<Result<Vec<_>>>()?;
        let material = match (&sealed, with_material) {
            (Some(s), true) => {
                let key = self.domain_key(domain_id).await?;
                Some(Secret::from(key.open(domain_id, id, s)?))
            }
            _ => None,
        };
        Ok(StoredObject {
            id: id.to_owned(),
            domain_id: domain_id.to_owned(),
            object_type: to_u32(row.try_get(0)?, "object type")?,
            state: to_u32(row.try_get(1)?, "state")?,
            version: to_u64(row.try_get(2)?, "version")?,
            attributes: row.try_get(3)?,
            links,
            has_material: sealed.is_some(),
            material,
            created_at: from_micros(row.try_get(5)?)?,
            updated_at: from_micros(row.try_get(6)?)?,
        })
    }

    async fn locate_ids(&self, domain_id: &str, q: &LocateQuery) -> Result<Vec<String>> {
        let page = page_clause(q.page)?;
        if q.filters.len() > 32 {
            return Err(Error::Invalid("a locate takes at most 32 attribute filters".into()));
        }
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        let mut sql = String::new();
        let mut binds: Vec<String> = vec![domain_id.to_owned()];
        let mut ints: Vec<i64> = Vec::new();
        let state_type_filter = |sql: &mut String, next: &mut dyn FnMut() -> i32, alias: &str| {
            let mut ints = Vec::new();
            if !q.states.is_empty() {
                let ps: Vec<String> = q.states.iter().map(|_| format!("${}", next())).collect();
                sql.push_str(&format!(" AND {alias}.state IN ({})", ps.join(", ")));
                ints.extend(q.states.iter().map(|s| i64::from(*s)));
            }
            if !q.object_types.is_empty() {
                let ps: Vec<String> =
                    q.object_types.iter().map(|_| format!("${}", next())).collect();
                sql.push_str(&format!(" AND {alias}.object_type IN ({})", ps.join(", ")));
                ints.extend(q.object_types.iter().map(|s| i64::from(*s)));
            }
            ints
        };
        if q.filters.is_empty() {
            sql.push_str("SELECT o.id FROM objects o WHERE o.domain_id = $1");
            ints = state_type_filter(&mut sql, &mut next, "o");
            sql.push_str(" ORDER BY o.id");
        } else {
            let needs_object = !q.states.is_empty() || !q.object_types.is_empty();
            sql.push_str("SELECT DISTINCT i0.object_id FROM object_index i0");
            for k in 1..q.filters.len() {
                let (a, b) = (next(), next());
                sql.push_str(&format!(
                    " JOIN object_index i{k} ON i{k}.domain_id = i0.domain_id \
                     AND i{k}.object_id = i0.object_id AND i{k}.name = ${a} AND i{k}.value = ${b}"
                ));
            }
            if needs_object {
                sql.push_str(
                    " JOIN objects o ON o.domain_id = i0.domain_id AND o.id = i0.object_id",
                );
            }
            let (a, b) = (next(), next());
            sql.push_str(&format!(
                " WHERE i0.domain_id = $1 AND i0.name = ${a} AND i0.value = ${b}"
            ));
            for (name, value) in q.filters.iter().skip(1) {
                binds.push(name.clone());
                binds.push(value.clone());
            }
            binds.push(q.filters[0].0.clone());
            binds.push(q.filters[0].1.clone());
            if needs_object {
                ints = state_type_filter(&mut sql, &mut next, "o");
            }
            sql.push_str(" ORDER BY i0.object_id");
        }
        sql.push_str(&page);
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        for i in ints {
            query = query.bind(i);
        }
        let rows = query.fetch_all(&self.inner.pool).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>(0)?)).collect()
    }

    /// Walks every row a listing can show, from the chain's start: all of
    /// `audit_log` by sequence number, then all of `audit_blocks` in the order
    /// listings read them (by last sequence number), each required to continue
    /// the chain exactly where the one before it ended. Then the walk must end
    /// at the chain head: a row past it, or one before it that is missing, is
    /// reported. Records appended while the walk runs are walked too (the head
    /// and the records it covers are written in one transaction).
    async fn verify_chain(&self) -> Result<AuditVerification> {
        let rows = "SELECT seq, at, domain_id, credential_id, identities, operation, object_id, \
                    result, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000";
        let blocks = format!(
            "SELECT {BLOCK_COLS} FROM audit_blocks WHERE last_seq > $1 \
             ORDER BY last_seq LIMIT {BLOCKS_PER_QUERY}"
        );
        let mut walk = ChainWalk { prev: audit::GENESIS, expected: 1 };
        // Keys of the last row walked in each table: every row is read,
        // whatever its sequence numbers (a negative one is reported).
        let (mut row_cursor, mut block_cursor) = (i64::MIN, i64::MIN);
        // The head read after the previous walk: every record up to it was
        // committed before this walk began, so this walk must reach it.
        let mut reached_by_now = 0;
        for _ in 0..VERIFY_ROUNDS {
            let walked = |w: &ChainWalk| w.expected - 1;
            let step = self.walk_pages(rows, &mut row_cursor, 0, &mut walk, ChainWalk::record);
            if let Some(broken) = step.await? {
                return Ok(broken);
            }
            let step = self.walk_pages(&blocks, &mut block_cursor, 1, &mut walk, ChainWalk::block);
            if let Some(broken) = step.await? {
                return Ok(broken);
            }
            if walked(&walk) < reached_by_now {
                return Ok(AuditVerification::Broken {
                    position: walk.expected,
                    reason: format!(
                        "records {} to {reached_by_now} are missing (the chain head says \
                         {reached_by_now})",
                        walk.expected
                    ),
                });
            }
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&self.inner.pool)
                .await?;
            let head_seq = to_u64(head.try_get(0)?, "audit head")?;
            let head_hash: Vec<u8> = head.try_get(1)?;
            if walked(&walk) > head_seq {
                return Ok(AuditVerification::Broken {
                    position: head_seq + 1,
                    reason: format!(
                        "records {} to {} are past the chain head ({head_seq}): they were \
                         added outside Keyward",
                        head_seq + 1,
                        walked(&walk)
                    ),
                });
            }
            if walked(&walk) == head_seq {
                if head_hash.as_slice() != walk.prev {
                    return Ok(AuditVerification::Broken {
                        position: head_seq,
                        reason: "the chain head's hash does not match the last record".into(),
                    });
                }
                return Ok(AuditVerification::Intact { records: head_seq, head: walk.prev });
            }
            // Records were appended while the walk ran (or are missing: the
            // next round tells).
            reached_by_now = head_seq;
        }
        Err(Error::Retry(format!(
            "the audit log grew during each of {VERIFY_ROUNDS} walks to its head; verify again"
        )))
    }

    /// Feeds `walk` the rows of `sql` (parameter: the key after which to
    /// read, `cursor`, which moves to the key, column `key`, of the last row
    /// read), a page at a time, until none is left or `step` finds the chain
    /// broken.
    async fn walk_pages(
        &self,
        sql: &str,
        cursor: &mut i64,
        key: usize,
        walk: &mut ChainWalk,
        step: fn(&mut ChainWalk, &AnyRow) -> Option<AuditVerification>,
    ) -> Result<Option<AuditVerification>> {
        loop {
            let rows = sqlx::query(AssertSqlSafe(sql.to_owned()))
                .bind(*cursor)
                .fetch_all(&self.inner.pool)
                .await?;
            let Some(last) = rows.last() else {
                return Ok(None);
            };
            *cursor = last.try_get(key)?;
            for r in &rows {
                if let Some(broken) = step(walk, r) {
                    return Ok(Some(broken));
                }
            }
        }
    }
}

/// Most walks [`SqlStore::verify_chain`] makes to catch up with a head that
/// keeps moving.
const VERIFY_ROUNDS: usize = 64;

/// Most audit blocks one query reads, when listing or verifying.
const BLOCKS_PER_QUERY: usize = 32;

/// The columns of an `audit_blocks` row, as [`read_block`] reads them.
const BLOCK_COLS: &str = "first_seq, last_seq, domain_id, prev_hash, hash, records";

/// An `audit_blocks` row: a run of records and the chain hashes around it.
struct StoredBlock {
    first_seq: u64,
    last_seq: u64,
    prev_hash: [u8; 32],
    hash: [u8; 32],
    /// The records' events, or why they cannot be decoded.
    events: std::result::Result<Vec<AuditEvent>, audit::block::BlockError>,
}

fn hash32(bytes: Vec<u8>, what: &str) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| Error::Corrupt(format!("{what} is not 32 bytes")))
}

fn read_block(r: &AnyRow) -> Result<StoredBlock> {
    let first_seq = to_u64(r.try_get(0)?, "audit block start")?;
    let last_seq = to_u64(r.try_get(1)?, "audit block end")?;
    if last_seq < first_seq {
        return Err(Error::Corrupt(format!(
            "the audit block at {first_seq} ends before it starts ({last_seq})"
        )));
    }
    let domain: Option<String> = r.try_get(2)?;
    let records: Vec<u8> = r.try_get(5)?;
    let count = usize::try_from(last_seq - first_seq + 1)
        .map_err(|_| Error::Corrupt(format!("the audit block at {first_seq} is too long")))?;
    Ok(StoredBlock {
        first_seq,
        last_seq,
        prev_hash: hash32(r.try_get(3)?, "an audit block's previous hash")?,
        hash: hash32(r.try_get(4)?, "an audit block's hash")?,
        events: audit::block::decode(&records, domain.as_deref(), count),
    })
}

impl StoredBlock {
    /// Its records with their hashes, chained from the stored previous hash,
    /// and the hash after the last of them.
    fn records(self) -> Result<(Vec<AuditRecord>, [u8; 32])> {
        let first_seq = self.first_seq;
        let events = self.events.map_err(|e| {
            Error::Corrupt(format!("the audit block at record {first_seq} cannot be read: {e}"))
        })?;
        let mut prev = self.prev_hash;
        let records = (first_seq..)
            .zip(events)
            .map(|(seq, event)| {
                let hash = audit::chain_hash(&prev, seq, &event);
                prev = hash;
                AuditRecord { seq, event, hash }
            })
            .collect();
        Ok((records, prev))
    }
}

/// A walk along the chain from its start, for [`SqlStore::verify_chain`].
struct ChainWalk {
    /// The hash after the records walked so far.
    prev: [u8; 32],
    /// The next record's sequence number.
    expected: u64,
}

impl ChainWalk {
    /// The chain is broken where record `next` was read in place of the
    /// expected one: a gap if it is later, a record read twice or out of
    /// order (a row added outside Keyward) if it is earlier.
    fn missing(&self, next: u64) -> AuditVerification {
        let reason = if next > self.expected {
            format!("record {} is missing (next present record is {next})", self.expected)
        } else {
            format!(
                "a row holding record {next} is where record {} should be: a record is stored \
                 twice or out of order",
                self.expected
            )
        };
        AuditVerification::Broken { position: self.expected, reason }
    }

    /// Takes a row of `audit_log`; what breaks the chain there, if anything.
    fn record(&mut self, r: &AnyRow) -> Option<AuditVerification> {
        let rec = match audit_record(r) {
            Ok(rec) => rec,
            Err(e) => {
                return Some(AuditVerification::Broken {
                    position: self.expected,
                    reason: format!("record cannot be read: {e}"),
                });
            }
        };
        if rec.seq != self.expected {
            return Some(self.missing(rec.seq));
        }
        let h = audit::chain_hash(&self.prev, rec.seq, &rec.event);
        if h != rec.hash {
            return Some(AuditVerification::Broken {
                position: rec.seq,
                reason: format!(
                    "record {} was altered, or a record before it was (hash mismatch)",
                    rec.seq
                ),
            });
        }
        self.prev = h;
        self.expected += 1;
        None
    }

    /// Takes a row of `audit_blocks`; what breaks the chain there, if anything.
    fn block(&mut self, r: &AnyRow) -> Option<AuditVerification> {
        let broken =
            |position: u64, reason: String| Some(AuditVerification::Broken { position, reason });
        let block = match read_block(r) {
            Ok(block) => block,
            Err(e) => return broken(self.expected, format!("record cannot be read: {e}")),
        };
        let (first, last) = (block.first_seq, block.last_seq);
        if first != self.expected {
            return Some(self.missing(first));
        }
        if block.prev_hash != self.prev {
            return broken(
                first,
                format!("record {first} was altered, or a record before it was (hash mismatch)"),
            );
        }
        let stored = block.hash;
        let computed = match block.records() {
            Ok((_, computed)) => computed,
            Err(e) => return broken(first, e.to_string()),
        };
        if computed != stored {
            let which = if first == last {
                format!("record {first} was")
            } else {
                format!("one of records {first} to {last} was")
            };
            return broken(first, format!("{which} altered (hash mismatch)"));
        }
        self.prev = computed;
        self.expected = last + 1;
        None
    }
}

fn audit_record(r: &AnyRow) -> Result<AuditRecord> {
    let identities: String = r.try_get(4)?;
    let identities: Vec<String> = serde_json::from_str(&identities)
        .map_err(|e| Error::Corrupt(format!("audit identities: {e}")))?;
    let hash: Vec<u8> = r.try_get(8)?;
    let hash: [u8; 32] =
        hash.try_into().map_err(|_| Error::Corrupt("audit hash is not 32 bytes".into()))?;
    Ok(AuditRecord {
        seq: to_u64(r.try_get(0)?, "audit seq")?,
        event: AuditEvent {
            at: from_micros(r.try_get(1)?)?,
            domain_id: r.try_get(2)?,
            credential_id: r.try_get(3)?,
            identities: identities.into(),
            operation: r.try_get(5)?,
            object_id: r.try_get(6)?,
            result: r.try_get(7)?,
        },
        hash,
    })
}

fn account_row(r: &AnyRow) -> Result<Account> {
    Ok(Account { id: r.try_get(0)?, name: r.try_get(1)?, created_at: from_micros(r.try_get(2)?)? })
}

fn domain_row(r: &AnyRow) -> Result<Domain> {
    Ok(Domain {
        id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        region: r.try_get(2)?,
        name: r.try_get(3)?,
        created_at: from_micros(r.try_get(4)?)?,
    })
}

fn opt_time(v: Option<i64>) -> Result<Option<OffsetDateTime>> {
    v.map(from_micros).transpose()
}

const CREDENTIAL_COLS: &str = "id, domain_id, name, identities, certificate_der, not_before, \
                               not_after, revoked_at, created_at, description";

fn credential_row(r: &AnyRow) -> Result<Credential> {
    let identities: String = r.try_get(3)?;
    Ok(Credential {
        id: r.try_get(0)?,
        domain_id: r.try_get(1)?,
        name: r.try_get(2)?,
        identities: serde_json::from_str(&identities)
            .map_err(|e| Error::Corrupt(format!("credential identities: {e}")))?,
        certificate_der: r.try_get(4)?,
        not_before: from_micros(r.try_get(5)?)?,
        not_after: from_micros(r.try_get(6)?)?,
        revoked_at: opt_time(r.try_get(7)?)?,
        created_at: from_micros(r.try_get(8)?)?,
        description: r.try_get(9)?,
    })
}

const TOKEN_COLS: &str = "id, account_id, name, created_at, expires_at, revoked_at";

fn token_row(r: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        name: r.try_get(2)?,
        created_at: from_micros(r.try_get(3)?)?,
        expires_at: opt_time(r.try_get(4)?)?,
        revoked_at: opt_time(r.try_get(5)?)?,
    })
}

const POLICY_COLS: &str = "id, account_id, name, document, version, created_at, updated_at";

fn policy_row(r: &AnyRow) -> Result<Policy> {
    Ok(Policy {
        id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        name: r.try_get(2)?,
        document: r.try_get(3)?,
        version: to_u64(r.try_get(4)?, "policy version")?,
        created_at: from_micros(r.try_get(5)?)?,
        updated_at: from_micros(r.try_get(6)?)?,
    })
}

fn token_hash(secret: &[u8]) -> Vec<u8> {
    digest(&SHA256, secret).as_ref().to_vec()
}

fn map_unique(e: sqlx::Error, kind: &'static str, id: &str) -> Error {
    if is_unique_violation(&e) {
        Error::AlreadyExists { kind, id: id.to_owned() }
    } else {
        e.into()
    }
}

fn not_found(kind: &'static str, id: &str) -> Error {
    Error::RecordNotFound { kind, id: id.to_owned() }
}

/// `Ok` if a statement on record `id` of `kind` changed a row, else not found.
fn found(rows_affected: u64, kind: &'static str, id: &str) -> Result<()> {
    if rows_affected == 0 { Err(not_found(kind, id)) } else { Ok(()) }
}

impl Store for SqlStore {
    fn create_account<'a>(&'a self, id: &'a str, name: &'a str) -> BoxFuture<'a, Account> {
        Box::pin(async move {
            let now = now_micros();
            sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(name)
                .bind(now)
                .execute(&self.inner.pool)
                .await
                .map_err(|e| map_unique(e, "account", id))?;
            Ok(Account { id: id.to_owned(), name: name.to_owned(), created_at: from_micros(now)? })
        })
    }

    fn get_account<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Account> {
        Box::pin(async move {
            let r = sqlx::query("SELECT id, name, created_at FROM accounts WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.inner.pool)
                .await?
                .ok_or_else(|| not_found("account", id))?;
            account_row(&r)
        })
    }

    fn list_accounts(&self, page: Page) -> BoxFuture<'_, Vec<Account>> {
        Box::pin(async move {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT id, name, created_at FROM accounts ORDER BY id{}",
                page_clause(page)?
            )))
            .fetch_all(&self.inner.pool)
            .await?
            .iter()
            .map(account_row)
            .collect()
        })
    }

    fn create_domain<'a>(&'a self, d: &'a NewDomain) -> BoxFuture<'a, Domain> {
        Box::pin(async move {
            if d.id.is_empty() {
                return Err(Error::Invalid("a domain id cannot be empty".into()));
            }
            self.get_account(&d.account_id).await?;
            let data_key = DataKey::generate()?;
            let wrapped = self.master().wrap(d.id.as_bytes(), &data_key)?;
            let now = now_micros();
            sqlx::query(
                "INSERT INTO domains (id, account_id, region, name, wrapped_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&d.id)
            .bind(&d.account_id)
            .bind(&d.region)
            .bind(&d.name)
            .bind(wrapped)
            .bind(now)
            .execute(&self.inner.pool)
            .await
            .map_err(|e| map_unique(e, "domain", &d.id))?;
            Ok(Domain {
                id: d.id.clone(),
                account_id: d.account_id.clone(),
                region: d.region.clone(),
                name: d.name.clone(),
                created_at: from_micros(now)?,
            })
        })
    }

    fn get_domain<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Domain> {
        Box::pin(async move {
            let r = sqlx::query(
                "SELECT id, account_id, region, name, created_at FROM domains WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or_else(|| Error::DomainNotFound(id.to_owned()))?;
            domain_row(&r)
        })
    }

    fn list_domains<'a>(
        &'a self,
        account_id: Option<&'a str>,
        page: Page,
    ) -> BoxFuture<'a, Vec<Domain>> {
        Box::pin(async move {
            let page = page_clause(page)?;
            let rows = match account_id {
                Some(a) => {
                    sqlx::query(AssertSqlSafe(format!(
                        "SELECT id, account_id, region, name, created_at FROM domains \
                         WHERE account_id = $1 ORDER BY id{page}"
                    )))
                    .bind(a)
                    .fetch_all(&self.inner.pool)
                    .await?
                }
                None => {
                    sqlx::query(AssertSqlSafe(format!(
                        "SELECT id, account_id, region, name, created_at FROM domains \
                         ORDER BY id{page}"
                    )))
                    .fetch_all(&self.inner.pool)
                    .await?
                }
            };
            rows.iter().map(domain_row).collect()
        })
    }

    fn insert_object<'a>(&'a self, domain_id: &'a str, object: NewObject) -> BoxFuture<'a, u64> {
        Box::pin(async move {
            let v = self.apply_batch(Batch::new(domain_id).push(Change::Insert(object))).await?;
            v.first().copied().ok_or_else(|| Error::Corrupt("empty batch result".into()))
        })
    }

    fn get_object<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        with_material: bool,
    ) -> BoxFuture<'a, StoredObject> {
        Box::pin(self.object_row(domain_id, id, with_material))
    }

    fn update_object<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        expected_version: u64,
        update: ObjectUpdate,
    ) -> BoxFuture<'a, u64> {
        Box::pin(async move {
            let change = Change::Update { id: id.to_owned(), expected_version, update };
            let v = self.apply_batch(Batch::new(domain_id).push(change)).await?;
            v.first().copied().ok_or_else(|| Error::Corrupt("empty batch result".into()))
        })
    }

    fn delete_object<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        expected_version: u64,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let change = Change::Delete { id: id.to_owned(), expected_version };
            self.apply_batch(Batch::new(domain_id).push(change)).await?;
            Ok(())
        })
    }

    fn apply(&self, batch: Batch) -> BoxFuture<'_, Vec<u64>> {
        Box::pin(self.apply_batch(batch))
    }

    fn locate<'a>(
        &'a self,
        domain_id: &'a str,
        query: &'a LocateQuery,
    ) -> BoxFuture<'a, Vec<String>> {
        Box::pin(self.locate_ids(domain_id, query))
    }

    fn linked_to<'a>(
        &'a self,
        domain_id: &'a str,
        target: &'a str,
    ) -> BoxFuture<'a, Vec<(String, Link)>> {
        Box::pin(async move {
            sqlx::query(
                "SELECT object_id, link_type FROM object_links WHERE domain_id = $1 AND target_id = $2 \
                 ORDER BY object_id, link_type LIMIT 10000",
            )
            .bind(domain_id)
            .bind(target)
            .fetch_all(&self.inner.pool)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    Link { link_type: to_u32(r.try_get(1)?, "link type")?, target: target.to_owned() },
                ))
            })
            .collect()
        })
    }

    fn count_objects<'a>(&'a self, domain_id: &'a str) -> BoxFuture<'a, u64> {
        Box::pin(async move {
            let n: i64 = sqlx::query("SELECT COUNT(*) FROM objects WHERE domain_id = $1")
                .bind(domain_id)
                .fetch_one(&self.inner.pool)
                .await?
                .try_get(0)?;
            to_u64(n, "count")
        })
    }

    fn append_audit(&self, event: AuditEvent) -> BoxFuture<'_, u64> {
        Box::pin(async move {
            match self.submit(Job::Audit(event)).await? {
                JobOutput::Seq(s) => Ok(s),
                JobOutput::Versions(_) => {
                    Err(Error::Corrupt("writer answered an audit with versions".into()))
                }
            }
        })
    }

    fn list_audit<'a>(
        &'a self,
        domain_id: Option<&'a str>,
        after_seq: u64,
        limit: u32,
    ) -> BoxFuture<'a, Vec<AuditRecord>> {
        Box::pin(async move {
            let page = page_clause(Page { offset: 0, limit })?;
            let after = to_i64(after_seq, "seq")?;
            let pool = &self.inner.pool;
            // The records written one per row come first, then the blocks.
            let cols =
                "seq, at, domain_id, credential_id, identities, operation, object_id, result, hash";
            let (domain_clause, after_param) = match domain_id {
                Some(_) => ("domain_id = $1 AND ", "$2"),
                None => ("", "$1"),
            };
            let mut q = sqlx::query(AssertSqlSafe(format!(
                "SELECT {cols} FROM audit_log WHERE {domain_clause}seq > {after_param} ORDER BY seq{page}"
            )));
            if let Some(d) = domain_id {
                q = q.bind(d);
            }
            let rows = q.bind(after).fetch_all(pool).await?;
            let mut records = rows.iter().map(audit_record).collect::<Result<Vec<_>>>()?;
            let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
            // A few blocks at a time (each holds at least one record, and
            // up to thousands): as many as the records still wanted, at most
            // BLOCKS_PER_QUERY.
            let mut cursor = after;
            while records.len() < wanted {
                let blocks = (wanted - records.len()).min(BLOCKS_PER_QUERY);
                let mut q = sqlx::query(AssertSqlSafe(format!(
                    "SELECT {BLOCK_COLS} FROM audit_blocks WHERE {domain_clause}last_seq > {after_param} \
                     ORDER BY last_seq LIMIT {blocks}"
                )));
                if let Some(d) = domain_id {
                    q = q.bind(d);
                }
                let rows = q.bind(cursor).fetch_all(pool).await?;
                if rows.is_empty() {
                    break;
                }
                for row in &rows {
                    let block = read_block(row)?;
                    cursor = to_i64(block.last_seq, "seq")?;
                    let (block, _) = block.records()?;
                    let left = wanted - records.len();
                    records.extend(block.into_iter().filter(|r| r.seq > after_seq).take(left));
                    if records.len() == wanted {
                        break;
                    }
                }
            }
            Ok(records)
        })
    }

    fn verify_audit_chain(&self) -> BoxFuture<'_, AuditVerification> {
        Box::pin(self.verify_chain())
    }

    fn create_credential_with_description<'a>(
        &'a self,
        c: &'a NewCredential,
        description: &'a str,
    ) -> BoxFuture<'a, Credential> {
        Box::pin(async move {
            if description.len() > MAX_DESCRIPTION_LEN {
                return Err(Error::Invalid(format!(
                    "a credential description holds at most {MAX_DESCRIPTION_LEN} bytes"
                )));
            }
            self.get_domain(&c.domain_id).await?;
            let identities = serde_json::to_string(&c.identities)
                .map_err(|e| Error::Invalid(format!("identities: {e}")))?;
            let now = now_micros();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO credentials ({CREDENTIAL_COLS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)"
            )))
            .bind(&c.id)
            .bind(&c.domain_id)
            .bind(&c.name)
            .bind(identities)
            .bind(c.certificate_der.clone())
            .bind(to_micros(c.not_before))
            .bind(to_micros(c.not_after))
            .bind(now)
            .bind(description)
            .execute(&self.inner.pool)
            .await
            .map_err(|e| map_unique(e, "credential", &c.id))?;
            self.get_credential(&c.domain_id, &c.id).await
        })
    }

    fn find_credential<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Option<Credential>> {
        Box::pin(async move {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&self.inner.pool)
            .await?
            .as_ref()
            .map(credential_row)
            .transpose()
        })
    }

    fn get_credential<'a>(&'a self, domain_id: &'a str, id: &'a str) -> BoxFuture<'a, Credential> {
        Box::pin(async move {
            let r = sqlx::query(AssertSqlSafe(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials WHERE id = $1 AND domain_id = $2"
            )))
            .bind(id)
            .bind(domain_id)
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or_else(|| not_found("credential", id))?;
            credential_row(&r)
        })
    }

    fn list_credentials<'a>(
        &'a self,
        domain_id: &'a str,
        page: Page,
    ) -> BoxFuture<'a, Vec<Credential>> {
        Box::pin(async move {
            self.list_by(
                &format!("SELECT {CREDENTIAL_COLS} FROM credentials WHERE domain_id = $1"),
                domain_id,
                page,
                credential_row,
            )
            .await
        })
    }

    fn set_credential_certificate<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        der: &'a [u8],
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let r = sqlx::query(
                "UPDATE credentials SET certificate_der = $1 WHERE id = $2 AND domain_id = $3",
            )
            .bind(der.to_vec())
            .bind(id)
            .bind(domain_id)
            .execute(&self.inner.pool)
            .await?;
            found(r.rows_affected(), "credential", id)
        })
    }

    fn revoke_credential<'a>(
        &'a self,
        domain_id: &'a str,
        id: &'a str,
        at: OffsetDateTime,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let r = sqlx::query(
                "UPDATE credentials SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND domain_id = $3",
            )
            .bind(to_micros(at))
            .bind(id)
            .bind(domain_id)
            .execute(&self.inner.pool)
            .await?;
            found(r.rows_affected(), "credential", id)
        })
    }

    fn create_api_token<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        name: &'a str,
        secret: &'a [u8],
        expires_at: Option<OffsetDateTime>,
    ) -> BoxFuture<'a, ApiToken> {
        Box::pin(async move {
            if secret.len() < 16 {
                return Err(Error::Invalid("an API token secret needs at least 16 bytes".into()));
            }
            self.get_account(account_id).await?;
            let now = now_micros();
            sqlx::query(
                "INSERT INTO api_tokens (id, account_id, name, token_hash, created_at, expires_at, revoked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL)",
            )
            .bind(id)
            .bind(account_id)
            .bind(name)
            .bind(token_hash(secret))
            .bind(now)
            .bind(expires_at.map(to_micros))
            .execute(&self.inner.pool)
            .await
            .map_err(|e| map_unique(e, "API token", id))?;
            Ok(ApiToken {
                id: id.to_owned(),
                account_id: account_id.to_owned(),
                name: name.to_owned(),
                created_at: from_micros(now)?,
                expires_at: opt_time(expires_at.map(to_micros))?,
                revoked_at: None,
            })
        })
    }

    fn find_api_token<'a>(&'a self, secret: &'a [u8]) -> BoxFuture<'a, Option<ApiToken>> {
        Box::pin(async move {
            // Looked up by hash through the unique index: the comparison happens on
            // a hash, so its timing reveals nothing about the secret.
            sqlx::query(AssertSqlSafe(format!(
                "SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = $1"
            )))
            .bind(token_hash(secret))
            .fetch_optional(&self.inner.pool)
            .await?
            .as_ref()
            .map(token_row)
            .transpose()
        })
    }

    fn list_api_tokens<'a>(
        &'a self,
        account_id: &'a str,
        page: Page,
    ) -> BoxFuture<'a, Vec<ApiToken>> {
        Box::pin(async move {
            self.list_by(
                &format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE account_id = $1"),
                account_id,
                page,
                token_row,
            )
            .await
        })
    }

    fn revoke_api_token<'a>(&'a self, account_id: &'a str, id: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let r = sqlx::query(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND account_id = $3",
            )
            .bind(now_micros())
            .bind(id)
            .bind(account_id)
            .execute(&self.inner.pool)
            .await?;
            found(r.rows_affected(), "API token", id)
        })
    }

    fn create_policy<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        name: &'a str,
        document: &'a str,
    ) -> BoxFuture<'a, Policy> {
        Box::pin(async move {
            self.get_account(account_id).await?;
            let now = now_micros();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO iam_policies ({POLICY_COLS}) VALUES ($1, $2, $3, $4, 1, $5, $5)"
            )))
            .bind(id)
            .bind(account_id)
            .bind(name)
            .bind(document)
            .bind(now)
            .execute(&self.inner.pool)
            .await
            .map_err(|e| map_unique(e, "policy", id))?;
            self.get_policy(account_id, id).await
        })
    }

    fn get_policy<'a>(&'a self, account_id: &'a str, id: &'a str) -> BoxFuture<'a, Policy> {
        Box::pin(async move {
            let r = sqlx::query(AssertSqlSafe(format!(
                "SELECT {POLICY_COLS} FROM iam_policies WHERE id = $1 AND account_id = $2"
            )))
            .bind(id)
            .bind(account_id)
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or_else(|| not_found("policy", id))?;
            policy_row(&r)
        })
    }

    fn list_policies<'a>(&'a self, account_id: &'a str, page: Page) -> BoxFuture<'a, Vec<Policy>> {
        Box::pin(async move {
            self.list_by(
                &format!("SELECT {POLICY_COLS} FROM iam_policies WHERE account_id = $1"),
                account_id,
                page,
                policy_row,
            )
            .await
        })
    }

    fn update_policy<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        expected_version: u64,
        name: &'a str,
        document: &'a str,
    ) -> BoxFuture<'a, Policy> {
        Box::pin(async move {
            let r = sqlx::query(
                "UPDATE iam_policies SET name = $1, document = $2, version = version + 1, updated_at = $3 \
                 WHERE id = $4 AND account_id = $5 AND version = $6",
            )
            .bind(name)
            .bind(document)
            .bind(now_micros())
            .bind(id)
            .bind(account_id)
            .bind(to_i64(expected_version, "version")?)
            .execute(&self.inner.pool)
            .await?;
            if r.rows_affected() == 0 {
                let current = self.get_policy(account_id, id).await?;
                return Err(Error::Conflict {
                    id: id.to_owned(),
                    expected: expected_version,
                    found: Some(current.version),
                });
            }
            self.get_policy(account_id, id).await
        })
    }

    fn delete_policy<'a>(&'a self, account_id: &'a str, id: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let r = sqlx::query("DELETE FROM iam_policies WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(account_id)
                .execute(&self.inner.pool)
                .await?;
            found(r.rows_affected(), "policy", id)
        })
    }

    fn put_server_secret<'a>(
        &'a self,
        name: &'a str,
        plaintext: &'a Secret,
    ) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let (wrapped, sealed) = self.seal_secret(name, plaintext)?;
            let now = now_micros();
            // ON CONFLICT DO NOTHING: of several nodes inserting at once, one wins
            // and the others change nothing (no error, no transaction abort).
            let r = sqlx::query(
                "INSERT INTO server_secrets (name, wrapped_key, value, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(wrapped)
            .bind(sealed)
            .bind(now)
            .execute(&self.inner.pool)
            .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    fn set_server_secret<'a>(&'a self, name: &'a str, plaintext: &'a Secret) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let (wrapped, sealed) = self.seal_secret(name, plaintext)?;
            let now = now_micros();
            sqlx::query(
                "INSERT INTO server_secrets (name, wrapped_key, value, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO UPDATE \
                 SET wrapped_key = excluded.wrapped_key, value = excluded.value, \
                 updated_at = excluded.updated_at",
            )
            .bind(name)
            .bind(wrapped)
            .bind(sealed)
            .bind(now)
            .execute(&self.inner.pool)
            .await?;
            Ok(())
        })
    }

    fn get_server_secret<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Option<Secret>> {
        Box::pin(async move {
            let Some(r) =
                sqlx::query("SELECT wrapped_key, value FROM server_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.inner.pool)
                    .await?
            else {
                return Ok(None);
            };
            let wrapped: Vec<u8> = r.try_get(0)?;
            let sealed: Vec<u8> = r.try_get(1)?;
            let plain = seal::open_server_secret(self.master().as_ref(), name, &wrapped, &sealed)?;
            Ok(Some(Secret::from(plain)))
        })
    }

    fn rotate_master_key(&self, new_key: Arc<dyn MasterKey>) -> BoxFuture<'_, u64> {
        Box::pin(async move {
            let old = self.master();
            let mut conn = self.inner.pool.acquire().await?;
            let mut tx = conn.begin_with(self.inner.backend.begin_write()).await?;
            let rows = sqlx::query(AssertSqlSafe(format!(
                "SELECT id, wrapped_key FROM domains ORDER BY id{}",
                self.inner.backend.for_update()
            )))
            .fetch_all(&mut *tx)
            .await?;
            let mut n = 0u64;
            for r in &rows {
                let id: String = r.try_get(0)?;
                let wrapped: Vec<u8> = r.try_get(1)?;
                let key = old.unwrap(id.as_bytes(), &wrapped)?;
                let rewrapped = new_key.wrap(id.as_bytes(), &key)?;
                sqlx::query("UPDATE domains SET wrapped_key = $1 WHERE id = $2")
                    .bind(rewrapped)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                n += 1;
            }
            let secrets = sqlx::query(AssertSqlSafe(format!(
                "SELECT name, wrapped_key FROM server_secrets ORDER BY name{}",
                self.inner.backend.for_update()
            )))
            .fetch_all(&mut *tx)
            .await?;
            for r in &secrets {
                let name: String = r.try_get(0)?;
                let wrapped: Vec<u8> = r.try_get(1)?;
                let rewrapped =
                    seal::rewrap_server_secret(old.as_ref(), new_key.as_ref(), &name, &wrapped)?;
                sqlx::query("UPDATE server_secrets SET wrapped_key = $1 WHERE name = $2")
                    .bind(rewrapped)
                    .bind(&name)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE store_meta SET value = $1 WHERE name = 'master_key_check'")
                .bind(seal::make_check(new_key.as_ref())?)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            match self.inner.master.write() {
                Ok(mut g) => *g = new_key,
                Err(poisoned) => *poisoned.into_inner() = new_key,
            }
            Ok(n)
        })
    }
}

/// Opens the store named by a URL; see [`SqlStore::open`].
pub async fn open(url: &str, master_key: Arc<dyn MasterKey>) -> Result<SqlStore> {
    SqlStore::open(url, master_key).await
}

impl FromStr for Backend {
    type Err = Error;
    fn from_str(url: &str) -> Result<Self> {
        parse_url(url).map(|(b, _)| b)
    }
}

/// Used by the writer: a connection type alias.
pub(crate) type Conn = AnyConnection;
