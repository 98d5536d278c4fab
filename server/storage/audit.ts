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
export interface AuditFilter { federationId: number | null; action?: string; userQuery?: string; from?: string; to?: string; limit?: number }

export function listAudit(db: Db, f: AuditFilter): AuditRow[] {
  return sql<unknown[], AuditRow>(
    db,
    `SELECT a.id, a.at, u.name AS userName, coalesce(a.actor, u.email) AS actor, a.token_id AS tokenId, a.action, a.target, a.detail, a.ip
     FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
     WHERE a.federation_id IS ?
       AND (? IS NULL OR a.action LIKE ? || '%')
       AND (? IS NULL OR u.email LIKE '%' || ? || '%' OR u.name LIKE '%' || ? || '%' OR a.actor LIKE '%' || ? || '%')
       AND (? IS NULL OR a.at >= ?)
       AND (? IS NULL OR a.at < date(?, '+1 day'))
     ORDER BY a.id DESC LIMIT ?`,
  ).all(f.federationId, f.action ?? null, f.action ?? null, f.userQuery ?? null, f.userQuery ?? null, f.userQuery ?? null, f.userQuery ?? null, f.from ?? null, f.from ?? null, f.to ?? null, f.to ?? null, f.limit ?? 200);
}
