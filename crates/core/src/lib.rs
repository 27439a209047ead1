//! The Keyward core: what every door (KMIP, REST, console, CLI) calls.
//!
//! Protocol layers translate requests into calls on the core and its answers
//! back into their wire format; the rules live here, once: the object
//! [`lifecycle`] and the [`iam`] decision, with the operation API, attribute
//! rules and audit built on them.

pub mod algorithms;
pub mod attributes;
mod caller;
pub mod clock;
mod error;
pub mod iam;
pub mod key_cache;
pub mod keys;
mod kms;
pub mod lifecycle;
pub mod object;
mod object_cache;
mod operations;
mod stored_attributes;
pub mod usage;

pub use caller::{Caller, Door};
pub use error::Error;
pub use kms::{BatchContext, Config, DomainInfo, Kms, action_name};
