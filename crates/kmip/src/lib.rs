//! The typed KMIP 1.0–1.4 message model, on the TTLV codec of `keyward-ttlv`.

pub mod enums;
