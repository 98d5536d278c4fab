-- The read model of "who counts" (server/storage/population.ts). Inside a scope each person counts
-- once per measurement point, with their latest submitted answer in that scope. Every scope filter
-- except time (förbund, intervention, delprojekt, gender, age band) is a property of the person, so
-- "latest in the scope" only depends on the time scope: all answers so far, or one measurement round.
-- Two flags say which answer counts in each, kept by population.ts on every submit.

-- The calendar date an answer counts on: the Swedish date of sending, or the date written on a paper
-- form or in an imported file. Earlier rows get the UTC date of submitted_at.
ALTER TABLE responses ADD COLUMN submitted_on TEXT;
UPDATE responses SET submitted_on = substr(submitted_at, 1, 10) WHERE submitted_at IS NOT NULL;

-- latest: the person's latest submitted answer at this point (all answers so far); latest_in_round:
-- their latest at this point within the answer's measurement round. Anonymous answers count each.
ALTER TABLE responses ADD COLUMN latest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN latest_in_round INTEGER NOT NULL DEFAULT 0;
ALTER TABLE response_scores ADD COLUMN latest_in_round INTEGER NOT NULL DEFAULT 0;

WITH ranked AS (
  SELECT id, participant_id IS NULL AS anonymous,
    row_number() OVER (PARTITION BY participant_id, point ORDER BY submitted_on DESC, submitted_at DESC, id DESC) AS in_all,
    row_number() OVER (PARTITION BY participant_id, point, round_id ORDER BY submitted_on DESC, submitted_at DESC, id DESC) AS in_round
  FROM responses WHERE status = 'submitted'
)
UPDATE responses SET latest = (ranked.anonymous OR ranked.in_all = 1), latest_in_round = (ranked.anonymous OR ranked.in_round = 1)
FROM ranked WHERE ranked.id = responses.id;

UPDATE response_scores SET latest = r.latest, latest_in_round = r.latest_in_round
FROM responses r WHERE r.id = response_scores.response_id;

-- Scans of the counted answers: all so far, or one round; the pair join looks a person's earlier
-- score up by participant.
DROP INDEX response_scores_points;
DROP INDEX response_scores_pairs;
DROP INDEX response_scores_national;
CREATE INDEX response_scores_counted ON response_scores(intervention_id, latest, point, indicator_id, score, gender, age_band, round_id, participant_id);
CREATE INDEX response_scores_counted_round ON response_scores(intervention_id, round_id, latest_in_round, point, indicator_id, score, gender, age_band, participant_id);
CREATE INDEX response_scores_earlier ON response_scores(intervention_id, latest, point, indicator_id, participant_id, score);
CREATE INDEX response_scores_installation ON response_scores(latest, point, indicator_id, score);
-- Each person's scores together, for counting pairs in one pass (population.ts countedPairs).
CREATE INDEX response_scores_people ON response_scores(intervention_id, indicator_id, participant_id, point, latest, latest_in_round, gender, age_band, round_id);
CREATE INDEX responses_counted ON responses(intervention_id, latest, point, participant_id);
CREATE INDEX responses_participant_point ON responses(participant_id, point, status);

-- Numbers that move whenever anything a figure is built from changes, so that computed disclosure
-- plans can be reused until then: one per förbund (its answers, participants, codes, rounds,
-- interventions, delprojekt, its projects' targets) and one ('') that moves when a förbund is
-- added. Sessions, the audit log and names do not move them.
CREATE TABLE figures_version (scope TEXT PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO figures_version (scope, n) VALUES ('', 0);
INSERT INTO figures_version (scope, n) SELECT 'f' || id, 0 FROM federations;

CREATE TRIGGER figures_responses_insert AFTER INSERT ON responses BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = NEW.intervention_id);
END;
CREATE TRIGGER figures_responses_update AFTER UPDATE OF status, latest, latest_in_round, gender, age_band, round_id, participant_id, code ON responses BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = NEW.intervention_id);
END;
CREATE TRIGGER figures_responses_delete AFTER DELETE ON responses BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = OLD.intervention_id);
END;
CREATE TRIGGER figures_participants_insert AFTER INSERT ON participants BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = NEW.intervention_id);
END;
CREATE TRIGGER figures_participants_update AFTER UPDATE ON participants BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = NEW.intervention_id);
END;
CREATE TRIGGER figures_participants_delete AFTER DELETE ON participants BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = OLD.intervention_id);
END;
CREATE TRIGGER figures_codes_insert AFTER INSERT ON access_codes BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || i.federation_id FROM measurement_points mp JOIN interventions i ON i.id = mp.intervention_id WHERE mp.id = NEW.measurement_point_id);
END;
CREATE TRIGGER figures_codes_update AFTER UPDATE OF status, participant_id, round_id ON access_codes BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || i.federation_id FROM measurement_points mp JOIN interventions i ON i.id = mp.intervention_id WHERE mp.id = NEW.measurement_point_id);
END;
CREATE TRIGGER figures_codes_delete AFTER DELETE ON access_codes BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || i.federation_id FROM measurement_points mp JOIN interventions i ON i.id = mp.intervention_id WHERE mp.id = OLD.measurement_point_id);
END;
CREATE TRIGGER figures_rounds_insert AFTER INSERT ON measurement_rounds BEGIN UPDATE figures_version SET n = n + 1 WHERE scope = 'f' || NEW.federation_id; END;
CREATE TRIGGER figures_rounds_update AFTER UPDATE ON measurement_rounds BEGIN UPDATE figures_version SET n = n + 1 WHERE scope = 'f' || NEW.federation_id; END;
CREATE TRIGGER figures_rounds_delete AFTER DELETE ON measurement_rounds BEGIN UPDATE figures_version SET n = n + 1 WHERE scope = 'f' || OLD.federation_id; END;
CREATE TRIGGER figures_interventions_insert AFTER INSERT ON interventions BEGIN UPDATE figures_version SET n = n + 1 WHERE scope = 'f' || NEW.federation_id; END;
CREATE TRIGGER figures_interventions_update AFTER UPDATE ON interventions
  WHEN OLD.kind IS NOT NEW.kind OR OLD.subproject_id IS NOT NEW.subproject_id OR OLD.federation_id IS NOT NEW.federation_id BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope IN ('f' || OLD.federation_id, 'f' || NEW.federation_id);
END;
CREATE TRIGGER figures_points_insert AFTER INSERT ON measurement_points BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = NEW.intervention_id);
END;
CREATE TRIGGER figures_points_delete AFTER DELETE ON measurement_points BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope = (SELECT 'f' || federation_id FROM interventions WHERE id = OLD.intervention_id);
END;
CREATE TRIGGER figures_subprojects_insert AFTER INSERT ON subprojects BEGIN UPDATE figures_version SET n = n + 1 WHERE scope = 'f' || NEW.federation_id; END;
CREATE TRIGGER figures_subprojects_delete AFTER DELETE ON subprojects BEGIN UPDATE figures_version SET n = n + 1 WHERE scope = 'f' || OLD.federation_id; END;
CREATE TRIGGER figures_targets_insert AFTER INSERT ON project_targets BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope IN (SELECT 'f' || federation_id FROM subprojects WHERE project_id = NEW.project_id);
END;
CREATE TRIGGER figures_targets_delete AFTER DELETE ON project_targets BEGIN
  UPDATE figures_version SET n = n + 1 WHERE scope IN (SELECT 'f' || federation_id FROM subprojects WHERE project_id = OLD.project_id);
END;
CREATE TRIGGER figures_federations_insert AFTER INSERT ON federations BEGIN
  INSERT INTO figures_version (scope, n) VALUES ('f' || NEW.id, 0);
  UPDATE figures_version SET n = n + 1 WHERE scope = '';
END;

-- A board report covers one measurement round or everything so far (never free dates); a frozen
-- one says which. period_from / period_to keep the round's dates, or the freezing date for
-- everything so far.
ALTER TABLE report_snapshots ADD COLUMN round_id INTEGER REFERENCES measurement_rounds(id);
