-- Accounts, roles per federation, sessions, API tokens, audit log; federation parties, regional
-- projects and subprojects; staff assignment and paper entry.

CREATE TABLE users (
  id               INTEGER PRIMARY KEY,
  email            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name             TEXT NOT NULL,
  password_hash    TEXT NOT NULL,
  is_system_admin  INTEGER NOT NULL DEFAULT 0,
  failed_logins    INTEGER NOT NULL DEFAULT 0,
  locked_until     TEXT,
  disabled         INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE user_roles (
  user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  role           TEXT NOT NULL CHECK (role IN ('federation_admin', 'staff', 'evaluator', 'board')),
  PRIMARY KEY (user_id, federation_id, role)
) WITHOUT ROWID;
CREATE INDEX user_roles_federation ON user_roles(federation_id);

-- Staff see only the interventions they are assigned to.
CREATE TABLE staff_assignments (
  user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  intervention_id  INTEGER NOT NULL REFERENCES interventions(id),
  PRIMARY KEY (user_id, intervention_id)
) WITHOUT ROWID;

CREATE TABLE sessions (
  sid         TEXT PRIMARY KEY,
  user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
  data        TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
  id             INTEGER PRIMARY KEY,
  token_hash     TEXT NOT NULL UNIQUE,
  prefix         TEXT NOT NULL,
  name           TEXT NOT NULL,
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  role           TEXT NOT NULL CHECK (role IN ('federation_admin', 'staff', 'evaluator', 'board')),
  created_by     INTEGER REFERENCES users(id),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at   TEXT,
  revoked_at     TEXT
);
CREATE INDEX api_tokens_federation ON api_tokens(federation_id);

CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY,
  at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
  token_id       INTEGER REFERENCES api_tokens(id),
  actor          TEXT,
  federation_id  INTEGER REFERENCES federations(id),
  action         TEXT NOT NULL,
  target         TEXT,
  detail         TEXT,
  ip             TEXT
);
CREATE INDEX audit_log_federation_at ON audit_log(federation_id, at);

CREATE TABLE federation_parties (
  id             INTEGER PRIMARY KEY,
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  kind           TEXT NOT NULL CHECK (kind IN ('fk', 'af', 'region', 'municipality')),
  name           TEXT NOT NULL
);
CREATE INDEX federation_parties_federation ON federation_parties(federation_id);

-- Regional projects spanning several federations; each federation runs a subproject (delprojekt).
CREATE TABLE projects (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  starts_on   TEXT,
  ends_on     TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE subprojects (
  id             INTEGER PRIMARY KEY,
  project_id     INTEGER NOT NULL REFERENCES projects(id),
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  name           TEXT NOT NULL
);
CREATE INDEX subprojects_federation ON subprojects(federation_id);

ALTER TABLE interventions ADD COLUMN subproject_id INTEGER REFERENCES subprojects(id);
ALTER TABLE responses ADD COLUMN entered_by_user_id INTEGER REFERENCES users(id);
ALTER TABLE access_codes ADD COLUMN replaced_by TEXT;
