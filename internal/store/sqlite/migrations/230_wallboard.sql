-- Issue 23, live wallboard: each queue's service-level target (seconds an
-- answer may take) and the waits that ended, for the last hour's average
-- wait and service level. A wait is the time a conversation spends in a
-- queue with nobody holding it (no assignee, no bot, open or waiting),
-- from conversations.waiting_since. Triggers record its end whichever path
-- ended it (an assignment by hand or automatic, a batch, a macro, a
-- solve, a transfer, a merge), so no write path has to remember to.
ALTER TABLE queues ADD COLUMN service_level_seconds INTEGER NOT NULL DEFAULT 60;
CREATE TABLE queue_waits (
  id INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  -- answered: an agent took it in this queue; abandoned: solved or closed
  -- with nobody holding it; moved: transferred to another queue or handed
  -- to a bot, or merged into another conversation.
  outcome TEXT NOT NULL
);
CREATE INDEX queue_waits_ended ON queue_waits(queue_id, ended_at);
CREATE INDEX queue_waits_conversation ON queue_waits(conversation_id);
CREATE TRIGGER conversations_wait_end AFTER UPDATE OF assignee_id, status, queue_id, bot ON conversations
WHEN OLD.assignee_id IS NULL AND OLD.bot IS NULL AND OLD.status IN ('open', 'waiting') AND OLD.waiting_since IS NOT NULL
  AND (NEW.assignee_id IS NOT NULL OR NEW.bot IS NOT NULL OR NEW.status NOT IN ('open', 'waiting') OR NEW.queue_id <> OLD.queue_id)
BEGIN
  INSERT INTO queue_waits (queue_id, channel, conversation_id, started_at, ended_at, outcome)
  VALUES (OLD.queue_id, OLD.channel, OLD.id, OLD.waiting_since, max(NEW.updated_at, OLD.waiting_since),
    CASE WHEN NEW.queue_id <> OLD.queue_id OR NEW.merged_into_id IS NOT NULL OR (NEW.bot IS NOT NULL AND NEW.assignee_id IS NULL) THEN 'moved'
      WHEN NEW.assignee_id IS NOT NULL THEN 'answered' ELSE 'abandoned' END);
END;
-- A solved or closed conversation that opens again with nobody holding it
-- starts a new wait then, not when it first waited.
CREATE TRIGGER conversations_wait_reopen AFTER UPDATE OF status ON conversations
WHEN OLD.status IN ('solved', 'closed') AND NEW.status IN ('open', 'waiting') AND NEW.assignee_id IS NULL
BEGIN
  UPDATE conversations SET waiting_since = NEW.updated_at WHERE id = NEW.id;
END;
