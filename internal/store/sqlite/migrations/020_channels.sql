-- Channels (issue 5): configured channel accounts, refused webhooks kept for
-- inspection, and the transactional outbox of outbound sends.
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  provider TEXT NOT NULL,
  name TEXT NOT NULL,
  sender TEXT NOT NULL DEFAULT '',
  queue_id INTEGER REFERENCES queues(id) ON DELETE SET NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  secrets TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX channels_sender ON channels(kind, sender, id);
-- No foreign key: letters outlive a deleted channel.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY,
  channel_id INTEGER NOT NULL,
  provider TEXT NOT NULL,
  reason TEXT NOT NULL,
  header TEXT NOT NULL DEFAULT '{}',
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX dead_letters_channel ON dead_letters(channel_id, id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL DEFAULT '{}',
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_message ON outbox(message_id);
