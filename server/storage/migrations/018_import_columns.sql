-- How a förbund's own files name their columns (issue 11: the CSV import's column mapping), per
-- instrument, so that the mapping step is filled in when a file with the same headers comes again.
CREATE TABLE import_columns (
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  -- The instruments the intervention's points ask, comma-separated (domain/importColumns.mappingInstrument).
  instrument     TEXT NOT NULL,
  -- The header as the import reads it: trimmed, in lower case.
  header         TEXT NOT NULL,
  -- A template column (an item id, participant_ref …) or '-': the column is not imported.
  target         TEXT NOT NULL,
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (federation_id, instrument, header)
) WITHOUT ROWID;
