//! `keyward admin audit verify` on a real SQLite store: intact, then
//! tampered with.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use keyward_server::deployment::{Deployment, OpenMode};
use keyward_store::{AuditEvent, Store};
use sqlx::Connection;

fn event(n: u32) -> AuditEvent {
    AuditEvent {
        at: time::OffsetDateTime::now_utc(),
        domain_id: None,
        credential_id: None,
        identities: Vec::new().into(),
        operation: format!("Op{n}"),
        object_id: None,
        result: "Success".into(),
    }
}

fn verify(dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(["admin", "audit", "verify", "--data-dir"])
        .arg(dir)
        .env_remove("KEYWARD_STORE")
        .env_remove("KEYWARD_MASTER_KEY_FILE")
        .output()
        .unwrap()
}

#[tokio::test]
async fn verify_reports_an_intact_chain_and_finds_a_removed_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keyward.db");
    // A deployment as `keyward serve` creates it, then five audit records.
    let config = keyward_server::config::ServerConfig::resolve(keyward_server::config::Settings {
        data_dir: Some(dir.path().to_owned()),
        ..Default::default()
    })
    .unwrap();
    let deployment = Deployment::open(&config, OpenMode::Serve).await.unwrap();
    for n in 0..5 {
        deployment.store().append_audit(event(n)).await.unwrap();
    }
    deployment.close().await;

    let out = verify(dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("intact: 5 records, head "), "{stdout}");

    let mut conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::query("DELETE FROM audit_blocks WHERE first_seq = 3").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let out = verify(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("the audit log is broken at record 3"), "{stderr}");
}

#[test]
fn verify_without_a_master_key_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = verify(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("master key"));
}
