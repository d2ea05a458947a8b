-- The outbox journal in one round trip (issue 22, PostgreSQL): the send
-- workers' batch of sent replies and marks (see sqlstore.journalOne) was a
-- BEGIN, three statements a reply and a COMMIT. One statement with arrays
-- would need a plan per call (a custom plan knows the arrays' lengths, so
-- PostgreSQL never settles on a generic one) or risk a generic plan that
-- scans the outbox (made while the table was small, kept for the
-- connection's life). This function runs the same keyed statements one
-- after the other, in the caller's transaction, each with the cached plan
-- of a primary-key lookup, so the batch has the effect of the statements
-- run one by one: a later reply of the batch sees an earlier one's
-- provider ID. A message whose state would not change is not rewritten
-- (external_id is indexed, so every update of a message is a new entry in
-- each of its indexes, search included). Returns the jobs whose marks held.
CREATE FUNCTION sb_journal_sends(at bigint, sent_jobs bigint[], sent_msgs bigint[], sent_exts text[],
    mark_jobs bigint[], mark_leases bigint[], mark_untils bigint[]) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
  i integer;
BEGIN
  FOR i IN 1 .. COALESCE(array_length(sent_jobs, 1), 0) LOOP
    UPDATE outbox SET state = 'sent', locked_until = 0, updated_at = at WHERE id = sent_jobs[i];
    UPDATE messages SET external_id = CASE WHEN sent_exts[i] IS NULL OR EXISTS (
        SELECT 1 FROM messages o WHERE o.channel = messages.channel AND o.external_id = sent_exts[i] AND o.id <> messages.id)
      THEN external_id ELSE sent_exts[i] END,
      delivery_state = CASE WHEN delivery_state IN ('', 'queued', 'failed') THEN 'sent' ELSE delivery_state END, failure_reason = ''
    WHERE id = sent_msgs[i] AND (delivery_state IN ('', 'queued', 'failed') OR failure_reason <> ''
      OR sent_exts[i] IS NOT NULL AND external_id IS DISTINCT FROM sent_exts[i]);
  END LOOP;
  FOR i IN 1 .. COALESCE(array_length(mark_jobs, 1), 0) LOOP
    RETURN QUERY UPDATE outbox SET sending_at = at, locked_until = mark_untils[i]
      WHERE id = mark_jobs[i] AND state = 'pending' AND locked_until = mark_leases[i] RETURNING id;
  END LOOP;
END $$;
