-- Server-wide settings set by admins, one JSON value per key. I3: which
-- external numbers agents may transfer calls to.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
