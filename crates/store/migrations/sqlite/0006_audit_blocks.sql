-- Audit records are written in blocks: one row per run of a commit's records
-- of one domain, each field stored only when it differs from the previous
-- record's (see the store's audit::block module). The records already in
-- audit_log stay there and are read before the blocks, which continue their
-- chain. A build from before would not see the new records, so it refuses the
-- database (it does not know this migration).
CREATE TABLE audit_blocks (
    first_seq INTEGER PRIMARY KEY,
    last_seq  BIGINT NOT NULL,
    domain_id TEXT,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL,
    records   BLOB NOT NULL
);
-- serves list_audit() and a reader's position in the chain
CREATE UNIQUE INDEX audit_blocks_by_last ON audit_blocks(last_seq);
-- serves list_audit(domain)
CREATE INDEX audit_blocks_by_domain ON audit_blocks(domain_id, last_seq);
