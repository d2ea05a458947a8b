-- Calls not ended, for the sweeper that ends the calls of a node that
-- died (docs/calls-across-nodes.md): a small partial index, as live calls
-- are few and ended ones many.
CREATE INDEX calls_live ON calls(created_at) WHERE state <> 'ended';
