-- Breakdown dimensions (gender, age band) for filters and the equality indicator. A participant
-- answers them at start; every response and score row of that participant carries them, so a
-- filtered summary stays one index range scan.

ALTER TABLE participants ADD COLUMN gender TEXT;
ALTER TABLE participants ADD COLUMN age_band TEXT;
ALTER TABLE responses ADD COLUMN gender TEXT;
ALTER TABLE responses ADD COLUMN age_band TEXT;
ALTER TABLE response_scores ADD COLUMN gender TEXT;
ALTER TABLE response_scores ADD COLUMN age_band TEXT;

-- The national aggregate reads (point, indicator, score) histograms straight off this index.
CREATE INDEX response_scores_national ON response_scores(point, indicator_id, score);
CREATE INDEX responses_submitted ON responses(status, submitted_at);
