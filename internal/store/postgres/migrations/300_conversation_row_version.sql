-- A list row's version (issue 22): conversations.row_version changes with
-- every committed change to anything a list row shows, so a list page on
-- a read-cache miss reads (id, row_version) for its rows and renders only
-- the rows whose version it has not rendered before. The version lives in
-- the database, so the cache stays exact across connections, processes
-- and nodes, and under raw SQL. What a row shows: the conversation's own
-- shown columns (a changed value bumps, unless the UPDATE sets row_version), the
-- newest message and newest reply's delivery state (any message inserted,
-- deleted, or changed in a shown column), the customer's, queue's and
-- assignee's names (renames bump their conversations).
ALTER TABLE conversations ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
-- The columns a list row shows (conversationSelect in
-- sqlstore/conversation.go): a change of their value bumps the version;
-- an UPDATE that changes none of them (the search index's refresh, the
-- sort keys, routing's bookkeeping) does not. A column added to the list
-- row must be added here.
CREATE FUNCTION conversations_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  NEW.row_version := OLD.row_version + 1; RETURN NEW; END $$;
-- No other BEFORE UPDATE trigger of conversations sets a shown column
-- (the sort keys' and the search vector's set their own).
CREATE TRIGGER conversations_row_version BEFORE UPDATE OF channel, customer_id, status, priority, topic, summary, queue_id, assignee_id, contact_address, sender_address, merged_into_id, created_at, updated_at, last_message_at, last_customer_message_at, closed_at, tags, subject, cc, bcc, bot, form_id, form_values, linked_id, survey_sent_at, survey_rating, survey_answered_at ON conversations FOR EACH ROW
  WHEN (NEW.row_version = OLD.row_version AND ROW(OLD.channel, OLD.customer_id, OLD.status, OLD.priority, OLD.topic, OLD.summary, OLD.queue_id, OLD.assignee_id, OLD.contact_address, OLD.sender_address, OLD.merged_into_id, OLD.created_at, OLD.updated_at, OLD.last_message_at, OLD.last_customer_message_at, OLD.closed_at, OLD.tags, OLD.subject, OLD.cc, OLD.bcc, OLD.bot, OLD.form_id, OLD.form_values, OLD.linked_id, OLD.survey_sent_at, OLD.survey_rating, OLD.survey_answered_at) IS DISTINCT FROM ROW(NEW.channel, NEW.customer_id, NEW.status, NEW.priority, NEW.topic, NEW.summary, NEW.queue_id, NEW.assignee_id, NEW.contact_address, NEW.sender_address, NEW.merged_into_id, NEW.created_at, NEW.updated_at, NEW.last_message_at, NEW.last_customer_message_at, NEW.closed_at, NEW.tags, NEW.subject, NEW.cc, NEW.bcc, NEW.bot, NEW.form_id, NEW.form_values, NEW.linked_id, NEW.survey_sent_at, NEW.survey_rating, NEW.survey_answered_at))
  EXECUTE FUNCTION conversations_row_version();
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
CREATE FUNCTION queues_row_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE queue_id = NEW.id; RETURN NULL; END $$;
CREATE TRIGGER queues_row_version AFTER UPDATE OF name ON queues FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION queues_row_version();
