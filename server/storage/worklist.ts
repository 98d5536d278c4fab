import type { WorklistAnswer, WorklistCode, WorklistParticipant } from '../domain/worklist.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

// What the worklist (domain/worklist.ts) is computed from, for one intervention: its participants,
// their codes and the last date each answered each point.

export function worklistParticipants(db: Db, interventionId: number): WorklistParticipant[] {
  return sql<[number], WorklistParticipant>(db, `SELECT id, pseudonym, local_ref AS localRef, started_on AS startedOn, substr(created_at, 1, 10) AS registeredOn, exited_on AS exitedOn
    FROM participants WHERE intervention_id = ? ORDER BY id`).all(interventionId);
}

export function worklistCodes(db: Db, interventionId: number): WorklistCode[] {
  return sql<[number], WorklistCode>(db, `SELECT c.code, c.participant_id AS participantId, mp.point, c.status, substr(c.created_at, 1, 10) AS createdOn, r.status AS responseStatus
    FROM access_codes c JOIN measurement_points mp ON mp.id = c.measurement_point_id LEFT JOIN responses r ON r.code = c.code
    WHERE mp.intervention_id = ? AND c.participant_id IS NOT NULL ORDER BY c.rowid`).all(interventionId);
}

/** Per participant and point, the date of their last submitted questionnaire (on the web, on paper or imported). */
export function worklistAnswers(db: Db, interventionId: number): WorklistAnswer[] {
  return sql<[number], WorklistAnswer>(db, `SELECT participant_id AS participantId, point, max(submitted_on) AS lastSubmittedOn FROM responses
    WHERE intervention_id = ? AND status = 'submitted' AND participant_id IS NOT NULL GROUP BY participant_id, point`).all(interventionId);
}
