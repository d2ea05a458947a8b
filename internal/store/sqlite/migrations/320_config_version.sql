-- A version of the channel configuration (issue 22): every committed
-- change to channels moves it, so a node may keep the channel list it read
-- while the version it sees with each reply's read is the same (a reply
-- no longer reads every channel). One row.
CREATE TABLE config_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO config_version (id, n) VALUES (1, 1);
CREATE TRIGGER channels_config_version_insert AFTER INSERT ON channels
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER channels_config_version_update AFTER UPDATE ON channels
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER channels_config_version_delete AFTER DELETE ON channels
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
