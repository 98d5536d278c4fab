import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireSystemAdmin } from '../security/auth.js';
import { hashPassword, passwordProblem } from '../security/password.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';
import { createFederation, listFederations } from '../storage/federations.js';
import { createUser, findUserByEmail, grantRole } from '../storage/users.js';
import { parseForm, type FormError } from '../forms/form.js';
import { federationForm } from '../forms/schemas.js';

/** System administrators create federations and their first administrator; they see no survey data. */
export function systemAdminRoutes(ctx: AppContext): Router {
  const router = Router();
  const render = (res: Response, errors: FormError[], input: Record<string, unknown>, status = 200) =>
    res.status(status).render('admin/federations', { federations: listFederations(ctx.db), errors, input });

  router.get('/admin/federations', requireSystemAdmin, (_req, res) => render(res, [], {}));

  router.post('/admin/federations', requireSystemAdmin, async (req, res) => {
    const form = parseForm(federationForm, req.body);
    if (!form.ok) return render(res, form.errors, { ...form.input, adminPassword: '' }, 422);
    const v = form.value;
    const existing = findUserByEmail(ctx.db, v.adminEmail);
    if (!existing) {
      if (!v.adminName) return render(res, [{ field: 'adminName', code: 'form.required' }], { ...v, adminPassword: '' }, 422);
      const problem = passwordProblem(v.adminPassword ?? '', v.adminEmail);
      if (problem) return render(res, [{ field: 'adminPassword', code: `password.${problem}` }], { ...v, adminPassword: '' }, 422);
    }
    const passwordHash = existing ? null : await hashPassword(v.adminPassword!);
    const { federation } = auditedWrite(ctx, req, () => {
      const f = createFederation(ctx.db, v.name);
      const admin = existing ?? createUser(ctx.db, { email: v.adminEmail, name: v.adminName!, passwordHash: passwordHash! });
      grantRole(ctx.db, admin.id, f.id, 'federation_admin');
      return { federation: f, admin };
    }, ({ federation: f, admin }) => ({ action: 'federation.create', federationId: f.id, target: auditTarget.federation(f.id), detail: { admin: auditTarget.user(admin.id) } }));
    res.redirect(303, `/admin/federations?created=${federation.id}`);
  });

  return router;
}
