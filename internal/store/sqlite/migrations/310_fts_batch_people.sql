-- Customers and conversations are indexed for search once per write
-- transaction, like messages (070), instead of by a trigger per row: a
-- new customer's first message wrote both indexes by trigger, and FTS5
-- flushed its pending index to disk at the transaction's next statement
-- with a savepoint (any statement with triggers) — 14 % of the server's
-- CPU when every message came from a new customer. The store runs the
-- batch statements before each commit (sqlite.go, AfterWrite); each mark
-- is the highest ID indexed. Deletes and edits reach the index only for
-- rows already indexed. A delete that leaves the highest ID below the mark
-- lowers it: IDs are reused after the highest rows go (no AUTOINCREMENT),
-- and a reused ID must be above the mark to be indexed (messages too).
CREATE TABLE customers_fts_mark (id INTEGER PRIMARY KEY CHECK (id = 1), last_id INTEGER NOT NULL);
INSERT INTO customers_fts_mark (id, last_id) VALUES (1, COALESCE((SELECT MAX(id) FROM customers), 0));
CREATE TABLE conversations_fts_mark (id INTEGER PRIMARY KEY CHECK (id = 1), last_id INTEGER NOT NULL);
INSERT INTO conversations_fts_mark (id, last_id) VALUES (1, COALESCE((SELECT MAX(id) FROM conversations), 0));

DROP TRIGGER customers_fts_ai;
DROP TRIGGER customers_fts_ad;
DROP TRIGGER customers_fts_au;
DROP TRIGGER conversations_fts_ai;
DROP TRIGGER conversations_fts_ad;
DROP TRIGGER conversations_fts_au;

CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers WHEN old.id <= (SELECT last_id FROM customers_fts_mark) BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_terms) VALUES ('delete', old.id, old.search_terms);
  UPDATE customers_fts_mark SET last_id = (SELECT COALESCE(MAX(id), 0) FROM customers) WHERE last_id > (SELECT COALESCE(MAX(id), 0) FROM customers); END;
CREATE TRIGGER customers_fts_au AFTER UPDATE OF search_terms ON customers WHEN old.search_terms IS NOT new.search_terms BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_terms) SELECT 'delete', old.id, old.search_terms WHERE old.id <= (SELECT last_id FROM customers_fts_mark);
  INSERT INTO customers_fts(rowid, search_terms) SELECT new.id, new.search_terms WHERE new.id <= (SELECT last_id FROM customers_fts_mark);
  INSERT INTO conversations_fts(conversations_fts, rowid, topic, customer) SELECT 'delete', id, topic, old.search_terms FROM conversations
    WHERE customer_id = old.id AND id <= (SELECT last_id FROM conversations_fts_mark);
  INSERT INTO conversations_fts(rowid, topic, customer) SELECT id, topic, new.search_terms FROM conversations
    WHERE customer_id = new.id AND id <= (SELECT last_id FROM conversations_fts_mark); END;
CREATE TRIGGER conversations_fts_ad AFTER DELETE ON conversations WHEN old.id <= (SELECT last_id FROM conversations_fts_mark) BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, topic, customer) VALUES ('delete', old.id, old.topic, COALESCE((SELECT search_terms FROM customers WHERE id = old.customer_id), ''));
  UPDATE conversations_fts_mark SET last_id = (SELECT COALESCE(MAX(id), 0) FROM conversations) WHERE last_id > (SELECT COALESCE(MAX(id), 0) FROM conversations); END;
CREATE TRIGGER conversations_fts_au AFTER UPDATE OF topic, customer_id ON conversations WHEN old.id <= (SELECT last_id FROM conversations_fts_mark) BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, topic, customer) VALUES ('delete', old.id, old.topic, COALESCE((SELECT search_terms FROM customers WHERE id = old.customer_id), ''));
  INSERT INTO conversations_fts(rowid, topic, customer) VALUES (new.id, new.topic, COALESCE((SELECT search_terms FROM customers WHERE id = new.customer_id), '')); END;

DROP TRIGGER messages_fts_ad;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages WHEN old.id <= (SELECT last_id FROM messages_fts_mark) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  UPDATE messages_fts_mark SET last_id = (SELECT COALESCE(MAX(id), 0) FROM messages) WHERE last_id > (SELECT COALESCE(MAX(id), 0) FROM messages); END;
