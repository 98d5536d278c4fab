import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { AUDIT_ACTIONS, auditTarget, detailText, parseAuditTarget } from '../domain/auditEvent.js';
import { csvText } from '../render/csv.js';
import { audit } from '../security/audit.js';
import { authorize, requireSystemAdmin } from '../security/auth.js';
import { auditTargetNames, countAudit, listAudit, type AuditFilter, type AuditRow } from '../storage/audit.js';
import { parseForm } from '../forms/form.js';
import { auditQuery } from '../forms/schemas.js';

const PAGE_SIZE = 100;
/** When an event happened, in Swedish time on one line (made once: a formatter is costly to build). */
const AUDIT_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });
/** The most rows one CSV file holds (a filter narrows it; the file says when it was cut). */
const CSV_MAX_ROWS = 50_000;

/**
 * The audit logs: a förbund admin reads the förbund's, filtered by event, person and dates, page by
 * page, and can take it out as CSV (that too is logged); a system admin reads the installation's
 * own (sign-ins, sign-outs, password changes, what system admins did), which belongs to no förbund.
 * Targets are named ("Steg till arbete", "Anna A (anna@…)"), details written as text.
 */
export function auditLogRoutes(ctx: AppContext): Router {
  const router = Router();

  const filterOf = (req: Request, federationId: number | null) => {
    const query = parseForm(auditQuery, req.query);
    const value = query.ok ? query.value : {};
    const filter: AuditFilter = { federationId, action: value.action, userQuery: value.user, from: value.from, to: value.to };
    return { query, value, filter };
  };

  /** The rows as people read them: when (Swedish time, one line), who, what, about what (named), details as text. */
  const readable = (res: Response, rows: readonly AuditRow[]) => {
    const t = res.locals.t;
    const targets = rows.map((r) => parseAuditTarget(r.target)).filter((x): x is { kind: string; id: string } => x !== null);
    const names = auditTargetNames(ctx.db, targets);
    return rows.map((r) => {
      const target = parseAuditTarget(r.target);
      const kind = target ? t(`auditTargets.${target.kind}`) : '';
      const named = target ? names.get(`${target.kind}:${target.id}`) ?? target.id : '';
      return {
        ...r,
        when: AUDIT_TIME.format(new Date(r.at)),
        who: r.userName ?? r.actor ?? (r.tokenId ? `${t('auditTargets.token')} ${r.tokenId}` : '–'),
        targetText: target ? `${kind.startsWith('auditTargets.') ? target.kind : kind} ${named}`.trim() : '',
        detailText: detailText(r.detail),
      };
    });
  };

  const show = (req: Request, res: Response, federationId: number | null, auditBase: string) => {
    const { query, value, filter } = filterOf(req, federationId);
    const page = value.page ?? 1;
    const total = query.ok ? countAudit(ctx.db, filter) : 0;
    const entries = query.ok ? readable(res, listAudit(ctx.db, { ...filter, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })) : [];
    res.status(query.ok ? 200 : 422).render('federation/audit', {
      entries, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), filter: query.ok ? value : query.input, errors: query.ok ? [] : query.errors, auditBase,
      actions: [...AUDIT_ACTIONS],
    });
  };

  const exportCsv = (req: Request, res: Response, federationId: number | null, name: string) => {
    const { query, value, filter } = filterOf(req, federationId);
    if (!query.ok) return void res.status(422).type('text/plain').send(query.errors.map((e) => e.field).join(', '));
    const rows = readable(res, listAudit(ctx.db, { ...filter, limit: CSV_MAX_ROWS }));
    const t = res.locals.t;
    audit(ctx, req, { action: 'audit.export', federationId, target: auditTarget.export(name), detail: { ...value, rows: rows.length } });
    res.attachment(name).type('text/csv; charset=utf-8').send(csvText(rows.map((r) => ({
      [t('federation.auditAt')]: r.when, [t('federation.auditUser')]: r.who, [t('federation.auditAction')]: (res.locals.auditLabel as (a: string) => string)(r.action),
      action: r.action, [t('federation.auditTarget')]: r.targetText, [t('federation.auditDetail')]: r.detailText, ip: r.ip ?? '',
    })), 'excel-sv'));
  };

  router.get('/f/:fid/audit', authorize(ctx, 'audit.read'), (req, res) => show(req, res, res.locals.federation.id, `/f/${res.locals.federation.id}/audit`));
  router.get('/f/:fid/audit.csv', authorize(ctx, 'audit.read'), (req, res) => exportCsv(req, res, res.locals.federation.id, `logg-forbund-${res.locals.federation.id}.csv`));
  router.get('/admin/audit', requireSystemAdmin, (req, res) => show(req, res, null, '/admin/audit'));
  router.get('/admin/audit.csv', requireSystemAdmin, (req, res) => exportCsv(req, res, null, 'logg-installation.csv'));

  return router;
}
