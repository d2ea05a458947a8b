-- Switchboard core schema (SQLite). Times are unix microseconds UTC.
CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  capacity INTEGER NOT NULL,
  channel_capacity TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'offline',
  password_hash TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE queues (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  is_default BOOLEAN NOT NULL DEFAULT 0,
  auto_assign BOOLEAN NOT NULL DEFAULT 0,
  return_on_offline BOOLEAN NOT NULL DEFAULT 0,
  default_senders TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE queue_members (
  queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (queue_id, agent_id)
);
CREATE INDEX queue_members_agent ON queue_members(agent_id);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  sort_name TEXT NOT NULL DEFAULT '',
  gender TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_activity_at INTEGER
);
CREATE INDEX customers_sort ON customers(sort_name, id);
CREATE TABLE contacts (
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (channel, address)
);
CREATE INDEX contacts_customer ON contacts(customer_id);
CREATE TABLE tags (name TEXT PRIMARY KEY);
CREATE TABLE customer_tags (
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (customer_id, tag)
);
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  customer_id INTEGER REFERENCES customers(id),
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  topic TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  queue_id INTEGER NOT NULL REFERENCES queues(id),
  assignee_id INTEGER REFERENCES agents(id),
  bot TEXT,
  contact_address TEXT NOT NULL DEFAULT '',
  sender_address TEXT NOT NULL DEFAULT '',
  merged_into_id INTEGER REFERENCES conversations(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_message_at INTEGER,
  last_customer_message_at INTEGER,
  closed_at INTEGER
);
CREATE INDEX conversations_customer_open ON conversations(customer_id, status);
CREATE INDEX conversations_queue ON conversations(queue_id, status);
CREATE INDEX conversations_assignee ON conversations(assignee_id, status);
CREATE INDEX conversations_pending ON conversations(status, last_message_at, id);
CREATE TABLE conversation_tags (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (conversation_id, tag)
);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  direction TEXT NOT NULL,
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  channel TEXT NOT NULL,
  from_addr TEXT NOT NULL DEFAULT '',
  to_addr TEXT NOT NULL DEFAULT '',
  author_id INTEGER REFERENCES agents(id),
  external_id TEXT,
  delivery_state TEXT NOT NULL DEFAULT '',
  failure_reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_external ON messages(channel, external_id);
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  actor_id INTEGER,
  actor_name TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX events_conversation ON events(conversation_id, id);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  client TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_agent ON sessions(agent_id);
CREATE TABLE integration_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
