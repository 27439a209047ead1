//! The audit log's hash chain.
//!
//! Record `n` stores `hash_n = SHA-256(hash_{n-1} ‖ canonical(n, event))`, with
//! `hash_0` = 32 zero bytes. The canonical encoding is fixed-width big-endian
//! integers and length-prefixed UTF-8 strings, so it does not depend on the
//! database, the driver or a serialisation library's version.
//!
//! Records are stored in blocks, one row per run of a commit's records of one
//! domain (see [`block`]); a block keeps the hash before its first record and
//! after its last, and each record's hash is recomputed when it is read.

use aws_lc_rs::digest::{Context, SHA256};

pub(crate) mod block;

use crate::types::AuditEvent;

/// The chain's starting hash.
pub(crate) const GENESIS: [u8; 32] = [0u8; 32];

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

/// The canonical encoding of record `seq` holding `event` (time at microsecond precision).
pub(crate) fn canonical(seq: u64, event: &AuditEvent) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"keyward-audit-v1");
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&crate::sql::to_micros(event.at).to_be_bytes());
    put_opt(&mut out, event.domain_id.as_deref());
    put_opt(&mut out, event.credential_id.as_deref());
    out.extend_from_slice(&(event.identities.len() as u64).to_be_bytes());
    for id in event.identities.iter() {
        put_str(&mut out, id);
    }
    put_str(&mut out, &event.operation);
    put_opt(&mut out, event.object_id.as_deref());
    put_str(&mut out, &event.result);
    out
}

/// The hash of record `seq` after a record whose hash is `prev`.
pub(crate) fn chain_hash(prev: &[u8; 32], seq: u64, event: &AuditEvent) -> [u8; 32] {
    let mut context = Context::new(&SHA256);
    context.update(prev);
    context.update(&canonical(seq, event));
    let d = context.finish();
    let mut h = [0u8; 32];
    h.copy_from_slice(d.as_ref());
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn ev(op: &str) -> AuditEvent {
        AuditEvent {
            at: OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
            domain_id: Some("d".into()),
            credential_id: None,
            identities: vec!["urn:a".into(), "urn:b".into()].into(),
            operation: op.into(),
            object_id: None,
            result: "Success".into(),
        }
    }

    #[test]
    fn encoding_is_unambiguous() {
        // Moving a boundary between fields changes the encoding.
        let mut a = ev("Get");
        a.identities = vec!["ab".into(), "c".into()].into();
        let mut b = ev("Get");
        b.identities = vec!["a".into(), "bc".into()].into();
        assert_ne!(canonical(1, &a), canonical(1, &b));
        let mut c = ev("Get");
        c.object_id = Some(String::new());
        assert_ne!(canonical(1, &ev("Get")), canonical(1, &c));
        assert_ne!(chain_hash(&GENESIS, 1, &ev("Get")), chain_hash(&GENESIS, 2, &ev("Get")));
    }
}
