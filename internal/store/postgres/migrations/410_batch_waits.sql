-- Issue 22 (pgdrain): the automatic-assignment batch write (qAssignMany)
-- records the waits it answers itself, in one set-based insert, and says
-- so with the transaction-local setting switchboard.waits_recorded; this
-- row trigger then leaves those rows to it. Row by row, the trigger's
-- INSERT was a third of the batch write's time (46 of 131 ms for 512
-- assignments, EXPLAIN ANALYZE in docs/benchmarks.md). Every other path
-- still has its waits recorded here, and the setting is never on outside
-- that one statement's transaction.
CREATE OR REPLACE FUNCTION conversations_wait() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.assignee_id IS NULL AND OLD.bot IS NULL AND OLD.status IN ('open', 'waiting') AND OLD.waiting_since IS NOT NULL AND (NEW.assignee_id IS NOT NULL OR NEW.bot IS NOT NULL OR NEW.status NOT IN ('open', 'waiting') OR NEW.queue_id <> OLD.queue_id) AND current_setting('switchboard.waits_recorded', true) IS DISTINCT FROM 'on' THEN INSERT INTO queue_waits (queue_id, channel, conversation_id, started_at, ended_at, outcome) VALUES (OLD.queue_id, OLD.channel, OLD.id, OLD.waiting_since, GREATEST(NEW.updated_at, OLD.waiting_since), CASE WHEN NEW.queue_id <> OLD.queue_id OR NEW.merged_into_id IS NOT NULL OR (NEW.bot IS NOT NULL AND NEW.assignee_id IS NULL) THEN 'moved' WHEN NEW.assignee_id IS NOT NULL THEN 'answered' ELSE 'abandoned' END); END IF; IF OLD.status IN ('solved', 'closed') AND NEW.status IN ('open', 'waiting') AND NEW.assignee_id IS NULL THEN NEW.waiting_since := NEW.updated_at; END IF; RETURN NEW; END $$;
