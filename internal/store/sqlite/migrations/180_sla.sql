-- Service levels (issue 23): business-hours calendars assigned per queue,
-- SLA policies per queue and priority, and each conversation's computed
-- SLA status. status holds the JSON of desk.SLAStatus; the breached flags
-- are columns so a breach is recorded (and its timeline event written)
-- once even when nodes race, and next_due lets the deadline worker find
-- what falls due without reading every open conversation.
CREATE TABLE business_calendars (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  time_zone TEXT NOT NULL,
  hours TEXT NOT NULL DEFAULT '[]',
  holidays TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);
CREATE TABLE queue_calendars (
  queue_id INTEGER PRIMARY KEY REFERENCES queues(id) ON DELETE CASCADE,
  calendar_id INTEGER NOT NULL REFERENCES business_calendars(id) ON DELETE CASCADE
);
CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  priority TEXT NOT NULL DEFAULT '',
  first_response_minutes INTEGER NOT NULL DEFAULT 0,
  next_response_minutes INTEGER NOT NULL DEFAULT 0,
  resolution_minutes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (queue_id, priority)
);
CREATE TABLE conversation_sla (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  policy_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  first_response_breached BOOLEAN NOT NULL DEFAULT FALSE,
  next_response_breached BOOLEAN NOT NULL DEFAULT FALSE,
  resolution_breached BOOLEAN NOT NULL DEFAULT FALSE,
  next_due INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX conversation_sla_next_due ON conversation_sla(next_due) WHERE next_due IS NOT NULL;
