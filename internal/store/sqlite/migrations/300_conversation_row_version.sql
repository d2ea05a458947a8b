-- A list row's version (issue 22): conversations.row_version changes with
-- every committed change to anything a list row shows, so a list page on
-- a read-cache miss reads (id, row_version) for its rows and renders only
-- the rows whose version it has not rendered before. The version lives in
-- the database, so the cache stays exact across connections, processes
-- and nodes, and under raw SQL. What a row shows: the conversation's own
-- columns (any UPDATE bumps, unless it sets row_version itself), the
-- newest message and newest reply's delivery state (any message inserted,
-- deleted, or changed in a shown column), the customer's, queue's and
-- assignee's names (renames bump their conversations; a queue rename
-- already updates its conversations' queue_sort_key, migration 270).
ALTER TABLE conversations ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER conversations_row_version AFTER UPDATE ON conversations WHEN NEW.row_version IS OLD.row_version BEGIN
  UPDATE conversations SET row_version = OLD.row_version + 1 WHERE id = NEW.id; END;
CREATE TRIGGER messages_row_version_insert AFTER INSERT ON messages BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE id = NEW.conversation_id; END;
CREATE TRIGGER messages_row_version_update AFTER UPDATE OF conversation_id, kind, direction, type, text, delivery_state ON messages BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE id IN (OLD.conversation_id, NEW.conversation_id); END;
CREATE TRIGGER messages_row_version_delete AFTER DELETE ON messages BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE id = OLD.conversation_id; END;
CREATE TRIGGER customers_row_version AFTER UPDATE OF name ON customers WHEN OLD.name IS NOT NEW.name BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE customer_id = NEW.id; END;
CREATE TRIGGER agents_row_version AFTER UPDATE OF name ON agents WHEN OLD.name IS NOT NEW.name BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE assignee_id = NEW.id; END;
