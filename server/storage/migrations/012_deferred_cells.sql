-- A bulk write (the CSV import: 100,000 questionnaires, a million score rows) keeps the counted
-- cells of migration 009 current once at its end instead of row by row: inside its transaction it
-- names its intervention here, the triggers skip that intervention's score rows, and before it
-- commits it counts the intervention's cells afresh and takes the row out again
-- (storage/countedCells.ts). The table is empty outside such a transaction, so every other write,
-- and every other intervention's rows in that one, are kept by the triggers as before; a bulk
-- write that fails rolls the row back with everything else.
CREATE TABLE counted_cells_deferred (intervention_id INTEGER PRIMARY KEY) WITHOUT ROWID;

DROP TRIGGER score_cells_insert;
DROP TRIGGER score_cells_delete;
DROP TRIGGER score_cells_update;
DROP TRIGGER pair_cells_before_insert;
DROP TRIGGER pair_cells_after_insert;
DROP TRIGGER pair_cells_before_update;
DROP TRIGGER pair_cells_after_update;
DROP TRIGGER pair_cells_before_delete;
DROP TRIGGER pair_cells_after_delete;

-- The triggers of migration 009, each with one more condition: its intervention is not deferred.
CREATE TRIGGER score_cells_insert AFTER INSERT ON response_scores
WHEN (NEW.latest = 1 OR NEW.latest_in_round = 1) AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = NEW.intervention_id) BEGIN
  INSERT INTO score_cells VALUES (NEW.intervention_id, NEW.point, NEW.indicator_id, coalesce(NEW.gender, ''), coalesce(NEW.age_band, ''), coalesce(NEW.round_id, 0), NEW.score, NEW.latest, NEW.latest_in_round)
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER score_cells_delete AFTER DELETE ON response_scores
WHEN (OLD.latest = 1 OR OLD.latest_in_round = 1) AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = OLD.intervention_id) BEGIN
  UPDATE score_cells SET in_all = in_all - OLD.latest, in_round = in_round - OLD.latest_in_round
  WHERE intervention_id = OLD.intervention_id AND point = OLD.point AND indicator_id = OLD.indicator_id AND gender = coalesce(OLD.gender, '')
    AND age_band = coalesce(OLD.age_band, '') AND round_id = coalesce(OLD.round_id, 0) AND score = OLD.score;
END;
CREATE TRIGGER score_cells_update AFTER UPDATE OF point, gender, age_band, round_id, score, latest, latest_in_round ON response_scores
WHEN NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = NEW.intervention_id) BEGIN
  UPDATE score_cells SET in_all = in_all - OLD.latest, in_round = in_round - OLD.latest_in_round
  WHERE (OLD.latest = 1 OR OLD.latest_in_round = 1) AND intervention_id = OLD.intervention_id AND point = OLD.point AND indicator_id = OLD.indicator_id
    AND gender = coalesce(OLD.gender, '') AND age_band = coalesce(OLD.age_band, '') AND round_id = coalesce(OLD.round_id, 0) AND score = OLD.score;
  INSERT INTO score_cells
  SELECT NEW.intervention_id, NEW.point, NEW.indicator_id, coalesce(NEW.gender, ''), coalesce(NEW.age_band, ''), coalesce(NEW.round_id, 0), NEW.score, NEW.latest, NEW.latest_in_round
  WHERE NEW.latest = 1 OR NEW.latest_in_round = 1
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;

CREATE TRIGGER pair_cells_before_insert BEFORE INSERT ON response_scores
WHEN NEW.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = NEW.intervention_id) BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, -sum(in_all), -sum(in_round)
  FROM counted_pairs WHERE participant_id = NEW.participant_id AND indicator_id = NEW.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_after_insert AFTER INSERT ON response_scores
WHEN NEW.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = NEW.intervention_id) BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
  FROM counted_pairs WHERE participant_id = NEW.participant_id AND indicator_id = NEW.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_before_update BEFORE UPDATE OF point, gender, age_band, round_id, score, latest, latest_in_round ON response_scores
WHEN OLD.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = OLD.intervention_id) BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, -sum(in_all), -sum(in_round)
  FROM counted_pairs WHERE participant_id = OLD.participant_id AND indicator_id = OLD.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_after_update AFTER UPDATE OF point, gender, age_band, round_id, score, latest, latest_in_round ON response_scores
WHEN NEW.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = NEW.intervention_id) BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
  FROM counted_pairs WHERE participant_id = NEW.participant_id AND indicator_id = NEW.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_before_delete BEFORE DELETE ON response_scores
WHEN OLD.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = OLD.intervention_id) BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, -sum(in_all), -sum(in_round)
  FROM counted_pairs WHERE participant_id = OLD.participant_id AND indicator_id = OLD.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_after_delete AFTER DELETE ON response_scores
WHEN OLD.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted_cells_deferred WHERE intervention_id = OLD.intervention_id) BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
  FROM counted_pairs WHERE participant_id = OLD.participant_id AND indicator_id = OLD.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;

-- Each person's scores of an indicator, with everything counted_pairs reads of them: the pair
-- triggers at every submit, and the count afresh after a bulk write (a whole intervention's pairs),
-- then read the index alone, never the table (the count afresh of 100,000 questionnaires' pairs in
-- half the time; no slower to write).
DROP INDEX response_scores_person;
CREATE INDEX response_scores_person ON response_scores(participant_id, indicator_id, latest, point, score, latest_in_round, gender, age_band, round_id);
