//! Audit blocks: a run of consecutive audit records of one domain, stored as
//! one row of `audit_blocks`.
//!
//! Records arrive in groups (a commit's worth) whose fields mostly repeat —
//! one caller reading one key many times — so a block stores each field only
//! when it differs from the previous record's. One row per group instead of
//! one per record is what keeps an audited read cheap: the database inserts
//! one row and its index entries per commit, whatever the number of reads.
//!
//! The chain does not depend on this encoding: each record's hash is that of
//! its canonical form (see [`super::canonical`]), recomputed when the block is
//! read. The encoding is:
//!
//! ```text
//! block  = FORMAT record*
//! record = at:i64be  credential:opt  identities:list  operation:str  object:opt  result:str
//! str    = SAME | NEW len:u32be utf8
//! opt    = SAME | NEW len:u32be utf8 | NONE
//! list   = SAME | NEW count:u32be (len:u32be utf8)*
//! ```
//!
//! `SAME` repeats the previous record's value, so a block's first record
//! cannot use it.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::sql::{from_micros, to_micros};
use crate::types::AuditEvent;

/// The encoding's version, the block's first byte.
const FORMAT: u8 = 1;

/// Most records in one block: a block is decoded whole when it is listed or
/// verified, so the writer cuts blocks at this size and a longer one is refused.
pub(crate) const MAX_RECORDS: usize = 4_096;

/// Most bytes of text the records of one block may decode to, repeated values
/// counted each time (a repeated identity list is shared, not copied). A
/// record's text is a few hundred bytes, so this is far above any block Keyward
/// writes; it keeps a damaged or forged block, whose every record repeats a long
/// value in one byte, from taking memory without bound.
const MAX_DECODED_TEXT: usize = 16 << 20;

/// The field repeats the previous record's value.
const SAME: u8 = 0;
/// A value follows.
const NEW: u8 = 1;
/// An optional field is absent.
const NONE: u8 = 2;

/// Why a stored block cannot be decoded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BlockError {
    /// The block ends inside a record.
    #[error("the block ends inside record {0} of the block")]
    Truncated(usize),
    /// Bytes follow the last record.
    #[error("{0} bytes follow the block's last record")]
    Trailing(usize),
    /// The first byte names an encoding this build does not know.
    #[error("unknown block format {0}")]
    Format(u8),
    /// A field's marker byte is none of the defined ones, or says "same" with
    /// no previous record.
    #[error("record {0} of the block has an invalid field marker")]
    Marker(usize),
    /// A string is not UTF-8.
    #[error("record {0} of the block holds a string that is not UTF-8")]
    Utf8(usize),
    /// A timestamp is out of range.
    #[error("record {0} of the block has an out-of-range time")]
    Time(usize),
    /// The row says the block holds more records than a block may.
    #[error("the block would hold {0} records, more than the {MAX_RECORDS} a block may")]
    TooManyRecords(usize),
    /// The records' text, repeated values counted each time, is larger than
    /// any block Keyward writes.
    #[error(
        "the records up to record {0} of the block decode to more than {MAX_DECODED_TEXT} bytes of text"
    )]
    TooLarge(usize),
}

/// Encodes `events`, all of one domain, as a block.
pub(crate) fn encode(events: &[&AuditEvent]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + events.len() * 24);
    out.push(FORMAT);
    let mut prev: Option<&AuditEvent> = None;
    for ev in events {
        out.extend_from_slice(&to_micros(ev.at).to_be_bytes());
        put_opt(&mut out, ev.credential_id.as_deref(), prev.map(|p| p.credential_id.as_deref()));
        match prev {
            Some(p)
                if Arc::ptr_eq(&p.identities, &ev.identities) || p.identities == ev.identities =>
            {
                out.push(SAME)
            }
            _ => {
                out.push(NEW);
                put_len(&mut out, ev.identities.len());
                for id in ev.identities.iter() {
                    put_bytes(&mut out, id.as_bytes());
                }
            }
        }
        put_str(&mut out, &ev.operation, prev.map(|p| p.operation.as_str()));
        put_opt(&mut out, ev.object_id.as_deref(), prev.map(|p| p.object_id.as_deref()));
        put_str(&mut out, &ev.result, prev.map(|p| p.result.as_str()));
        prev = Some(ev);
    }
    out
}

/// Decodes a block of `domain` holding exactly `count` records.
pub(crate) fn decode(
    block: &[u8],
    domain: Option<&str>,
    count: usize,
) -> Result<Vec<AuditEvent>, BlockError> {
    let (&format, rest) = block.split_first().ok_or(BlockError::Truncated(0))?;
    if format != FORMAT {
        return Err(BlockError::Format(format));
    }
    if count > MAX_RECORDS {
        return Err(BlockError::TooManyRecords(count));
    }
    let mut r = Reader { rest, record: 0 };
    let mut text = 0usize;
    // Each record takes at least 13 bytes: a hostile count allocates nothing.
    let mut events: Vec<AuditEvent> = Vec::with_capacity(count.min(rest.len() / 13));
    for record in 0..count {
        r.record = record;
        let at = i64::from_be_bytes(r.array()?);
        let at: OffsetDateTime = from_micros(at).map_err(|_| BlockError::Time(record))?;
        let prev = events.last();
        let credential_id = r.opt(prev.map(|p| &p.credential_id))?;
        let identities = match r.byte()? {
            SAME => prev.ok_or(BlockError::Marker(record))?.identities.clone(),
            NEW => {
                let n = r.len()?;
                let mut list = Vec::with_capacity(n.min(r.rest.len() / 4));
                for _ in 0..n {
                    list.push(r.string()?);
                }
                list.into()
            }
            _ => return Err(BlockError::Marker(record)),
        };
        let operation = r.str(prev.map(|p| &p.operation))?;
        let object_id = r.opt(prev.map(|p| &p.object_id))?;
        let result = r.str(prev.map(|p| &p.result))?;
        let opt_len = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        text = text
            .saturating_add(domain.map_or(0, str::len))
            .saturating_add(opt_len(&credential_id))
            .saturating_add(operation.len())
            .saturating_add(opt_len(&object_id))
            .saturating_add(result.len());
        if text > MAX_DECODED_TEXT {
            return Err(BlockError::TooLarge(record));
        }
        events.push(AuditEvent {
            at,
            domain_id: domain.map(str::to_owned),
            credential_id,
            identities,
            operation,
            object_id,
            result,
        });
    }
    if !r.rest.is_empty() {
        return Err(BlockError::Trailing(r.rest.len()));
    }
    Ok(events)
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    // Fields come from the server's own requests, far under 4 GiB.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

fn put_str(out: &mut Vec<u8>, s: &str, prev: Option<&str>) {
    if prev == Some(s) {
        out.push(SAME);
    } else {
        out.push(NEW);
        put_bytes(out, s.as_bytes());
    }
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>, prev: Option<Option<&str>>) {
    match s {
        _ if prev == Some(s) => out.push(SAME),
        None => out.push(NONE),
        Some(s) => {
            out.push(NEW);
            put_bytes(out, s.as_bytes());
        }
    }
}

/// A cursor over a block's bytes, naming the record it is in for errors.
struct Reader<'b> {
    rest: &'b [u8],
    record: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], BlockError> {
        if self.rest.len() < n {
            return Err(BlockError::Truncated(self.record));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BlockError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn byte(&mut self) -> Result<u8, BlockError> {
        Ok(self.array::<1>()?[0])
    }

    fn len(&mut self) -> Result<usize, BlockError> {
        usize::try_from(u32::from_be_bytes(self.array()?))
            .map_err(|_| BlockError::Truncated(self.record))
    }

    fn string(&mut self) -> Result<String, BlockError> {
        let n = self.len()?;
        let record = self.record;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| BlockError::Utf8(record))
    }

    fn str(&mut self, prev: Option<&String>) -> Result<String, BlockError> {
        match self.byte()? {
            SAME => prev.cloned().ok_or(BlockError::Marker(self.record)),
            NEW => self.string(),
            _ => Err(BlockError::Marker(self.record)),
        }
    }

    fn opt(&mut self, prev: Option<&Option<String>>) -> Result<Option<String>, BlockError> {
        match self.byte()? {
            SAME => prev.cloned().ok_or(BlockError::Marker(self.record)),
            NEW => self.string().map(Some),
            NONE => Ok(None),
            _ => Err(BlockError::Marker(self.record)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(secs: i64, credential: Option<&str>, ids: &Arc<[String]>, op: &str) -> AuditEvent {
        AuditEvent {
            at: OffsetDateTime::from_unix_timestamp(secs).unwrap()
                + time::Duration::microseconds(secs % 997),
            domain_id: Some("d".into()),
            credential_id: credential.map(str::to_owned),
            identities: ids.clone(),
            operation: op.into(),
            object_id: (secs % 2 == 0).then(|| format!("key-{secs}")),
            result: if secs % 3 == 0 { "PermissionDenied".into() } else { "Success".into() },
        }
    }

    #[test]
    fn a_block_gives_back_its_records() {
        let a: Arc<[String]> = vec!["urn:a".to_owned(), "urn:b".to_owned()].into();
        let b: Arc<[String]> = vec![].into();
        let a2: Arc<[String]> = vec!["urn:a".to_owned(), "urn:b".to_owned()].into();
        let events = vec![
            ev(1_700_000_000, Some("c1"), &a, "Get"),
            ev(1_700_000_001, Some("c1"), &a, "Get"),
            ev(1_700_000_002, None, &b, "Encrypt"),
            ev(1_700_000_003, Some("c2"), &a2, "Encrypt"),
            ev(1_700_000_004, Some(""), &a, ""),
        ];
        let refs: Vec<&AuditEvent> = events.iter().collect();
        let block = encode(&refs);
        assert_eq!(decode(&block, Some("d"), events.len()).unwrap(), events);
        // Repeated fields are stored once: a run of equal reads is small.
        let same: Vec<AuditEvent> = (0..100).map(|_| events[1].clone()).collect();
        let refs: Vec<&AuditEvent> = same.iter().collect();
        assert!(encode(&refs).len() < 100 * 16, "{}", encode(&refs).len());
    }

    #[test]
    fn a_damaged_block_is_refused_with_the_record_it_breaks_in() {
        let ids: Arc<[String]> = vec!["urn:a".to_owned()].into();
        let events = [ev(10, Some("c"), &ids, "Get"), ev(11, Some("c"), &ids, "Get")];
        let block = encode(&[&events[0], &events[1]]);
        assert!(matches!(decode(&block, None, 3), Err(BlockError::Truncated(2))));
        assert!(matches!(decode(&block, None, 1), Err(BlockError::Trailing(_))));
        assert!(matches!(
            decode(&block[..block.len() - 1], None, 2),
            Err(BlockError::Truncated(1))
        ));
        assert!(matches!(decode(&[9], None, 0), Err(BlockError::Format(9))));
        assert!(matches!(decode(&[], None, 0), Err(BlockError::Truncated(0))));
        // "Same as before" on a block's first record.
        let mut first_same = vec![FORMAT];
        first_same.extend_from_slice(&0i64.to_be_bytes());
        first_same.push(SAME);
        assert!(matches!(decode(&first_same, None, 1), Err(BlockError::Marker(0))));
        // A length far past the end allocates nothing and is refused.
        let mut huge = vec![FORMAT];
        huge.extend_from_slice(&0i64.to_be_bytes());
        huge.push(NEW);
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(decode(&huge, None, 1), Err(BlockError::Truncated(0))));
        assert!(matches!(
            decode(&huge, None, usize::MAX),
            Err(BlockError::TooManyRecords(usize::MAX))
        ));
        // Not UTF-8.
        let mut bad = vec![FORMAT];
        bad.extend_from_slice(&0i64.to_be_bytes());
        bad.extend_from_slice(&[NEW, 0, 0, 0, 1, 0xff]);
        assert!(matches!(decode(&bad, None, 1), Err(BlockError::Utf8(0))));
    }

    #[test]
    fn repeated_values_cannot_decode_to_unbounded_text() {
        let ids: Arc<[String]> = vec!["urn:v1:eu:identity:account:ab12345-ovh".to_owned()].into();
        // The largest block Keyward writes, of records that all repeat the
        // first: decoded whole.
        let full: Vec<AuditEvent> =
            (0..MAX_RECORDS).map(|_| ev(1_700_000_000, Some("c"), &ids, "Get")).collect();
        let refs: Vec<&AuditEvent> = full.iter().collect();
        let block = encode(&refs);
        assert_eq!(decode(&block, Some("d"), MAX_RECORDS).unwrap().len(), MAX_RECORDS);
        // A first record with a 1 MiB object identifier, and every record
        // after it repeating it in one byte: 4 GiB of text from 1 MiB.
        let mut long = ev(1_700_000_000, Some("c"), &ids, "Get");
        long.object_id = Some("k".repeat(1 << 20));
        let mut block = encode(&[&long]);
        for _ in 1..MAX_RECORDS {
            block.extend_from_slice(&to_micros(long.at).to_be_bytes());
            block.extend_from_slice(&[SAME; 5]);
        }
        assert!(block.len() < (1 << 20) + 16 * MAX_RECORDS, "{}", block.len());
        // The record that takes the text past the limit is the one refused.
        let within = MAX_DECODED_TEXT / (1 << 20);
        assert!(matches!(
            decode(&block, Some("d"), MAX_RECORDS),
            Err(BlockError::TooLarge(n)) if n == within - 1
        ));
    }
}
