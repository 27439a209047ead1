//! `keyward conformance` against the real KMIP server, run as a user would:
//! PEM files on disk, a PASS or FAIL line per file, a total, the exit code.

use std::path::{Path, PathBuf};
use std::process::Command;

use keyward_server::testing::TestServer;

fn testcases() -> PathBuf {
    let shared = match std::env::var_os("KEYWARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    shared.join("kmip-testcases")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_prints_a_verdict_per_file_and_a_total() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let (cert, key, ca) =
        (dir.path().join("cert.pem"), dir.path().join("key.pem"), dir.path().join("ca.pem"));
    std::fs::write(&cert, &credential.pem.0).expect("cert.pem");
    std::fs::write(&key, &credential.pem.1).expect("key.pem");
    std::fs::write(&ca, &credential.pem.2).expect("ca.pem");
    let root = testcases();
    let run = |files: &[PathBuf]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_keyward"));
        command.args(["conformance", "--server", &server.addr()]);
        command.arg("--cert").arg(&cert).arg("--key").arg(&key).arg("--ca").arg(&ca);
        command.args(files);
        command.output().expect("keyward runs")
    };

    let pass = root.join("1.4/mandatory/SKLC-M-1-14.xml");
    let output = tokio::task::block_in_place(|| run(std::slice::from_ref(&pass)));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout, format!("PASS {}\n1 passed, 0 failed\n", pass.display()));

    // CS-BC-M-6-13 expects a wrong cipher text (see the known failures of
    // keyward-conformance): a FAIL line, and exit code 1.
    let fail = root.join("1.3/mandatory/CS-BC-M-6-13.xml");
    let output = tokio::task::block_in_place(|| run(&[pass.clone(), fail.clone()]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[1].starts_with(&format!("FAIL {}: request 2 of 5 (Encrypt): ", fail.display())),
        "{stdout}"
    );
    assert_eq!(lines[2], "1 passed, 1 failed");
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 of 2 test cases failed"));
}
