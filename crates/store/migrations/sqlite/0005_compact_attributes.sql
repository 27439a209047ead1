-- From this version on, Keyward writes an object's attributes in a compact TTLV
-- form (each standard attribute as its value under its own tag) and reads both
-- forms. A build from before could not read the new rows, so this migration,
-- which only records the form, makes such a build refuse the database (it
-- does not know migration 5) instead of failing on every object it reads.
INSERT INTO store_meta (name, value) VALUES ('attributes_format', X'02');
