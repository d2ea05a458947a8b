-- Idempotency-Key on the POSTs that create something (issue 19): a client
-- retrying after a lost answer gets the original response back instead of
-- creating a second reply, note, conversation or inbound message. Keys are
-- per caller (agent or integration token) and kept 24 hours.
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status BIGINT NOT NULL DEFAULT 0,
  body TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (principal, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
