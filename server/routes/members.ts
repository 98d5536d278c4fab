import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { createInvitation, pendingInvitations } from '../storage/invitations.js';
import { FEDERATION_ROLES, listFederationMembers, revokeRole } from '../storage/users.js';
import { invitationLink } from './invitations.js';
import { type FormError, idParam, parseForm } from '../forms/form.js';
import { roleForm, userForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';

const fid = (res: Response) => res.locals.federation.id;

/**
 * A förbund admin invites people to roles and removes roles. An invitation is a single-use link the
 * admin passes on; the person creates their own account with it, or signs in to theirs. The answer
 * is the same whether the e-mail has an account, and no one's credentials are set or reused here.
 */
export function memberRoutes(ctx: AppContext): Router {
  const router = Router();

  const render = (res: Response, view: { errors: FormError[]; input: Record<string, unknown>; invited?: { email: string; link: string } | null }, status = 200) =>
    res.status(status).render('federation/users', {
      members: listFederationMembers(ctx.db, fid(res)), pending: pendingInvitations(ctx.db, fid(res)), roles: FEDERATION_ROLES, invited: null, ...view,
    });

  router.get('/f/:fid/users', authorize(ctx, 'users.manage'), (_req, res) => render(res, { errors: [], input: {} }));

  router.post('/f/:fid/users', authorize(ctx, 'users.manage'), (req, res) => {
    const form = parseForm(userForm, req.body);
    if (!form.ok) return render(res, { errors: form.errors, input: form.input }, 422);
    const { token, invitation } = auditedWrite(ctx, req, () => createInvitation(ctx.db, { ...form.value, federationId: fid(res), createdBy: principalOf(req).userId }),
      ({ invitation: i }) => ({ action: 'invitation.create', federationId: fid(res), target: auditTarget.invitation(i.id), detail: { role: i.role } }));
    render(res, { errors: [], input: {}, invited: { email: invitation.email, link: invitationLink(ctx, token) } });
  });

  router.post('/f/:fid/users/:uid/revoke', authorize(ctx, 'users.manage'), (req, res) => {
    const form = parseForm(roleForm, req.body);
    if (!form.ok) throw new Problem('badRequest');
    const role = form.value.role;
    const uid = idParam(req.params.uid);
    if (uid === principalOf(req).userId && role === 'federation_admin') throw new Problem('forbidden', 'cannot remove own admin role');
    const revoked = auditedWrite(ctx, req, () => revokeRole(ctx.db, uid, fid(res), role),
      (done) => (done ? { action: 'role.revoke', federationId: fid(res), target: auditTarget.user(uid), detail: { role } } : null));
    if (!revoked) throw new Problem('notFound');
    res.redirect(303, `/f/${fid(res)}/users`);
  });


  return router;
}
