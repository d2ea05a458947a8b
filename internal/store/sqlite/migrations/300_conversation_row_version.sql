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
ALTER TABLE conversations ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;
-- The columns a list row shows (conversationSelect in
-- sqlstore/conversation.go): a change of their value bumps the version;
-- an UPDATE that changes none of them (the search index's refresh, the
-- sort keys, routing's bookkeeping) does not. A column added to the list
-- row must be added here.
CREATE TRIGGER conversations_row_version AFTER UPDATE OF channel, customer_id, status, priority, topic, summary, queue_id, assignee_id, contact_address, sender_address, merged_into_id, created_at, updated_at, last_message_at, last_customer_message_at, closed_at, tags, subject, cc, bcc, bot, form_id, form_values, linked_id, survey_sent_at, survey_rating, survey_answered_at ON conversations
  WHEN NEW.row_version IS OLD.row_version AND (OLD.channel IS NOT NEW.channel OR OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status OR OLD.priority IS NOT NEW.priority OR OLD.topic IS NOT NEW.topic OR OLD.summary IS NOT NEW.summary OR OLD.queue_id IS NOT NEW.queue_id OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.contact_address IS NOT NEW.contact_address OR OLD.sender_address IS NOT NEW.sender_address OR OLD.merged_into_id IS NOT NEW.merged_into_id OR OLD.created_at IS NOT NEW.created_at OR OLD.updated_at IS NOT NEW.updated_at OR OLD.last_message_at IS NOT NEW.last_message_at OR OLD.last_customer_message_at IS NOT NEW.last_customer_message_at OR OLD.closed_at IS NOT NEW.closed_at OR OLD.tags IS NOT NEW.tags OR OLD.subject IS NOT NEW.subject OR OLD.cc IS NOT NEW.cc OR OLD.bcc IS NOT NEW.bcc OR OLD.bot IS NOT NEW.bot OR OLD.form_id IS NOT NEW.form_id OR OLD.form_values IS NOT NEW.form_values OR OLD.linked_id IS NOT NEW.linked_id OR OLD.survey_sent_at IS NOT NEW.survey_sent_at OR OLD.survey_rating IS NOT NEW.survey_rating OR OLD.survey_answered_at IS NOT NEW.survey_answered_at) BEGIN
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
CREATE TRIGGER queues_row_version AFTER UPDATE OF name ON queues WHEN OLD.name IS NOT NEW.name BEGIN
  UPDATE conversations SET row_version = row_version + 1 WHERE queue_id = NEW.id; END;
