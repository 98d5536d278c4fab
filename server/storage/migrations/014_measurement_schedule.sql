-- When an intervention's participants are due to answer (the staff's worklist): the ongoing
-- questionnaire every N months, the follow-up N months after exit, the planned length of the
-- intervention (who has no exit after it), and after how many days an unanswered code is followed up.
ALTER TABLE interventions ADD COLUMN ongoing_every_months INTEGER CHECK (ongoing_every_months BETWEEN 1 AND 60);
ALTER TABLE interventions ADD COLUMN followup_after_months INTEGER CHECK (followup_after_months BETWEEN 1 AND 60);
ALTER TABLE interventions ADD COLUMN planned_length_months INTEGER CHECK (planned_length_months BETWEEN 1 AND 120);
ALTER TABLE interventions ADD COLUMN remind_after_days INTEGER NOT NULL DEFAULT 14 CHECK (remind_after_days BETWEEN 1 AND 365);
