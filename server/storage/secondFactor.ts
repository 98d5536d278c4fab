import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { sql } from './statements.js';

// A password account's second factor: its TOTP secret with the time step of the last code taken,
// and its recovery codes (only their hashes).

// Recovery codes are 16 random characters (about 79 bits): a fast hash suffices.
const hashRecoveryCode = (code: string) => createHash('sha256').update(code).digest('hex');

export interface Totp { secret: string; lastStep: number }

export function totpOf(db: Db, userId: number): Totp | undefined {
  return sql<[number], Totp>(db, 'SELECT secret, last_step AS lastStep FROM user_totp WHERE user_id = ?').get(userId);
}

/** Sets (or replaces) the secret and the account's recovery codes together; the old codes stop working. */
export function enrolTotp(db: Db, userId: number, secret: string, step: number, recoveryCodes: string[]): void {
  db.transaction(() => {
    sql(db, `INSERT INTO user_totp (user_id, secret, last_step) VALUES (?, ?, ?)
      ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = excluded.last_step, enabled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`).run(userId, secret, step);
    sql(db, 'DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    const insert = sql(db, 'INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
    for (const code of recoveryCodes) insert.run(userId, hashRecoveryCode(code));
  })();
}

/** Takes the code of this time step: false when a code of this step or a later one was taken already (a replay, or a parallel request). */
export function takeTotpStep(db: Db, userId: number, step: number): boolean {
  return sql(db, 'UPDATE user_totp SET last_step = ? WHERE user_id = ? AND last_step < ?').run(step, userId, step).changes === 1;
}

/** Uses up a recovery code of the account: false when it is not one of its unused codes. */
export function useRecoveryCode(db: Db, userId: number, code: string): boolean {
  return sql(db, "UPDATE recovery_codes SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_id = ? AND code_hash = ? AND used_at IS NULL").run(userId, hashRecoveryCode(code)).changes === 1;
}

export function unusedRecoveryCodes(db: Db, userId: number): number {
  return sql<[number], number>(db, 'SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').pluck().get(userId)!;
}

export function removeSecondFactor(db: Db, userId: number): void {
  db.transaction(() => {
    sql(db, 'DELETE FROM user_totp WHERE user_id = ?').run(userId);
    sql(db, 'DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
  })();
}
