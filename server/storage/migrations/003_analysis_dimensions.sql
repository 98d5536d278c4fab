-- Breakdown dimensions (gender, age band) for filters and the equality indicator. A participant
-- answers them at start; every response and score row of that participant carries them, so a
-- filtered summary stays one index range scan.

ALTER TABLE participants ADD COLUMN gender TEXT;
ALTER TABLE participants ADD COLUMN age_band TEXT;
ALTER TABLE responses ADD COLUMN gender TEXT;
ALTER TABLE responses ADD COLUMN age_band TEXT;
ALTER TABLE response_scores ADD COLUMN gender TEXT;
ALTER TABLE response_scores ADD COLUMN age_band TEXT;

-- 1 on a participant's latest submitted score at a point of an intervention (and on every
-- anonymous row): a person counts once, and repeated answers (ongoing) do not inflate n.
ALTER TABLE response_scores ADD COLUMN latest INTEGER NOT NULL DEFAULT 1;

-- The summary's two aggregate queries read these covering indexes in order: score histograms per
-- point and indicator, and each participant's pair of scores for the paired change. The filter
-- columns ride along so a filtered summary never visits the table.
CREATE INDEX response_scores_points ON response_scores(intervention_id, latest, point, indicator_id, score, gender, age_band, round_id);
CREATE INDEX response_scores_pairs ON response_scores(intervention_id, latest, indicator_id, participant_id, point, score, gender, age_band, round_id);
-- The national aggregate reads (point, indicator, score) histograms straight off this index.
CREATE INDEX response_scores_national ON response_scores(point, indicator_id, score);
CREATE INDEX responses_submitted ON responses(status, submitted_at);
