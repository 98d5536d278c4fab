import { generateAccessCode } from '../domain/accessCode.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import type { Db } from './db.js';
import { pointOrderSql, sql } from './statements.js';

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

/** A participant's code with how far its questionnaire has come, for staff pages. */
export interface IssuedCode {
  code: string;
  status: CodeStatus;
  participantId: number | null;
  point: MeasurementPoint;
  roundId: number | null;
  roundName: string | null;
  createdAt: string;
  replacedBy: string | null;
  responseStatus: 'in_progress' | 'submitted' | null;
}

const ISSUED = `SELECT c.code, c.status, c.participant_id AS participantId, mp.point, c.round_id AS roundId, r.name AS roundName,
    c.created_at AS createdAt, c.replaced_by AS replacedBy, resp.status AS responseStatus
  FROM access_codes c
  JOIN measurement_points mp ON mp.id = c.measurement_point_id
  LEFT JOIN measurement_rounds r ON r.id = c.round_id
  LEFT JOIN responses resp ON resp.code = c.code`;

/** Every participant code of an intervention, oldest first. */
export function listInterventionCodes(db: Db, interventionId: number): IssuedCode[] {
  return sql<[number], IssuedCode>(db, `${ISSUED} WHERE mp.intervention_id = ? AND c.participant_id IS NOT NULL ORDER BY c.rowid`).all(interventionId);
}

export function listParticipantCodes(db: Db, participantId: number): IssuedCode[] {
  return sql<[number], IssuedCode>(db, `${ISSUED} WHERE c.participant_id = ? ORDER BY c.rowid`).all(participantId);
}

export interface IssueMissing {
  measurementPointId: number;
  roundId: number | null;
  /** Only this participant; otherwise every participant of the point's intervention. */
  participantId?: number;
  /** Only these participants (staff chose them: those due, and any they ticked). */
  participantIds?: readonly number[];
}

/**
 * The participants (of the point's intervention) who have no code for the point yet: an active code
 * always counts; a spent one counts unless it belonged to another named round, so an "ongoing"
 * point can be asked again in the next round.
 */
export function participantsWithoutCode(db: Db, input: IssueMissing): number[] {
  return sql<unknown[], number>(
    db,
    `SELECT p.id FROM participants p JOIN measurement_points mp ON mp.intervention_id = p.intervention_id
     WHERE mp.id = ? AND (? IS NULL OR p.id = ?) AND (? IS NULL OR p.id IN (SELECT value FROM json_each(?)))
       AND NOT EXISTS (SELECT 1 FROM access_codes c WHERE c.participant_id = p.id AND c.measurement_point_id = mp.id
         AND (c.status = 'active' OR (c.status = 'spent' AND (? IS NULL OR c.round_id IS NULL OR c.round_id = ?))))
     ORDER BY p.id`,
  ).pluck().all(input.measurementPointId, input.participantId ?? null, input.participantId ?? null,
    input.participantIds ? 1 : null, JSON.stringify(input.participantIds ?? []), input.roundId, input.roundId);
}

/** Issues a code to each participant who has none for the point yet (participantsWithoutCode), all or none. */
export function issueMissingCodes(db: Db, input: IssueMissing): string[] {
  return db.transaction(() => issueAccessCodes(db, { measurementPointId: input.measurementPointId, participantIds: participantsWithoutCode(db, input), roundId: input.roundId }))();
}

export type ReissueResult = { ok: true; code: string } | { ok: false; reason: 'notActive' | 'submitted' };

/**
 * Replaces a lost code: the old one is revoked and points to the new one, and an unfinished response
 * moves to the new code so the answers already saved stay. A submitted questionnaire is never reopened.
 */
export function reissueAccessCode(db: Db, oldCode: string): ReissueResult {
  return db.transaction((): ReissueResult => {
    const old = sql<[string], { status: CodeStatus; participantId: number | null; measurementPointId: number; roundId: number | null; responseStatus: string | null }>(
      db,
      `SELECT c.status, c.participant_id AS participantId, c.measurement_point_id AS measurementPointId, c.round_id AS roundId, resp.status AS responseStatus
       FROM access_codes c LEFT JOIN responses resp ON resp.code = c.code WHERE c.code = ?`,
    ).get(oldCode);
    if (!old || old.status === 'revoked') return { ok: false, reason: 'notActive' };
    if (old.status === 'spent' || old.responseStatus === 'submitted') return { ok: false, reason: 'submitted' };
    const [code] = issueAccessCodes(db, { measurementPointId: old.measurementPointId, participantIds: [old.participantId], roundId: old.roundId });
    sql(db, `UPDATE access_codes SET status = 'revoked', replaced_by = ? WHERE code = ?`).run(code, oldCode);
    sql(db, `UPDATE responses SET code = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE code = ? AND status = 'in_progress'`).run(code, oldCode);
    return { ok: true, code: code! };
  })();
}

/**
 * The active code that replaced a revoked one (following reissues of reissues), or undefined when
 * the code was not reissued or its replacement is no longer active.
 */
export function activeReplacementOf(db: Db, code: string): string | undefined {
  const lookup = (c: string) => sql<[string], { status: CodeStatus; replacedBy: string | null }>(db, 'SELECT status, replaced_by AS replacedBy FROM access_codes WHERE code = ?').get(c);
  let current = lookup(code);
  for (let hops = 0; current?.status === 'revoked' && current.replacedBy !== null && hops < 20; hops++) {
    const replacement = current.replacedBy;
    current = lookup(replacement);
    if (current?.status === 'active') return replacement;
  }
  return undefined;
}

export interface SlipCode { code: string; localRef: string | null }

/** Active codes of a point to print, oldest first; only those in `codes` when given. */
export function codesForSlips(db: Db, measurementPointId: number, codes: string[] | null): SlipCode[] {
  return sql<[number, string | null, string | null], SlipCode>(
    db,
    `SELECT c.code, p.local_ref AS localRef FROM access_codes c LEFT JOIN participants p ON p.id = c.participant_id
     WHERE c.measurement_point_id = ? AND c.status = 'active'
       AND (? IS NULL OR c.code IN (SELECT value FROM json_each(?)))
     ORDER BY c.rowid`,
  ).all(measurementPointId, codes && JSON.stringify(codes), codes && JSON.stringify(codes));
}

export interface OutstandingCode { code: string; point: MeasurementPoint; roundName: string | null; pseudonym: string | null; issuedAt: string; started: number }

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
