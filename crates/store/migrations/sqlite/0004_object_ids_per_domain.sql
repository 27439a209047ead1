-- Object identifiers are unique within their domain, not across domains: what
-- one domain's client names (an Import chooses its identifier) says nothing
-- about another domain's objects.

CREATE TABLE objects_by_domain_id (
    id          TEXT NOT NULL,
    domain_id   TEXT NOT NULL REFERENCES domains(id),
    object_type BIGINT NOT NULL,
    state       BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    attributes  BLOB NOT NULL,
    material    BLOB,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    -- also serves locate without attribute filters and count_objects, in id order
    PRIMARY KEY (domain_id, id)
);
INSERT INTO objects_by_domain_id
    SELECT id, domain_id, object_type, state, version, attributes, material, created_at, updated_at
    FROM objects;
DROP TABLE objects;
ALTER TABLE objects_by_domain_id RENAME TO objects;

-- serves replacing an object's entries
DROP INDEX object_index_by_object;
CREATE INDEX object_index_by_object ON object_index(domain_id, object_id);

CREATE TABLE object_links_by_domain (
    object_id TEXT NOT NULL,
    link_type BIGINT NOT NULL,
    target_id TEXT NOT NULL,
    domain_id TEXT NOT NULL,
    PRIMARY KEY (domain_id, object_id, link_type, target_id)
) WITHOUT ROWID;
INSERT INTO object_links_by_domain
    SELECT object_id, link_type, target_id, domain_id FROM object_links;
DROP TABLE object_links;
ALTER TABLE object_links_by_domain RENAME TO object_links;
-- serves linked_to(domain, target)
CREATE INDEX object_links_by_target ON object_links(domain_id, target_id);
