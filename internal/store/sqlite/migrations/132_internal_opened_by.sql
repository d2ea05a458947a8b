-- C9: an internal conversation may be opened to any queue (asking another
-- queue for help); the agent who opened it keeps seeing it there.
ALTER TABLE conversations ADD COLUMN opened_by INTEGER REFERENCES agents(id) ON DELETE SET NULL;
UPDATE conversations SET opened_by = (SELECT m.author_id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.id LIMIT 1)
  WHERE channel = 'internal';
