//! SQLite on disk: no plaintext key material in the database files, and a
//! kill -9 loses no acknowledged write.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use aws_lc_rs::digest::{SHA256, digest};
use keyward_store::seal::{FileMasterKey, MasterKey};
use keyward_store::*;

const DOMAIN: &str = "0b5a4c1e-0000-4000-8000-00000000000d";

fn material_for(id: &str) -> Vec<u8> {
    digest(&SHA256, format!("material:{id}").as_bytes()).as_ref().to_vec()
}

fn object(id: &str, material: &[u8]) -> NewObject {
    NewObject {
        id: id.into(),
        object_type: 2,
        state: 1,
        attributes: vec![1, 2, 3],
        index: vec![IndexEntry::new("Name", 0, id)],
        links: vec![],
        material: Some(Secret::from_slice(material)),
    }
}

async fn open_at(dir: &Path) -> SqlStore {
    let master: Arc<dyn MasterKey> =
        Arc::new(FileMasterKey::open_or_create(&dir.join("master.key")).unwrap());
    SqlStore::open(&format!("sqlite://{}", dir.join("store.db").display()), master).await.unwrap()
}

async fn setup(store: &SqlStore) {
    store.create_account("acme", "ACME").await.unwrap();
    store
        .create_domain(&NewDomain {
            id: DOMAIN.into(),
            account_id: "acme".into(),
            region: "r".into(),
            name: "n".into(),
        })
        .await
        .unwrap();
}

/// Every file of the database (main file, -wal, -shm) as bytes.
fn database_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("store.db"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

fn assert_absent(files: &[(String, Vec<u8>)], secrets: &[Vec<u8>]) {
    // Any 16-byte window of a key would be a leak, not only the whole key.
    let windows: HashSet<&[u8]> = secrets.iter().flat_map(|s| s.windows(16)).collect();
    let mut scanned = 0;
    for (name, bytes) in files {
        scanned += bytes.len();
        assert!(
            !bytes.windows(16).any(|w| windows.contains(w)),
            "plaintext key bytes found in {name}"
        );
    }
    assert!(scanned > 0, "no database file scanned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_files_hold_no_plaintext_key_material() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_at(dir.path()).await;
    setup(&store).await;
    let mut secrets = Vec::new();
    for i in 0..200 {
        let id = format!("key-{i}");
        let m = material_for(&id);
        store.insert_object(DOMAIN, object(&id, &m)).await.unwrap();
        secrets.push(m);
    }
    // Replaced and destroyed material must not linger either.
    for i in 0..20 {
        let id = format!("key-{i}");
        let o = store.get_object(DOMAIN, &id, false).await.unwrap();
        let fresh = material_for(&format!("replacement-{i}"));
        let material = if i % 2 == 0 {
            MaterialChange::Replace(Secret::from_slice(&fresh))
        } else {
            MaterialChange::Destroy
        };
        let update =
            ObjectUpdate { state: 2, attributes: vec![], index: vec![], links: vec![], material };
        store.update_object(DOMAIN, &id, o.version, update).await.unwrap();
        secrets.push(fresh);
    }
    // The master key must not be in the database either.
    secrets.push(std::fs::read(dir.path().join("master.key")).unwrap());
    // Before a checkpoint: the data sits in the WAL.
    assert_absent(&database_files(dir.path()), &secrets);
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await.unwrap();
    store.close().await;
    let files = database_files(dir.path());
    assert!(files.iter().any(|(n, b)| n.ends_with("store.db") && b.len() > 100_000));
    assert_absent(&files, &secrets);
    // And everything is still readable.
    let store = open_at(dir.path()).await;
    let o = store.get_object(DOMAIN, "key-150", true).await.unwrap();
    assert_eq!(o.material.unwrap().expose(), material_for("key-150").as_slice());
    store.close().await;
}

const CHILD_ENV: &str = "KEYWARD_STORE_CRASH_CHILD_DIR";

/// The child of `kill_9_loses_no_acknowledged_write`: inserts objects from
/// several tasks forever, printing `ACK <id>` once each insert is acknowledged.
/// Without the environment variable it does nothing.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else { return };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            let store = Arc::new(open_at(Path::new(&dir)).await);
            let mut tasks = Vec::new();
            for t in 0..16 {
                let store = store.clone();
                tasks.push(tokio::spawn(async move {
                    for i in 0.. {
                        let id = format!("t{t}-{i}");
                        store.insert_object(DOMAIN, object(&id, &material_for(&id))).await.unwrap();
                        let mut out = std::io::stdout().lock();
                        writeln!(out, "ACK {id}").unwrap();
                        out.flush().unwrap();
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open_at(dir.path()).await;
        setup(&store).await;
        store.close().await;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut acked = Vec::new();
    // Let it get well into its stream, then SIGKILL it mid-write.
    while acked.len() < 1500 {
        let line = lines.next().expect("child ended early").unwrap();
        if let Some(id) = line.strip_prefix("ACK ") {
            acked.push(id.to_owned());
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    // Lines already written before the kill were acknowledged too.
    for line in lines.map_while(Result::ok) {
        if let Some(id) = line.strip_prefix("ACK ") {
            acked.push(id.to_owned());
        }
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child was killed");

    let store = open_at(dir.path()).await;
    for id in &acked {
        let o = store
            .get_object(DOMAIN, id, true)
            .await
            .unwrap_or_else(|e| panic!("acknowledged object {id} lost after kill -9: {e}"));
        assert_eq!(o.material.unwrap().expose(), material_for(id).as_slice());
    }
    let count = store.count_objects(DOMAIN).await.unwrap();
    assert!(count >= acked.len() as u64);
    eprintln!("{} acknowledged, {count} present after kill -9", acked.len());
    store.close().await;
}

/// Committed writes reach the database file without the writer pausing to
/// checkpoint: far fewer WAL pages are written here than the writer's own
/// checkpoint threshold, so only the background checkpointer copies them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpointer_copies_commits_into_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_at(dir.path()).await;
    setup(&store).await;
    let db = dir.path().join("store.db");
    let size = || std::fs::metadata(&db).unwrap().len();
    let before = size();
    for i in 0..500 {
        let id = format!("k{i}");
        let mut new = object(&id, &material_for(&id));
        new.attributes = vec![7; 1024];
        store.apply(Batch::new(DOMAIN).push(Change::Insert(new))).await.unwrap();
    }
    // Wait for the file to hold the 500 KiB of attributes (a deadline, not a
    // guess at how long the checkpointer takes).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while size() < before + 500 * 1024 {
        assert!(
            std::time::Instant::now() < deadline,
            "the database file stayed at {} bytes (from {before})",
            size()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    store.close().await;
}
