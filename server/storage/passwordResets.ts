import { linkTokenHash, newLinkToken } from '../domain/linkToken.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

/** How long a reset link opens. */
export const RESET_MINUTES = 60;

/** A new reset link for an account (earlier unused ones lapse); the token is returned once and stored only as its hash. */
export function createPasswordReset(db: Db, userId: number, now = new Date()): string {
  const token = newLinkToken();
  db.transaction(() => {
    sql(db, "UPDATE password_resets SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_id = ? AND used_at IS NULL").run(userId);
    sql(db, 'INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)').run(linkTokenHash(token), userId, new Date(now.getTime() + RESET_MINUTES * 60_000).toISOString());
  })();
  return token;
}

/** The open reset a link names (not used, not expired): its id and account. */
export function openPasswordReset(db: Db, token: string, now = new Date()): { id: number; userId: number } | undefined {
  return sql<[string, string], { id: number; userId: number }>(db, 'SELECT id, user_id AS userId FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?').get(linkTokenHash(token), now.toISOString());
}

/** Marks a reset used, once: false when it was used meanwhile. */
export function usePasswordReset(db: Db, id: number): boolean {
  return sql(db, "UPDATE password_resets SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND used_at IS NULL").run(id).changes === 1;
}
