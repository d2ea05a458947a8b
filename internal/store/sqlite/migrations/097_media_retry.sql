-- Inbound media retried (issue 5): a customer's file whose download failed
-- for a passing reason (provider 5xx, timeout, connection refused) is kept
-- pending on its message, and a durable job fetches it again with
-- exponential backoff until it is stored or, after the last attempt,
-- refused with the reason.
ALTER TABLE attachments ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
CREATE TABLE media_jobs (
  id INTEGER PRIMARY KEY,
  attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 1,
  next_attempt_at INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL DEFAULT '{}',
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX media_jobs_due ON media_jobs(next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX media_jobs_attachment ON media_jobs(attachment_id);
