-- C2: may agents of the queue assign a new conversation to a colleague of
-- the queue? Off by default: agents assign only themselves; supervisors
-- and admins assign anyone.
ALTER TABLE queues ADD COLUMN agents_assign_colleagues BOOLEAN NOT NULL DEFAULT 0;
