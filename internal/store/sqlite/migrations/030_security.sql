-- Security (issue 9): TOTP enrollments, recovery codes, the per-role 2FA
-- policy, session enrollment restriction and the audit log.
CREATE TABLE agent_totp (
  agent_id INTEGER PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  confirmed BOOLEAN NOT NULL DEFAULT 0,
  last_step INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER
);
CREATE TABLE totp_recovery_codes (
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  PRIMARY KEY (agent_id, code_hash)
);
CREATE TABLE totp_required_roles (role TEXT PRIMARY KEY);
ALTER TABLE sessions ADD COLUMN enroll_required BOOLEAN NOT NULL DEFAULT 0;
-- No foreign keys: the log outlives the accounts it names.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  actor_id INTEGER,
  agent_id INTEGER,
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_agent ON audit_log(agent_id, id);
CREATE INDEX audit_log_type ON audit_log(type, id);
