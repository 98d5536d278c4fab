-- People are invited to a role, never given one on an account an admin named: the invited person
-- opens a single-use, expiring link and either creates their account (choosing their own password)
-- or signs in to the one they have. Only the link's SHA-256 is stored. A förbund's first admin is
-- invited the same way (federation_id set, role federation_admin).
CREATE TABLE invitations (
  id            INTEGER PRIMARY KEY,
  token_hash    TEXT NOT NULL UNIQUE,
  email         TEXT NOT NULL COLLATE NOCASE,
  federation_id INTEGER NOT NULL REFERENCES federations(id) ON DELETE CASCADE,
  role          TEXT NOT NULL,
  created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at    TEXT NOT NULL,
  accepted_at   TEXT,
  accepted_by   INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX invitations_federation ON invitations(federation_id, accepted_at);
