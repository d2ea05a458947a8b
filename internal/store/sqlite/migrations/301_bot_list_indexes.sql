-- The bots view (issue 22): bot-held conversations are a small part of the
-- open set, so a page read the open set's index in order and looked up
-- every open row to find its 51 (here 560–690 µs of CPU a page against
-- 150–250 µs for the other views at 20,000 conversations). One partial
-- index per sort key of the view; an entry is written only while a bot
-- holds the conversation.
CREATE INDEX conversations_bots_pending ON conversations(COALESCE(last_message_at, created_at), id) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_status ON conversations(status, id) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_customer ON conversations(customer_sort_key, id) WHERE bot IS NOT NULL AND status <> 'closed';
CREATE INDEX conversations_bots_queue ON conversations(queue_sort_key, id) WHERE bot IS NOT NULL AND status <> 'closed';
