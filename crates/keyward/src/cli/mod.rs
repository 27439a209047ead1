//! The commands of the `keyward` binary, one module each.

pub mod admin;
pub mod bench;
pub mod common;
pub mod conformance;
pub mod serve;
pub mod ttlv;
