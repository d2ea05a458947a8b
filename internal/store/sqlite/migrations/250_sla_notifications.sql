-- Service levels, second part (issue 23): in-app notifications (an SLA
-- breach tells the assignee and the queue's supervisors), each queue's
-- out-of-hours auto-reply, and the closed periods a conversation already
-- got that reply in (its primary key makes the reply once per period,
-- however many nodes race).
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
  queue_id INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  read_at INTEGER
);
CREATE INDEX notifications_agent ON notifications(agent_id, id);
CREATE INDEX notifications_unread ON notifications(agent_id) WHERE read_at IS NULL;
CREATE TABLE queue_out_of_hours (
  queue_id INTEGER PRIMARY KEY REFERENCES queues(id) ON DELETE CASCADE,
  enabled BOOLEAN NOT NULL DEFAULT FALSE,
  text TEXT NOT NULL DEFAULT '',
  channels TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE out_of_hours_replies (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  period INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, period)
);
