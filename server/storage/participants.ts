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

export function recordExit(db: Db, id: number, exitedOn: string, exitStatus: string): void {
  sql(db, 'UPDATE participants SET exited_on = ?, exit_status = ? WHERE id = ?').run(exitedOn, exitStatus, id);
}

/** Registers `count` participants without local references, all or none. */
export function createParticipants(db: Db, interventionId: number, count: number, startedOn: string | null): Participant[] {
  return db.transaction(() => Array.from({ length: count }, () => createParticipant(db, { interventionId, startedOn })))();
}
