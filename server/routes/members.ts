import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { createInvitation, INVITATION_DAYS, pendingInvitations } from '../storage/invitations.js';
import { listFederationMembers, revokeRole } from '../storage/users.js';
import { ROLES_LEAST_FIRST } from '../security/access.js';
import { mailConfigured, sendMail } from '../mail.js';
import { translator } from '../i18n/index.js';
import { invitationLink } from './invitations.js';
import { type FormError, idParam, parseForm } from '../forms/form.js';
import { roleForm, userForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';

const fid = (res: Response) => res.locals.federation.id;

/**
 * A förbund admin invites people to roles and removes roles. An invitation is a single-use link,
 * mailed to the person (or, with no mail server, shown for the admin to pass on); the person creates
 * their own account with it, or signs in to theirs. The answer is the same whether the e-mail has an
 * account, and no one's credentials are set or reused here.
 */
export function memberRoutes(ctx: AppContext): Router {
  const router = Router();

  type Invited = { email: string; link: string | null; mailFailed: boolean };
  const render = (res: Response, view: { errors: FormError[]; input: Record<string, unknown>; invited?: Invited | null }, status = 200) =>
    res.status(status).render('federation/users', {
      members: listFederationMembers(ctx.db, fid(res)), pending: pendingInvitations(ctx.db, fid(res)), roles: ROLES_LEAST_FIRST, invited: null, mail: mailConfigured(ctx.config), ...view,
    });

  router.get('/f/:fid/users', authorize(ctx, 'users.manage'), (_req, res) => render(res, { errors: [], input: { role: ROLES_LEAST_FIRST[0] } }));

  router.post('/f/:fid/users', authorize(ctx, 'users.manage'), async (req, res) => {
    const form = parseForm(userForm, req.body);
    if (!form.ok) return render(res, { errors: form.errors, input: form.input }, 422);
    const { token, invitation } = auditedWrite(ctx, req, () => createInvitation(ctx.db, { ...form.value, federationId: fid(res), createdBy: principalOf(req).userId }),
      ({ invitation: i }) => ({ action: 'invitation.create', federationId: fid(res), target: auditTarget.invitation(i.id), detail: { role: i.role } }));
    const link = invitationLink(ctx, token);
    // Sent by mail when the installation has a mail server; the link is shown only when it is not sent.
    const t = translator('sv');
    const sent = await sendMail(ctx.config, {
      to: invitation.email,
      subject: t('mail.invitation.subject', { federation: invitation.federationName }),
      text: t('mail.invitation.text', { role: t(`roles.${invitation.role}`), federation: invitation.federationName, link, days: INVITATION_DAYS, inviter: principalOf(req).name }),
    });
    render(res, { errors: [], input: { role: ROLES_LEAST_FIRST[0] }, invited: { email: invitation.email, link: sent ? null : link, mailFailed: mailConfigured(ctx.config) && !sent } });
  });

  // Removing a role asks first; the last admin cannot remove their own admin role (told why, not refused bare).
  router.post('/f/:fid/users/:uid/revoke', authorize(ctx, 'users.manage'), (req, res) => {
    const form = parseForm(roleForm, req.body);
    if (!form.ok) throw new Problem('badRequest');
    const role = form.value.role;
    const uid = idParam(req.params.uid);
    const members = listFederationMembers(ctx.db, fid(res));
    const member = members.find((m) => m.id === uid && m.roles.includes(role));
    if (!member) throw new Problem('notFound');
    if (uid === principalOf(req).userId && role === 'federation_admin' && members.filter((m) => m.roles.includes('federation_admin')).length === 1) {
      return render(res, { errors: [{ field: 'revoke', code: 'members.lastAdmin' }], input: { role: ROLES_LEAST_FIRST[0] } }, 422);
    }
    if (form.value.confirm !== '1') return void res.render('federation/revoke-role', { member, role, self: uid === principalOf(req).userId });
    const revoked = auditedWrite(ctx, req, () => revokeRole(ctx.db, uid, fid(res), role),
      (done) => (done ? { action: 'role.revoke', federationId: fid(res), target: auditTarget.user(uid), detail: { role } } : null));
    if (!revoked) throw new Problem('notFound');
    res.redirect(303, `/f/${fid(res)}/users`);
  });

  return router;
}
