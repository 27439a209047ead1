-- Keyward store schema, version 1 (PostgreSQL): accounts, domains, sealed objects,
-- their attribute index and links, and the hash-chained audit log.
-- Text keys that are sorted or range-scanned use the "C" collation (byte order,
-- as SQLite compares).
-- Times are microseconds since the Unix epoch (BIGINT); ids are TEXT.

CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- wrapped_key: the domain's data key wrapped by the master key.
CREATE TABLE domains (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    region      TEXT NOT NULL,
    name        TEXT NOT NULL,
    wrapped_key BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
-- serves list_domains(account)
CREATE INDEX domains_by_account ON domains(account_id, id);

-- material: sealed (AES-256-GCM under the domain key), NULL once destroyed.
-- version: bumped by every update; updates compare-and-swap on it.
CREATE TABLE objects (
    id          TEXT COLLATE "C" PRIMARY KEY,
    domain_id   TEXT COLLATE "C" NOT NULL REFERENCES domains(id),
    object_type BIGINT NOT NULL,
    state       BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    attributes  BYTEA NOT NULL,
    material    BYTEA,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- serves locate without attribute filters and count_objects, in id order
CREATE INDEX objects_by_domain ON objects(domain_id, id);

-- One row per indexed attribute instance; replaced with the object.
-- The primary key serves locate: (domain, name, value) -> object ids in order.
CREATE TABLE object_index (
    domain_id TEXT COLLATE "C" NOT NULL,
    name      TEXT COLLATE "C" NOT NULL,
    value     TEXT COLLATE "C" NOT NULL,
    object_id TEXT COLLATE "C" NOT NULL,
    idx       BIGINT NOT NULL,
    PRIMARY KEY (domain_id, name, value, object_id, idx)
);
-- serves replacing an object's entries
CREATE INDEX object_index_by_object ON object_index(object_id);

CREATE TABLE object_links (
    object_id TEXT NOT NULL,
    link_type BIGINT NOT NULL,
    target_id TEXT NOT NULL,
    domain_id TEXT NOT NULL,
    PRIMARY KEY (object_id, link_type, target_id)
);
-- serves linked_to(domain, target)
CREATE INDEX object_links_by_target ON object_links(domain_id, target_id);

-- hash = SHA-256(previous record's hash || canonical encoding of this record)
CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    at            BIGINT NOT NULL,
    domain_id     TEXT,
    credential_id TEXT,
    identities    TEXT NOT NULL,
    operation     TEXT NOT NULL,
    object_id     TEXT,
    result        TEXT NOT NULL,
    hash          BYTEA NOT NULL
);
-- serves list_audit(domain)
CREATE INDEX audit_by_domain ON audit_log(domain_id, seq);

-- The chain's head: the last record's sequence number and hash, so that a
-- removal at the end of the chain is detected too.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
