-- Agent workflows (issue 6), SQLite: what agent-started conversations carry (C2) and the
-- files of internal notes (D3), whose bytes live in the blob store.
ALTER TABLE conversations ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN cc TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN bcc TEXT NOT NULL DEFAULT '[]';
CREATE INDEX conversations_contact_open ON conversations(customer_id, channel, contact_address, sender_address, status);
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  blob_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id, id);
