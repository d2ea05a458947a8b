-- Conversation lists read from the index alone (issue 22, on a read-cache
-- miss): a page walks its sort key's partial index and, before this, read
-- the heap tuple of every candidate entry for the queue access condition
-- (queue_id, assignee_id, opened_by), the view's filter (assignee_id,
-- bot, status) and the page's columns (row_version, created_at). Each list
-- index now carries those columns (INCLUDE: payload, not key), so a page
-- is an index-only scan wherever the visibility map marks the heap page
-- all-visible (closed conversations, which are most of the table, once
-- vacuumed). PostgreSQL uses an expression index for an index-only scan
-- only if the expression's columns are in the index too: hence
-- last_message_at in the two pending indexes.
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
CREATE INDEX conversations_open_pending ON conversations((COALESCE(last_message_at, created_at)), id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at, last_message_at) WHERE status <> 'closed';
CREATE INDEX conversations_open_status ON conversations(status, id) INCLUDE (queue_id, assignee_id, opened_by, bot, row_version, created_at) WHERE status <> 'closed';
CREATE INDEX conversations_open_customer ON conversations(customer_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE status <> 'closed';
CREATE INDEX conversations_open_queue ON conversations(queue_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE status <> 'closed';
CREATE INDEX conversations_bots_pending ON conversations((COALESCE(last_message_at, created_at)), id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at, last_message_at) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_status ON conversations(status, id) INCLUDE (queue_id, assignee_id, opened_by, bot, row_version, created_at) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_customer ON conversations(customer_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_queue ON conversations(queue_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_closed ON conversations(closed_at, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE status = 'closed';
CREATE INDEX conversations_closed_customer ON conversations(customer_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE status = 'closed';
CREATE INDEX conversations_closed_queue ON conversations(queue_sort_key, id) INCLUDE (queue_id, assignee_id, opened_by, bot, status, row_version, created_at) WHERE status = 'closed';
