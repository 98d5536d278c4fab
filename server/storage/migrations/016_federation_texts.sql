-- Texts a förbund writes for its participants, per language: the privacy notice (GDPR art. 13)
-- and whom to contact. Without one, the app's default text (server/i18n) is shown.
CREATE TABLE federation_texts (
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  kind           TEXT NOT NULL CHECK (kind IN ('privacy', 'contact')),
  language       TEXT NOT NULL,
  text           TEXT NOT NULL,
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (federation_id, kind, language)
) WITHOUT ROWID;
