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
ALTER TABLE conversations ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
CREATE FUNCTION conversations_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF NEW.row_version = OLD.row_version THEN NEW.row_version := OLD.row_version + 1; END IF; RETURN NEW; END $$;
-- Named to run before the other BEFORE UPDATE triggers (alphabetical); it
-- bumps whatever they change, since it bumps on any UPDATE.
CREATE TRIGGER conversations_row_version BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION conversations_row_version();
CREATE FUNCTION messages_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF TG_OP <> 'INSERT' THEN UPDATE conversations SET row_version = row_version + 1 WHERE id = OLD.conversation_id; END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.conversation_id <> OLD.conversation_id) THEN
    UPDATE conversations SET row_version = row_version + 1 WHERE id = NEW.conversation_id; END IF;
  RETURN NULL; END $$;
CREATE TRIGGER messages_row_version AFTER INSERT OR DELETE OR UPDATE OF conversation_id, kind, direction, type, text, delivery_state ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_row_version();
CREATE FUNCTION customers_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE customer_id = NEW.id; RETURN NULL; END $$;
CREATE TRIGGER customers_row_version AFTER UPDATE OF name ON customers FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION customers_row_version();
CREATE FUNCTION agents_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE assignee_id = NEW.id; RETURN NULL; END $$;
CREATE TRIGGER agents_row_version AFTER UPDATE OF name ON agents FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION agents_row_version();
