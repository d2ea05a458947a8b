-- Conversation lists read their candidates from the index (issue 22,
-- lists on a miss). An agent sees the conversations of their queues, those
-- assigned to them and those they opened; a page walked its list index in
-- order and read the table's row of every entry to test that (and the
-- view's assignee_id / bot filter): ~3 entries for each row shown to an
-- agent of a third of the queues, and the planner, costing those reads as
-- random, often read the whole open set by another index and sorted it.
-- The list indexes now also hold what the access condition and the views
-- test, as INCLUDE columns, so the page's IDs come from an index-only scan
-- and only the page's own rows are read from the table (listPage). None of
-- these columns changes on a message: queue_id, assignee_id and bot are
-- indexed already (conversations_queue, conversations_assignee, the bots
-- indexes' predicate) and opened_by is set once, so the conversation touch
-- stays in place (HOT, migration 400; TestTouchInPlace). row_version and
-- the pending key stay out of every index (see migration 420 on SQLite).
DROP INDEX conversations_open_pending;
DROP INDEX conversations_open_status;
DROP INDEX conversations_open_customer;
DROP INDEX conversations_open_queue;
DROP INDEX conversations_bots_pending;
DROP INDEX conversations_bots_status;
DROP INDEX conversations_bots_customer;
DROP INDEX conversations_bots_queue;
DROP INDEX conversations_closed;
DROP INDEX conversations_closed_customer;
DROP INDEX conversations_closed_queue;
CREATE INDEX conversations_open_pending ON conversations(pending_minute) INCLUDE (id, queue_id, assignee_id, opened_by, bot) WHERE status <> 'closed';
CREATE INDEX conversations_open_status ON conversations(status, id) INCLUDE (queue_id, assignee_id, opened_by, bot) WHERE status <> 'closed';
CREATE INDEX conversations_open_customer ON conversations(customer_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot) WHERE status <> 'closed';
CREATE INDEX conversations_open_queue ON conversations(queue_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot) WHERE status <> 'closed';
CREATE INDEX conversations_bots_pending ON conversations(pending_minute) INCLUDE (id, queue_id, assignee_id, opened_by) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_status ON conversations(status, id) INCLUDE (queue_id, assignee_id, opened_by) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_customer ON conversations(customer_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_queue ON conversations(queue_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_closed ON conversations(closed_at, id) INCLUDE (queue_id, assignee_id, opened_by) WHERE status = 'closed';
CREATE INDEX conversations_closed_customer ON conversations(customer_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by) WHERE status = 'closed';
CREATE INDEX conversations_closed_queue ON conversations(queue_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by) WHERE status = 'closed';
