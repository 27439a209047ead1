//! PyKMIP (the reference Python KMIP client) against a real server over
//! mutual TLS: each test starts a [`TestServer`] on a free loopback port,
//! writes a root credential's PEM files to a temporary directory, and runs one
//! module of `tests/pykmip/*.py` (plain `unittest`) with the interpreter of
//! the venv that `scripts/test` makes (`KEYWARD_PYTHON`). The Python side
//! asserts the outcomes; this side asserts its exit status and shows its
//! output when it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use keyward_server::testing::TestServer;

/// How long one module may run before it is counted as hung and killed.
const MODULE_TIMEOUT: Duration = Duration::from_secs(300);

/// The Python interpreter with PyKMIP installed, from `KEYWARD_PYTHON`.
fn python() -> PathBuf {
    match std::env::var_os("KEYWARD_PYTHON") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "KEYWARD_PYTHON is not set: the PyKMIP interoperability tests need the venv that \
             scripts/test makes. Run scripts/test, or run it once and then \
             `export KEYWARD_PYTHON=$PWD/target/pykmip-venv/bin/python` from the workspace root"
        ),
    }
}

/// Runs `tests/pykmip/<module>.py` against a fresh server and asserts it passed.
async fn run_module(module: &str) {
    let python = python();
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;

    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, pem: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    let cert = write("client-cert.pem", &credential.pem.0);
    let key = write("client-key.pem", &credential.pem.1);
    let ca = write("server-ca.pem", &credential.pem.2);
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("pykmip");

    let child = tokio::process::Command::new(&python)
        .args(["-m", "unittest", "-v", module])
        .current_dir(&scripts)
        .env("KEYWARD_KMIP_HOST", server.address.ip().to_string())
        .env("KEYWARD_KMIP_PORT", server.address.port().to_string())
        .env("KEYWARD_KMIP_CERT", &cert)
        .env("KEYWARD_KMIP_KEY", &key)
        .env("KEYWARD_KMIP_CA", &ca)
        .env("KEYWARD_KMIP_TMP", dir.path())
        // Keep the source tree free of __pycache__ and PyKMIP's config file out of play.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("HOME", dir.path())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(MODULE_TIMEOUT, child).await {
        Ok(output) => output.unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display())),
        Err(_) => panic!("PyKMIP module {module} did not finish within {MODULE_TIMEOUT:?}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "PyKMIP module {module} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    // unittest reports on stderr: a run must have run tests and skipped none
    // (what PyKMIP cannot express is worked around or noted, never skipped).
    assert!(
        stderr.contains("\nRan ") && !stderr.contains("\nRan 0 tests"),
        "PyKMIP module {module} ran no test:\n{stderr}"
    );
    assert!(!stderr.contains("skipped"), "PyKMIP module {module} skipped tests:\n{stderr}");
    // The per-test lines, shown with --nocapture.
    println!("{stderr}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_managed_objects() {
    run_module("test_objects").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_cryptographic_operations() {
    run_module("test_crypto").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_attribute_operations() {
    run_module("test_attributes").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_lifecycle_refusals() {
    run_module("test_lifecycle").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_every_protocol_version() {
    run_module("test_versions").await;
}
