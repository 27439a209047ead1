//! Keyward's storage: accounts, KMS domains, managed objects with sealed key
//! material, their attribute index and links, a hash-chained audit log, access
//! credentials, API tokens and IAM policies — on SQLite or PostgreSQL.
//!
//! The store knows rows, not KMIP. The core hands it already-encoded attributes
//! (TTLV bytes), normalised index entries (attribute name, instance, value as
//! text) and plaintext material; the store seals the material (see [`seal`]),
//! persists everything atomically, serves Locate from an index table and returns
//! objects with their material unsealed.
//!
//! * [`Store`] is the trait the core programs against (object-safe: hold an
//!   `Arc<dyn Store>`).
//! * [`SqlStore`] implements it for `sqlite://PATH` (embedded, the default; WAL,
//!   `synchronous=FULL`) and `postgres://…` (several server nodes sharing one
//!   database), with one code path and numbered migrations per dialect.
//! * Writes go through a group-commit writer: every acknowledged write is
//!   committed, and concurrent writes share commits (see the `writer` module docs).
//!
//! ```
//! use std::sync::Arc;
//! use keyward_store::{open, seal::StaticMasterKey, IndexEntry, LocateQuery, NewDomain, NewObject,
//!                     Secret, Store};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let url = format!("sqlite://{}", dir.path().join("keyward.db").display());
//! let store = open(&url, Arc::new(StaticMasterKey::generate()?)).await?;
//!
//! store.create_account("acme", "ACME").await?;
//! let domain = NewDomain { id: "7b1c2d3e-0000-4000-8000-000000000001".into(), account_id: "acme".into(),
//!                          region: "eu-west".into(), name: "prod".into() };
//! store.create_domain(&domain).await?;
//! store.insert_object(&domain.id, NewObject {
//!     id: "key-1".into(), object_type: 2, state: 1, attributes: vec![],
//!     index: vec![IndexEntry::new("Name", 0, "backup-key")], links: vec![],
//!     material: Some(Secret::from_slice(&[7u8; 32])),
//! }).await?;
//!
//! let found = store.locate(&domain.id, &LocateQuery {
//!     filters: vec![("Name".into(), "backup-key".into())], ..Default::default()
//! }).await?;
//! assert_eq!(found, ["key-1"]);
//! let key = store.get_object(&domain.id, "key-1", true).await?;
//! assert_eq!(key.material.unwrap().expose(), &[7u8; 32]);
//! # Ok(()) }
//! ```

mod audit;
mod error;
pub mod seal;
mod sql;
mod store;
mod types;
mod writer;

pub use error::{Error, Result};
pub use sql::{
    Backend, OpenOptions, SCHEMA_VERSION, SqlStore, connect_pool, migrator, open, parse_url,
};
pub use store::{BoxFuture, Store};
pub use types::*;
