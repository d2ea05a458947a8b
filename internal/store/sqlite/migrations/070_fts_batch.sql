-- Messages are indexed for search once per write transaction, not by a
-- trigger per row: FTS5 flushes its pending index at every statement of a
-- transaction, so per-row indexing cost a flush per message. The store runs
-- the batch statement (see sqlite.go, AfterWrite) before each commit; the
-- mark is the highest message ID indexed. Deletes and edits reach the index
-- only for rows already indexed, which keeps the external-content index
-- consistent.
CREATE TABLE messages_fts_mark (id INTEGER PRIMARY KEY CHECK (id = 1), last_id INTEGER NOT NULL);
INSERT INTO messages_fts_mark (id, last_id) VALUES (1, COALESCE((SELECT MAX(id) FROM messages), 0));
DROP TRIGGER messages_fts_ai;
DROP TRIGGER messages_fts_ad;
DROP TRIGGER messages_fts_au;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages WHEN old.id <= (SELECT last_id FROM messages_fts_mark) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages WHEN old.id <= (SELECT last_id FROM messages_fts_mark) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END;
