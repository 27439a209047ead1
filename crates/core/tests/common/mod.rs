//! Shared helpers for the core's integration tests: a real SQLite store in a
//! temporary directory, a manual clock, a domain root caller, and `run`.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use keyward_core::clock::ManualClock;
use keyward_core::iam::IdentityUrn;
use keyward_core::{BatchContext, Caller, Config, Door, Error, Kms};
use keyward_kmip::operations::{RequestPayload, ResponsePayload};
use keyward_store::seal::StaticMasterKey;
use keyward_store::{NewDomain, Store};

/// The time the clock starts at.
pub const T0: i64 = 1_800_000_000;

/// A core on a fresh SQLite store with domains `d1` (account `acme`) and
/// `d2` (account `other`).
pub struct Env {
    pub kms: Kms,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    pub _dir: tempfile::TempDir,
}

pub async fn env() -> Env {
    env_with(Config::default()).await
}

pub async fn env_with(config: Config) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("keyward.db").display());
    let store: Arc<dyn Store> = Arc::new(
        keyward_store::open(&url, Arc::new(StaticMasterKey::generate().unwrap())).await.unwrap(),
    );
    store.create_account("acme", "ACME").await.unwrap();
    store.create_account("other", "Other").await.unwrap();
    for (id, account) in [("d1", "acme"), ("d2", "other")] {
        store
            .create_domain(&NewDomain {
                id: id.into(),
                account_id: account.into(),
                region: "eu-west-rbx".into(),
                name: id.into(),
            })
            .await
            .unwrap();
    }
    let clock = Arc::new(ManualClock::new(T0));
    let kms = Kms::new(store.clone(), clock.clone(), config);
    Env { kms, clock, store, _dir: dir }
}

/// The root identity of `account`, calling into `domain` over KMIP.
pub fn root(domain: &str, account: &str) -> Caller {
    Caller::new(domain, Door::Kmip, vec![IdentityUrn::account_root("eu", account)])
}

/// Runs one request in its own batch.
pub async fn run(
    kms: &Kms,
    caller: &Caller,
    request: impl Into<RequestPayload>,
) -> Result<ResponsePayload, Error> {
    kms.execute(caller, request.into(), &mut BatchContext::default()).await
}
