-- The conversation touch made HOT (issue 22, write paths). Every message
-- (inbound, reply, note) sets last_message_at, which the pending sorts'
-- three indexes held; PostgreSQL 15 writes an update as a new row version
-- with an entry in every one of the table's ~22 indexes (its search GIN
-- included) as soon as one indexed column changes, and in place (HOT, no
-- index entry) when none does: 485 buffers against 10 for the touch. The
-- pending sorts now walk an index of the key's minute, a stored column
-- that changes at most once a minute of a conversation's life, and sort
-- each minute's rows by the exact key (an incremental sort); a touch
-- within the minute changes no indexed column. The list orders by
-- (pending_minute, key, id), the same order as (key, id): the minute
-- never decreases as the key grows. Lower fillfactor leaves a page room
-- for the in-place versions (the table is rewritten by the new column).
ALTER TABLE conversations SET (fillfactor = 85);
ALTER TABLE conversations ADD COLUMN pending_minute BIGINT GENERATED ALWAYS AS (COALESCE(last_message_at, created_at) / 60000000) STORED;
DROP INDEX conversations_pending;
DROP INDEX conversations_open_pending;
DROP INDEX conversations_bots_pending;
CREATE INDEX conversations_pending ON conversations(pending_minute);
CREATE INDEX conversations_open_pending ON conversations(pending_minute) WHERE status <> 'closed';
CREATE INDEX conversations_bots_pending ON conversations(pending_minute) WHERE bot IS NOT NULL AND status <> 'closed';
