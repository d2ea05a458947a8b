-- Report rollups gain pair series (two dimensions at once: one queue by
-- agent, one channel and one tag, …; internal/report/pairs.go). Every
-- cell is rebuilt from the facts: the recorder's backfill adds them at
-- start, and reports read facts until it is done.
DELETE FROM report_rollup;
UPDATE report_facts SET rolled_up = FALSE;
-- pending says facts wait to be added (so reports read facts): set here
-- when there are any, cleared by the backfill when none is left. A flag,
-- not a probe of rolled_up: on PostgreSQL that probe walks every dead
-- index entry the backfill leaves until a vacuum.
CREATE TABLE report_rollup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pending BOOLEAN NOT NULL
);
INSERT INTO report_rollup_state (id, pending) SELECT 1, EXISTS (SELECT 1 FROM report_facts);
-- A pair key's first part is read as a range of the primary key: keys
-- order bytewise ("C"), whatever the database's collation (SQLite's
-- default already does).
ALTER TABLE report_rollup ALTER COLUMN series_key TYPE TEXT COLLATE "C";
