-- Where a response came from: answered on the web, typed in from paper by staff, or imported from
-- a CSV of earlier years (old Excel data). Until now only paper entry set entered_by_staff.

ALTER TABLE responses ADD COLUMN source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'paper', 'import'));
UPDATE responses SET source = 'paper' WHERE entered_by_staff = 1;

-- Submitting a participant's response copies their gender and age band onto all their score rows;
-- without this index that is a scan of every score, once per response (an import submits thousands).
CREATE INDEX response_scores_participant ON response_scores(participant_id);
