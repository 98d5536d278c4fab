-- Who counts, kept current at every write instead of rescanned at every read (issue 10: the summary
-- of an intervention, its disclosure plan and the national aggregate read these few rows).
--
-- score_cells: how many people count with each score, per intervention, point, indicator, gender,
-- age band and round; in_all those whose answer is their latest so far (latest = 1), in_round those
-- whose answer is their latest in its round (latest_in_round = 1).
-- pair_cells: the same for the paired changes: each counted answer at to_point (in_all / in_round as
-- above) with the person's latest answer at from_point so far, by both scores.
--
-- Triggers on response_scores keep both, so every write (a submit, paper entry, import, erasure,
-- a moved answer) moves them in the same transaction. Not given (NULL) is stored as '' for gender
-- and age band and 0 for the round, so that a cell has one row; population.ts reads them back as NULL.
-- Counts only, never sums: figures read from them are exact whatever the order of the writes.
CREATE TABLE score_cells (
  intervention_id INTEGER NOT NULL,
  point           TEXT NOT NULL,
  indicator_id    TEXT NOT NULL,
  gender          TEXT NOT NULL,
  age_band        TEXT NOT NULL,
  round_id        INTEGER NOT NULL,
  score           REAL NOT NULL,
  in_all          INTEGER NOT NULL,
  in_round        INTEGER NOT NULL,
  PRIMARY KEY (intervention_id, point, indicator_id, gender, age_band, round_id, score)
) WITHOUT ROWID;

CREATE TABLE pair_cells (
  intervention_id INTEGER NOT NULL,
  indicator_id    TEXT NOT NULL,
  from_point      TEXT NOT NULL,
  to_point        TEXT NOT NULL,
  gender          TEXT NOT NULL,
  age_band        TEXT NOT NULL,
  round_id        INTEGER NOT NULL,
  score_before    REAL NOT NULL,
  score_after     REAL NOT NULL,
  in_all          INTEGER NOT NULL,
  in_round        INTEGER NOT NULL,
  PRIMARY KEY (intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after)
) WITHOUT ROWID;

-- The scans of counted answers are now reads of the cells; what is left is finding one person's
-- scores of an indicator (the triggers below, and a change of their gender or age band).
DROP INDEX response_scores_counted;
DROP INDEX response_scores_counted_round;
DROP INDEX response_scores_earlier;
DROP INDEX response_scores_installation;
DROP INDEX response_scores_people;
DROP INDEX response_scores_participant;
CREATE INDEX response_scores_person ON response_scores(participant_id, indicator_id, latest, point);

-- The pairing rule, written once: each counted answer at to_point (its flags say in which time
-- scopes it counts) with the same person's latest answer at another point, in the same indicator.
CREATE VIEW counted_pairs AS
SELECT t.participant_id, t.intervention_id, t.indicator_id, f.point AS from_point, t.point AS to_point,
  coalesce(t.gender, '') AS gender, coalesce(t.age_band, '') AS age_band, coalesce(t.round_id, 0) AS round_id,
  f.score AS score_before, t.score AS score_after, t.latest AS in_all, t.latest_in_round AS in_round
FROM response_scores t INDEXED BY response_scores_person JOIN response_scores f INDEXED BY response_scores_person
  ON f.participant_id = t.participant_id AND f.indicator_id = t.indicator_id AND f.intervention_id = t.intervention_id AND f.latest = 1 AND f.point <> t.point
WHERE t.participant_id IS NOT NULL AND (t.latest = 1 OR t.latest_in_round = 1);

INSERT INTO score_cells
SELECT intervention_id, point, indicator_id, coalesce(gender, ''), coalesce(age_band, ''), coalesce(round_id, 0), score, sum(latest), sum(latest_in_round)
FROM response_scores WHERE latest = 1 OR latest_in_round = 1
GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO pair_cells
SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
FROM counted_pairs GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

-- A score row belongs to one response, person, intervention and indicator for good.
CREATE TRIGGER response_scores_identity BEFORE UPDATE OF intervention_id, indicator_id, participant_id, response_id ON response_scores
WHEN NEW.intervention_id IS NOT OLD.intervention_id OR NEW.indicator_id IS NOT OLD.indicator_id OR NEW.participant_id IS NOT OLD.participant_id OR NEW.response_id IS NOT OLD.response_id
BEGIN
  SELECT RAISE(ABORT, 'a score row keeps its response, person, intervention and indicator');
END;

-- score_cells: the row's own cell, out with the old values and in with the new.
CREATE TRIGGER score_cells_insert AFTER INSERT ON response_scores WHEN NEW.latest = 1 OR NEW.latest_in_round = 1 BEGIN
  INSERT INTO score_cells VALUES (NEW.intervention_id, NEW.point, NEW.indicator_id, coalesce(NEW.gender, ''), coalesce(NEW.age_band, ''), coalesce(NEW.round_id, 0), NEW.score, NEW.latest, NEW.latest_in_round)
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER score_cells_delete AFTER DELETE ON response_scores WHEN OLD.latest = 1 OR OLD.latest_in_round = 1 BEGIN
  UPDATE score_cells SET in_all = in_all - OLD.latest, in_round = in_round - OLD.latest_in_round
  WHERE intervention_id = OLD.intervention_id AND point = OLD.point AND indicator_id = OLD.indicator_id AND gender = coalesce(OLD.gender, '')
    AND age_band = coalesce(OLD.age_band, '') AND round_id = coalesce(OLD.round_id, 0) AND score = OLD.score;
END;
CREATE TRIGGER score_cells_update AFTER UPDATE OF point, gender, age_band, round_id, score, latest, latest_in_round ON response_scores BEGIN
  UPDATE score_cells SET in_all = in_all - OLD.latest, in_round = in_round - OLD.latest_in_round
  WHERE (OLD.latest = 1 OR OLD.latest_in_round = 1) AND intervention_id = OLD.intervention_id AND point = OLD.point AND indicator_id = OLD.indicator_id
    AND gender = coalesce(OLD.gender, '') AND age_band = coalesce(OLD.age_band, '') AND round_id = coalesce(OLD.round_id, 0) AND score = OLD.score;
  INSERT INTO score_cells
  SELECT NEW.intervention_id, NEW.point, NEW.indicator_id, coalesce(NEW.gender, ''), coalesce(NEW.age_band, ''), coalesce(NEW.round_id, 0), NEW.score, NEW.latest, NEW.latest_in_round
  WHERE NEW.latest = 1 OR NEW.latest_in_round = 1
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;

-- pair_cells: a change to one of a person's scores of an indicator can change every pair of theirs
-- in that indicator (the latest answer at a from point is on the other side of each). So the
-- person's pairs in the indicator are taken out before the row changes and put back after it, read
-- from their few score rows each time (the index response_scores_person).
CREATE TRIGGER pair_cells_before_insert BEFORE INSERT ON response_scores WHEN NEW.participant_id IS NOT NULL BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, -sum(in_all), -sum(in_round)
  FROM counted_pairs WHERE participant_id = NEW.participant_id AND indicator_id = NEW.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_after_insert AFTER INSERT ON response_scores WHEN NEW.participant_id IS NOT NULL BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
  FROM counted_pairs WHERE participant_id = NEW.participant_id AND indicator_id = NEW.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_before_update BEFORE UPDATE OF point, gender, age_band, round_id, score, latest, latest_in_round ON response_scores WHEN OLD.participant_id IS NOT NULL BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, -sum(in_all), -sum(in_round)
  FROM counted_pairs WHERE participant_id = OLD.participant_id AND indicator_id = OLD.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_after_update AFTER UPDATE OF point, gender, age_band, round_id, score, latest, latest_in_round ON response_scores WHEN NEW.participant_id IS NOT NULL BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
  FROM counted_pairs WHERE participant_id = NEW.participant_id AND indicator_id = NEW.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_before_delete BEFORE DELETE ON response_scores WHEN OLD.participant_id IS NOT NULL BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, -sum(in_all), -sum(in_round)
  FROM counted_pairs WHERE participant_id = OLD.participant_id AND indicator_id = OLD.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
CREATE TRIGGER pair_cells_after_delete AFTER DELETE ON response_scores WHEN OLD.participant_id IS NOT NULL BEGIN
  INSERT INTO pair_cells
  SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
  FROM counted_pairs WHERE participant_id = OLD.participant_id AND indicator_id = OLD.indicator_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT DO UPDATE SET in_all = in_all + excluded.in_all, in_round = in_round + excluded.in_round;
END;
