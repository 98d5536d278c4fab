import type { Db } from './db.js';
import { sql } from './statements.js';

// Failed sign-ins per source and account: from the 5th failure on, that source waits 1, 2, 4 …
// up to 60 minutes before it may try that account again. A success clears the count.

/** One source trying one account: the client's address and the e-mail as typed (lower case). */
export const throttleKey = (ip: string | undefined, email: string) => `${ip ?? ''}|${email.trim().toLowerCase()}`;

/** Until when the source must wait, or null. */
export function lockedUntil(db: Db, key: string, now = new Date()): string | null {
  const until = sql<[string], string | null>(db, 'SELECT locked_until FROM login_throttle WHERE key = ?').pluck().get(key) ?? null;
  return until !== null && until > now.toISOString() ? until : null;
}

/** Counts a failure; returns until when the source now waits (null before the 5th). Old rows (a day quiet) go. */
export function recordFailure(db: Db, key: string, now = new Date()): string | null {
  return db.transaction(() => {
    const at = now.toISOString();
    sql(db, "DELETE FROM login_throttle WHERE last_at < strftime('%Y-%m-%dT%H:%M:%fZ', ?, '-1 day')").run(at);
    const failures = sql<[string, string], number>(
      db,
      `INSERT INTO login_throttle (key, failures, last_at) VALUES (?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at RETURNING failures`,
    ).pluck().get(key, at)!;
    if (failures < 5) return null;
    const until = new Date(now.getTime() + Math.min(60, 2 ** (failures - 5)) * 60_000).toISOString();
    sql(db, 'UPDATE login_throttle SET locked_until = ? WHERE key = ?').run(until, key);
    return until;
  })();
}

export function clearFailures(db: Db, key: string): void {
  sql(db, 'DELETE FROM login_throttle WHERE key = ?').run(key);
}
