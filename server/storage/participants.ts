import { generatePseudonym } from '../domain/pseudonym.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

export interface Participant {
  id: number;
  pseudonym: string;
  interventionId: number;
  localRef: string | null;
  startedOn: string | null;
  exitedOn: string | null;
  exitStatus: string | null;
}

export interface NewParticipant {
  interventionId: number;
  localRef?: string | null;
  startedOn?: string | null;
}

const COLUMNS = `id, pseudonym, intervention_id AS interventionId, local_ref AS localRef, started_on AS startedOn,
  exited_on AS exitedOn, exit_status AS exitStatus`;

/** Registers a participant under a fresh random pseudonym. The caller has checked localRef is no personnummer. */
export function createParticipant(db: Db, input: NewParticipant): Participant {
  return sql<[string, number, string | null, string | null], Participant>(
    db,
    `INSERT INTO participants (pseudonym, intervention_id, local_ref, started_on) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
  ).get(generatePseudonym(), input.interventionId, input.localRef ?? null, input.startedOn ?? null)!;
}

export function getParticipant(db: Db, id: number): Participant | undefined {
  return sql<[number], Participant>(db, `SELECT ${COLUMNS} FROM participants WHERE id = ?`).get(id);
}

export function listParticipants(db: Db, interventionId: number): Participant[] {
  return sql<[number], Participant>(db, `SELECT ${COLUMNS} FROM participants WHERE intervention_id = ? ORDER BY id`).all(interventionId);
}

/** How the staff's participant list is searched, filtered, sorted and paged. */
export interface ParticipantFilter {
  /** Part of the local reference or the pseudonym. */
  search?: string;
  status?: 'active' | 'exited';
  /** Only those without a submitted questionnaire at this point. */
  missing?: string;
  sort?: 'ref' | 'pseudonym' | 'started' | 'exited' | 'registered';
  page: number;
  pageSize: number;
}

const SORTS: Record<NonNullable<ParticipantFilter['sort']>, string> = {
  registered: 'id',
  ref: "coalesce(local_ref, '') COLLATE NOCASE, id",
  pseudonym: 'pseudonym, id',
  started: "coalesce(started_on, '9999'), id",
  exited: "coalesce(exited_on, '9999'), id",
};

/** One page of an intervention's participants, and how many match in all. */
export function searchParticipants(db: Db, interventionId: number, f: ParticipantFilter): { participants: Participant[]; total: number } {
  const where = `intervention_id = :intervention
    AND (:search IS NULL OR instr(lower(coalesce(local_ref, '')), lower(:search)) > 0 OR instr(lower(pseudonym), lower(:search)) > 0)
    AND (:status IS NULL OR (:status = 'active' AND exited_on IS NULL) OR (:status = 'exited' AND exited_on IS NOT NULL))
    AND (:missing IS NULL OR NOT EXISTS (SELECT 1 FROM responses r WHERE r.participant_id = participants.id AND r.point = :missing AND r.status = 'submitted'))`;
  const params = { intervention: interventionId, search: f.search ?? null, status: f.status ?? null, missing: f.missing ?? null };
  const total = sql<[typeof params], number>(db, `SELECT count(*) FROM participants WHERE ${where}`).pluck().get(params)!;
  const participants = sql<[Record<string, unknown>], Participant>(db, `SELECT ${COLUMNS} FROM participants WHERE ${where} ORDER BY ${SORTS[f.sort ?? 'registered']} LIMIT :limit OFFSET :offset`)
    .all({ ...params, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
  return { participants, total };
}

export function recordExit(db: Db, id: number, exitedOn: string, exitStatus: string): void {
  sql(db, 'UPDATE participants SET exited_on = ?, exit_status = ? WHERE id = ?').run(exitedOn, exitStatus, id);
}

/** Registers `count` participants without local references, all or none. */
export function createParticipants(db: Db, interventionId: number, count: number, startedOn: string | null): Participant[] {
  return db.transaction(() => Array.from({ length: count }, () => createParticipant(db, { interventionId, startedOn })))();
}
