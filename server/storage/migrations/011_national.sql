-- The national report (NNS). A förbund is known nationally by its organisation number, which its
-- yearly submission file carries. A national installation (INDIKATOR_MODE=national) holds only
-- those files: aggregates, never microdata; one per förbund and year, replaced only when asked.
ALTER TABLE federations ADD COLUMN organisation_number TEXT;
CREATE UNIQUE INDEX federations_organisation_number ON federations(organisation_number) WHERE organisation_number IS NOT NULL;

-- The national role (NNS staff): reads the national report and receives submissions. Held across
-- the installation, like the system admin.
ALTER TABLE users ADD COLUMN is_national INTEGER NOT NULL DEFAULT 0;

CREATE TABLE national_submissions (
  id                   INTEGER PRIMARY KEY,
  organisation_number  TEXT NOT NULL,
  federation_name      TEXT NOT NULL,
  year                 INTEGER NOT NULL,
  schema_version       TEXT NOT NULL,
  software_version     TEXT NOT NULL,
  produced_at          TEXT NOT NULL,
  sha256               TEXT NOT NULL,
  document             TEXT NOT NULL,
  received_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  received_by          INTEGER REFERENCES users(id) ON DELETE SET NULL,
  replaced_count       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (organisation_number, year)
);
CREATE INDEX national_submissions_year ON national_submissions(year);
