-- Conversation lists (issue 22): the open views (mine, all, unassigned,
-- bots) read a page in the order of these partial indexes, which hold the
-- open conversations only, instead of sorting every open conversation the
-- agent may see; history reads conversations_closed the same way. A page
-- then costs the same whatever the number of closed conversations.
CREATE INDEX conversations_open_pending ON conversations((COALESCE(last_message_at, created_at)), id) WHERE status <> 'closed';
CREATE INDEX conversations_open_status ON conversations(status, id) WHERE status <> 'closed';
