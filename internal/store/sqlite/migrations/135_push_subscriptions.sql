-- A7: Web Push subscriptions, one per session and ended with it (the
-- cascade): an installed phone app keeps its status while backgrounded and
-- is reached by push; a push service that no longer knows it sets it gone.
CREATE TABLE push_subscriptions (
  session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_agent ON push_subscriptions(agent_id);
