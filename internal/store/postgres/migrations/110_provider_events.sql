-- Providers as they really speak (issue 17): customers' reactions shown
-- on the message they react to, and contacts that opted out of a channel
-- (SMS STOP, a carrier's opt-out error, Viber unsubscribed), refused
-- before any send.
CREATE TABLE message_reactions (
  message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  from_addr TEXT NOT NULL,
  emoji TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, from_addr)
);
CREATE TABLE contact_opt_outs (
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (channel, address)
);
