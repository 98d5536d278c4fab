-- Board reports and regional projects: frozen report snapshots, project outcome targets and the
-- project steering group.

-- A frozen report: the computed report data as JSON, so a board decision refers to figures that
-- no longer move. intervention_id is NULL for a report of the whole federation.
CREATE TABLE report_snapshots (
  id               INTEGER PRIMARY KEY,
  federation_id    INTEGER NOT NULL REFERENCES federations(id),
  intervention_id  INTEGER REFERENCES interventions(id),
  period_from      TEXT NOT NULL,
  period_to        TEXT NOT NULL,
  data             TEXT NOT NULL,
  created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (period_from <= period_to)
);
CREATE INDEX report_snapshots_federation ON report_snapshots(federation_id, created_at);

-- An outcome target of a project ("300 deltagare till arbete eller studier"), counted from the
-- exit status of the participants of the interventions linked to its subprojects. kind names a
-- predefined set of exit statuses; 'custom' lists its own in exit_statuses (a JSON array).
CREATE TABLE project_targets (
  id             INTEGER PRIMARY KEY,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  label          TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('work_or_studies', 'competence', 'custom')),
  exit_statuses  TEXT,
  target         INTEGER NOT NULL CHECK (target > 0),
  CHECK ((kind = 'custom') = (exit_statuses IS NOT NULL))
);
CREATE INDEX project_targets_project ON project_targets(project_id);

-- The project's steering group: users who read the project and its report.
CREATE TABLE project_members (
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_members_user ON project_members(user_id);

CREATE INDEX subprojects_project ON subprojects(project_id);
CREATE INDEX interventions_subproject ON interventions(subproject_id);
