import type { Db } from './db.js';
import { sql } from './statements.js';

export interface MeasurementRound { id: number; federationId: number; name: string; startsOn: string; endsOn: string }

export interface NewRound { federationId: number; name: string; startsOn: string; endsOn: string }

const COLUMNS = 'id, federation_id AS federationId, name, starts_on AS startsOn, ends_on AS endsOn';

export function createRound(db: Db, input: NewRound): MeasurementRound {
  return sql<[number, string, string, string], MeasurementRound>(
    db,
    `INSERT INTO measurement_rounds (federation_id, name, starts_on, ends_on) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
  ).get(input.federationId, input.name, input.startsOn, input.endsOn)!;
}

/** A federation's rounds in date order; without a federation, every round of the installation. */
export function listRounds(db: Db, federationId?: number): MeasurementRound[] {
  if (federationId === undefined) return sql<[], MeasurementRound>(db, `SELECT ${COLUMNS} FROM measurement_rounds ORDER BY federation_id, starts_on`).all();
  return sql<[number], MeasurementRound>(db, `SELECT ${COLUMNS} FROM measurement_rounds WHERE federation_id = ? ORDER BY starts_on`).all(federationId);
}

export function getRound(db: Db, id: number): MeasurementRound | undefined {
  return sql<[number], MeasurementRound>(db, `SELECT ${COLUMNS} FROM measurement_rounds WHERE id = ?`).get(id);
}
