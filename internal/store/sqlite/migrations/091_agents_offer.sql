-- Automatic assignment (issue 3): the agents who may take work, in the
-- order work is offered (fewest active, longest idle, lowest ID), with
-- capacity at hand. qEligibleAgents walks it and probes each agent's
-- membership of the queue, stopping after the few it needs, instead of
-- reading and sorting every member of the queue on every plan — now also
-- inside the ingest transaction that assigns a new arrival. (PostgreSQL
-- plans that read itself and does worse with this index: not added there.)
CREATE INDEX agents_offer ON agents(active_load, COALESCE(last_assigned_at, 0), id, capacity) WHERE accepts_work;
