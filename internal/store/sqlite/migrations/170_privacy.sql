-- Data protection (issue 24). Erasing a customer must leave no trace of
-- their words in the search indexes: FTS5's secure-delete removes a
-- deleted row's terms from the index at once, instead of leaving them in
-- older segments until a merge.
INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO customers_fts(customers_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO conversations_fts(conversations_fts, rank) VALUES ('secure-delete', 1);
-- An erased customer stays as an anonymised shell; erased_at tells so.
ALTER TABLE customers ADD COLUMN erased_at INTEGER;
-- Per-queue retention: closed conversations deleted after closed_days,
-- their files after file_days (0: never).
ALTER TABLE queues ADD COLUMN retention_closed_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN retention_file_days INTEGER NOT NULL DEFAULT 0;
