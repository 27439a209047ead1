//! The Keyward server: its doors, in front of one [`keyward_core::Kms`].
//!
//! | module | what it does |
//! | --- | --- |
//! | [`kmip`] | the KMIP listener: mutual TLS on :5696, TTLV framing, batches, version-aware answers |
//! | `testing` | (feature `testing`) a real server on a temporary store, for tests |

#![forbid(unsafe_code)]

pub mod kmip;
#[cfg(feature = "testing")]
pub mod testing;
