-- Templates and macros (issue 6, E1-E3), SQLite. A macro's actions are one JSON document.
CREATE TABLE templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  variables INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX templates_sort ON templates(sort_name, id);
CREATE TABLE macros (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  actions TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX macros_sort ON macros(sort_name, id);
