//! Store benchmarks (a small harness of its own: each figure is one long run).
//!
//! ```text
//! cargo bench -p keyward-store --bench store -- creates [TOTAL] [CALLERS]   # default 20000 32
//! cargo bench -p keyward-store --bench store -- locate [OBJECTS]            # default 1000000
//! ```
//!
//! Both run on SQLite in a temp dir (`KEYWARD_BENCH_URL` picks another store,
//! for example a PostgreSQL database). `creates`: durable creates per second
//! with CALLERS concurrent callers, each create a sealed 32-byte key with two
//! index entries. `locate`: fills one domain with OBJECTS keys (batched), then
//! times Locate by Name (one match) and reports the median and the 99th percentile.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use keyward_store::seal::{MasterKey, StaticMasterKey};
use keyward_store::*;

const DOMAIN: &str = "6d2f8a40-0000-4000-8000-0000000000be";

fn object(id: String, name: String) -> NewObject {
    NewObject {
        id,
        object_type: 2,
        state: 2,
        attributes: vec![0x42; 200],
        index: vec![
            IndexEntry::new("Name", 0, name),
            IndexEntry::new("Cryptographic Algorithm", 0, "3"),
        ],
        links: vec![],
        material: Some(Secret::from_slice(&[7u8; 32])),
    }
}

async fn open_store(dir: &tempfile::TempDir) -> Arc<SqlStore> {
    let url = std::env::var("KEYWARD_BENCH_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let master: Arc<dyn MasterKey> = Arc::new(StaticMasterKey::generate().unwrap());
    let store = SqlStore::open(&url, master).await.unwrap();
    store.create_account("bench", "bench").await.unwrap();
    store
        .create_domain(&NewDomain {
            id: DOMAIN.into(),
            account_id: "bench".into(),
            region: "r".into(),
            name: "n".into(),
        })
        .await
        .unwrap();
    Arc::new(store)
}

async fn creates(total: usize, callers: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir).await;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..callers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            for i in (c..total).step_by(callers) {
                let t = Instant::now();
                store
                    .insert_object(DOMAIN, object(format!("obj-{i:08}"), format!("key-{i}")))
                    .await
                    .unwrap();
                worst = worst.max(t.elapsed());
            }
            worst
        }));
    }
    let mut worst = Duration::ZERO;
    for t in tasks {
        worst = worst.max(t.await.unwrap());
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(store.count_objects(DOMAIN).await.unwrap(), total as u64);
    println!(
        "creates: {total} durable creates, {callers} callers, {secs:.2} s => {:.0} creates/s (worst latency {:.1} ms)",
        total as f64 / secs,
        worst.as_secs_f64() * 1e3
    );
    store.close().await;
}

async fn locate(objects: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir).await;
    let fill = Instant::now();
    const BATCH: usize = 1000;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (store, next) = (store.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let start = next.fetch_add(BATCH, std::sync::atomic::Ordering::Relaxed);
                if start >= objects {
                    break;
                }
                let mut batch = Batch::new(DOMAIN);
                for i in start..(start + BATCH).min(objects) {
                    batch = batch
                        .push(Change::Insert(object(format!("obj-{i:08}"), format!("key-{i}"))));
                }
                store.apply(batch).await.unwrap();
                if start % 100_000 == 0 {
                    eprintln!("  filled {start}");
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let fill_secs = fill.elapsed().as_secs_f64();
    println!(
        "locate: filled {objects} objects in {fill_secs:.1} s ({:.0}/s)",
        objects as f64 / fill_secs
    );
    if store.backend() == Backend::Sqlite {
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
    let mut times = Vec::new();
    let mut state = 0x9e3779b97f4a7c15u64;
    for _ in 0..2000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let i = (state % objects as u64) as usize;
        let q = LocateQuery {
            filters: vec![("Name".into(), format!("key-{i}"))],
            ..Default::default()
        };
        let t = Instant::now();
        let found = store.locate(DOMAIN, &q).await.unwrap();
        times.push(t.elapsed());
        assert_eq!(found, [format!("obj-{i:08}")]);
    }
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    println!(
        "locate: Locate by Name among {objects} objects: median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        p(0.5),
        p(0.99),
        p(1.0)
    );
    // With a state filter too (joins the objects table).
    let q = LocateQuery {
        filters: vec![("Name".into(), format!("key-{}", objects / 2))],
        states: vec![2],
        ..Default::default()
    };
    let t = Instant::now();
    for _ in 0..100 {
        store.locate(DOMAIN, &q).await.unwrap();
    }
    println!("locate: by Name + State: mean {:.3} ms", t.elapsed().as_secs_f64() * 10.0);
    store.close().await;
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let num = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    match args.first().map(String::as_str) {
        Some("creates") => rt.block_on(creates(num(1, 20_000), num(2, 32))),
        Some("locate") => rt.block_on(locate(num(1, 1_000_000))),
        _ => {
            // `cargo bench` with no arguments: a quick run of both.
            rt.block_on(creates(5_000, 32));
            rt.block_on(locate(20_000));
        }
    }
}
