import type { Db } from './db.js';
import { sql } from './statements.js';

export interface ScoreRow { point: string; indicatorId: string; participantId: number | null; score: number }

/** Every stored indicator score of an intervention's submitted responses (one index range). */
export function indicatorScores(db: Db, interventionId: number): ScoreRow[] {
  return sql<[number], ScoreRow>(
    db,
    `SELECT point, indicator_id AS indicatorId, participant_id AS participantId, score FROM response_scores WHERE intervention_id = ?`,
  ).all(interventionId);
}

export interface ResponseCounts { point: string; issued: number; started: number; submitted: number }

/** Per measurement point: codes issued, responses started, responses submitted. */
export function responseCounts(db: Db, interventionId: number): ResponseCounts[] {
  return sql<[number], ResponseCounts>(
    db,
    `SELECT mp.point,
       (SELECT count(*) FROM access_codes c WHERE c.measurement_point_id = mp.id AND c.status != 'revoked') AS issued,
       (SELECT count(*) FROM responses r WHERE r.intervention_id = mp.intervention_id AND r.point = mp.point) AS started,
       (SELECT count(*) FROM responses r WHERE r.intervention_id = mp.intervention_id AND r.point = mp.point AND r.status = 'submitted') AS submitted
     FROM measurement_points mp WHERE mp.intervention_id = ?
     ORDER BY CASE mp.point WHEN 'start' THEN 1 WHEN 'ongoing' THEN 2 WHEN 'exit' THEN 3 WHEN 'followup' THEN 4 ELSE 5 END`,
  ).all(interventionId);
}
