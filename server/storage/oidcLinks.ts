import type { Db } from './db.js';
import { sql } from './statements.js';

// Which account a subject at an OpenID Connect provider signs in to. Made at the first sign-in
// (found by its verified e-mail), then the subject alone finds the account.

export function linkedUser(db: Db, provider: string, subject: string): number | undefined {
  return sql<[string, string], number>(db, 'SELECT user_id FROM oidc_links WHERE provider = ? AND subject = ?').pluck().get(provider, subject);
}

/** The subject the account is linked to at the provider, if any. */
export function linkedSubject(db: Db, provider: string, userId: number): string | undefined {
  return sql<[string, number], string>(db, 'SELECT subject FROM oidc_links WHERE provider = ? AND user_id = ?').pluck().get(provider, userId);
}

export function linkSubject(db: Db, provider: string, subject: string, userId: number): void {
  sql(db, 'INSERT INTO oidc_links (provider, subject, user_id) VALUES (?, ?, ?)').run(provider, subject, userId);
}

export function touchLink(db: Db, provider: string, subject: string): void {
  sql(db, "UPDATE oidc_links SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE provider = ? AND subject = ?").run(provider, subject);
}
