//! Core benchmarks on the embedded SQLite store (a temp directory):
//! Get of a sealed AES-256 key with the object cache warm (alone, and until
//! its audit record is written), and durable Creates from 32 concurrent
//! callers (group commit).
//!
//! `cargo bench -p keyward-core --bench core`

#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyward_core::clock::SystemClock;
use keyward_core::iam::IdentityUrn;
use keyward_core::{BatchContext, Caller, Config, Door, Kms};
use keyward_kmip::attributes::{Attribute, AttributeValue, TemplateAttribute};
use keyward_kmip::enums::{CryptographicAlgorithm, CryptographicUsageMask, ObjectType};
use keyward_kmip::operations::{CreateRequest, GetRequest, RequestPayload, ResponsePayload};
use keyward_store::seal::StaticMasterKey;
use keyward_store::{NewDomain, Store};

fn create_request() -> RequestPayload {
    CreateRequest {
        object_type: ObjectType::SymmetricKey,
        template_attribute: TemplateAttribute {
            names: vec![],
            attributes: vec![
                Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
                Attribute::new(AttributeValue::CryptographicLength(256)),
                Attribute::new(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(12))),
            ],
        },
    }
    .into()
}

async fn setup(dir: &std::path::Path) -> Kms {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let store: Arc<dyn Store> = Arc::new(
        keyward_store::open(&url, Arc::new(StaticMasterKey::generate().unwrap())).await.unwrap(),
    );
    store.create_account("bench", "Bench").await.unwrap();
    store
        .create_domain(&NewDomain {
            id: "d".into(),
            account_id: "bench".into(),
            region: "eu-west-rbx".into(),
            name: "bench".into(),
        })
        .await
        .unwrap();
    let config = Config { object_cache: 100_000, ..Config::default() };
    Kms::new(store, Arc::new(SystemClock), config)
}

fn caller() -> Caller {
    Caller::new("d", Door::Kmip, vec![IdentityUrn::account_root("eu", "bench")])
}

fn bench_get(c: &mut Criterion) {
    // Multi-thread: the background audit writer runs beside the measured loop.
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kms = rt.block_on(setup(dir.path()));
    let caller = caller();
    let id = rt.block_on(async {
        match kms.execute(&caller, create_request(), &mut BatchContext::default()).await.unwrap() {
            ResponsePayload::Create(r) => r.unique_identifier,
            _ => unreachable!(),
        }
    });
    let get: RequestPayload =
        GetRequest { unique_identifier: Some(id), ..Default::default() }.into();
    c.bench_function("core/get_aes256_cache_warm", |b| {
        b.iter(|| {
            rt.block_on(kms.execute(&caller, get.clone(), &mut BatchContext::default())).unwrap()
        })
    });
    rt.block_on(kms.flush_audit());
    // The same Gets, timed until their audit records are in the store: the
    // background audit writer's throughput bounds the sustained Get rate.
    c.bench_function("core/get_aes256_audit_flushed", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            rt.block_on(async {
                for _ in 0..iters {
                    kms.execute(&caller, get.clone(), &mut BatchContext::default()).await.unwrap();
                }
                kms.flush_audit().await;
            });
            start.elapsed()
        })
    });
}

fn bench_create(c: &mut Criterion) {
    const CALLERS: usize = 32;
    const PER_CALLER: usize = 50;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kms = rt.block_on(setup(dir.path()));
    let mut group = c.benchmark_group("core");
    group.throughput(Throughput::Elements((CALLERS * PER_CALLER) as u64));
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("create_durable_32_callers", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                rt.block_on(async {
                    let mut tasks = tokio::task::JoinSet::new();
                    for _ in 0..CALLERS {
                        let kms = kms.clone();
                        tasks.spawn(async move {
                            let caller = caller();
                            for _ in 0..PER_CALLER {
                                kms.execute(
                                    &caller,
                                    create_request(),
                                    &mut BatchContext::default(),
                                )
                                .await
                                .unwrap();
                            }
                        });
                    }
                    while tasks.join_next().await.is_some() {}
                });
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench_get, bench_create);
criterion_main!(benches);
