-- Inbound media (issue 5): a file a customer sent that was refused (too
-- large, a type its content does not allow, unreachable) keeps its name
-- and the reason, without bytes.
ALTER TABLE attachments ADD COLUMN refused TEXT NOT NULL DEFAULT '';
