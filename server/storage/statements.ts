import { MEASUREMENT_POINTS } from '../domain/instrumentTypes.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

const cache = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, prepared once per database connection and reused. */
export function sql<P extends unknown[] | object = unknown[], R = unknown>(db: Db, text: string): Statement<P, R> {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map<string, Statement>()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = db.prepare(text)));
  return statement as unknown as Statement<P, R>;
}

/** SQL that sorts measurement points in their natural order (start, ongoing, exit, follow-up, yearly). */
export function pointOrderSql(column: string): string {
  return `CASE ${column} ${MEASUREMENT_POINTS.map((p, i) => `WHEN '${p}' THEN ${i + 1}`).join(' ')} ELSE ${MEASUREMENT_POINTS.length + 1} END`;
}

/** SQLite has no booleans: a flag is 0/1 in a column and true/false in our objects, converted here only. */
export const fromBit = (bit: number): boolean => bit === 1;
export const toBit = (flag: boolean): 0 | 1 => (flag ? 1 : 0);
