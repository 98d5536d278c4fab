import type { Request } from 'express';
import type { AppContext } from '../context.js';
import type { AuditAction } from '../domain/auditEvent.js';
import { writeAudit } from '../storage/audit.js';

/** One audit row of a request: what happened, in which förbund, about what (auditTarget), with which details. */
export interface AuditEvent {
  action: AuditAction;
  federationId?: number | null;
  target?: string | null;
  detail?: Record<string, unknown> | null;
  /** Who, when it is not (yet) the request's principal: the user signing in, or the e-mail typed in a failed attempt. */
  by?: { userId?: number | null; actor?: string | null };
}

/** Who a request acts as: the signed-in user or the API token, and from where (also the import writer's audit row: services/importWriter). */
export function actorOf(req: Request) {
  return { userId: req.principal?.userId ?? null, tokenId: req.principal?.tokenId ?? null, ip: req.ip ?? null };
}

/** Records what a request read, printed or exported (nothing is written beside it). */
export function audit(ctx: AppContext, req: Request, event: AuditEvent): void {
  const { by, ...rest } = event;
  writeAudit(ctx.db, { ...actorOf(req), ...by, ...rest });
}

/**
 * Runs a request's write and its audit row in one transaction: both are stored or neither. The
 * event may name what the write made (the new participant, the snapshot), or be null when the
 * write turned out to change nothing.
 */
export function auditedWrite<T>(ctx: AppContext, req: Request, write: () => T, event: AuditEvent | ((result: T) => AuditEvent | null)): T {
  return ctx.db.transaction(() => {
    const result = write();
    const e = typeof event === 'function' ? event(result) : event;
    if (e) audit(ctx, req, e);
    return result;
  })();
}
