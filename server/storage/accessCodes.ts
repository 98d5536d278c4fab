import { generateAccessCode } from '../domain/accessCode.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

export type CodeStatus = 'active' | 'spent' | 'revoked';

/** A code with everything needed to open its questionnaire. */
export interface AccessCode {
  code: string;
  status: CodeStatus;
  participantId: number | null;
  measurementPointId: number;
  roundId: number | null;
  interventionId: number;
  federationId: number;
  point: MeasurementPoint;
  instrumentId: string;
  createdAt: string;
  spentAt: string | null;
}

const SELECT = `SELECT c.code, c.status, c.participant_id AS participantId, c.measurement_point_id AS measurementPointId,
    c.round_id AS roundId, mp.intervention_id AS interventionId, i.federation_id AS federationId, mp.point,
    mp.instrument_id AS instrumentId, c.created_at AS createdAt, c.spent_at AS spentAt
  FROM access_codes c
  JOIN measurement_points mp ON mp.id = c.measurement_point_id
  JOIN interventions i ON i.id = mp.intervention_id`;

export function findAccessCode(db: Db, code: string): AccessCode | undefined {
  return sql<[string], AccessCode>(db, `${SELECT} WHERE c.code = ?`).get(code);
}

export interface IssueCodes {
  measurementPointId: number;
  participantIds?: (number | null)[];
  count?: number;
  roundId?: number | null;
}

/** Issues new unique codes (one per participant, or `count` anonymous ones) in one transaction. */
export function issueAccessCodes(db: Db, input: IssueCodes): string[] {
  const owners = input.participantIds ?? Array.from({ length: input.count ?? 0 }, () => null);
  const insert = sql(db, `INSERT INTO access_codes (code, participant_id, measurement_point_id, round_id) VALUES (?, ?, ?, ?)
    ON CONFLICT (code) DO NOTHING`);
  return db.transaction(() =>
    owners.map((participantId) => {
      for (;;) {
        const code = generateAccessCode();
        if (insert.run(code, participantId, input.measurementPointId, input.roundId ?? null).changes === 1) return code;
      }
    }),
  )();
}

export function listCodesForPoint(db: Db, measurementPointId: number): AccessCode[] {
  return sql<[number], AccessCode>(db, `${SELECT} WHERE c.measurement_point_id = ? ORDER BY c.created_at, c.code`).all(measurementPointId);
}
