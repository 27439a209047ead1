//! The result of a run: percentiles, rates, errors; as one JSON object or as text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::memory::RssSample;
use crate::runner::Measurement;

/// Whether the workload ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It ran; the figures are meaningful.
    Ok,
    /// The server (or the chosen KMIP version) does not support it; nothing was measured.
    Unsupported,
}

/// Latency percentiles of successful operations, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50_us: Option<u64>,
    /// 90th percentile.
    pub p90_us: Option<u64>,
    /// 99th percentile.
    pub p99_us: Option<u64>,
    /// 99.9th percentile.
    pub p999_us: Option<u64>,
    /// Slowest.
    pub max_us: Option<u64>,
    /// Mean.
    pub mean_us: Option<f64>,
}

impl Percentiles {
    /// The percentiles of `histogram`; all `None` when it is empty.
    pub fn of(histogram: &Histogram<u64>) -> Self {
        if histogram.is_empty() {
            return Self::default();
        }
        let at = |q: f64| Some(histogram.value_at_quantile(q));
        Self {
            p50_us: at(0.5),
            p90_us: at(0.9),
            p99_us: at(0.99),
            p999_us: at(0.999),
            max_us: Some(histogram.max()),
            mean_us: Some((histogram.mean() * 10.0).round() / 10.0),
        }
    }
}

/// What is known of a run before it is measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The workload's name.
    pub workload: String,
    /// The protocol (`kmip`).
    pub protocol: String,
    /// The server address.
    pub server: String,
    /// The KMIP version of the requests (`1.4`).
    pub kmip_version: String,
    /// Concurrent connections.
    pub connections: usize,
    /// Warm-up, in seconds.
    pub warmup_s: f64,
    /// Items per request message, for batched workloads.
    pub batch_size: Option<usize>,
    /// Bytes per Encrypt, Decrypt or Sign, where that applies.
    pub payload_size: Option<usize>,
    /// The mixed ratio.
    pub mix: Option<String>,
    /// Whether TLS resumption was on (handshake workload).
    pub resumption: Option<bool>,
    /// Connections opened at once (idle workload).
    pub open_concurrency: Option<usize>,
}

/// The result of one benchmark run: `--json` prints it as one object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The workload's name.
    pub workload: String,
    /// `ok` or `unsupported`.
    pub status: Status,
    /// Why the workload is unsupported (the server's reason, or the KMIP version's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// The protocol (`kmip`).
    pub protocol: String,
    /// The server address.
    pub server: String,
    /// The KMIP version of the requests.
    pub kmip_version: String,
    /// Concurrent connections.
    pub connections: usize,
    /// Warm-up, in seconds.
    pub warmup_s: f64,
    /// Measured time, in seconds (for idle: how long the connections were held).
    pub duration_s: f64,
    /// Successful operations (request messages, for batched workloads; connections
    /// opened, for idle).
    pub ops: u64,
    /// Failed operations.
    pub errors: u64,
    /// Failed operations by KMIP result reason, `unexpected answer` or `transport: …`.
    pub errors_by_reason: BTreeMap<String, u64>,
    /// One example message per error reason.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub error_examples: BTreeMap<String, String>,
    /// Successful operations per second (for idle: connections opened per second of the
    /// opening phase).
    pub ops_per_sec: f64,
    /// Items of the successful operations.
    pub items: u64,
    /// Items per second (batched workloads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items_per_sec: Option<f64>,
    /// Items per request message (batched workloads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// Bytes per Encrypt, Decrypt or Sign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_size: Option<usize>,
    /// The mixed ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mix: Option<String>,
    /// Whether TLS resumption was allowed (handshake only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumption: Option<bool>,
    /// Successful handshakes that resumed a session (handshake only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<u64>,
    /// Connections opened at once (idle only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_concurrency: Option<usize>,
    /// Connections opened: TLS handshake and one Discover Versions done (idle only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened: Option<u64>,
    /// Connections still open at the end of the hold (idle only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<u64>,
    /// Seconds from the first connection attempt to the end of the last (idle only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_s: Option<f64>,
    /// Latency percentiles of successful operations (for idle: of opening one
    /// connection, handshake and Discover Versions).
    #[serde(flatten)]
    pub latency: Percentiles,
    /// The server process whose memory was sampled (`--server-pid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_pid: Option<u32>,
    /// The server's RSS at the start of the measured phase, in KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_kib_start: Option<u64>,
    /// The largest server RSS sampled during the measured phase, in KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_kib_peak: Option<u64>,
    /// The server's RSS at the end of the measured phase, in KiB (for idle: with the
    /// connections still held).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_kib_end: Option<u64>,
    /// A few RSS figures spread over the measured phase: seconds since its start, KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_samples: Option<Vec<RssSample>>,
    /// The server's user-mode CPU seconds over the measured phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_user_s: Option<f64>,
    /// The server's kernel CPU seconds over the measured phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_system_s: Option<f64>,
    /// The server's CPU (user and system) per successful operation, in microseconds
    /// (per message for a batched workload).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_us_per_op: Option<f64>,
    /// The server process had exited before the end (its last figures are reported).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub server_exited: bool,
}

/// KiB as MiB with one decimal, for people.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn rounded(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

impl Report {
    /// The report of a measured run.
    pub fn measured(info: RunInfo, m: &Measurement) -> Self {
        let seconds = m.elapsed.as_secs_f64();
        let rate = |n: u64| if seconds > 0.0 { rounded(n as f64 / seconds, 1) } else { 0.0 };
        let batched = info.batch_size.is_some();
        let mut report = Self::base(info, Status::Ok, None);
        report.duration_s = rounded(seconds, 3);
        report.ops = m.ops;
        report.errors = m.errors();
        report.errors_by_reason = m.errors_by_reason.clone();
        report.error_examples = m.error_examples.clone();
        report.ops_per_sec = rate(m.ops);
        report.items = m.items;
        report.items_per_sec = batched.then(|| rate(m.items));
        report.resumed = report.resumption.map(|_| m.resumed);
        report.latency = Percentiles::of(&m.histogram);
        if let Some(hold) = &m.hold {
            let opening = hold.opening.as_secs_f64();
            report.opened = Some(m.ops);
            report.held = Some(hold.held);
            report.open_s = Some(rounded(opening, 3));
            report.ops_per_sec =
                if opening > 0.0 { rounded(m.ops as f64 / opening, 1) } else { 0.0 };
        }
        if let Some(rss) = &m.server_rss {
            report.server_pid = Some(rss.pid);
            report.server_rss_kib_start = Some(rss.start_kib);
            report.server_rss_kib_peak = Some(rss.peak_kib);
            report.server_rss_kib_end = Some(rss.end_kib);
            report.server_rss_samples = Some(rss.samples.clone());
            report.server_exited = rss.gone;
            if let Some(cpu) = rss.cpu {
                report.server_cpu_user_s = Some(rounded(cpu.user_s, 2));
                report.server_cpu_system_s = Some(rounded(cpu.system_s, 2));
                report.server_cpu_us_per_op = cpu.us_per_op(m.ops).map(|us| rounded(us, 1));
            }
        }
        report
    }

    /// The report of a workload that the server or the KMIP version does not support.
    pub fn unsupported(info: RunInfo, why: String) -> Self {
        Self::base(info, Status::Unsupported, Some(why))
    }

    fn base(info: RunInfo, status: Status, unsupported: Option<String>) -> Self {
        Self {
            workload: info.workload,
            status,
            unsupported,
            protocol: info.protocol,
            server: info.server,
            kmip_version: info.kmip_version,
            connections: info.connections,
            warmup_s: info.warmup_s,
            duration_s: 0.0,
            ops: 0,
            errors: 0,
            errors_by_reason: BTreeMap::new(),
            error_examples: BTreeMap::new(),
            ops_per_sec: 0.0,
            items: 0,
            items_per_sec: None,
            batch_size: info.batch_size,
            payload_size: info.payload_size,
            mix: info.mix,
            resumption: info.resumption,
            resumed: None,
            open_concurrency: info.open_concurrency,
            opened: None,
            held: None,
            open_s: None,
            latency: Percentiles::default(),
            server_pid: None,
            server_rss_kib_start: None,
            server_rss_kib_peak: None,
            server_rss_kib_end: None,
            server_rss_samples: None,
            server_cpu_user_s: None,
            server_cpu_system_s: None,
            server_cpu_us_per_op: None,
            server_exited: false,
        }
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain numbers, strings and maps of strings cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The report as text for a person.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} on {} (KMIP {}, {} connection{})",
            self.protocol,
            self.workload,
            self.server,
            self.kmip_version,
            self.connections,
            if self.connections == 1 { "" } else { "s" }
        );
        if let Some(why) = &self.unsupported {
            let _ = writeln!(out, "  unsupported: {why}");
            return out;
        }
        if let (Some(opened), Some(held)) = (self.opened, self.held) {
            let _ = writeln!(
                out,
                "  opened     {opened} of {} in {:.3} s ({:.1}/s, {} at a time; each a TLS \
                 handshake and a Discover Versions)",
                self.connections,
                self.open_s.unwrap_or(0.0),
                self.ops_per_sec,
                self.open_concurrency.unwrap_or(0),
            );
            let _ = writeln!(
                out,
                "  held       {held} for {:.3} s ({} closed by the server meanwhile)",
                self.duration_s,
                opened.saturating_sub(held)
            );
        } else {
            let _ = writeln!(
                out,
                "  measured   {:.3} s after {:.1} s of warm-up",
                self.duration_s, self.warmup_s
            );
            let _ = writeln!(out, "  ops        {} ok, {} failed", self.ops, self.errors);
            let _ = writeln!(out, "  rate       {:.1} ops/s", self.ops_per_sec);
        }
        if let (Some(items), Some(size)) = (self.items_per_sec, self.batch_size) {
            let _ = writeln!(out, "  items      {items:.1} items/s ({size} per message)");
        }
        if let (Some(resumed), Some(on)) = (self.resumed, self.resumption) {
            let _ = writeln!(
                out,
                "  resumed    {resumed} of {} handshakes (resumption {})",
                self.ops,
                if on { "on" } else { "off" }
            );
        }
        let l = &self.latency;
        let us = |v: Option<u64>| v.map_or("-".to_owned(), |v| format!("{v} µs"));
        let _ = writeln!(
            out,
            "  latency    p50 {}  p90 {}  p99 {}  p99.9 {}  max {}",
            us(l.p50_us),
            us(l.p90_us),
            us(l.p99_us),
            us(l.p999_us),
            us(l.max_us)
        );
        if let (Some(pid), Some(start), Some(peak), Some(end)) = (
            self.server_pid,
            self.server_rss_kib_start,
            self.server_rss_kib_peak,
            self.server_rss_kib_end,
        ) {
            let _ = writeln!(
                out,
                "  server RSS start {}, peak {}, end {} (pid {pid}{})",
                mib(start),
                mib(peak),
                mib(end),
                if self.server_exited { "; it exited before the end" } else { "" }
            );
            if let Some(samples) = &self.server_rss_samples {
                let text: Vec<String> =
                    samples.iter().map(|s| format!("{:.1} s {}", s.t_s, mib(s.kib))).collect();
                let _ = writeln!(out, "  over time  {}", text.join(" · "));
            }
        }
        if let (Some(user), Some(system)) = (self.server_cpu_user_s, self.server_cpu_system_s) {
            let per_op = self
                .server_cpu_us_per_op
                .map_or(String::new(), |us| format!(": {us:.1} µs per op"));
            let _ = writeln!(out, "  server CPU user {user:.2} s, system {system:.2} s{per_op}");
        }
        for (reason, n) in &self.errors_by_reason {
            let example = self.error_examples.get(reason).map_or("", String::as_str);
            let _ = writeln!(out, "  error      {n} × {reason} (e.g. {example})");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;
    use crate::runner::{Done, Failure};

    fn info(batch: Option<usize>) -> RunInfo {
        RunInfo {
            workload: "get".into(),
            protocol: "kmip".into(),
            server: "127.0.0.1:5696".into(),
            kmip_version: "1.4".into(),
            connections: 4,
            warmup_s: 2.0,
            batch_size: batch,
            payload_size: None,
            mix: None,
            resumption: None,
            open_concurrency: None,
        }
    }

    #[test]
    fn percentiles_come_from_the_histogram() {
        let mut m = Measurement::empty().unwrap();
        for micros in 1..=1000u64 {
            m.record_success(Done::ONE, Duration::from_micros(micros));
        }
        let p = Percentiles::of(&m.histogram);
        assert_eq!(p.p50_us, Some(500));
        assert_eq!(p.p90_us, Some(900));
        assert_eq!(p.p99_us, Some(990));
        assert_eq!(p.p999_us, Some(999));
        assert_eq!(p.max_us, Some(1000));
        assert_eq!(p.mean_us, Some(500.5));
        assert_eq!(
            Percentiles::of(&Measurement::empty().unwrap().histogram),
            Percentiles::default()
        );
    }

    #[test]
    fn large_latencies_keep_three_significant_digits() {
        let mut m = Measurement::empty().unwrap();
        m.record_success(Done::ONE, Duration::from_millis(12_345));
        let max = Percentiles::of(&m.histogram).max_us.unwrap();
        assert!((12_340_000..=12_360_000).contains(&max), "{max}");
        // Sub-microsecond operations count as 1 µs, not 0.
        m.record_success(Done::ONE, Duration::from_nanos(10));
        assert_eq!(m.histogram.min(), 1);
    }

    #[test]
    fn the_json_object_has_the_documented_fields() {
        let mut m = Measurement::empty().unwrap();
        for _ in 0..3 {
            m.record_success(Done { items: 10, resumed: false }, Duration::from_micros(100));
        }
        m.record_failure(&Failure::Refused { reason: "Item Not Found".into(), message: None });
        m.record_failure(&Failure::Transport("timeout".into()));
        m.elapsed = Duration::from_secs(2);
        let report = Report::measured(info(Some(10)), &m);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["workload"], "get");
        assert_eq!(json["status"], "ok");
        assert_eq!(json["ops"], 3);
        assert_eq!(json["errors"], 2);
        assert_eq!(json["ops_per_sec"], 1.5);
        assert_eq!(json["items"], 30);
        assert_eq!(json["items_per_sec"], 15.0);
        assert_eq!(json["batch_size"], 10);
        assert_eq!(json["connections"], 4);
        assert_eq!(json["duration_s"], 2.0);
        assert_eq!(json["errors_by_reason"]["Item Not Found"], 1);
        assert_eq!(json["errors_by_reason"]["transport: timeout"], 1);
        for field in ["p50_us", "p90_us", "p99_us", "p999_us", "max_us"] {
            assert_eq!(json[field], 100, "{field}");
        }
        assert!(json.get("unsupported").is_none());
        assert!(json.get("resumed").is_none());
        assert!(!report.to_json().contains('\n'));
    }

    #[test]
    fn an_unsupported_workload_says_why_and_has_no_figures() {
        let report = Report::unsupported(info(None), "Operation Not Supported: no".into());
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["status"], "unsupported");
        assert_eq!(json["unsupported"], "Operation Not Supported: no");
        assert_eq!(json["ops"], 0);
        assert_eq!(json["ops_per_sec"], 0.0);
        assert!(json["p50_us"].is_null());
        assert!(json.get("items_per_sec").is_none());
        assert!(report.to_text().contains("unsupported: Operation Not Supported"));
    }

    fn rss() -> crate::memory::RssSummary {
        crate::memory::RssSummary {
            pid: 77,
            start_kib: 10_240,
            peak_kib: 40_960,
            end_kib: 30_720,
            gone: false,
            samples: vec![
                RssSample { t_s: 0.0, kib: 10_240 },
                RssSample { t_s: 1.5, kib: 40_960 },
                RssSample { t_s: 3.0, kib: 30_720 },
            ],
            cpu: None,
        }
    }

    #[test]
    fn server_rss_fields_are_there_only_when_a_server_was_watched() {
        let mut m = Measurement::empty().unwrap();
        m.record_success(Done::ONE, Duration::from_micros(100));
        m.elapsed = Duration::from_secs(1);
        let json: serde_json::Value =
            serde_json::from_str(&Report::measured(info(None), &m).to_json()).unwrap();
        for field in ["server_pid", "server_rss_kib_start", "server_rss_kib_peak"] {
            assert!(json.get(field).is_none(), "{field}");
        }
        assert!(json.get("server_exited").is_none() && json.get("opened").is_none());

        m.server_rss = Some(rss());
        let report = Report::measured(info(None), &m);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["server_pid"], 77);
        assert_eq!(json["server_rss_kib_start"], 10_240);
        assert_eq!(json["server_rss_kib_peak"], 40_960);
        assert_eq!(json["server_rss_kib_end"], 30_720);
        assert_eq!(json["server_rss_samples"][1]["t_s"], 1.5);
        assert_eq!(json["server_rss_samples"][1]["kib"], 40_960);
        assert!(json.get("server_exited").is_none());
        let text = report.to_text();
        assert!(
            text.contains("server RSS start 10.0 MiB, peak 40.0 MiB, end 30.0 MiB (pid 77)"),
            "{text}"
        );
        assert!(text.contains("0.0 s 10.0 MiB · 1.5 s 40.0 MiB · 3.0 s 30.0 MiB"), "{text}");
        assert!(json.get("server_cpu_us_per_op").is_none() && !text.contains("server CPU"));

        // With the server's CPU time: per operation, user and system apart.
        for _ in 0..3 {
            m.record_success(Done::ONE, Duration::from_micros(100));
        }
        m.server_rss = Some(crate::memory::RssSummary {
            cpu: Some(crate::cpu::CpuUsed { user_s: 0.0003, system_s: 0.0001 }),
            ..rss()
        });
        let report = Report::measured(info(None), &m);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["server_cpu_us_per_op"], 100.0);
        assert_eq!(json["server_cpu_user_s"], 0.0);
        let text = report.to_text();
        assert!(text.contains("server CPU user 0.00 s, system 0.00 s: 100.0 µs per op"), "{text}");
    }

    #[test]
    fn an_idle_report_says_how_many_were_opened_and_held() {
        let mut m = Measurement::empty().unwrap();
        for _ in 0..8 {
            m.record_success(Done::ONE, Duration::from_micros(2_000));
        }
        m.record_failure(&Failure::Transport("timeout".into()));
        m.record_failure(&Failure::Transport("connection closed by the server".into()));
        m.elapsed = Duration::from_secs(30);
        m.hold = Some(crate::runner::HoldOutcome {
            wanted: 9,
            opening: Duration::from_secs(2),
            held: 7,
        });
        m.server_rss = Some(crate::memory::RssSummary { gone: true, ..rss() });
        let mut info = info(None);
        info.workload = "idle".into();
        info.connections = 9;
        info.warmup_s = 0.0;
        info.open_concurrency = Some(64);
        let report = Report::measured(info, &m);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["opened"], 8);
        assert_eq!(json["held"], 7);
        assert_eq!(json["open_s"], 2.0);
        assert_eq!(json["ops_per_sec"], 4.0);
        assert_eq!(json["duration_s"], 30.0);
        assert_eq!(json["open_concurrency"], 64);
        assert_eq!(json["errors"], 2);
        assert_eq!(json["server_exited"], true);
        let text = report.to_text();
        assert!(text.contains("opened     8 of 9 in 2.000 s (4.0/s, 64 at a time"), "{text}");
        assert!(text.contains("held       7 for 30.000 s (1 closed by the server"), "{text}");
        assert!(text.contains("it exited before the end"), "{text}");
    }

    #[test]
    fn the_text_summary_names_rates_percentiles_and_errors() {
        let mut m = Measurement::empty().unwrap();
        m.record_success(Done::ONE, Duration::from_micros(250));
        m.record_failure(&Failure::Refused {
            reason: "Permission Denied".into(),
            message: Some("not yours".into()),
        });
        m.elapsed = Duration::from_millis(500);
        let text = Report::measured(info(None), &m).to_text();
        assert!(text.contains("kmip get on 127.0.0.1:5696 (KMIP 1.4, 4 connections)"), "{text}");
        assert!(text.contains("1 ok, 1 failed"), "{text}");
        assert!(text.contains("2.0 ops/s"), "{text}");
        assert!(text.contains("p50 250 µs"), "{text}");
        assert!(
            text.contains("1 × Permission Denied (e.g. Permission Denied: not yours)"),
            "{text}"
        );
    }
}
