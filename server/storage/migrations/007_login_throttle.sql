-- Failed sign-ins counted per source and account (the client's address and the e-mail typed, known
-- or not), not per account: a stranger elsewhere can no longer lock someone out, and the answer
-- never tells whether an e-mail has an account. users.failed_logins / locked_until are no longer used.
CREATE TABLE login_throttle (
  key          TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  locked_until TEXT,
  last_at      TEXT NOT NULL
);
