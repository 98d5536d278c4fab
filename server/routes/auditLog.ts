import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { authorize, requireSystemAdmin } from '../security/auth.js';
import { listAudit } from '../storage/audit.js';
import { parseForm } from '../forms/form.js';
import { auditQuery } from '../forms/schemas.js';

/**
 * The audit logs: a förbund admin reads the förbund's, filtered by event, person and dates; a
 * system admin reads the installation's own (sign-ins, sign-outs, password changes, what system
 * admins did), which belongs to no förbund.
 */
export function auditLogRoutes(ctx: AppContext): Router {
  const router = Router();

  const show = (req: Request, res: Response, federationId: number | null, auditBase: string) => {
    const query = parseForm(auditQuery, req.query);
    const filter = query.ok ? query.value : {};
    const entries = listAudit(ctx.db, { federationId, action: filter.action, userQuery: filter.user, from: filter.from, to: filter.to });
    res.status(query.ok ? 200 : 422).render('federation/audit', { entries, filter: query.ok ? filter : query.input, errors: query.ok ? [] : query.errors, auditBase });
  };

  router.get('/f/:fid/audit', authorize(ctx, 'audit.read'), (req, res) => show(req, res, res.locals.federation.id, `/f/${res.locals.federation.id}/audit`));
  router.get('/admin/audit', requireSystemAdmin, (req, res) => show(req, res, null, '/admin/audit'));

  return router;
}
