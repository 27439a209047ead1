-- Keyward store schema, version 2 (SQLite): access credentials, API tokens
-- (hashed) and IAM policies.

CREATE TABLE credentials (
    id              TEXT PRIMARY KEY,
    domain_id       TEXT NOT NULL REFERENCES domains(id),
    name            TEXT NOT NULL,
    identities      TEXT NOT NULL,
    certificate_der BLOB,
    not_before      BIGINT NOT NULL,
    not_after       BIGINT NOT NULL,
    revoked_at      BIGINT,
    created_at      BIGINT NOT NULL
);
-- serves list_credentials(domain)
CREATE INDEX credentials_by_domain ON credentials(domain_id, id);

-- token_hash: SHA-256 of the secret token; the secret itself is never stored.
CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name       TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
-- serves list_api_tokens(account)
CREATE INDEX api_tokens_by_account ON api_tokens(account_id, id);

CREATE TABLE iam_policies (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- serves list_policies(account)
CREATE INDEX iam_policies_by_account ON iam_policies(account_id, id);
