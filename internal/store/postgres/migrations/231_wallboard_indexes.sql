-- Issue 23, wallboard: the last hour's waits are read from the index
-- alone (no table lookups): by queue for the queues a change touched, by
-- end time for every queue at once.
DROP INDEX queue_waits_ended;
CREATE INDEX queue_waits_ended ON queue_waits(queue_id, ended_at, channel, outcome, started_at);
CREATE INDEX queue_waits_recent ON queue_waits(ended_at, queue_id, channel, outcome, started_at);
