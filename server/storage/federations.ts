import type { Db } from './db.js';
import { sql } from './statements.js';

export interface Federation { id: number; name: string; createdAt: string }

const COLUMNS = 'id, name, created_at AS createdAt';

export function createFederation(db: Db, name: string): Federation {
  return sql<[string], Federation>(db, `INSERT INTO federations (name) VALUES (?) RETURNING ${COLUMNS}`).get(name)!;
}

export function getFederation(db: Db, id: number): Federation | undefined {
  return sql<[number], Federation>(db, `SELECT ${COLUMNS} FROM federations WHERE id = ?`).get(id);
}

export function listFederations(db: Db): Federation[] {
  return sql<[], Federation>(db, `SELECT ${COLUMNS} FROM federations ORDER BY name`).all();
}
