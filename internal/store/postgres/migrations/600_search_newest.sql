-- A word's newest matches without reading all of them (issue 22): GIN
-- returns a word's matches in no useful order, so one GIN query reads
-- every match from the table before the newest can be picked (1,800 rows
-- for 'stovo':* at 10⁶ messages: the prefix of hundreds of rare words;
-- ten times that at 10⁷). sb_newest_<table>(query, before, n) returns the
-- IDs of the table's newest n matches of query with IDs below before,
-- newest first. It first lists at most 500 matches in one GIN query (the
-- table read in its physical order, stopping there): if that is all of
-- them, their newest n are the answer, at the cost of one GIN query as
-- before. Else GIN is asked range by range, newest first, through the
-- recency buckets of migration 090 ('~' || id >> shift): range k holds
-- 2^k buckets below the 2^k - 1 newest ones (top = the bucket of the
-- newest ID below before, the table's max(id) when before is beyond it),
-- seven such ranges (127 buckets: 2 million messages), then one reaching
-- down to the oldest records without buckets (a range of many buckets
-- costs a GIN descent for each). A range's words AND buckets are
-- intersected inside GIN, so only that range's matches reach the table;
-- the nested loop runs range after range, the incremental sort orders
-- each range's matches by ID (the ranges are disjoint and descending),
-- and the LIMIT stops the loop once n are in hand: about as many rows are
-- read as the window needs (at most twice, a range being as wide as all
-- newer ones), whatever the table's size. PL/pgSQL keeps the query's plan
-- for the session: planned as one statement of the search it cost 0.7 ms
-- of planning against 0.16 for one GIN query (load ~20). OFFSET 0 keeps
-- a range's tsquery out of the scan's recheck (computed once a range).
DO $do$ DECLARE t text; shift int; BEGIN
  FOR t, shift IN VALUES ('messages', 14), ('conversations', 12), ('customers', 11) LOOP
    EXECUTE format($f$CREATE OR REPLACE FUNCTION sb_newest_%1$s(p_q text, p_before bigint, p_n integer) RETURNS SETOF bigint
      LANGUAGE plpgsql STABLE AS $g$ BEGIN RETURN QUERY
      WITH few AS MATERIALIZED (SELECT id FROM %1$I WHERE search @@ to_tsquery('simple', p_q) AND id + 0 < p_before LIMIT 501)
      SELECT id FROM (SELECT few.id FROM few ORDER BY few.id DESC LIMIT p_n) a WHERE (SELECT count(*) FROM few) <= 500
      UNION ALL
      SELECT id FROM (SELECT x.id FROM generate_series(0, 7) WITH ORDINALITY AS r(k, o),
        LATERAL (SELECT v.lo, v.hi, CASE WHEN v.lo = 0 THEN v.tq0 ELSE v.tq0 && sb_buckets(v.lo << %2$s, (v.hi + 1) << %2$s, %2$s) END AS tq
          FROM (SELECT CASE WHEN r.k < 7 THEN greatest(w.top - ((1::bigint << (r.k + 1)) - 2), 0) ELSE 0 END AS lo,
              w.top - ((1::bigint << r.k) - 1) AS hi, to_tsquery('simple', p_q) AS tq0
            FROM (SELECT least(p_before - 1, (SELECT COALESCE(max(m.id), 0) FROM %1$I m)) >> %2$s AS top) w) v OFFSET 0) b,
        LATERAL (SELECT m.id FROM %1$I m WHERE m.search @@ b.tq AND m.id + 0 < least(p_before, (b.hi + 1) << %2$s) AND m.id + 0 >= b.lo << %2$s) x
        WHERE b.hi >= 0 ORDER BY r.o, x.id DESC LIMIT p_n) b WHERE (SELECT count(*) FROM few) > 500
      ORDER BY 1 DESC; END $g$$f$, t, shift);
  END LOOP;
END $do$;
