-- Data protection (issue 24): an erased customer stays as an anonymised
-- shell (erased_at); per-queue retention of closed conversations and
-- their files (0: never).
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
ALTER TABLE queues ADD COLUMN retention_closed_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN retention_file_days BIGINT NOT NULL DEFAULT 0;
