-- Presence (A2–A7): what the agent set, what the system derives it from,
-- and a log of every status period for utilization (A6).
ALTER TABLE agents ADD COLUMN status_changed_at INTEGER;
ALTER TABLE agents ADD COLUMN last_seen_at INTEGER;
ALTER TABLE agents ADD COLUMN call_state TEXT NOT NULL DEFAULT '';
-- active_load counts the agent's assigned open or waiting conversations;
-- accepts_work says the status allows new work and no call is running.
-- Both are kept in step in the transactions that change their inputs, so
-- automatic assignment picks an agent with one indexed read.
ALTER TABLE agents ADD COLUMN active_load INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN accepts_work BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN last_assigned_at INTEGER;
UPDATE agents SET accepts_work = (status = 'available'),
  active_load = (SELECT count(*) FROM conversations c WHERE c.assignee_id = agents.id AND c.status IN ('open', 'waiting'));
CREATE TABLE custom_statuses (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  allows_work BOOLEAN NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE agent_status_log (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX agent_status_log_open ON agent_status_log(agent_id) WHERE ended_at IS NULL;
CREATE INDEX agent_status_log_period ON agent_status_log(started_at, ended_at);
-- The waiting queue (B3): unassigned open/waiting conversations by priority
-- then by how long they have waited.
ALTER TABLE conversations ADD COLUMN priority_rank INTEGER NOT NULL DEFAULT 2;
ALTER TABLE conversations ADD COLUMN waiting_since INTEGER;
UPDATE conversations SET waiting_since = created_at,
  priority_rank = CASE priority WHEN 'low' THEN 1 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 2 END;
CREATE INDEX conversations_waiting ON conversations(queue_id, priority_rank DESC, waiting_since, id)
  WHERE assignee_id IS NULL AND bot IS NULL AND status IN ('open', 'waiting');
CREATE INDEX agents_eligible ON agents(accepts_work, active_load);
-- Routing rules (B2), tried by position.
CREATE TABLE routing_rules (
  id INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  channel TEXT NOT NULL DEFAULT '',
  sender TEXT NOT NULL DEFAULT '',
  receiver TEXT NOT NULL DEFAULT '',
  keyword TEXT NOT NULL DEFAULT '',
  attribute_key TEXT NOT NULL DEFAULT '',
  attribute_value TEXT NOT NULL DEFAULT '',
  queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
