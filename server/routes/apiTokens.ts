import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../storage/apiTokens.js';
import { idParam, parseForm } from '../forms/form.js';
import { tokenForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';

const fid = (res: Response) => res.locals.federation.id;

/** A förbund admin creates and revokes the förbund's API keys (the key is shown once). */
export function apiTokenRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/tokens', authorize(ctx, 'tokens.manage'), (_req, res) => {
    res.render('federation/tokens', { tokens: listApiTokens(ctx.db, fid(res)), created: null, errors: [], input: {} });
  });

  router.post('/f/:fid/tokens', authorize(ctx, 'tokens.manage'), (req, res) => {
    const form = parseForm(tokenForm, req.body);
    if (!form.ok) return void res.status(422).render('federation/tokens', { tokens: listApiTokens(ctx.db, fid(res)), created: null, errors: form.errors, input: form.input });
    const { token } = auditedWrite(ctx, req, () => createApiToken(ctx.db, { ...form.value, federationId: fid(res), createdBy: principalOf(req).userId }),
      ({ record }) => ({ action: 'token.create', federationId: fid(res), target: auditTarget.token(record.id), detail: { role: record.role } }));
    res.set('Cache-Control', 'no-store').render('federation/tokens', { tokens: listApiTokens(ctx.db, fid(res)), created: token, errors: [], input: {} });
  });

  router.post('/f/:fid/tokens/:tid/revoke', authorize(ctx, 'tokens.manage'), (req, res) => {
    const tid = idParam(req.params.tid);
    const revoked = auditedWrite(ctx, req, () => revokeApiToken(ctx.db, fid(res), tid), (done) => (done ? { action: 'token.revoke', federationId: fid(res), target: auditTarget.token(tid) } : null));
    if (!revoked) throw new Problem('notFound');
    res.redirect(303, `/f/${fid(res)}/tokens`);
  });


  return router;
}
