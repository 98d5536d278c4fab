-- Federations (samordningsförbund), their interventions, participants, codes and responses.

CREATE TABLE federations (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE interventions (
  id             INTEGER PRIMARY KEY,
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('individual', 'structural')),
  target_group   TEXT,
  starts_on      TEXT,
  ends_on        TEXT,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX interventions_federation ON interventions(federation_id);

-- A measurement round is a calendar period ("Vår 2026") of a federation.
CREATE TABLE measurement_rounds (
  id             INTEGER PRIMARY KEY,
  federation_id  INTEGER NOT NULL REFERENCES federations(id),
  name           TEXT NOT NULL,
  starts_on      TEXT NOT NULL,
  ends_on        TEXT NOT NULL,
  CHECK (starts_on <= ends_on)
);
CREATE INDEX measurement_rounds_federation ON measurement_rounds(federation_id);

-- Which measurement points an intervention uses, and with which instrument.
CREATE TABLE measurement_points (
  id               INTEGER PRIMARY KEY,
  intervention_id  INTEGER NOT NULL REFERENCES interventions(id),
  point            TEXT NOT NULL CHECK (point IN ('start', 'ongoing', 'exit', 'followup', 'yearly')),
  instrument_id    TEXT NOT NULL,
  UNIQUE (intervention_id, point)
);

-- Pseudonymous: a random public id and an optional local reference, never a personnummer.
CREATE TABLE participants (
  id               INTEGER PRIMARY KEY,
  pseudonym        TEXT NOT NULL UNIQUE,
  intervention_id  INTEGER NOT NULL REFERENCES interventions(id),
  local_ref        TEXT,
  started_on       TEXT,
  exited_on        TEXT,
  exit_status      TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX participants_intervention ON participants(intervention_id);

-- One code per participant and measurement point; spent when its response is submitted.
CREATE TABLE access_codes (
  code                  TEXT PRIMARY KEY,
  participant_id        INTEGER REFERENCES participants(id),
  measurement_point_id  INTEGER NOT NULL REFERENCES measurement_points(id),
  round_id              INTEGER REFERENCES measurement_rounds(id),
  status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'spent', 'revoked')),
  created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  spent_at              TEXT
);
CREATE INDEX access_codes_point ON access_codes(measurement_point_id);
CREATE INDEX access_codes_participant ON access_codes(participant_id);

CREATE TABLE responses (
  id                    INTEGER PRIMARY KEY,
  code                  TEXT REFERENCES access_codes(code),
  participant_id        INTEGER REFERENCES participants(id),
  intervention_id       INTEGER NOT NULL REFERENCES interventions(id),
  point                 TEXT NOT NULL,
  round_id              INTEGER REFERENCES measurement_rounds(id),
  instrument_id         TEXT NOT NULL,
  instrument_version    TEXT NOT NULL,
  language              TEXT NOT NULL,
  status                TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'submitted')),
  entered_by_staff      INTEGER NOT NULL DEFAULT 0,
  last_section          INTEGER NOT NULL DEFAULT 0,
  started_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  submitted_at          TEXT
);
CREATE UNIQUE INDEX responses_code ON responses(code);
CREATE INDEX responses_intervention_point ON responses(intervention_id, point, status);
CREATE INDEX responses_participant ON responses(participant_id);

-- One row per answered item. dont_know = 1 is "vet ej / vill inte svara": missing, never a number.
CREATE TABLE answers (
  response_id  INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  item_id      TEXT NOT NULL,
  value_num    REAL,
  value_text   TEXT,
  dont_know    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (response_id, item_id)
) WITHOUT ROWID;

-- Indicator scores computed once at submit, so analysis never rescans raw answers. The grouping
-- columns are copied from the response so a summary is one index range scan.
CREATE TABLE response_scores (
  intervention_id  INTEGER NOT NULL,
  point            TEXT NOT NULL,
  indicator_id     TEXT NOT NULL,
  response_id      INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  round_id         INTEGER,
  participant_id   INTEGER,
  score            REAL NOT NULL,
  PRIMARY KEY (intervention_id, point, indicator_id, response_id)
) WITHOUT ROWID;
CREATE INDEX response_scores_response ON response_scores(response_id);

-- Generated secrets (CSRF, sessions) and other installation-wide values.
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
