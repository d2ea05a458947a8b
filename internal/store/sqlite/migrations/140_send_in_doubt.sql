-- Sends in doubt after a crash (issue 19): a send job is marked as being
-- sent (sending_at) in a commit before its provider call; a job claimed
-- again with the mark still set was in flight when its worker died, so its
-- message is flagged maybe_duplicate for the agent before it is sent again.
ALTER TABLE outbox ADD COLUMN sending_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN maybe_duplicate BOOLEAN NOT NULL DEFAULT 0;
