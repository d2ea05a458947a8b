-- Full-text search (G1, G2, D8): FTS5 external-content indexes over the
-- records, kept in step by triggers in the same transaction as every write
-- (so no write path, present or future, can forget them). The unicode61
-- tokenizer folds case and accents; prefix indexes of 2 to 6 characters
-- keep as-you-type queries fast (see prefixKey in search.go). Statements inside a trigger end with "; "
-- on one line, since migrations split at a semicolon ending a line.
--
-- customers.search_terms is written by the store (package search): folded
-- name, address words and phone numbers as digits with their suffixes. The
-- backfill below covers names and addresses; `switchboard reindex` adds
-- the phone suffixes of customers stored before this migration.
ALTER TABLE customers ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';
UPDATE customers SET search_terms = trim(name || ' ' || COALESCE((SELECT group_concat(address, ' ') FROM contacts t WHERE t.customer_id = customers.id), ''));

CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END;

CREATE VIRTUAL TABLE customers_fts USING fts5(search_terms, content='customers', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END;
CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); END;

-- A conversation is found by its topic and by its customer's terms (name,
-- addresses, phone), so its index reads a view joining the two; a
-- customer's change re-indexes that customer's conversations.
CREATE VIEW conversation_search AS
  SELECT c.id AS id, c.topic AS topic, COALESCE(cu.search_terms, '') AS customer
  FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id;
CREATE VIRTUAL TABLE conversations_fts USING fts5(topic, customer, content='conversation_search', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
CREATE TRIGGER conversations_fts_ai AFTER INSERT ON conversations BEGIN
  INSERT INTO conversations_fts(rowid, topic, customer) VALUES (new.id, new.topic, COALESCE((SELECT search_terms FROM customers WHERE id = new.customer_id), '')); END;
CREATE TRIGGER conversations_fts_ad AFTER DELETE ON conversations BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, topic, customer) VALUES ('delete', old.id, old.topic, COALESCE((SELECT search_terms FROM customers WHERE id = old.customer_id), '')); END;
CREATE TRIGGER conversations_fts_au AFTER UPDATE OF topic, customer_id ON conversations BEGIN
  INSERT INTO conversations_fts(conversations_fts, rowid, topic, customer) VALUES ('delete', old.id, old.topic, COALESCE((SELECT search_terms FROM customers WHERE id = old.customer_id), '')); INSERT INTO conversations_fts(rowid, topic, customer) VALUES (new.id, new.topic, COALESCE((SELECT search_terms FROM customers WHERE id = new.customer_id), '')); END;

CREATE TRIGGER customers_fts_au AFTER UPDATE OF search_terms ON customers WHEN old.search_terms IS NOT new.search_terms BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); INSERT INTO customers_fts(rowid, search_terms) VALUES (new.id, new.search_terms); INSERT INTO conversations_fts(conversations_fts, rowid, topic, customer) SELECT 'delete', id, topic, old.search_terms FROM conversations WHERE customer_id = old.id; INSERT INTO conversations_fts(rowid, topic, customer) SELECT id, topic, new.search_terms FROM conversations WHERE customer_id = new.id; END;

INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
INSERT INTO customers_fts(customers_fts) VALUES ('rebuild');
INSERT INTO conversations_fts(conversations_fts) VALUES ('rebuild');
