-- First run (issue 20): the organisation the first admin names in the
-- browser's setup, with the country assumed for phone numbers typed
-- without +. One row (id 1); inserting it is also what makes the setup
-- happen once, even with two browsers racing.
CREATE TABLE organisation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  phone_region TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
