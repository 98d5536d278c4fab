import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { authorize } from '../security/auth.js';
import { listAudit } from '../storage/audit.js';
import { parseForm } from '../forms/form.js';
import { auditQuery } from '../forms/schemas.js';

const fid = (res: Response) => res.locals.federation.id;

/** A förbund admin reads the förbund's audit log, filtered by event, person and dates. */
export function auditLogRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/audit', authorize(ctx, 'audit.read'), (req, res) => {
    const query = parseForm(auditQuery, req.query);
    const filter = query.ok ? query.value : {};
    const entries = listAudit(ctx.db, { federationId: fid(res), action: filter.action, userQuery: filter.user, from: filter.from, to: filter.to });
    res.status(query.ok ? 200 : 422).render('federation/audit', { entries, filter: query.ok ? filter : query.input, errors: query.ok ? [] : query.errors });
  });


  return router;
}
