-- Password reset links sent by e-mail: single use, one hour, stored only as the hash of their secret.
CREATE TABLE password_resets (
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at  TEXT NOT NULL,
  used_at     TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);
