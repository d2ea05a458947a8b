-- A message stored with its conversation's touch bumps the list row's
-- version once (issue 22, write paths). The touch (ingest, reply, note)
-- changes shown columns, so conversations_row_version bumps the version;
-- messages_row_version then updated the same row again for the new
-- message: a second row version, with its trigger and WAL, for every
-- message. The touch's bump now records its transaction, and the message's
-- trigger leaves a conversation already bumped in the same transaction
-- alone (committed together, the version has changed either way). Bumps
-- made otherwise (renames, the message trigger itself) record nothing, so
-- a message after them bumps again: twice is harmless, never is not.
ALTER TABLE conversations ADD COLUMN row_version_xact xid8;
CREATE OR REPLACE FUNCTION conversations_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  NEW.row_version := OLD.row_version + 1; NEW.row_version_xact := pg_current_xact_id(); RETURN NEW; END $$;
CREATE OR REPLACE FUNCTION messages_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF TG_OP <> 'INSERT' THEN UPDATE conversations SET row_version = row_version + 1 WHERE id = OLD.conversation_id; END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.conversation_id <> OLD.conversation_id) AND NOT EXISTS (
      SELECT 1 FROM conversations WHERE id = NEW.conversation_id AND row_version_xact = pg_current_xact_id()) THEN
    UPDATE conversations SET row_version = row_version + 1 WHERE id = NEW.conversation_id; END IF;
  RETURN NULL; END $$;
