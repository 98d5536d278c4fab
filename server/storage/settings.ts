import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import { sql } from './statements.js';

/** A secret generated at first start and kept in the database, so restarts keep cookies valid. */
export function appSecret(db: Db, key: string): string {
  sql(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, randomBytes(32).toString('base64url'));
  return sql<[string], string>(db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key)!;
}
