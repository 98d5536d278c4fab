import type { Db } from './db.js';
import { pointOrderSql, sql } from './statements.js';

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
     ORDER BY ${pointOrderSql('mp.point')}`,
  ).all(interventionId);
}


/** Codes issued (not revoked), with a response started (submitted ones included) and submitted. */
export interface RateCounts { point: string; roundId: number | null; roundName: string | null; issued: number; started: number; submitted: number }

const RATE_FROM = `count(c.code) AS issued, count(resp.id) AS started, count(CASE WHEN resp.status = 'submitted' THEN 1 END) AS submitted
  FROM measurement_points mp
  LEFT JOIN access_codes c ON c.measurement_point_id = mp.id AND c.status != 'revoked'
  LEFT JOIN responses resp ON resp.code = c.code
  LEFT JOIN measurement_rounds r ON r.id = c.round_id
  WHERE mp.intervention_id = ?`;

/** Response rate counts per measurement point of an intervention, every point listed. Counted by code, so a reissued code counts once. */
export function ratesByPoint(db: Db, interventionId: number): RateCounts[] {
  return sql<[number], RateCounts>(
    db,
    `SELECT mp.point, NULL AS roundId, NULL AS roundName, ${RATE_FROM} GROUP BY mp.point ORDER BY ${pointOrderSql('mp.point')}`,
  ).all(interventionId);
}

/** The same per measurement round and point; codes issued without a round form their own group (roundId null). */
export function ratesByRound(db: Db, interventionId: number): RateCounts[] {
  return sql<[number], RateCounts>(
    db,
    `SELECT mp.point, c.round_id AS roundId, r.name AS roundName, ${RATE_FROM} AND c.code IS NOT NULL
     GROUP BY c.round_id, mp.point ORDER BY r.starts_on IS NULL, r.starts_on, ${pointOrderSql('mp.point')}`,
  ).all(interventionId);
}

export interface OutstandingCode { code: string; point: string; roundName: string | null; pseudonym: string | null; issuedAt: string; started: number }

/** Active codes without a submitted response, to follow up; oldest first within each point. */
export function outstandingCodes(db: Db, interventionId: number): OutstandingCode[] {
  return sql<[number], OutstandingCode>(
    db,
    `SELECT c.code, mp.point, r.name AS roundName, p.pseudonym, c.created_at AS issuedAt, resp.id IS NOT NULL AS started
     FROM access_codes c
     JOIN measurement_points mp ON mp.id = c.measurement_point_id
     LEFT JOIN participants p ON p.id = c.participant_id
     LEFT JOIN measurement_rounds r ON r.id = c.round_id
     LEFT JOIN responses resp ON resp.code = c.code
     WHERE mp.intervention_id = ? AND c.status = 'active' AND (resp.status IS NULL OR resp.status != 'submitted')
     ORDER BY ${pointOrderSql('mp.point')}, c.rowid`,
  ).all(interventionId);
}
