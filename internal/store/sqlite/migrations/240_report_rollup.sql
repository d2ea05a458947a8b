-- Reports over rollups (issue 23): every report fact adds itself to
-- cells per series (dim 0 the whole desk, 1 its queue, 2 channel, 3
-- agent, 4 each tag; series_key the ID, channel or tag, '' for the total,
-- no agent, no tag) and UTC hour (width 0) or day (width 1), bucket its
-- start in microseconds. Durations are histograms (internal/report,
-- hist.go) so medians and p90 come from the cells. rolled_up says a
-- fact's figures are in the cells; facts from before this migration are
-- added by the report recorder when a node starts.
CREATE TABLE report_rollup (
  dim INTEGER NOT NULL,
  series_key TEXT NOT NULL,
  width INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  conversations_in INTEGER NOT NULL DEFAULT 0,
  conversations_out INTEGER NOT NULL DEFAULT 0,
  reopened INTEGER NOT NULL DEFAULT 0,
  sla_met INTEGER NOT NULL DEFAULT 0,
  sla_breached INTEGER NOT NULL DEFAULT 0,
  csat_sent INTEGER NOT NULL DEFAULT 0,
  csat_responses INTEGER NOT NULL DEFAULT 0,
  rating_sum INTEGER NOT NULL DEFAULT 0,
  rating_1 INTEGER NOT NULL DEFAULT 0,
  rating_2 INTEGER NOT NULL DEFAULT 0,
  rating_3 INTEGER NOT NULL DEFAULT 0,
  rating_4 INTEGER NOT NULL DEFAULT 0,
  rating_5 INTEGER NOT NULL DEFAULT 0,
  hists BLOB NOT NULL,
  PRIMARY KEY (dim, series_key, width, bucket)
);
ALTER TABLE report_facts ADD COLUMN rolled_up BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX report_facts_not_rolled_up ON report_facts(conversation_id) WHERE NOT rolled_up;
CREATE INDEX report_rollup_time ON report_rollup(dim, width, bucket);
