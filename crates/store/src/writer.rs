//! Group commit: one writer task per store applies every object and audit write.
//!
//! Callers seal their material on their own task, then send a [`Request`] and
//! wait for its reply. The writer takes the first waiting request and every
//! other one already queued (up to `max_group`), applies them in **one**
//! transaction — each in its own savepoint, so one failing request (a lost
//! compare-and-swap, a duplicate id) is rolled back alone — commits once, and
//! only then answers each caller. Under load many creates share one commit and
//! one fsync; alone, a request is committed at once (no timer, no added latency).
//!
//! The hot path — a group of creates and audit appends only — goes further: the
//! whole group is written with one multi-row `INSERT` per table, its audit
//! records as a few audit blocks (one row per run of one domain's records).
//! On SQLite such a group is sent as **one** multi-statement query, `BEGIN` to
//! `COMMIT`, chained after the audit head this writer committed last: one
//! round trip to the connection's worker thread instead of one per statement.
//! If that fails (a duplicate id, a head another process moved), it is rolled
//! back and the group takes the savepoint path, which reads the head afresh
//! and gives each request its own answer.
//!
//! If the group transaction itself fails (a commit error, a PostgreSQL
//! serialisation failure or deadlock between nodes), every request of the group
//! is retried in a transaction of its own, so one request's trouble never fails
//! another's. A request the database aborted for concurrent work (a deadlock
//! between PostgreSQL nodes, a serialisation failure) is retried up to three
//! times before [`crate::Error::Retry`] reaches its caller. Correctness never rests on this task being the only writer: object
//! updates are compare-and-swap on a version column, and audit appends lock the
//! chain head row, so several processes (PostgreSQL nodes) can write at once.

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, AssertSqlSafe, Connection, Row};
use tokio::sync::{mpsc, oneshot};

use crate::audit;
use crate::error::{Error, Result, is_unique_violation};
use crate::sql::{Backend, Conn, now_micros};
use crate::types::{AuditEvent, IndexEntry, Link};

/// A write for the writer task.
pub(crate) struct Request {
    pub(crate) job: Job,
    pub(crate) reply: oneshot::Sender<Result<JobOutput>>,
}

/// What to write.
pub(crate) enum Job {
    /// A batch of object changes and audit records (material already sealed).
    Batch(PreparedBatch),
    /// One audit record.
    Audit(AuditEvent),
}

/// What a write produced.
#[derive(Debug)]
pub(crate) enum JobOutput {
    /// New object versions, one per change (0 for a delete).
    Versions(Vec<u64>),
    /// An audit record's sequence number.
    Seq(u64),
}

pub(crate) struct PreparedBatch {
    pub(crate) domain_id: String,
    pub(crate) changes: Vec<PreparedChange>,
    pub(crate) audit: Vec<AuditEvent>,
}

pub(crate) enum SealedChange {
    Keep,
    Replace(Vec<u8>),
    Destroy,
}

pub(crate) enum PreparedChange {
    Insert {
        id: String,
        object_type: u32,
        state: u32,
        attributes: Vec<u8>,
        index: Vec<IndexEntry>,
        links: Vec<Link>,
        material: Option<Vec<u8>>,
    },
    Update {
        id: String,
        expected_version: u64,
        state: u32,
        attributes: Vec<u8>,
        index: Vec<IndexEntry>,
        links: Vec<Link>,
        material: SealedChange,
    },
    Delete {
        id: String,
        expected_version: u64,
    },
}

impl Job {
    /// Whether the job only inserts objects and appends audit records.
    fn is_append_only(&self) -> bool {
        match self {
            Job::Audit(_) => true,
            Job::Batch(b) => b.changes.iter().all(|c| matches!(c, PreparedChange::Insert { .. })),
        }
    }

    fn audit_count(&self) -> usize {
        match self {
            Job::Batch(b) => b.audit.len(),
            Job::Audit(_) => 1,
        }
    }
}

/// The audit chain head as the group transaction sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Head {
    seq: u64,
    hash: [u8; 32],
}

/// What the writer task receives.
pub(crate) enum Message {
    /// A write to apply.
    Write(Request),
    /// Give the kept connection back to the pool (the store is closing) once
    /// the writes sent before are applied, then answer.
    Release(oneshot::Sender<()>),
}

/// The writer loop: runs until every sender is dropped.
///
/// After each group it tells `checkpoints` (SQLite's checkpointer, which
/// copies committed WAL frames into the database file off this task's path).
pub(crate) async fn run(
    pool: AnyPool,
    backend: Backend,
    mut rx: mpsc::Receiver<Message>,
    max_group: usize,
    checkpoints: Option<mpsc::Sender<()>>,
) {
    let mut group: Vec<Request> = Vec::with_capacity(max_group);
    let mut conn = WriterConnection { pool, held: None, head: None };
    while let Some(first) = rx.recv().await {
        let mut release = None;
        match first {
            Message::Write(request) => group.push(request),
            Message::Release(done) => release = Some(done),
        }
        // The group is what is queued now; the writer does not yield first to
        // let more callers join. Yielding grew the groups but put this task
        // behind every task the last commit woke (their responses to encode
        // and send), delaying the next commit by more than the larger group
        // saved (KMIP creates on SQLite, 32 connections: 13.8k/s with the
        // yield, 16.2k/s without; see BENCHMARKS.md).
        while release.is_none() && group.len() < max_group {
            match rx.try_recv() {
                Ok(Message::Write(request)) => group.push(request),
                Ok(Message::Release(done)) => release = Some(done),
                Err(_) => break,
            }
        }
        if !group.is_empty() {
            process(&mut conn, backend, &mut group).await;
            if let Some(checkpoints) = &checkpoints {
                // Full: a checkpoint is already due.
                let _ = checkpoints.try_send(());
            }
        }
        if let Some(done) = release {
            conn.discard();
            let _ = done.send(());
        }
    }
}

/// The writer's connection, kept from one group to the next.
///
/// Returning a connection to the pool finishes on another task, so taking it
/// back for the next group waits for that task to be scheduled: under load
/// that wait was longer than the group's own work. A connection whose
/// transaction failed is given back to the pool (which rolls it back or
/// closes it) and a new one is taken for the next group.
struct WriterConnection {
    pool: AnyPool,
    held: Option<PoolConnection<Any>>,
    /// SQLite: the audit chain head this writer committed last, when no
    /// other path has written since (see [`run_appends_sqlite`]).
    head: Option<Head>,
}

impl WriterConnection {
    async fn get(&mut self) -> Result<&mut Conn> {
        let conn = match self.held.take() {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        Ok(&mut **self.held.insert(conn))
    }

    /// Gives the connection back after a failed transaction.
    fn discard(&mut self) {
        self.held = None;
        self.head = None;
    }

    /// Closes the connection, so the next group opens another: for a
    /// connection that may still be inside a transaction the driver does not
    /// know of (see [`run_appends_sqlite`]), which must not go back to the pool.
    async fn close(&mut self) {
        if let Some(conn) = self.held.take() {
            let _ = conn.close().await;
        }
        self.head = None;
    }
}

async fn process(writer: &mut WriterConnection, backend: Backend, group: &mut Vec<Request>) {
    let jobs: Vec<&Job> = group.iter().map(|r| &r.job).collect();
    let append_only = jobs.iter().all(|j| j.is_append_only());
    if append_only && backend == Backend::Sqlite {
        // The hot path of creates and of the reads' audit records on SQLite:
        // the group in one round trip. On any error nothing is committed and
        // the group takes the paths below, which find the failing request.
        // (The query's text depends on each table's row count; a group of
        // reads' records is one or a few audit blocks, so its few texts stay
        // in the statement cache.) A failed attempt has already rolled back
        // (or closed the connection), so the connection is kept for the paths
        // below.
        if let Ok(outputs) = run_appends_sqlite(writer, &jobs).await {
            for (req, out) in group.drain(..).zip(outputs) {
                let _ = req.reply.send(Ok(out));
            }
            return;
        }
    }
    // The paths below read the chain head in their own transaction and may
    // move it: the one the SQLite hot path keeps is stale after them.
    writer.head = None;
    if jobs.len() > 1 && append_only {
        // The hot path (creates and audit appends): a few multi-row INSERTs for
        // the whole group. On any error nothing is committed and the group takes
        // the savepoint path, which finds the failing request.
        match run_appends(writer, backend, &jobs).await {
            Ok(outputs) => {
                for (req, out) in group.drain(..).zip(outputs) {
                    let _ = req.reply.send(Ok(out));
                }
                return;
            }
            Err(Error::CommitOutcomeUnknown(why)) => {
                writer.discard();
                return fail_unknown(group, &why);
            }
            Err(_) => writer.discard(),
        }
    }
    if let [job] = jobs.as_slice() {
        let res = run_alone(writer, backend, job).await;
        if let Some(req) = group.pop() {
            let _ = req.reply.send(res);
        }
        return;
    }
    match run_group(writer, backend, &jobs).await {
        Ok(results) => {
            for (req, res) in group.drain(..).zip(results) {
                let _ = req.reply.send(res);
            }
        }
        Err(Error::CommitOutcomeUnknown(why)) => {
            writer.discard();
            fail_unknown(group, &why);
        }
        Err(_) => {
            writer.discard();
            // Retry each request alone so one's failure is not another's.
            for req in group.drain(..) {
                let res = run_alone(writer, backend, &req.job).await;
                let _ = req.reply.send(res);
            }
        }
    }
}

/// Answers every request of a group whose commit may or may not have taken
/// effect: running it again could apply it twice.
fn fail_unknown(group: &mut Vec<Request>, why: &str) {
    for req in group.drain(..) {
        let _ = req.reply.send(Err(Error::CommitOutcomeUnknown(why.to_owned())));
    }
}

/// Attempts per request when the database aborts it for concurrent work.
const MAX_ATTEMPTS: u32 = 3;

/// Applies one job in a transaction of its own, retrying transient aborts.
async fn run_alone(
    writer: &mut WriterConnection,
    backend: Backend,
    job: &Job,
) -> Result<JobOutput> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let res = match run_group(writer, backend, &[job]).await {
            Ok(mut r) => r.pop().unwrap_or(Err(Error::Corrupt("no result".into()))),
            Err(e) => {
                writer.discard();
                Err(e)
            }
        };
        match res {
            Err(Error::Retry(_)) if attempt < MAX_ATTEMPTS => continue,
            other => return other,
        }
    }
}

/// Applies `jobs` in one transaction. `Err` means the transaction as a whole
/// failed and nothing was committed; `Ok` holds each job's own result.
async fn run_group(
    writer: &mut WriterConnection,
    backend: Backend,
    jobs: &[&Job],
) -> Result<Vec<Result<JobOutput>>> {
    let conn = writer.get().await?;
    let mut tx = conn.begin_with(backend.begin_write()).await?;
    let mut head = if jobs.iter().any(|j| j.audit_count() > 0) {
        Some(load_head(&mut tx, backend).await?)
    } else {
        None
    };
    let start_head = head.map(|h| h.seq);
    let now = now_micros();
    let mut results = Vec::with_capacity(jobs.len());
    if let [job] = jobs {
        // Alone: no savepoint needed, the transaction is the job.
        match exec_job(&mut tx, backend, job, &mut head, now).await {
            Ok(out) => results.push(Ok(out)),
            Err(e) => {
                tx.rollback().await?;
                return Ok(vec![Err(e)]);
            }
        }
    } else {
        for job in jobs {
            let mut attempt = 0;
            loop {
                attempt += 1;
                let mut sp = Connection::begin(&mut *tx).await?;
                let mut local = head;
                match exec_job(&mut sp, backend, job, &mut local, now).await {
                    Ok(out) => {
                        sp.commit().await?;
                        head = local;
                        results.push(Ok(out));
                        break;
                    }
                    Err(e) => {
                        sp.rollback().await?;
                        // A deadlock between nodes aborts only this savepoint: try again.
                        if matches!(e, Error::Retry(_)) && attempt < MAX_ATTEMPTS {
                            continue;
                        }
                        results.push(Err(e));
                        break;
                    }
                }
            }
        }
    }
    if let Some(h) = head
        && Some(h.seq) != start_head
    {
        store_head(&mut tx, h).await?;
    }
    commit(tx).await?;
    Ok(results)
}

/// Commits `tx`. An error the database itself reports means the transaction
/// was rolled back; any other (the connection failed) leaves its outcome
/// unknown: [`Error::CommitOutcomeUnknown`], which [`process`] does not retry.
async fn commit(tx: sqlx::Transaction<'_, Any>) -> Result<()> {
    tx.commit().await.map_err(|e| match e {
        sqlx::Error::Database(_) => Error::from(e),
        other => Error::CommitOutcomeUnknown(other.to_string()),
    })
}

/// The rows a group of append-only jobs writes, the audit chain head after
/// them, and each job's answer.
struct Appends<'a> {
    objects: Vec<ObjectRow<'a>>,
    index: Vec<IndexRow<'a>>,
    links: Vec<LinkRow<'a>>,
    audits: Vec<AuditBlock<'a>>,
    /// The chain head after the group's audit records (`None` if it has none).
    head: Option<Head>,
    outputs: Vec<JobOutput>,
}

/// A new object's row: its domain and its insert.
type ObjectRow<'a> = (&'a str, &'a PreparedChange);
/// An index row: domain, object id, entry.
type IndexRow<'a> = (&'a str, &'a str, &'a IndexEntry);
/// A link row: domain, object id, link.
type LinkRow<'a> = (&'a str, &'a str, &'a Link);
/// A run of consecutive audit records of one domain, as one row of
/// `audit_blocks` (see [`audit::block`]).
struct AuditBlock<'a> {
    first_seq: u64,
    last_seq: u64,
    domain: Option<&'a str>,
    /// The chain hash before the first record.
    prev_hash: [u8; 32],
    /// The chain hash after the last record.
    hash: [u8; 32],
    records: Vec<u8>,
}

/// Chains audit records after a head, one by one, and gathers each run of
/// consecutive records of one domain into an [`AuditBlock`].
struct AuditChain<'a> {
    head: Head,
    blocks: Vec<AuditBlock<'a>>,
    /// The records of the block being gathered, and the hash before them.
    open: Vec<&'a AuditEvent>,
    open_prev: [u8; 32],
}

impl<'a> AuditChain<'a> {
    fn new(head: Head) -> Self {
        Self { head, blocks: Vec::new(), open: Vec::new(), open_prev: head.hash }
    }

    /// Chains `event` next; returns its sequence number.
    fn push(&mut self, event: &'a AuditEvent) -> u64 {
        if let Some(last) = self.open.last()
            && (last.domain_id != event.domain_id
                || self.open.len() == crate::audit::block::MAX_RECORDS)
        {
            self.close();
        }
        if self.open.is_empty() {
            self.open_prev = self.head.hash;
        }
        let seq = self.head.seq + 1;
        self.head = Head { seq, hash: audit::chain_hash(&self.head.hash, seq, event) };
        self.open.push(event);
        seq
    }

    fn close(&mut self) {
        let Some(first) = self.open.first() else { return };
        self.blocks.push(AuditBlock {
            first_seq: self.head.seq + 1 - self.open.len() as u64,
            last_seq: self.head.seq,
            domain: first.domain_id.as_deref(),
            prev_hash: self.open_prev,
            hash: self.head.hash,
            records: audit::block::encode(&self.open),
        });
        self.open.clear();
    }

    /// The head after every record, and the blocks holding them.
    fn finish(mut self) -> (Head, Vec<AuditBlock<'a>>) {
        self.close();
        (self.head, self.blocks)
    }
}

impl<'a> Appends<'a> {
    /// The rows of `jobs`, their audit records chained after `head` (which
    /// must be given when any job carries audit records).
    fn collect(jobs: &[&'a Job], head: Option<Head>) -> Result<Self> {
        let mut appends = Appends {
            objects: Vec::new(),
            index: Vec::new(),
            links: Vec::new(),
            audits: Vec::new(),
            head: None,
            outputs: Vec::with_capacity(jobs.len()),
        };
        let mut audit_chain = head.map(AuditChain::new);
        let mut chain = |ev: &'a AuditEvent| -> Result<u64> {
            Ok(audit_chain
                .as_mut()
                .ok_or_else(|| Error::Corrupt("audit head not loaded".into()))?
                .push(ev))
        };
        for job in jobs {
            match job {
                Job::Audit(ev) => {
                    let seq = chain(ev)?;
                    appends.outputs.push(JobOutput::Seq(seq));
                }
                Job::Batch(b) => {
                    let domain = b.domain_id.as_str();
                    for c in &b.changes {
                        let PreparedChange::Insert { id, index, links, .. } = c else {
                            return Err(Error::Corrupt(
                                "an append group holds only inserts".into(),
                            ));
                        };
                        appends.objects.push((domain, c));
                        appends.index.extend(index.iter().map(|e| (domain, id.as_str(), e)));
                        appends.links.extend(links.iter().map(|l| (domain, id.as_str(), l)));
                    }
                    for ev in &b.audit {
                        chain(ev)?;
                    }
                    appends.outputs.push(JobOutput::Versions(vec![1; b.changes.len()]));
                }
            }
        }
        if let Some((head, blocks)) = audit_chain.map(AuditChain::finish)
            && !blocks.is_empty()
        {
            appends.head = Some(head);
            appends.audits = blocks;
        }
        Ok(appends)
    }
}

/// Applies append-only jobs with one multi-row INSERT per table (per chunk),
/// each its own statement in one transaction.
async fn run_appends(
    writer: &mut WriterConnection,
    backend: Backend,
    jobs: &[&Job],
) -> Result<Vec<JobOutput>> {
    let conn = writer.get().await?;
    let mut tx = conn.begin_with(backend.begin_write()).await?;
    let head = if jobs.iter().any(|j| j.audit_count() > 0) {
        Some(load_head(&mut tx, backend).await?)
    } else {
        None
    };
    let now = now_micros();
    let appends = Appends::collect(jobs, head)?;
    insert_rows(&mut tx, backend, OBJECTS, &appends.objects, |q, r| bind_object(q, r, now)).await?;
    insert_rows(&mut tx, backend, INDEX, &appends.index, bind_index).await?;
    insert_rows(&mut tx, backend, LINKS, &appends.links, bind_link).await?;
    insert_rows(&mut tx, backend, AUDITS, &appends.audits, bind_audit).await?;
    if let Some(h) = appends.head {
        store_head(&mut tx, h).await?;
    }
    commit(tx).await?;
    Ok(appends.outputs)
}

/// SQLite's form of [`run_appends`]: the whole transaction — `BEGIN
/// IMMEDIATE`, every INSERT, the chain head's update, `COMMIT` — is one
/// multi-statement query, so one round trip to the connection's worker
/// thread instead of one per statement (each a wake-up of that thread, which
/// took longer than the statement's own work). The chain head is the one this
/// writer committed last; if another process appended audit records since
/// (`keyward admin` on the same file), the first record's sequence number is
/// taken and the INSERT fails, the transaction is rolled back, and the group
/// takes the statement-by-statement path, which reads the head afresh.
async fn run_appends_sqlite(
    writer: &mut WriterConnection,
    jobs: &[&Job],
) -> Result<Vec<JobOutput>> {
    let head = match (writer.head, jobs.iter().any(|j| j.audit_count() > 0)) {
        (_, false) => None,
        (Some(head), true) => Some(head),
        (None, true) => Some(load_head(writer.get().await?, Backend::Sqlite).await?),
    };
    let now = now_micros();
    let appends = Appends::collect(jobs, head)?;
    let mut sql = String::from("BEGIN IMMEDIATE;\n");
    push_inserts(&mut sql, OBJECTS, &appends.objects);
    push_inserts(&mut sql, INDEX, &appends.index);
    push_inserts(&mut sql, LINKS, &appends.links);
    push_inserts(&mut sql, AUDITS, &appends.audits);
    if appends.head.is_some() {
        sql.push_str("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1;\n");
    }
    sql.push_str("COMMIT;");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for row in &appends.objects {
        q = bind_object(q, row, now)?;
    }
    for row in &appends.index {
        q = bind_index(q, row)?;
    }
    for row in &appends.links {
        q = bind_link(q, row)?;
    }
    for row in &appends.audits {
        q = bind_audit(q, row)?;
    }
    if let Some(h) = appends.head {
        q = q.bind(seq_i64(h.seq)?).bind(h.hash.to_vec());
    }
    let conn = writer.get().await?;
    match q.execute(&mut *conn).await {
        Ok(_) => {
            if appends.head.is_some() {
                writer.head = appends.head;
            }
            Ok(appends.outputs)
        }
        Err(e) => {
            // A statement failed inside the transaction (or BEGIN did): undo
            // what ran. The driver did not open this transaction and would
            // not roll it back. A conflict in an `INSERT OR ROLLBACK` has
            // already rolled it back, and then ROLLBACK fails: `BEGIN;
            // ROLLBACK` succeeding proves no transaction is left open. A
            // connection where both fail (a broken connection) is closed
            // instead of going back to the pool, perhaps inside a transaction.
            if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err()
                && sqlx::raw_sql("BEGIN; ROLLBACK;").execute(&mut *conn).await.is_err()
            {
                writer.close().await;
            }
            writer.head = None;
            Err(e.into())
        }
    }
}

async fn store_head(conn: &mut Conn, h: Head) -> Result<()> {
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq_i64(h.seq)?)
        .bind(h.hash.to_vec())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An audit sequence number as the database stores it.
fn seq_i64(seq: u64) -> Result<i64> {
    i64::try_from(seq).map_err(|_| Error::Corrupt("audit seq overflow".into()))
}

/// What a multi-row INSERT does on a conflict.
#[derive(Clone, Copy)]
enum Insert {
    /// SQL's default: the statement is undone, the transaction goes on.
    Abort,
    /// SQLite's `INSERT OR ROLLBACK`: the whole transaction is rolled back.
    OrRollback,
}

/// `INSERT INTO {table_cols} VALUES (…), (…)` (or `INSERT OR ROLLBACK …`)
/// for `rows` rows of `cols` parameters.
///
/// SQLite gets anonymous `?` parameters: the driver looks up every named
/// parameter's name, which SQLite finds by a linear search, so `$N` names
/// made binding a 128-row INSERT quadratic. PostgreSQL needs `$N`.
fn values_sql(backend: Backend, insert: Insert, table: Table, rows: usize) -> String {
    let Table { table_cols, cols } = table;
    use std::fmt::Write as _;
    let verb = match insert {
        Insert::Abort => "INSERT",
        Insert::OrRollback => "INSERT OR ROLLBACK",
    };
    let mut sql = format!("{verb} INTO {table_cols} VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    let _ = write!(sql, "${}", r * cols + c + 1);
                }
            }
        }
        sql.push(')');
    }
    sql
}

async fn load_head(conn: &mut Conn, backend: Backend) -> Result<Head> {
    let r = sqlx::query(AssertSqlSafe(format!(
        "SELECT seq, hash FROM audit_head WHERE id = 1{}",
        backend.for_update()
    )))
    .fetch_one(&mut *conn)
    .await?;
    let seq: i64 = r.try_get(0)?;
    let hash: Vec<u8> = r.try_get(1)?;
    Ok(Head {
        seq: u64::try_from(seq).map_err(|_| Error::Corrupt("negative audit head".into()))?,
        hash: hash
            .try_into()
            .map_err(|_| Error::Corrupt("audit head hash is not 32 bytes".into()))?,
    })
}

async fn exec_job(
    conn: &mut Conn,
    backend: Backend,
    job: &Job,
    head: &mut Option<Head>,
    now: i64,
) -> Result<JobOutput> {
    match job {
        Job::Audit(ev) => {
            let seq = append_audits(conn, backend, head, std::slice::from_ref(ev)).await?;
            Ok(JobOutput::Seq(seq))
        }
        Job::Batch(b) => {
            let mut versions = Vec::with_capacity(b.changes.len());
            for c in &b.changes {
                versions.push(exec_change(conn, backend, &b.domain_id, c, now).await?);
            }
            if !b.audit.is_empty() {
                append_audits(conn, backend, head, &b.audit).await?;
            }
            Ok(JobOutput::Versions(versions))
        }
    }
}

/// Chains `events` after `head` and inserts them; returns the last sequence
/// number. `head` moves only if the insert succeeded.
async fn append_audits(
    conn: &mut Conn,
    backend: Backend,
    head: &mut Option<Head>,
    events: &[AuditEvent],
) -> Result<u64> {
    let mut chain =
        AuditChain::new(head.ok_or_else(|| Error::Corrupt("audit head not loaded".into()))?);
    for ev in events {
        chain.push(ev);
    }
    let (h, blocks) = chain.finish();
    insert_rows(conn, backend, AUDITS, &blocks, bind_audit).await?;
    *head = Some(h);
    Ok(h.seq)
}

/// A table written with multi-row INSERTs: `table (col, …)` and its column count.
#[derive(Clone, Copy)]
struct Table {
    table_cols: &'static str,
    cols: usize,
}

const OBJECTS: Table = Table {
    table_cols: "objects (id, domain_id, object_type, state, version, attributes, material, \
                 created_at, updated_at)",
    cols: 9,
};
const INDEX: Table =
    Table { table_cols: "object_index (domain_id, name, value, object_id, idx)", cols: 5 };
const LINKS: Table =
    Table { table_cols: "object_links (object_id, link_type, target_id, domain_id)", cols: 4 };
const AUDITS: Table = Table {
    table_cols: "audit_blocks (first_seq, last_seq, domain_id, prev_hash, hash, records)",
    cols: 6,
};

fn bind_object<'r>(q: RowsQuery<'r>, row: &'r ObjectRow<'r>, now: i64) -> Result<RowsQuery<'r>> {
    let (domain, c) = row;
    let PreparedChange::Insert { id, object_type, state, attributes, material, .. } = c else {
        return Err(Error::Corrupt("an append group holds only inserts".into()));
    };
    Ok(q.bind(id.as_str())
        .bind(*domain)
        .bind(i64::from(*object_type))
        .bind(i64::from(*state))
        .bind(1i64)
        .bind(attributes.clone())
        .bind(material.clone())
        .bind(now)
        .bind(now))
}

fn bind_index<'r>(q: RowsQuery<'r>, (domain, id, e): &'r IndexRow<'r>) -> Result<RowsQuery<'r>> {
    Ok(q.bind(*domain)
        .bind(e.name.as_str())
        .bind(e.value.as_str())
        .bind(*id)
        .bind(i64::from(e.index)))
}

fn bind_link<'r>(q: RowsQuery<'r>, (domain, id, l): &'r LinkRow<'r>) -> Result<RowsQuery<'r>> {
    Ok(q.bind(*id).bind(i64::from(l.link_type)).bind(l.target.as_str()).bind(*domain))
}

fn bind_audit<'r>(q: RowsQuery<'r>, block: &'r AuditBlock<'r>) -> Result<RowsQuery<'r>> {
    Ok(q.bind(seq_i64(block.first_seq)?)
        .bind(seq_i64(block.last_seq)?)
        .bind(block.domain)
        .bind(block.prev_hash.to_vec())
        .bind(block.hash.to_vec())
        .bind(block.records.clone()))
}

/// Appends to `sql` the SQLite multi-row INSERTs of `rows` into `table`, in
/// [`shaped_chunks`] (the order their values are bound in), each ended by `;`.
///
/// Each is `INSERT OR ROLLBACK`: a conflict rolls the whole transaction back
/// (which the one-query group wants anyway) instead of undoing only the
/// failed statement, so SQLite keeps no statement journal — a copy of every
/// page a multi-row INSERT touches, taken in case that statement aborts. The
/// objects' INSERT still keeps one (its foreign key to the domain is checked
/// after the statement and may abort it), which copies next to nothing:
/// SQLite does not journal pages appended after the statement began, where
/// new objects' rows go. (Deferring that check with `PRAGMA
/// defer_foreign_keys` in the transaction costs far more: a flag pragma
/// expires every prepared statement of the connection.)
fn push_inserts<T>(sql: &mut String, table: Table, rows: &[T]) {
    for chunk in shaped_chunks(rows) {
        sql.push_str(&values_sql(Backend::Sqlite, Insert::OrRollback, table, chunk.len()));
        sql.push_str(";\n");
    }
}

/// A multi-row INSERT's query, before or while its rows are bound.
type RowsQuery<'r> = sqlx::query::Query<'r, Any, sqlx::any::AnyArguments>;

/// Inserts `rows` into `table` with multi-row INSERTs in [`shaped_chunks`];
/// `bind` binds one row's values.
async fn insert_rows<'r, T>(
    conn: &mut Conn,
    backend: Backend,
    table: Table,
    rows: &'r [T],
    bind: impl Fn(RowsQuery<'r>, &'r T) -> Result<RowsQuery<'r>>,
) -> Result<()> {
    for chunk in shaped_chunks(rows) {
        let sql = values_sql(backend, Insert::Abort, table, chunk.len());
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            q = bind(q, row)?;
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn version_i64(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::Invalid(format!("version {v} is too large")))
}

async fn exec_change(
    conn: &mut Conn,
    backend: Backend,
    domain: &str,
    c: &PreparedChange,
    now: i64,
) -> Result<u64> {
    match c {
        PreparedChange::Insert { id, object_type, state, attributes, index, links, material } => {
            sqlx::query(
                "INSERT INTO objects (id, domain_id, object_type, state, version, attributes, material, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7)",
            )
            .bind(id.as_str())
            .bind(domain)
            .bind(i64::from(*object_type))
            .bind(i64::from(*state))
            .bind(attributes.clone())
            .bind(material.clone())
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::AlreadyExists { kind: "object", id: id.clone() }
                } else {
                    e.into()
                }
            })?;
            insert_index(conn, backend, &index_rows(domain, id, index)).await?;
            insert_links(conn, backend, &link_rows(domain, id, links)).await?;
            Ok(1)
        }
        PreparedChange::Update {
            id,
            expected_version,
            state,
            attributes,
            index,
            links,
            material,
        } => {
            let material_sql = match material {
                SealedChange::Keep => "",
                SealedChange::Replace(_) => ", material = $7",
                SealedChange::Destroy => ", material = NULL",
            };
            let mut q = sqlx::query(AssertSqlSafe(format!(
                "UPDATE objects SET state = $1, attributes = $2, version = version + 1, updated_at = $3{material_sql} \
                 WHERE id = $4 AND domain_id = $5 AND version = $6"
            )))
            .bind(i64::from(*state))
            .bind(attributes.clone())
            .bind(now)
            .bind(id.as_str())
            .bind(domain)
            .bind(version_i64(*expected_version)?);
            if let SealedChange::Replace(m) = material {
                q = q.bind(m.clone());
            }
            let r = q.execute(&mut *conn).await?;
            if r.rows_affected() == 0 {
                return Err(lost_cas(conn, domain, id, *expected_version).await);
            }
            delete_entries(conn, domain, id).await?;
            insert_index(conn, backend, &index_rows(domain, id, index)).await?;
            insert_links(conn, backend, &link_rows(domain, id, links)).await?;
            Ok(expected_version + 1)
        }
        PreparedChange::Delete { id, expected_version } => {
            let r = sqlx::query(
                "DELETE FROM objects WHERE id = $1 AND domain_id = $2 AND version = $3",
            )
            .bind(id.as_str())
            .bind(domain)
            .bind(version_i64(*expected_version)?)
            .execute(&mut *conn)
            .await?;
            if r.rows_affected() == 0 {
                return Err(lost_cas(conn, domain, id, *expected_version).await);
            }
            delete_entries(conn, domain, id).await?;
            Ok(0)
        }
    }
}

/// Deletes the index entries and links of object `id` (before its new ones
/// are written, or with the object).
async fn delete_entries(conn: &mut Conn, domain: &str, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM object_index WHERE domain_id = $1 AND object_id = $2")
        .bind(domain)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM object_links WHERE domain_id = $1 AND object_id = $2")
        .bind(domain)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The error for a compare-and-swap that matched no row: a conflict or a missing object.
async fn lost_cas(conn: &mut Conn, domain: &str, id: &str, expected: u64) -> Error {
    let found = sqlx::query("SELECT version FROM objects WHERE id = $1 AND domain_id = $2")
        .bind(id)
        .bind(domain)
        .fetch_optional(&mut *conn)
        .await;
    match found {
        Ok(Some(r)) => match r.try_get::<i64, _>(0) {
            Ok(v) => Error::Conflict { id: id.to_owned(), expected, found: u64::try_from(v).ok() },
            Err(e) => e.into(),
        },
        Ok(None) => Error::NotFound { domain: domain.to_owned(), id: id.to_owned() },
        Err(e) => e.into(),
    }
}

/// Most rows per multi-row INSERT (at most 9 parameters each: far under both
/// backends' limits). A power of two, see [`shaped_chunks`].
const ROWS_PER_INSERT: usize = 128;

/// Splits `rows` into chunks whose lengths are powers of two, at most
/// [`ROWS_PER_INSERT`], largest first. A multi-row INSERT's text depends on
/// its row count, and prepared statements are cached by text: with these
/// lengths a table has at most eight statement shapes, which stay cached,
/// instead of one per group size, which would be prepared anew each time.
fn shaped_chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let len =
            if rest.len() >= ROWS_PER_INSERT { ROWS_PER_INSERT } else { 1 << rest.len().ilog2() };
        let (chunk, tail) = rest.split_at(len);
        rest = tail;
        Some(chunk)
    })
}

async fn insert_index(conn: &mut Conn, backend: Backend, rows: &[IndexRow<'_>]) -> Result<()> {
    insert_rows(conn, backend, INDEX, rows, bind_index).await
}

async fn insert_links(conn: &mut Conn, backend: Backend, rows: &[LinkRow<'_>]) -> Result<()> {
    insert_rows(conn, backend, LINKS, rows, bind_link).await
}

/// Index rows of one object.
fn index_rows<'a>(
    domain: &'a str,
    id: &'a str,
    index: &'a [IndexEntry],
) -> Vec<(&'a str, &'a str, &'a IndexEntry)> {
    index.iter().map(|e| (domain, id, e)).collect()
}

/// Link rows of one object.
fn link_rows<'a>(
    domain: &'a str,
    id: &'a str,
    links: &'a [Link],
) -> Vec<(&'a str, &'a str, &'a Link)> {
    links.iter().map(|l| (domain, id, l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_gathers_each_run_of_one_domain_into_a_block() {
        let event = |domain: Option<&str>| AuditEvent {
            at: time::OffsetDateTime::UNIX_EPOCH,
            domain_id: domain.map(str::to_owned),
            credential_id: None,
            identities: vec!["urn:v1:eu:identity:user:acme/alice".to_owned()].into(),
            operation: "Get".into(),
            object_id: None,
            result: "Success".into(),
        };
        let events: Vec<AuditEvent> =
            [Some("d"), Some("d"), Some("e"), None, None, Some("d")].map(event).into();
        let mut chain = AuditChain::new(Head { seq: 7, hash: [3; 32] });
        let mut hashes = vec![[3; 32]];
        for (n, ev) in events.iter().enumerate() {
            let seq = chain.push(ev);
            assert_eq!(seq, 8 + n as u64);
            hashes.push(audit::chain_hash(hashes.last().unwrap(), seq, ev));
        }
        let (head, blocks) = chain.finish();
        assert_eq!(head, Head { seq: 13, hash: hashes[6] });
        let shape: Vec<_> = blocks.iter().map(|b| (b.first_seq, b.last_seq, b.domain)).collect();
        assert_eq!(
            shape,
            [(8, 9, Some("d")), (10, 10, Some("e")), (11, 12, None), (13, 13, Some("d"))]
        );
        for b in &blocks {
            assert_eq!(b.prev_hash, hashes[(b.first_seq - 8) as usize]);
            assert_eq!(b.hash, hashes[(b.last_seq - 7) as usize]);
            let count = (b.last_seq - b.first_seq + 1) as usize;
            let decoded = audit::block::decode(&b.records, b.domain, count).unwrap();
            assert_eq!(decoded, events[(b.first_seq - 8) as usize..=(b.last_seq - 8) as usize]);
        }
    }

    #[test]
    fn chunks_are_powers_of_two_and_cover_every_row() {
        for n in [0usize, 1, 2, 3, 7, 128, 129, 200, 383, 1000] {
            let rows: Vec<usize> = (0..n).collect();
            let chunks: Vec<&[usize]> = shaped_chunks(&rows).collect();
            assert!(chunks.iter().all(|c| c.len().is_power_of_two() && c.len() <= ROWS_PER_INSERT));
            assert_eq!(chunks.concat(), rows, "{n} rows");
        }
        let lens: Vec<usize> = shaped_chunks(&[0u8; 300]).map(<[u8]>::len).collect();
        assert_eq!(lens, [128, 128, 32, 8, 4]);
    }

    #[test]
    fn one_query_inserts_roll_back_and_statement_inserts_abort() {
        let mut sql = String::new();
        push_inserts(&mut sql, LINKS, &[(); 3]);
        assert_eq!(
            sql,
            "INSERT OR ROLLBACK INTO object_links (object_id, link_type, target_id, domain_id) \
             VALUES (?, ?, ?, ?), (?, ?, ?, ?);\n\
             INSERT OR ROLLBACK INTO object_links (object_id, link_type, target_id, domain_id) \
             VALUES (?, ?, ?, ?);\n"
        );
        assert_eq!(
            values_sql(Backend::Postgres, Insert::Abort, INDEX, 1),
            "INSERT INTO object_index (domain_id, name, value, object_id, idx) \
             VALUES ($1, $2, $3, $4, $5)"
        );
    }
}
