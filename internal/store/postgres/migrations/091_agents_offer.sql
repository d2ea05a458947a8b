-- Automatic assignment (issue 3): the agents who may take work, in the
-- order work is offered (fewest active, longest idle, lowest ID), with
-- capacity at hand, so a plan can read the first few eligible agents in
-- order rather than sort every member of the queue (the same index as
-- SQLite's; the planner chooses).
CREATE INDEX agents_offer ON agents(active_load, (COALESCE(last_assigned_at, 0)), id, capacity) WHERE accepts_work;
