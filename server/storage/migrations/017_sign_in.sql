-- Signing in (issue 13): a second factor for password accounts (TOTP and single-use recovery codes,
-- stored hashed), the link between an account and its subject at an OpenID Connect provider, and
-- the förbund that let their users in only through single sign-on.

CREATE TABLE user_totp (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  -- The shared secret (base32): the server must read it to check a code, so it cannot be hashed.
  secret      TEXT NOT NULL,
  -- The RFC 6238 time step of the last code taken: a code of that step or an earlier one is refused.
  last_step   INTEGER NOT NULL,
  enabled_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE recovery_codes (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL UNIQUE,
  used_at    TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE oidc_links (
  provider      TEXT NOT NULL,
  subject       TEXT NOT NULL,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at  TEXT,
  PRIMARY KEY (provider, subject),
  UNIQUE (user_id, provider)
);

ALTER TABLE federations ADD COLUMN sso_required INTEGER NOT NULL DEFAULT 0;
