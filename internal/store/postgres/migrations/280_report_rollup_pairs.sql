-- Report rollups gain pair series (two dimensions at once: one queue by
-- agent, one channel and one tag, …; internal/report/pairs.go). Every
-- cell is rebuilt from the facts: the recorder's backfill adds them at
-- start, and reports read facts until it is done.
DELETE FROM report_rollup;
UPDATE report_facts SET rolled_up = FALSE;
-- A pair key's first part is read as a range of the primary key: keys
-- order bytewise ("C"), whatever the database's collation (SQLite's
-- default already does).
ALTER TABLE report_rollup ALTER COLUMN series_key TYPE TEXT COLLATE "C";
