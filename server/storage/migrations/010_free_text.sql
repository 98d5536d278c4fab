-- Free-text answers can be hidden by an evaluator or förbund admin when one identifies someone:
-- kept (the participant's own answer, erased with them), but no longer shown or exported.
ALTER TABLE answers ADD COLUMN hidden_at TEXT;
ALTER TABLE answers ADD COLUMN hidden_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
