-- Keyward store schema, version 3 (SQLite): the deployment's sealed server
-- secrets (the server CA, the users CA, server certificates with their keys),
-- shared by every server node; and a description for access credentials.

-- wrapped_key: a data key of this secret alone, wrapped by the master key
-- (bound to the name). value: the secret sealed (AES-256-GCM) under that data
-- key, bound to the name. Rotating the master key re-wraps wrapped_key only.
CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    wrapped_key BLOB NOT NULL,
    value       BLOB NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

ALTER TABLE credentials ADD COLUMN description TEXT NOT NULL DEFAULT '';
