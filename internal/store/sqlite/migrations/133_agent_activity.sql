-- A6: utilization records every status an agent passes through, the
-- automatic ones (A3) included: idle, under/full capacity, ringing, in a
-- call, on hold, wrap-up, else the status set by hand. Every statement
-- that changes what the status derives from (status, load, capacity, call
-- state) stamps agents.activity_at with the store's clock; triggers then
-- close the running period and open the next whenever the derived status
-- changes, whichever path (one assignment, a batch, a solve, a call) did it.
ALTER TABLE agents ADD COLUMN activity_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE agent_activity_log (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX agent_activity_log_open ON agent_activity_log(agent_id) WHERE ended_at IS NULL;
CREATE INDEX agent_activity_log_period ON agent_activity_log(started_at, ended_at);
UPDATE agents SET activity_at = COALESCE(status_changed_at, created_at);
INSERT INTO agent_activity_log (agent_id, status, started_at) SELECT a.id, CASE WHEN a.call_state <> '' THEN a.call_state WHEN a.status <> 'available' THEN a.status WHEN a.active_load = 0 THEN 'idle' WHEN a.active_load < a.capacity THEN 'under_capacity' ELSE 'full_capacity' END, a.activity_at FROM agents a;
CREATE TRIGGER agents_activity_insert AFTER INSERT ON agents BEGIN INSERT INTO agent_activity_log (agent_id, status, started_at) VALUES (NEW.id, CASE WHEN NEW.call_state <> '' THEN NEW.call_state WHEN NEW.status <> 'available' THEN NEW.status WHEN NEW.active_load = 0 THEN 'idle' WHEN NEW.active_load < NEW.capacity THEN 'under_capacity' ELSE 'full_capacity' END, CASE WHEN NEW.activity_at > 0 THEN NEW.activity_at ELSE NEW.created_at END); END;
CREATE TRIGGER agents_activity_update AFTER UPDATE OF status, active_load, capacity, call_state ON agents WHEN (CASE WHEN NEW.call_state <> '' THEN NEW.call_state WHEN NEW.status <> 'available' THEN NEW.status WHEN NEW.active_load = 0 THEN 'idle' WHEN NEW.active_load < NEW.capacity THEN 'under_capacity' ELSE 'full_capacity' END) <> (CASE WHEN OLD.call_state <> '' THEN OLD.call_state WHEN OLD.status <> 'available' THEN OLD.status WHEN OLD.active_load = 0 THEN 'idle' WHEN OLD.active_load < OLD.capacity THEN 'under_capacity' ELSE 'full_capacity' END) BEGIN UPDATE agent_activity_log SET ended_at = max(NEW.activity_at, started_at) WHERE agent_id = NEW.id AND ended_at IS NULL; INSERT INTO agent_activity_log (agent_id, status, started_at) SELECT NEW.id, CASE WHEN NEW.call_state <> '' THEN NEW.call_state WHEN NEW.status <> 'available' THEN NEW.status WHEN NEW.active_load = 0 THEN 'idle' WHEN NEW.active_load < NEW.capacity THEN 'under_capacity' ELSE 'full_capacity' END, max(NEW.activity_at, COALESCE((SELECT max(started_at) FROM agent_activity_log WHERE agent_id = NEW.id), 0)); END;
