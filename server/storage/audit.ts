import type { AuditAction } from '../domain/auditEvent.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

export interface AuditEntry {
  userId?: number | null;
  tokenId?: number | null;
  /** Who, as text, for entries without a user (e.g. a failed sign-in's typed e-mail). */
  actor?: string | null;
  federationId?: number | null;
  action: AuditAction;
  target?: string | null;
  detail?: Record<string, unknown> | null;
  ip?: string | null;
}

export function writeAudit(db: Db, e: AuditEntry): void {
  sql(db, 'INSERT INTO audit_log (user_id, token_id, actor, federation_id, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.userId ?? null, e.tokenId ?? null, e.actor ?? null, e.federationId ?? null, e.action, e.target ?? null, e.detail ? JSON.stringify(e.detail) : null, e.ip ?? null,
  );
}

export interface AuditRow { id: number; at: string; userName: string | null; actor: string | null; tokenId: number | null; action: string; target: string | null; detail: string | null; ip: string | null }

/** Whose log: a förbund's, or (null) the installation's own — sign-ins, accounts, what system admins did. */
export interface AuditFilter { federationId: number | null; action?: string; userQuery?: string; from?: string; to?: string; limit?: number; offset?: number }

const WHERE = `a.federation_id IS :federation
  AND (:action IS NULL OR a.action LIKE :action || '%')
  AND (:user IS NULL OR u.email LIKE '%' || :user || '%' OR u.name LIKE '%' || :user || '%' OR a.actor LIKE '%' || :user || '%')
  AND (:from IS NULL OR a.at >= :from)
  AND (:to IS NULL OR a.at < date(:to, '+1 day'))`;

const params = (f: AuditFilter) => ({ federation: f.federationId, action: f.action ?? null, user: f.userQuery ?? null, from: f.from ?? null, to: f.to ?? null });

/** The log's rows, newest first, one page at a time (limit and offset). */
export function listAudit(db: Db, f: AuditFilter): AuditRow[] {
  return sql<[Record<string, unknown>], AuditRow>(
    db,
    `SELECT a.id, a.at, u.name AS userName, coalesce(a.actor, u.email) AS actor, a.token_id AS tokenId, a.action, a.target, a.detail, a.ip
     FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
     WHERE ${WHERE}
     ORDER BY a.id DESC LIMIT :limit OFFSET :offset`,
  ).all({ ...params(f), limit: f.limit ?? 200, offset: f.offset ?? 0 });
}

export function countAudit(db: Db, f: AuditFilter): number {
  return sql<[Record<string, unknown>], number>(db, `SELECT count(*) FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE ${WHERE}`).pluck().get(params(f)) ?? 0;
}

/** Names for audit targets, so the log says "Steg till arbete" rather than intervention:7 (kinds without a name are left out). */
export function auditTargetNames(db: Db, targets: readonly { kind: string; id: string }[]): Map<string, string> {
  const tables: Record<string, string> = {
    intervention: 'SELECT name FROM interventions WHERE id = ?',
    federation: 'SELECT name FROM federations WHERE id = ?',
    round: 'SELECT name FROM measurement_rounds WHERE id = ?',
    user: 'SELECT name || \' (\' || email || \')\' FROM users WHERE id = ?',
    project: 'SELECT name FROM projects WHERE id = ?',
    subproject: 'SELECT name FROM subprojects WHERE id = ?',
    invitation: 'SELECT email FROM invitations WHERE id = ?',
  };
  const out = new Map<string, string>();
  for (const t of targets) {
    const query = tables[t.kind];
    const key = `${t.kind}:${t.id}`;
    if (!query || out.has(key) || !/^\d+$/.test(t.id)) continue;
    const name = sql<[number], string>(db, query).pluck().get(Number(t.id));
    if (name !== undefined) out.set(key, name);
  }
  return out;
}
