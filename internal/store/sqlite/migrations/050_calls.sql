-- Calls (issue 10): one row per call, written as its lifecycle moves; the
-- timeline keeps the call events, this row the totals and the recording.
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  direction TEXT NOT NULL,
  state TEXT NOT NULL,
  agent_id INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  queue_id INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  answered_at BIGINT,
  ended_at BIGINT,
  hold_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  recording TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calls_conversation ON calls(conversation_id, created_at);
