-- Integration tokens' scopes (issue 20): space-separated, e.g.
-- "inbound conversations:read". Tokens made before scopes keep what they
-- could do: post inbound messages.
ALTER TABLE integration_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'inbound';
