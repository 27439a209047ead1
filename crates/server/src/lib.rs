//! The Keyward server: its configuration, the opening of a deployment, and
//! its doors, in front of one [`keyward_core::Kms`].
//!
//! | module | what it does |
//! | --- | --- |
//! | [`config`] | defaults < TOML file < `KEYWARD_*` environment < flags |
//! | [`deployment`] | data directory, master key, store, CAs, server certificate, default account: created on first start, opened by `serve` and `admin` alike |
//! | [`provisioning`] | accounts, domains, access credentials, API tokens, checked before anything is written |
//! | [`kmip`] | the KMIP listener: mutual TLS on :5696, TTLV framing, batches, version-aware answers |
//! | `testing` | (feature `testing`) a real server on a temporary store, for tests |

#![forbid(unsafe_code)]

pub mod config;
pub mod deployment;
pub mod kmip;
pub mod provisioning;
#[cfg(feature = "testing")]
pub mod testing;
