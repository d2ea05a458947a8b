-- Agent workflows, second part (issue 6), SQLite: forms (C10), internal conversations' links
-- (C9), surveys (C12), email drafts (H2), context cards (F4) and the customer history index (F3).
CREATE TABLE forms (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  fields TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
ALTER TABLE conversations ADD COLUMN form_id INTEGER REFERENCES forms(id);
ALTER TABLE conversations ADD COLUMN form_values TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN linked_id INTEGER REFERENCES conversations(id);
ALTER TABLE conversations ADD COLUMN survey_token TEXT;
ALTER TABLE conversations ADD COLUMN survey_sent_at INTEGER;
ALTER TABLE conversations ADD COLUMN survey_rating INTEGER;
ALTER TABLE conversations ADD COLUMN survey_answered_at INTEGER;
CREATE UNIQUE INDEX conversations_survey_token ON conversations(survey_token);
CREATE INDEX conversations_customer_history ON conversations(customer_id, created_at, id);
ALTER TABLE queues ADD COLUMN survey_enabled BOOLEAN NOT NULL DEFAULT 0;
CREATE TABLE drafts (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  text TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  cc TEXT NOT NULL DEFAULT '[]',
  bcc TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, agent_id)
);
CREATE TABLE cards (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  fields TEXT NOT NULL DEFAULT '[]',
  secret TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
