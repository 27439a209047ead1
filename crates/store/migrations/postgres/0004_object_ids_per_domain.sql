-- Object identifiers are unique within their domain, not across domains: what
-- one domain's client names (an Import chooses its identifier) says nothing
-- about another domain's objects.

ALTER TABLE objects DROP CONSTRAINT objects_pkey;
-- also serves locate without attribute filters and count_objects, in id order
ALTER TABLE objects ADD PRIMARY KEY (domain_id, id);
DROP INDEX objects_by_domain;

-- serves replacing an object's entries
DROP INDEX object_index_by_object;
CREATE INDEX object_index_by_object ON object_index(domain_id, object_id);

ALTER TABLE object_links DROP CONSTRAINT object_links_pkey;
ALTER TABLE object_links ADD PRIMARY KEY (domain_id, object_id, link_type, target_id);
