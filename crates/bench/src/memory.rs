//! The resident memory (RSS) of a server process on the same Linux machine, sampled from
//! `/proc/PID/status` while a benchmark runs (`--server-pid`).
//!
//! A [`RssSampler`] reads the `VmRSS` line when it starts (the start figure), then every
//! [`SAMPLE_INTERVAL`] on a task of its own (for the peak and the figures over time), and
//! once more when it is finished (the end figure). The peak is the largest figure
//! sampled, so a spike shorter than the interval can be missed; the kernel's own
//! high-water mark (`VmHWM`) is not used because it covers the process's whole life,
//! not the measured phase.
//!
//! The sampler also reads the process's CPU time at the start and the end (see
//! [`crate::cpu`]).
//!
//! Only the process's own figure is read: the benchmark does not need to be the
//! server's parent, only allowed to read its `/proc/PID/status` (the same user, or root).

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::BenchError;
use crate::cpu::{self, CpuTicks, CpuUsed};

/// How often the sampler reads the process's RSS between the start and the end.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(100);
/// At most this many samples are kept in a [`RssSummary`] (spread evenly over the run).
pub const REPORTED_SAMPLES: usize = 11;

/// The `VmRSS` figure of a `/proc/PID/status` text, in KiB; `None` when the line is
/// missing (a kernel thread, a zombie) or unreadable.
pub fn parse_vm_rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    let mut words = line.split_whitespace();
    let value = words.next()?.parse().ok()?;
    // The kernel writes "kB" (meaning KiB); anything else is not the format known here.
    (words.next()? == "kB" && words.next().is_none()).then_some(value)
}

/// Reads the current RSS of process `pid`, in KiB.
///
/// # Errors
/// A sentence saying why: no such process, `/proc` unreadable, or no `VmRSS` line.
pub fn read_rss_kib(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("no process {pid} on this machine ({path} does not exist)")
        } else {
            format!("cannot read {path}: {e}")
        }
    })?;
    parse_vm_rss_kib(&status)
        .ok_or_else(|| format!("{path} has no VmRSS line (a kernel thread or a zombie?)"))
}

/// Checks that process `pid`'s RSS can be read, before anything else is done.
///
/// # Errors
/// [`BenchError::Option`] naming `--server-pid` and why its RSS cannot be read.
pub fn check_pid(pid: u32) -> Result<u64, BenchError> {
    read_rss_kib(pid).map_err(|reason| BenchError::Option { option: "--server-pid", reason })
}

/// One RSS figure, taken `t_s` seconds after the sampler started.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RssSample {
    /// Seconds since the start of the measured phase.
    pub t_s: f64,
    /// Resident memory, in KiB.
    pub kib: u64,
}

/// What the sampler saw of a server process over the measured phase.
#[derive(Debug, Clone, PartialEq)]
pub struct RssSummary {
    /// The process watched.
    pub pid: u32,
    /// RSS when the measured phase started, in KiB.
    pub start_kib: u64,
    /// The largest RSS sampled, in KiB (the start and end figures included).
    pub peak_kib: u64,
    /// RSS when the measured phase ended, in KiB (the last figure read, if the process
    /// was gone by then).
    pub end_kib: u64,
    /// Whether the process could no longer be read before the end (it exited).
    pub gone: bool,
    /// Up to [`REPORTED_SAMPLES`] figures spread over the phase, the first and the last
    /// included.
    pub samples: Vec<RssSample>,
    /// The CPU time the process used over the phase, when it could be read at both ends.
    pub cpu: Option<CpuUsed>,
}

impl RssSummary {
    /// The summary of `samples` (in time order, at least one).
    fn of(pid: u32, samples: &[RssSample], gone: bool) -> Option<Self> {
        let first = samples.first()?;
        let last = samples.last()?;
        Some(Self {
            pid,
            start_kib: first.kib,
            peak_kib: samples.iter().map(|s| s.kib).max().unwrap_or(first.kib),
            end_kib: last.kib,
            gone,
            samples: spread(samples, REPORTED_SAMPLES),
            cpu: None,
        })
    }
}

/// At most `keep` of `samples`, evenly spread, the first and the last always included.
fn spread(samples: &[RssSample], keep: usize) -> Vec<RssSample> {
    let n = samples.len();
    if n <= keep || keep < 2 {
        return samples.iter().take(keep.max(1)).copied().collect();
    }
    // n > keep: the indexes are strictly increasing, from 0 to n - 1.
    (0..keep).filter_map(|i| samples.get(i * (n - 1) / (keep - 1)).copied()).collect()
}

/// Samples a process's RSS from [`RssSampler::start`] to [`RssSampler::finish`].
#[derive(Debug)]
pub struct RssSampler {
    pid: u32,
    started: Instant,
    cpu_start: Option<CpuTicks>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<(Vec<RssSample>, bool)>,
}

impl RssSampler {
    /// Takes the start figure and begins sampling every [`SAMPLE_INTERVAL`]. Must be
    /// called within a tokio runtime.
    ///
    /// # Errors
    /// [`BenchError::Option`] when the process's RSS cannot be read.
    pub fn start(pid: u32) -> Result<Self, BenchError> {
        let started = Instant::now();
        let first = check_pid(pid)?;
        let cpu_start = cpu::read_ticks(pid).ok();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(sample(pid, started, first, stopped));
        Ok(Self { pid, started, cpu_start, stop, task })
    }

    /// Takes the end figure, stops sampling and summarises.
    ///
    /// # Errors
    /// [`BenchError::Internal`] if the sampling task failed.
    pub async fn finish(self) -> Result<RssSummary, BenchError> {
        let cpu_end = cpu::read_ticks(self.pid).ok();
        let _ = self.stop.send(());
        let (mut samples, mut gone) =
            self.task.await.map_err(|e| BenchError::Internal(format!("RSS sampler: {e}")))?;
        if !gone {
            match read_rss_kib(self.pid) {
                Ok(kib) => samples.push(at(self.started, kib)),
                Err(_) => gone = true,
            }
        }
        let mut summary = RssSummary::of(self.pid, &samples, gone)
            .ok_or_else(|| BenchError::Internal("RSS sampler: no sample".into()))?;
        summary.cpu = match (self.cpu_start, cpu_end) {
            (Some(start), Some(end)) => Some(CpuUsed::between(start, end)),
            _ => None,
        };
        Ok(summary)
    }
}

fn at(started: Instant, kib: u64) -> RssSample {
    let t_s = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    RssSample { t_s, kib }
}

/// The sampling loop: every sample taken until `stopped` fires (or its sender is
/// dropped) or the process disappears (then `true` is returned with what was sampled).
async fn sample(
    pid: u32,
    started: Instant,
    first: u64,
    mut stopped: oneshot::Receiver<()>,
) -> (Vec<RssSample>, bool) {
    let mut samples = vec![RssSample { t_s: 0.0, kib: first }];
    let mut ticks = tokio::time::interval(SAMPLE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await; // the first tick is immediate: the start figure is that one
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = &mut stopped => return (samples, false),
        }
        // Reading a /proc file does not block on a disk: no need for a blocking thread.
        match read_rss_kib(pid) {
            Ok(kib) => samples.push(at(started, kib)),
            Err(_) => return (samples, true),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const STATUS: &str = "Name:\tkeyward\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t  500000 kB\n\
        VmHWM:\t   40000 kB\nVmRSS:\t   31544 kB\nRssAnon:\t   20000 kB\nThreads:\t3\n";

    #[test]
    fn vm_rss_is_read_from_its_own_line() {
        assert_eq!(parse_vm_rss_kib(STATUS), Some(31_544));
        assert_eq!(parse_vm_rss_kib("VmRSS: 7 kB"), Some(7));
        // A kernel thread has no VmRSS line; other units or garbage are not guessed at.
        assert_eq!(parse_vm_rss_kib("Name:\tkthreadd\nState:\tS\n"), None);
        assert_eq!(parse_vm_rss_kib("VmRSS:\t 12 MB\n"), None);
        assert_eq!(parse_vm_rss_kib("VmRSS:\t x kB\n"), None);
        assert_eq!(parse_vm_rss_kib("VmRSS:\n"), None);
        assert_eq!(parse_vm_rss_kib("VmRSSX:\t 12 kB\n"), None);
    }

    #[test]
    fn the_summary_has_start_peak_end_and_a_few_spread_samples() {
        let samples: Vec<RssSample> =
            (0..101u64).map(|i| RssSample { t_s: i as f64 / 10.0, kib: 1000 + i % 37 }).collect();
        let s = RssSummary::of(42, &samples, false).unwrap();
        assert_eq!((s.pid, s.start_kib, s.peak_kib, s.end_kib), (42, 1000, 1036, 1000 + 100 % 37));
        assert_eq!(s.samples.len(), REPORTED_SAMPLES);
        assert_eq!(s.samples.first(), samples.first());
        assert_eq!(s.samples.last(), samples.last());
        assert!(s.samples.windows(2).all(|w| w[0].t_s < w[1].t_s));

        let few = &samples[..3];
        assert_eq!(RssSummary::of(1, few, true).unwrap().samples, few);
        assert!(RssSummary::of(1, &[], false).is_none());
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn this_process_can_be_sampled_and_a_missing_one_is_refused() {
        let sampler = RssSampler::start(std::process::id()).unwrap();
        tokio::time::sleep(SAMPLE_INTERVAL * 3).await;
        let s = sampler.finish().await.unwrap();
        assert!(s.start_kib > 0 && s.peak_kib >= s.start_kib && s.peak_kib >= s.end_kib);
        assert!(s.samples.len() >= 2 && !s.gone, "{s:?}");
        assert!(s.cpu.is_some(), "{s:?}");
        // Pid numbers stop well below this on Linux (pid_max is at most 2^22).
        let e = check_pid(u32::MAX - 1).unwrap_err().to_string();
        assert!(e.contains("--server-pid") && e.contains("no process"), "{e}");
    }
}
