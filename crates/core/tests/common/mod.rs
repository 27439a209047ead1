//! Test helpers shared by the core's integration tests: a core on a fresh
//! SQLite store with two tenants (`acme` owning domain `d1`, `other` owning
//! `d2`), a manual clock, and short-hands for running operations.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use keyward_core::clock::ManualClock;
use keyward_core::iam::IdentityUrn;
use keyward_core::{BatchContext, Caller, Config, Door, Error, Kms};
use keyward_kmip::attributes::{Attribute, AttributeValue, Name, TemplateAttribute};
use keyward_kmip::enums::*;
use keyward_kmip::objects::Object;
use keyward_kmip::operations::*;
use keyward_store::seal::StaticMasterKey;
use keyward_store::{NewDomain, Store};

/// The time every test starts at.
pub const T0: i64 = 1_800_000_000;

/// A core on a fresh SQLite store.
pub struct Env {
    pub kms: Kms,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    _database: Option<PostgresDatabase>,
}

/// A PostgreSQL database made for one test, dropped when the test ends
/// (even if it panicked).
pub struct PostgresDatabase(String);

fn postgres_admin_url() -> String {
    std::env::var("KEYWARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

async fn admin_sql(sql: String) {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&postgres_admin_url())
        .await
        .expect("PostgreSQL must be reachable at KEYWARD_TEST_POSTGRES for these tests");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.expect("admin SQL");
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0);
        // A runtime of its own: the test's may be shutting down.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(admin_sql(sql));
            }
        })
        .join();
    }
}

/// A core with the default configuration on a fresh PostgreSQL database.
pub async fn env_postgres() -> Env {
    sqlx::any::install_default_drivers();
    let name = format!("keyward_core_test_{}", uuid::Uuid::new_v4().simple());
    admin_sql(format!("CREATE DATABASE {name}")).await;
    let database = PostgresDatabase(name.clone());
    let admin = postgres_admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let mut env = env_at(&url, Config::default()).await;
    env._database = Some(database);
    env
}

/// A core with the default configuration.
pub async fn env() -> Env {
    env_with(Config::default()).await
}

/// A core with `config`.
pub async fn env_with(config: Config) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("keyward.db").display());
    let mut env = env_at(&url, config).await;
    env._dir = dir;
    env
}

/// A core on the store at `url`, with the two test tenants.
async fn env_at(url: &str, config: Config) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        keyward_store::open(url, Arc::new(StaticMasterKey::generate().unwrap())).await.unwrap(),
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
    Env { kms, clock, store, _dir: dir, _database: None }
}

/// The root identity of `account`, calling in `domain`.
pub fn root(domain: &str, account: &str) -> Caller {
    Caller::new(domain, Door::Kmip, vec![IdentityUrn::account_root("eu", account)])
}

/// A Name attribute.
pub fn name(value: &str) -> Attribute {
    Attribute::new(AttributeValue::Name(Name {
        value: value.into(),
        name_type: NameType::UninterpretedTextString,
    }))
}

/// A Cryptographic Usage Mask attribute.
pub fn mask(bits: u32) -> Attribute {
    Attribute::new(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(bits)))
}

/// A template for an AES-256 Encrypt|Decrypt key named `name`.
pub fn aes_template(name_value: &str) -> TemplateAttribute {
    TemplateAttribute {
        names: vec![],
        attributes: vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
            Attribute::new(AttributeValue::CryptographicLength(256)),
            mask(CryptographicUsageMask::ENCRYPT.0 | CryptographicUsageMask::DECRYPT.0),
            name(name_value),
        ],
    }
}

/// Runs one operation in a batch of its own.
pub async fn run(
    kms: &Kms,
    caller: &Caller,
    request: impl Into<RequestPayload>,
) -> Result<ResponsePayload, Error> {
    kms.execute(caller, request.into(), &mut BatchContext::default()).await
}

/// Creates an AES-256 key named `name`; its id.
pub async fn create(env: &Env, caller: &Caller, name: &str) -> String {
    create_with(env, caller, aes_template(name)).await
}

/// Creates a symmetric key with `template`; its id.
pub async fn create_with(env: &Env, caller: &Caller, template: TemplateAttribute) -> String {
    let request =
        CreateRequest { object_type: ObjectType::SymmetricKey, template_attribute: template };
    match run(&env.kms, caller, request).await.unwrap() {
        ResponsePayload::Create(r) => r.unique_identifier,
        other => panic!("unexpected {other:?}"),
    }
}

/// The attributes `names` of object `id` (all when empty).
pub async fn attributes(env: &Env, caller: &Caller, id: &str, names: &[&str]) -> Vec<Attribute> {
    let request = GetAttributesRequest {
        unique_identifier: Some(id.into()),
        attribute_names: names.iter().map(|n| (*n).to_owned()).collect(),
    };
    match run(&env.kms, caller, request).await.unwrap() {
        ResponsePayload::GetAttributes(r) => r.attributes,
        other => panic!("unexpected {other:?}"),
    }
}

/// The State of object `id`.
pub async fn state(env: &Env, caller: &Caller, id: &str) -> State {
    match &attributes(env, caller, id, &["State"]).await[..] {
        [Attribute { value: AttributeValue::State(s), .. }] => *s,
        other => panic!("unexpected {other:?}"),
    }
}

/// Get, returning the object or the error.
pub async fn get(env: &Env, caller: &Caller, request: GetRequest) -> Result<Object, Error> {
    match run(&env.kms, caller, request).await? {
        ResponsePayload::Get(r) => Ok(r.object),
        other => panic!("unexpected {other:?}"),
    }
}

/// Registers `object` with `attributes`; its id or the error.
pub async fn register(
    env: &Env,
    caller: &Caller,
    object: Object,
    attributes: Vec<Attribute>,
) -> Result<String, Error> {
    let request = RegisterRequest {
        template_attribute: TemplateAttribute::from_attributes(attributes),
        object,
    };
    match run(&env.kms, caller, request).await? {
        ResponsePayload::Register(r) => Ok(r.unique_identifier),
        other => panic!("unexpected {other:?}"),
    }
}
