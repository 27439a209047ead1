//! The concurrent loop: C connections, a warm-up, a measured phase.
//!
//! The runner is protocol-agnostic. A protocol implements [`Driver`]: how to open a
//! connection, and how to perform one operation on it. The runner keeps one task per
//! connection, each with one operation in flight; it counts an operation only if it
//! *started* in the measured phase, records its latency in the task's own HDR histogram
//! (merged at the end, so tasks never contend), counts failures by [`Failure::key`], and
//! reopens a connection after a [`Failure::breaks_connection`] failure.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::BenchError;
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
        let key = failure.key();
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
        };
        let m = run(driver.clone(), &plan).await.unwrap();
        assert_eq!(m.ops + m.errors(), 10);
        assert!(driver.seen.lock().unwrap().len() >= 10);
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
