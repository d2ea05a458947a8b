-- Reports (issue 23): one fact row per conversation, kept up to date by
-- the report recorder when the conversation changes, so a report reads
-- these rows and never the messages. Times are microseconds; durations
-- seconds (calendar, and business time of the queue's calendar).
CREATE TABLE report_facts (
  conversation_id BIGINT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  queue_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  agent_id BIGINT,
  created_at BIGINT NOT NULL,
  first_response_at BIGINT,
  first_response_secs BIGINT,
  first_response_business_secs BIGINT,
  resolved_at BIGINT,
  resolution_secs BIGINT,
  resolution_business_secs BIGINT,
  handle_secs BIGINT,
  reopens INTEGER NOT NULL DEFAULT 0,
  sla_applied BOOLEAN NOT NULL DEFAULT FALSE,
  sla_breached BOOLEAN NOT NULL DEFAULT FALSE,
  survey_sent BOOLEAN NOT NULL DEFAULT FALSE,
  survey_rating INTEGER,
  tags TEXT NOT NULL DEFAULT '[]',
  updated_at BIGINT NOT NULL
);
CREATE INDEX report_facts_created ON report_facts(created_at);
CREATE INDEX report_facts_resolved ON report_facts(resolved_at) WHERE resolved_at IS NOT NULL;
