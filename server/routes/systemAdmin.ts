import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { principalOf, requireSystemAdmin } from '../security/auth.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';
import { createFederation, listFederations } from '../storage/federations.js';
import { createInvitation } from '../storage/invitations.js';
import { invitationLink } from './invitations.js';
import { parseForm, type FormError } from '../forms/form.js';
import { federationForm } from '../forms/schemas.js';

/**
 * System administrators create federations and invite each one's first administrator (a
 * single-use link to pass on, as for any member); they see no survey data.
 */
export function systemAdminRoutes(ctx: AppContext): Router {
  const router = Router();
  const render = (res: Response, view: { errors: FormError[]; input: Record<string, unknown>; invited?: { email: string; link: string; federation: string } | null }, status = 200) =>
    res.status(status).render('admin/federations', { federations: listFederations(ctx.db), invited: null, ...view });

  router.get('/admin/federations', requireSystemAdmin, (_req, res) => render(res, { errors: [], input: {} }));

  router.post('/admin/federations', requireSystemAdmin, (req, res) => {
    const form = parseForm(federationForm, req.body);
    if (!form.ok) return render(res, { errors: form.errors, input: form.input }, 422);
    const v = form.value;
    const { federation, token } = auditedWrite(ctx, req, () => {
      const f = createFederation(ctx.db, v.name);
      const { token: t, invitation } = createInvitation(ctx.db, { email: v.adminEmail, federationId: f.id, role: 'federation_admin', createdBy: principalOf(req).userId });
      return { federation: f, token: t, invitation };
    }, ({ federation: f, invitation }) => ({ action: 'federation.create', federationId: f.id, target: auditTarget.federation(f.id), detail: { invitation: auditTarget.invitation(invitation.id) } }));
    render(res, { errors: [], input: {}, invited: { email: v.adminEmail, link: invitationLink(ctx, token), federation: federation.name } });
  });

  return router;
}
