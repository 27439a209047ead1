//! The concurrent loop: C connections, a warm-up, a measured phase.
//!
//! The runner is protocol-agnostic. A protocol implements [`Driver`]: how to open a
//! connection, and how to perform one operation on it. The runner keeps one task per
//! connection, each with one operation in flight; it counts an operation only if it
//! *started* in the measured phase, records its latency in the task's own HDR histogram
//! (merged at the end, so tasks never contend), counts failures by [`Failure::key`], and
//! reopens a connection after a [`Failure::breaks_connection`] failure.
//!
//! [`hold`] is the other shape of run, for the idle workload: open C connections (a
//! bounded number at a time), perform one operation on each, keep them all open and
//! idle for a while, and count those the server closed in the meantime.
//!
//! Either shape can watch a server process's memory over its measured phase
//! ([`crate::memory`]).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::{Semaphore, mpsc, watch};

use crate::BenchError;
use crate::memory::{RssSampler, RssSummary};
use crate::options::Stop;

/// Largest latency the histograms hold: one hour, in microseconds.
const MAX_LATENCY_US: u64 = 3_600_000_000;
/// Pause after a failed reconnection, so that a dead server is not spun on.
const RECONNECT_PAUSE: Duration = Duration::from_millis(50);

/// What one successful operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// Items processed (batch items; 1 for a single operation).
    pub items: u64,
    /// Whether the operation's TLS handshake resumed a session (handshake workload).
    pub resumed: bool,
}

impl Done {
    /// One item, no handshake.
    pub const ONE: Done = Done { items: 1, resumed: false };
}

/// Why one operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with a failure: KMIP Result Reason (or, for a REST driver, an
    /// HTTP status) and its message.
    Refused {
        /// The reason, as a short stable name ("Item Not Found").
        reason: String,
        /// The server's message, if any.
        message: Option<String>,
    },
    /// The server answered "success" with something that is not the answer asked for.
    Unexpected(String),
    /// The connection failed (I/O, timeout, closed, undecodable answer): it is reopened.
    Transport(String),
}

impl Failure {
    /// The name errors are counted under: the result reason, `unexpected answer`, or
    /// `transport: …` with the kind of transport failure.
    pub fn key(&self) -> String {
        match self {
            Failure::Refused { reason, .. } => reason.clone(),
            Failure::Unexpected(_) => "unexpected answer".to_owned(),
            Failure::Transport(what) => format!("transport: {what}"),
        }
    }

    /// Whether the connection must be reopened before the next operation.
    pub fn breaks_connection(&self) -> bool {
        matches!(self, Failure::Transport(_))
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Refused { reason, message: Some(m) } => write!(f, "{reason}: {m}"),
            Failure::Refused { reason, message: None } => f.write_str(reason),
            Failure::Unexpected(what) => write!(f, "unexpected answer: {what}"),
            Failure::Transport(what) => write!(f, "transport failure: {what}"),
        }
    }
}

/// One protocol's way to run a workload: open a connection, perform one operation on it.
///
/// Implemented for KMIP by [`crate::workloads::KmipDriver`]; a REST data-plane driver
/// implements the same two methods.
pub trait Driver: Send + Sync + 'static {
    /// A connection (`()` for a driver that connects inside each operation).
    type Conn: Send + 'static;

    /// Opens a connection.
    fn connect(&self) -> impl Future<Output = Result<Self::Conn, Failure>> + Send;

    /// Performs operation number `seq` (unique across connections, from 0) on `conn`.
    fn operate(
        &self,
        conn: &mut Self::Conn,
        seq: u64,
    ) -> impl Future<Output = Result<Done, Failure>> + Send;

    /// Resolves when the server ends the idle connection `conn` (or sends something
    /// unasked), with what happened; used by [`hold`]. The default never resolves: a
    /// driver that cannot tell is never reported as closed.
    fn until_closed(&self, conn: &mut Self::Conn) -> impl Future<Output = Failure> + Send {
        let _ = conn;
        std::future::pending()
    }

    /// Closes `conn` cleanly (used by [`hold`]); the default drops it.
    fn close(&self, conn: Self::Conn) -> impl Future<Output = ()> + Send {
        async move { drop(conn) }
    }
}

/// How to run: connections, phases, progress display.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The server, for messages.
    pub target: String,
    /// Concurrent connections.
    pub connections: usize,
    /// Warm-up before measuring.
    pub warmup: Duration,
    /// When the measured phase ends.
    pub stop: Stop,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Progress units per operation (the batch size for fill, whose bar counts keys).
    pub progress_unit: u64,
    /// A server process on this machine whose RSS is sampled over the measured phase.
    pub server_pid: Option<u32>,
}

/// What the measured phase gave.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Successful operations.
    pub ops: u64,
    /// Items of the successful operations.
    pub items: u64,
    /// Failed operations by [`Failure::key`].
    pub errors_by_reason: BTreeMap<String, u64>,
    /// One example message per error key (the first seen).
    pub error_examples: BTreeMap<String, String>,
    /// Latency of the successful operations, in microseconds.
    pub histogram: Histogram<u64>,
    /// From the start of the measured phase to the end of its last operation.
    pub elapsed: Duration,
    /// Successful operations whose TLS session was resumed.
    pub resumed: u64,
    /// The server's RSS over the measured phase, when a server process was watched.
    pub server_rss: Option<RssSummary>,
    /// What [`hold`] adds: the opening phase and the connections still open at the end.
    pub hold: Option<HoldOutcome>,
}

/// The idle workload's figures besides the opening operations themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldOutcome {
    /// Connections asked for.
    pub wanted: usize,
    /// From the first connection attempt to the end of the last one.
    pub opening: Duration,
    /// Connections still open when the hold ended.
    pub held: u64,
}

impl Measurement {
    /// An empty measurement.
    ///
    /// # Errors
    /// [`BenchError::Internal`] if the histogram cannot be made (it always can).
    pub fn empty() -> Result<Self, BenchError> {
        Ok(Self {
            ops: 0,
            items: 0,
            errors_by_reason: BTreeMap::new(),
            error_examples: BTreeMap::new(),
            histogram: new_histogram()?,
            elapsed: Duration::ZERO,
            resumed: 0,
            server_rss: None,
            hold: None,
        })
    }

    /// Failed operations.
    pub fn errors(&self) -> u64 {
        self.errors_by_reason.values().sum()
    }

    /// Counts one latency (microseconds, at least 1) of a successful operation.
    pub fn record_success(&mut self, done: Done, latency: Duration) {
        self.ops += 1;
        self.items += done.items;
        self.resumed += u64::from(done.resumed);
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).max(1);
        self.histogram.saturating_record(micros);
    }

    /// Counts one failure.
    pub fn record_failure(&mut self, failure: &Failure) {
        self.record_failure_keyed(failure.key(), failure);
    }

    fn record_failure_keyed(&mut self, key: String, failure: &Failure) {
        self.error_examples.entry(key.clone()).or_insert_with(|| failure.to_string());
        *self.errors_by_reason.entry(key).or_insert(0) += 1;
    }

    fn merge(&mut self, other: Measurement) -> Result<(), BenchError> {
        self.ops += other.ops;
        self.items += other.items;
        self.resumed += other.resumed;
        for (key, n) in other.errors_by_reason {
            *self.errors_by_reason.entry(key).or_insert(0) += n;
        }
        for (key, example) in other.error_examples {
            self.error_examples.entry(key).or_insert(example);
        }
        self.histogram.add(&other.histogram).map_err(|e| BenchError::Internal(e.to_string()))
    }
}

fn new_histogram() -> Result<Histogram<u64>, BenchError> {
    Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
        .map_err(|e| BenchError::Internal(e.to_string()))
}

const WARMUP: u8 = 0;
const MEASURE: u8 = 1;
const STOP: u8 = 2;

struct Shared {
    phase: AtomicU8,
    /// Next operation number.
    seq: AtomicU64,
    /// Measured operations started (count mode's tickets).
    tickets: AtomicU64,
    /// Measured operations finished, successful or not (for the progress bar).
    finished: AtomicU64,
}

/// Opens `plan.connections` connections, runs the warm-up and the measured phase, and
/// returns what was measured.
///
/// # Errors
/// [`BenchError::Connect`] when a connection cannot be opened at the start;
/// [`BenchError::Internal`] when a task fails.
pub async fn run<D: Driver>(driver: Arc<D>, plan: &Plan) -> Result<Measurement, BenchError> {
    let mut connecting = tokio::task::JoinSet::new();
    for _ in 0..plan.connections {
        let driver = driver.clone();
        connecting.spawn(async move { driver.connect().await });
    }
    let mut connections = Vec::with_capacity(plan.connections);
    while let Some(joined) = connecting.join_next().await {
        let conn = joined.map_err(|e| BenchError::Internal(e.to_string()))?.map_err(|f| {
            BenchError::Connect { server: plan.target.clone(), reason: f.to_string() }
        })?;
        connections.push(conn);
    }

    let started = Instant::now();
    let warming = !plan.warmup.is_zero();
    let shared = Arc::new(Shared {
        phase: AtomicU8::new(if warming { WARMUP } else { MEASURE }),
        seq: AtomicU64::new(0),
        tickets: AtomicU64::new(0),
        finished: AtomicU64::new(0),
    });
    let bar = progress_bar(plan);
    let ticking = Arc::new(AtomicBool::new(true));
    let ticker = tokio::spawn(tick(bar.clone(), shared.clone(), ticking.clone(), plan.clone()));

    let mut workers = tokio::task::JoinSet::new();
    for conn in connections {
        workers.spawn(worker(driver.clone(), conn, shared.clone(), plan.stop));
    }
    let mut measure_start = started;
    if warming {
        tokio::time::sleep(plan.warmup).await;
        measure_start = Instant::now();
    }
    let sampler = plan.server_pid.map(RssSampler::start).transpose()?;
    if warming {
        shared.phase.store(MEASURE, Ordering::Release);
    }
    if let Stop::Duration(d) = plan.stop {
        tokio::time::sleep(d).await;
        shared.phase.store(STOP, Ordering::Release);
    }
    let mut total = Measurement::empty()?;
    let mut last_end: Option<Instant> = None;
    while let Some(joined) = workers.join_next().await {
        let (measured, end) = joined.map_err(|e| BenchError::Internal(e.to_string()))??;
        total.merge(measured)?;
        last_end = last_end.max(end);
    }
    if let Some(sampler) = sampler {
        total.server_rss = Some(sampler.finish().await?);
    }
    ticking.store(false, Ordering::Release);
    let _ = ticker.await;
    bar.finish_and_clear();
    total.elapsed = last_end.unwrap_or_else(Instant::now).saturating_duration_since(measure_start);
    Ok(total)
}

/// One connection's loop; returns its measurement and when its last measured operation
/// ended.
async fn worker<D: Driver>(
    driver: Arc<D>,
    conn: D::Conn,
    shared: Arc<Shared>,
    stop: Stop,
) -> Result<(Measurement, Option<Instant>), BenchError> {
    let mut measured = Measurement::empty()?;
    let mut conn = Some(conn);
    let mut last_end = None;
    loop {
        let phase = shared.phase.load(Ordering::Acquire);
        if phase == STOP {
            break;
        }
        let counted = phase == MEASURE;
        if counted
            && let Stop::Count(n) = stop
            && shared.tickets.fetch_add(1, Ordering::Relaxed) >= n
        {
            break;
        }
        let seq = shared.seq.fetch_add(1, Ordering::Relaxed);
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match driver.connect().await {
                Ok(c) => conn.insert(c),
                Err(failure) => {
                    if counted {
                        measured.record_failure(&failure);
                        shared.finished.fetch_add(1, Ordering::Relaxed);
                        last_end = Some(Instant::now());
                    }
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                    continue;
                }
            },
        };
        let start = Instant::now();
        let result = driver.operate(c, seq).await;
        let end = Instant::now();
        if let Err(failure) = &result
            && failure.breaks_connection()
        {
            conn = None;
        }
        if !counted {
            continue;
        }
        last_end = Some(end);
        shared.finished.fetch_add(1, Ordering::Relaxed);
        match result {
            Ok(done) => measured.record_success(done, end - start),
            Err(failure) => measured.record_failure(&failure),
        }
    }
    Ok((measured, last_end))
}

/// Files a benchmark process needs besides its connections (standard streams, the
/// runtime's own descriptors, the credential files while they are read).
const SPARE_FILES: u64 = 32;

/// The soft "Max open files" limit of a `/proc/PID/limits` text; `u64::MAX` when
/// unlimited, `None` when the line is missing or unreadable.
pub fn parse_max_open_files(limits: &str) -> Option<u64> {
    let line = limits.lines().find_map(|line| line.strip_prefix("Max open files"))?;
    match line.split_whitespace().next()? {
        "unlimited" => Some(u64::MAX),
        soft => soft.parse().ok(),
    }
}

/// Checks that this process may open one socket per connection (Linux; elsewhere, and
/// when `/proc/self/limits` cannot be read, nothing is checked).
///
/// # Errors
/// [`BenchError::Option`] naming `--connections`, the limit and how to raise it.
pub fn check_open_files(connections: usize) -> Result<(), BenchError> {
    let Some(soft) =
        std::fs::read_to_string("/proc/self/limits").ok().as_deref().and_then(parse_max_open_files)
    else {
        return Ok(());
    };
    let needed = (connections as u64).saturating_add(SPARE_FILES);
    if needed <= soft {
        return Ok(());
    }
    Err(BenchError::Option {
        option: "--connections",
        reason: format!(
            "{connections} connections need about {needed} open files and this process may \
             open {soft} (`ulimit -n`): raise the limit, e.g. `ulimit -n {}`, or use fewer \
             connections",
            needed.checked_next_multiple_of(1000).unwrap_or(needed)
        ),
    })
}

/// How to run the idle workload ([`hold`]).
#[derive(Debug, Clone)]
pub struct HoldPlan {
    /// The server, for messages.
    pub target: String,
    /// Connections to open and hold.
    pub connections: usize,
    /// Connections being opened at once (at least 1).
    pub open_concurrency: usize,
    /// How long the connections are held once every one has been tried.
    pub hold: Duration,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// A server process on this machine whose RSS is sampled from the first connection
    /// attempt to the end of the hold (before the connections are closed).
    pub server_pid: Option<u32>,
}

/// The error key of a connection the server closed while it was held, before the
/// transport failure's own key.
pub const CLOSED_WHILE_IDLE: &str = "closed while idle";

/// What became of one connection of [`hold`].
enum Held {
    /// It could not be opened (connection, handshake or the first operation failed).
    Failed(Failure),
    /// It was opened, then ended by the server before the hold was over.
    Closed { done: Done, latency: Duration, failure: Failure },
    /// It was open until the end of the hold, then closed by the benchmark.
    Kept { done: Done, latency: Duration },
}

/// The idle workload: opens `plan.connections` connections, at most
/// `plan.open_concurrency` at a time, each with one operation (`operate`); holds every
/// connection that opened for `plan.hold` once all have been tried, watching for the
/// server closing any ([`Driver::until_closed`]); then closes them.
///
/// In the result, `ops` are the connections opened, the latency is that of opening one
/// (connection, handshake and the operation; not the wait for a turn), `elapsed` is the
/// hold, and [`Measurement::hold`] has the opening time and the connections still held
/// at the end. Failures to open are counted by their key, closures by the server under
/// [`CLOSED_WHILE_IDLE`] followed by theirs.
///
/// # Errors
/// [`BenchError::Connect`] when not one connection could be opened;
/// [`BenchError::Internal`] when a task fails; [`BenchError::Option`] when the server
/// process cannot be read.
pub async fn hold<D: Driver>(driver: Arc<D>, plan: &HoldPlan) -> Result<Measurement, BenchError> {
    let sampler = plan.server_pid.map(RssSampler::start).transpose()?;
    let permits = Arc::new(Semaphore::new(plan.open_concurrency.max(1)));
    let (release, released) = watch::channel(false);
    let (tried_tx, mut tried) = mpsc::unbounded_channel::<bool>();
    let bar = hold_bar(plan);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for seq in 0..plan.connections as u64 {
        let connection = held_connection(
            driver.clone(),
            seq,
            permits.clone(),
            released.clone(),
            tried_tx.clone(),
        );
        tasks.spawn(connection);
    }
    drop(tried_tx);
    // Every task reports its attempt once, then drops its sender: the channel ends when
    // all have been tried.
    let (mut attempts, mut opened) = (0u64, 0u64);
    while let Some(ok) = tried.recv().await {
        attempts += 1;
        opened += u64::from(ok);
        if attempts.is_multiple_of(64) || attempts == plan.connections as u64 {
            bar.set_position(attempts);
            bar.set_message(format!("opening: {opened} open"));
        }
    }
    let opening = started.elapsed();
    bar.set_message(format!("holding {opened} connections"));

    let hold_start = Instant::now();
    if opened > 0 {
        tokio::time::sleep(plan.hold).await;
    }
    let server_rss = match sampler {
        Some(sampler) => Some(sampler.finish().await?),
        None => None,
    };
    let held_for = hold_start.elapsed();
    let _ = release.send(true);
    bar.set_message("closing");

    let mut total = Measurement::empty()?;
    let mut held = 0u64;
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|e| BenchError::Internal(e.to_string()))? {
            Held::Failed(failure) => total.record_failure(&failure),
            Held::Closed { done, latency, failure } => {
                total.record_success(done, latency);
                total.record_failure_keyed(
                    format!("{CLOSED_WHILE_IDLE}: {}", failure.key()),
                    &failure,
                );
            }
            Held::Kept { done, latency } => {
                total.record_success(done, latency);
                held += 1;
            }
        }
    }
    bar.finish_and_clear();
    if total.ops == 0 {
        let reason = total.error_examples.values().next().cloned().unwrap_or_default();
        return Err(BenchError::Connect { server: plan.target.clone(), reason });
    }
    total.elapsed = held_for;
    total.server_rss = server_rss;
    total.hold = Some(HoldOutcome { wanted: plan.connections, opening, held });
    Ok(total)
}

/// One connection of [`hold`]: waits for a turn, opens, reports the attempt on `tried`,
/// then stays open until `released` or until the server ends it.
async fn held_connection<D: Driver>(
    driver: Arc<D>,
    seq: u64,
    permits: Arc<Semaphore>,
    mut released: watch::Receiver<bool>,
    tried: mpsc::UnboundedSender<bool>,
) -> Held {
    let opening = async {
        // The semaphore is never closed; a closed one would only mean no limit.
        let _turn = permits.acquire_owned().await.ok();
        let start = Instant::now();
        let mut conn = driver.connect().await?;
        let done = driver.operate(&mut conn, seq).await?;
        Ok::<_, Failure>((conn, done, start.elapsed()))
    };
    let result = opening.await;
    let _ = tried.send(result.is_ok());
    drop(tried);
    let (mut conn, done, latency) = match result {
        Ok(opened) => opened,
        Err(failure) => return Held::Failed(failure),
    };
    let closed = tokio::select! {
        failure = driver.until_closed(&mut conn) => Some(failure),
        _ = released.wait_for(|released| *released) => None,
    };
    match closed {
        Some(failure) => Held::Closed { done, latency, failure },
        None => {
            driver.close(conn).await;
            Held::Kept { done, latency }
        }
    }
}

fn hold_bar(plan: &HoldPlan) -> ProgressBar {
    if !plan.progress {
        return ProgressBar::hidden();
    }
    let bar =
        ProgressBar::with_draw_target(Some(plan.connections as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn progress_bar(plan: &Plan) -> ProgressBar {
    if !plan.progress {
        return ProgressBar::hidden();
    }
    let (length, template) = match plan.stop {
        Stop::Duration(d) => (
            u64::try_from((plan.warmup + d).as_millis()).unwrap_or(u64::MAX),
            "{spinner} {elapsed_precise} [{wide_bar}] {msg}",
        ),
        Stop::Count(n) => (
            n.saturating_mul(plan.progress_unit),
            "{spinner} {elapsed_precise} [{wide_bar}] {human_pos}/{human_len} {msg} (eta {eta})",
        ),
    };
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

async fn tick(bar: ProgressBar, shared: Arc<Shared>, ticking: Arc<AtomicBool>, plan: Plan) {
    if bar.is_hidden() {
        return;
    }
    let started = Instant::now();
    let mut measure_start: Option<Instant> = None;
    while ticking.load(Ordering::Acquire) {
        let finished = shared.finished.load(Ordering::Relaxed);
        let message = if shared.phase.load(Ordering::Acquire) == WARMUP {
            "warm-up".to_owned()
        } else {
            let since = *measure_start.get_or_insert_with(Instant::now);
            let seconds = since.elapsed().as_secs_f64().max(1e-3);
            let rate = (finished * plan.progress_unit) as f64 / seconds;
            if plan.progress_unit > 1 {
                format!("{rate:.0} items/s")
            } else {
                format!("{finished} ops, {rate:.0} ops/s")
            }
        };
        let position = match plan.stop {
            Stop::Duration(_) => u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            Stop::Count(_) => finished.saturating_mul(plan.progress_unit),
        };
        bar.set_position(position);
        bar.set_message(message);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use super::*;

    /// A driver whose every third operation is refused, and whose seventh breaks the
    /// connection; counts its connections.
    struct Fake {
        connects: AtomicU64,
        seen: Mutex<Vec<u64>>,
    }

    impl Driver for Fake {
        type Conn = ();

        async fn connect(&self) -> Result<(), Failure> {
            self.connects.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }

        async fn operate(&self, _conn: &mut (), seq: u64) -> Result<Done, Failure> {
            self.seen.lock().unwrap().push(seq);
            tokio::task::yield_now().await;
            match seq % 10 {
                3 | 6 => Err(Failure::Refused { reason: "Item Not Found".into(), message: None }),
                7 => Err(Failure::Transport("connection closed".into())),
                _ => Ok(Done { items: 2, resumed: seq.is_multiple_of(2) }),
            }
        }
    }

    #[tokio::test]
    async fn a_counted_run_does_exactly_the_count_and_sorts_failures() {
        let driver = Arc::new(Fake { connects: AtomicU64::new(0), seen: Mutex::new(vec![]) });
        let plan = Plan {
            target: "test".into(),
            connections: 3,
            warmup: Duration::ZERO,
            stop: Stop::Count(100),
            progress: false,
            progress_unit: 1,
            server_pid: None,
        };
        let m = run(driver.clone(), &plan).await.unwrap();
        assert_eq!(m.ops + m.errors(), 100);
        assert_eq!(m.errors_by_reason["Item Not Found"], 20);
        assert_eq!(m.errors_by_reason["transport: connection closed"], 10);
        assert_eq!(m.ops, 70);
        assert_eq!(m.items, 140);
        assert_eq!(m.histogram.len(), 70);
        // 3 at the start, one more after each broken connection that is used again (the
        // last one, operation 97, may be left broken when the count runs out).
        let connects = driver.connects.load(Ordering::Relaxed);
        assert!((12..=13).contains(&connects), "{connects}");
        let mut seen = driver.seen.lock().unwrap().clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
        assert!(m.error_examples["Item Not Found"].contains("Item Not Found"));
    }

    #[tokio::test]
    async fn operations_of_the_warm_up_are_not_counted() {
        let driver = Arc::new(Fake { connects: AtomicU64::new(0), seen: Mutex::new(vec![]) });
        let plan = Plan {
            target: "test".into(),
            connections: 1,
            warmup: Duration::from_millis(20),
            stop: Stop::Count(10),
            progress: false,
            progress_unit: 1,
            server_pid: None,
        };
        let m = run(driver.clone(), &plan).await.unwrap();
        assert_eq!(m.ops + m.errors(), 10);
        assert!(driver.seen.lock().unwrap().len() >= 10);
    }

    /// An idle-workload driver: every fourth connection attempt fails, every fifth
    /// connection opened is closed by the "server" soon after; tracks how many
    /// connections are being opened at once.
    struct Idle {
        attempts: AtomicU64,
        opening: AtomicU64,
        most_opening: AtomicU64,
        closed_cleanly: AtomicU64,
    }

    impl Idle {
        fn new() -> Self {
            Self {
                attempts: AtomicU64::new(0),
                opening: AtomicU64::new(0),
                most_opening: AtomicU64::new(0),
                closed_cleanly: AtomicU64::new(0),
            }
        }
    }

    impl Driver for Idle {
        /// The connection's number among those opened.
        type Conn = u64;

        async fn connect(&self) -> Result<u64, Failure> {
            let n = self.attempts.fetch_add(1, Ordering::Relaxed);
            let now = self.opening.fetch_add(1, Ordering::Relaxed) + 1;
            self.most_opening.fetch_max(now, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(2)).await;
            self.opening.fetch_sub(1, Ordering::Relaxed);
            if n % 4 == 3 { Err(Failure::Transport("timeout".into())) } else { Ok(n) }
        }

        async fn operate(&self, _conn: &mut u64, _seq: u64) -> Result<Done, Failure> {
            Ok(Done::ONE)
        }

        async fn until_closed(&self, conn: &mut u64) -> Failure {
            if conn.is_multiple_of(5) {
                tokio::time::sleep(Duration::from_millis(5)).await;
                Failure::Transport("connection closed by the server".into())
            } else {
                std::future::pending().await
            }
        }

        async fn close(&self, _conn: u64) {
            self.closed_cleanly.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn hold_plan(connections: usize, server_pid: Option<u32>) -> HoldPlan {
        HoldPlan {
            target: "test".into(),
            connections,
            open_concurrency: 8,
            hold: Duration::from_millis(100),
            progress: false,
            server_pid,
        }
    }

    #[tokio::test]
    async fn a_hold_opens_a_bounded_number_at_a_time_and_counts_what_was_held() {
        let driver = Arc::new(Idle::new());
        let m = hold(driver.clone(), &hold_plan(40, None)).await.unwrap();
        // 40 attempts: 10 fail (n % 4 == 3); of the 30 opened, the 6 whose number is a
        // multiple of 5 (0, 5, 10, 20, 25, 30) are closed by the server while held.
        assert_eq!(driver.attempts.load(Ordering::Relaxed), 40);
        assert!(driver.most_opening.load(Ordering::Relaxed) <= 8);
        assert_eq!(m.ops, 30);
        assert_eq!(m.histogram.len(), 30);
        assert_eq!(m.errors_by_reason["transport: timeout"], 10);
        let closed = format!("{CLOSED_WHILE_IDLE}: transport: connection closed by the server");
        assert_eq!(m.errors_by_reason[&closed], 6, "{:?}", m.errors_by_reason);
        let outcome = m.hold.unwrap();
        assert_eq!((outcome.wanted, outcome.held), (40, 24));
        assert_eq!(driver.closed_cleanly.load(Ordering::Relaxed), 24);
        assert!(m.elapsed >= Duration::from_millis(100));
        assert!(m.server_rss.is_none());
    }

    #[tokio::test]
    async fn a_hold_with_nothing_opened_is_a_connect_error() {
        struct Down;
        impl Driver for Down {
            type Conn = ();
            async fn connect(&self) -> Result<(), Failure> {
                Err(Failure::Transport("ConnectionRefused (refused)".into()))
            }
            async fn operate(&self, _conn: &mut (), _seq: u64) -> Result<Done, Failure> {
                Ok(Done::ONE)
            }
        }
        let e = hold(Arc::new(Down), &hold_plan(5, None)).await.unwrap_err().to_string();
        assert!(e.contains("cannot connect to test") && e.contains("refused"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_run_or_a_hold_watching_a_process_reports_its_rss() {
        let pid = Some(std::process::id());
        let m = hold(Arc::new(Idle::new()), &hold_plan(4, pid)).await.unwrap();
        let rss = m.server_rss.unwrap();
        assert!(rss.start_kib > 0 && rss.peak_kib >= rss.end_kib && rss.end_kib > 0);
        assert_eq!(rss.pid, std::process::id());

        let driver = Arc::new(Fake { connects: AtomicU64::new(0), seen: Mutex::new(vec![]) });
        let plan = Plan {
            target: "test".into(),
            connections: 2,
            warmup: Duration::ZERO,
            stop: Stop::Duration(Duration::from_millis(50)),
            progress: false,
            progress_unit: 1,
            server_pid: pid,
        };
        let rss = run(driver, &plan).await.unwrap().server_rss.unwrap();
        assert!(rss.start_kib > 0 && rss.peak_kib >= rss.start_kib);
    }

    #[test]
    fn the_open_files_limit_is_read_and_checked() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
            Max cpu time              unlimited            unlimited            seconds   \n\
            Max open files            1024                 524288               files     \n";
        assert_eq!(parse_max_open_files(limits), Some(1024));
        assert_eq!(
            parse_max_open_files("Max open files  unlimited  unlimited  files"),
            Some(u64::MAX)
        );
        assert_eq!(parse_max_open_files("Max processes 10 10"), None);
        assert!(check_open_files(1).is_ok());
        if cfg!(target_os = "linux") {
            let e = check_open_files(usize::MAX).unwrap_err().to_string();
            assert!(e.contains("--connections") && e.contains("ulimit -n"), "{e}");
        }
    }

    #[test]
    fn failure_keys_group_by_reason_and_transport_kind() {
        let refused =
            Failure::Refused { reason: "Permission Denied".into(), message: Some("no".into()) };
        assert_eq!(refused.key(), "Permission Denied");
        assert_eq!(refused.to_string(), "Permission Denied: no");
        assert!(!refused.breaks_connection());
        let transport = Failure::Transport("timeout".into());
        assert_eq!(transport.key(), "transport: timeout");
        assert!(transport.breaks_connection());
        assert_eq!(Failure::Unexpected("x".into()).key(), "unexpected answer");
    }
}
