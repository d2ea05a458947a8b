-- Copies of tags and contacts on their records, as JSON, so a conversation
-- or customer is read with one row (the join tables stay the truth for
-- filters and uniqueness; the store writes both in one transaction).
ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE customers ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE customers ADD COLUMN contacts TEXT NOT NULL DEFAULT '[]';
UPDATE conversations SET tags = (SELECT json_agg(tag ORDER BY tag)::text FROM conversation_tags t WHERE t.conversation_id = conversations.id)
  WHERE id IN (SELECT conversation_id FROM conversation_tags);
UPDATE customers SET tags = (SELECT json_agg(tag ORDER BY tag)::text FROM customer_tags t WHERE t.customer_id = customers.id)
  WHERE id IN (SELECT customer_id FROM customer_tags);
UPDATE customers SET contacts = (SELECT json_agg(json_build_object('channel', channel, 'address', address) ORDER BY position, channel, address)::text
  FROM contacts t WHERE t.customer_id = customers.id)
  WHERE id IN (SELECT customer_id FROM contacts);
-- Threading (C5) looks up a customer's newest conversation that is not closed.
DROP INDEX conversations_customer_open;
CREATE INDEX conversations_ongoing ON conversations(customer_id, id) WHERE status <> 'closed';
-- The pending sorts (C6) order by this expression; the index serves them.
DROP INDEX conversations_pending;
CREATE INDEX conversations_pending ON conversations((COALESCE(last_message_at, created_at)), id);
CREATE INDEX conversations_closed ON conversations(closed_at, id) WHERE status = 'closed';
