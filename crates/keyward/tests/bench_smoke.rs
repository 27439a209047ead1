//! `keyward bench kmip` against a real Keyward KMIP server in process: every workload
//! runs a few dozen operations and must succeed. A smoke test of the tool, not a
//! measurement: nothing here asserts on time.
//!
//! The server runs in this test's process, so `--server-pid` is this process's id.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use keyward_server::kmip::KmipLimits;
use keyward_server::testing::TestServer;
use serde_json::Value;

struct Files {
    cert: PathBuf,
    key: PathBuf,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

async fn credential_files(server: &TestServer) -> Files {
    let credential = server.root_credential(&server.domain).await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let (cert, key, ca) = &credential.pem;
    Files {
        cert: write("cert.pem", cert),
        key: write("key.pem", key),
        ca: write("ca.pem", ca),
        _dir: dir,
    }
}

async fn bench(server: &str, files: &Files, extra: &[&str]) -> (Option<i32>, String, String) {
    let arg = |p: &Path| p.display().to_string();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(["bench", "kmip", "--server", server])
        .args(["--cert", &arg(&files.cert), "--key", &arg(&files.key), "--ca", &arg(&files.ca)])
        .args(extra)
        .output()
        .await
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Runs `extra` with `--json` and returns the one object printed on stdout.
async fn bench_json(server: &str, files: &Files, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.push("--json");
    let (code, stdout, stderr) = bench(server, files, &args).await;
    assert_eq!(code, Some(0), "{extra:?}: {stderr}");
    assert_eq!(stdout.lines().count(), 1, "{extra:?}: one line on stdout: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workload_runs_against_a_keyward_server() {
    let server = TestServer::start().await;
    let files = credential_files(&server).await;
    let addr = server.addr();
    let common = ["--connections", "2", "--warmup", "0", "--keys", "5"];
    let runs: [(&str, &[&str]); 12] = [
        ("create", &["--count", "30"]),
        ("get", &["--count", "30"]),
        ("locate", &["--count", "30"]),
        ("encrypt", &["--count", "30", "--payload-size", "100"]),
        ("decrypt", &["--count", "30"]),
        ("sign-ecdsa", &["--count", "20"]),
        ("sign-rsa", &["--count", "20"]),
        ("batch-encrypt", &["--count", "10", "--batch-size", "5"]),
        ("handshake", &["--count", "10"]),
        ("mixed", &["--count", "40", "--mix", "get:5,encrypt:2,create:1,locate:1,decrypt:1"]),
        ("fill", &["--count", "25", "--batch-size", "10"]),
        ("idle", &["--duration", "0.2"]),
    ];
    for (workload, extra) in runs {
        let mut args = vec!["--workload", workload];
        args.extend(extra);
        if workload == "fill" {
            args.extend(["--connections", "2", "--keys", "5"]);
        } else if workload == "idle" {
            args.extend(["--connections", "2"]);
        } else {
            args.extend(common);
        }
        let report = bench_json(&addr, &files, &args).await;
        assert_eq!(report["status"], "ok", "{workload}: {report}");
        assert_eq!(report["workload"], workload);
        assert_eq!(report["errors"], 0, "{workload}: {report}");
        assert!(report["ops"].as_u64().unwrap() > 0, "{workload}: {report}");
        for field in ["ops_per_sec", "p50_us", "p90_us", "p99_us", "p999_us", "max_us"] {
            assert!(
                report[field].as_f64().is_some_and(|v| v > 0.0),
                "{workload} {field}: {report}"
            );
        }
        assert_eq!(report["connections"], 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_batches_and_resumption_are_reported() {
    let server = TestServer::start().await;
    let files = credential_files(&server).await;
    let addr = server.addr();

    let report = bench_json(
        &addr,
        &files,
        &["--workload", "batch-encrypt", "--count", "8", "--batch-size", "4", "--warmup", "0"],
    )
    .await;
    assert_eq!(report["ops"], 8);
    assert_eq!(report["items"], 32);
    assert!(report["items_per_sec"].as_f64().unwrap() > report["ops_per_sec"].as_f64().unwrap());

    // Fill counts keys: 25 keys in batches of 10 are 3 messages (30 keys).
    let report =
        bench_json(&addr, &files, &["--workload", "fill", "--count", "25", "--batch-size", "10"])
            .await;
    assert_eq!(report["ops"], 3);
    assert_eq!(report["items"], 30);

    for (flag, resumed_some) in [(None, true), (Some("--no-resumption"), false)] {
        let mut args = vec!["--workload", "handshake", "--count", "6", "--warmup", "0"];
        args.extend(flag);
        let report = bench_json(&addr, &files, &args).await;
        assert_eq!(report["ops"], 6, "{report}");
        let resumed = report["resumed"].as_u64().unwrap();
        assert_eq!(resumed > 0, resumed_some, "{report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_kmip_version_lacks_is_unsupported_not_an_error() {
    let server = TestServer::start().await;
    let files = credential_files(&server).await;
    let addr = server.addr();
    for (workload, version) in [("encrypt", "1.2"), ("sign-rsa", "1.1"), ("mixed", "1.0")] {
        let report = bench_json(
            &addr,
            &files,
            &["--workload", workload, "--count", "5", "--kmip-version", version],
        )
        .await;
        assert_eq!(report["status"], "unsupported", "{report}");
        assert!(report["unsupported"].as_str().unwrap().contains("KMIP"), "{report}");
        assert_eq!(report["ops"], 0);
    }
    // What 1.0 has runs at 1.0.
    for workload in ["create", "get", "locate", "handshake"] {
        let report = bench_json(
            &addr,
            &files,
            &[
                "--workload",
                workload,
                "--count",
                "10",
                "--kmip-version",
                "1.0",
                "--warmup",
                "0",
                "--keys",
                "3",
            ],
        )
        .await;
        assert_eq!(report["status"], "ok", "{workload} at 1.0: {report}");
        assert_eq!(report["errors"], 0, "{workload} at 1.0: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_report_and_the_failures_are_readable() {
    let server = TestServer::start().await;
    let files = credential_files(&server).await;
    let addr = server.addr();
    let (code, stdout, stderr) = bench(
        &addr,
        &files,
        &["--workload", "get", "--count", "5", "--warmup", "0", "--keys", "2"],
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("kmip get on 127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("5 ok, 0 failed"), "{stdout}");
    // Not a terminal: no progress bar on stderr.
    assert!(stderr.is_empty(), "{stderr}");

    let (code, _, stderr) =
        bench("127.0.0.1:1", &files, &["--workload", "get", "--count", "5"]).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot connect to 127.0.0.1:1"), "{stderr}");

    let (code, _, stderr) =
        bench(&addr, &files, &["--workload", "get", "--duration", "1", "--count", "5"]).await;
    assert_eq!(code, Some(2), "{stderr}");

    // A credential the server does not know: the server refuses the connection.
    let unknown = server.unrecorded_credential(&server.domain);
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = &unknown.pem;
    for (name, text) in [("cert.pem", cert), ("key.pem", key), ("ca.pem", ca)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let files = Files {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
        ca: dir.path().join("ca.pem"),
        _dir: dir,
    };
    let (code, _, stderr) =
        bench(&addr, &files, &["--workload", "create", "--count", "5", "--timeout", "5"]).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

/// The RSS fields of a report made with `--server-pid`: present, positive, the peak the
/// largest.
fn assert_server_rss(report: &Value, pid: u32) {
    assert_eq!(report["server_pid"], pid, "{report}");
    let kib = |field: &str| report[field].as_u64().unwrap_or_else(|| panic!("{field}: {report}"));
    let (start, peak, end) =
        (kib("server_rss_kib_start"), kib("server_rss_kib_peak"), kib("server_rss_kib_end"));
    assert!(start > 0 && end > 0 && peak >= start && peak >= end, "{report}");
    let samples = report["server_rss_samples"].as_array().unwrap();
    assert!(!samples.is_empty() && samples.len() <= 11, "{report}");
    assert!(samples.iter().all(|s| s["kib"].as_u64().is_some_and(|k| k > 0)), "{report}");
    assert!(report.get("server_exited").is_none(), "{report}");
    // Its CPU time over the phase, which a run this short may round to zero.
    for field in ["server_cpu_user_s", "server_cpu_system_s", "server_cpu_us_per_op"] {
        assert!(report[field].as_f64().is_some_and(|v| v >= 0.0), "{field}: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_held_and_the_server_rss_is_reported() {
    let server = TestServer::start().await;
    let files = credential_files(&server).await;
    let addr = server.addr();
    let pid = std::process::id();
    let pid_arg = pid.to_string();

    let report = bench_json(
        &addr,
        &files,
        &[
            "--workload",
            "idle",
            "--connections",
            "20",
            "--duration",
            "0.5",
            "--open-concurrency",
            "8",
            "--server-pid",
            &pid_arg,
        ],
    )
    .await;
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["workload"], "idle");
    assert_eq!(report["connections"], 20);
    assert_eq!(report["opened"], 20, "{report}");
    assert_eq!(report["held"], 20, "{report}");
    assert_eq!(report["ops"], 20);
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["open_concurrency"], 8);
    assert_eq!(report["warmup_s"], 0.0);
    assert!(report["open_s"].as_f64().is_some_and(|s| s > 0.0), "{report}");
    assert!(report["p50_us"].as_u64().is_some_and(|us| us > 0), "{report}");
    assert_server_rss(&report, pid);

    // The text report.
    let (code, stdout, stderr) = bench(
        &addr,
        &files,
        &[
            "--workload",
            "idle",
            "--connections",
            "3",
            "--duration",
            "0.2",
            "--server-pid",
            &pid_arg,
        ],
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("kmip idle on 127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("opened     3 of 3 in "), "{stdout}");
    assert!(stdout.contains("held       3 for "), "{stdout}");
    assert!(stdout.contains(&format!("(pid {pid})")), "{stdout}");

    // KMIP 1.0 has no Discover Versions: each connection sends a Query instead.
    let report = bench_json(
        &addr,
        &files,
        &["--workload", "idle", "--connections", "2", "--duration", "0.1", "--kmip-version", "1.0"],
    )
    .await;
    assert_eq!((report["opened"].as_u64(), report["errors"].as_u64()), (Some(2), Some(0)));

    // Any workload takes --server-pid; without it there are no RSS fields.
    let get = ["--workload", "get", "--count", "30", "--warmup", "0", "--keys", "3"];
    let mut args = get.to_vec();
    args.extend(["--server-pid", &pid_arg]);
    assert_server_rss(&bench_json(&addr, &files, &args).await, pid);
    let report = bench_json(&addr, &files, &get).await;
    assert!(report.get("server_rss_kib_start").is_none(), "{report}");
    assert!(report.get("server_cpu_us_per_op").is_none(), "{report}");
    assert!(report.get("held").is_none(), "{report}");

    // A process that is not there is refused before anything is sent.
    let (code, stdout, stderr) = bench(
        &addr,
        &files,
        &["--workload", "idle", "--duration", "1", "--server-pid", "4294967294"],
    )
    .await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("--server-pid") && stderr.contains("no process"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_server_closes_while_idle_are_counted_as_such() {
    // The server's idle timeout is shorter than the hold: every connection is closed.
    let limits = KmipLimits { idle_timeout: Duration::from_millis(300), ..KmipLimits::default() };
    let server = TestServer::start_with(Default::default(), limits).await;
    let files = credential_files(&server).await;
    let report = bench_json(
        &server.addr(),
        &files,
        &["--workload", "idle", "--connections", "4", "--duration", "1.5"],
    )
    .await;
    assert_eq!(report["opened"], 4, "{report}");
    assert_eq!(report["held"], 0, "{report}");
    assert_eq!(report["errors"], 4, "{report}");
    let reasons = report["errors_by_reason"].as_object().unwrap();
    assert_eq!(reasons.len(), 1, "{report}");
    let (reason, n) = reasons.iter().next().unwrap();
    assert!(reason.starts_with("closed while idle: transport: "), "{report}");
    assert_eq!(n, 4);
}
