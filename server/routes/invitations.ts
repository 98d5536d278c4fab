import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { isLinkToken } from '../domain/linkToken.js';
import { auditTarget } from '../domain/auditEvent.js';
import { parseForm } from '../forms/form.js';
import { newAccountForm } from '../forms/schemas.js';
import { Problem } from '../problem.js';
import { auditedWrite } from '../security/audit.js';
import { hashPassword, passwordProblem } from '../security/password.js';
import { acceptInvitation, openInvitation, type Invitation } from '../storage/invitations.js';
import { createUser, findUserByEmail, type User } from '../storage/users.js';

/** The link an invited person opens (passed on by the admin; by e-mail once the app sends mail). */
export function invitationLink(ctx: AppContext, token: string): string {
  return `${ctx.config.publicUrl}/invite/${token}`;
}

/**
 * The invited person's page: with no account for the e-mail they create one, choosing their own
 * password; with one, they sign in to it and accept. A used, expired or made-up link opens nothing.
 */
export function invitationRoutes(ctx: AppContext): Router {
  const router = Router();

  type Opened = { invitation: Invitation; account: User | undefined; token: string };
  const open = (req: Request, res: Response): Opened | null => {
    const token = String(req.params.token);
    const invitation = isLinkToken(token) ? openInvitation(ctx.db, token) : undefined;
    if (!invitation) {
      res.status(404).render('auth/invitation', { state: 'invalid', invitation: null, errors: [], input: {} });
      return null;
    }
    return { invitation, account: findUserByEmail(ctx.db, invitation.email), token };
  };
  /** What the page shows: the form for a new account, the accept button for the signed-in owner, or "sign in first". */
  const stateOf = (req: Request, o: Opened) => (!o.account ? 'create' : req.principal?.userId === o.account.id ? 'accept' : 'signIn');
  const show = (req: Request, res: Response, o: Opened, view: { errors: { field: string; code: string }[]; input: Record<string, unknown> }, status = 200) =>
    res.status(status).render('auth/invitation', { state: stateOf(req, o), invitation: o.invitation, token: o.token, ...view });

  router.get('/invite/:token', (req, res) => {
    const o = open(req, res);
    if (o) show(req, res, o, { errors: [], input: {} });
  });

  router.post('/invite/:token', async (req, res) => {
    const o = open(req, res);
    if (!o) return;
    const accepted = (userId: number, created: boolean) => ({
      action: 'invitation.accept' as const, federationId: o.invitation.federationId, target: auditTarget.invitation(o.invitation.id),
      detail: { role: o.invitation.role, created }, by: { userId },
    });
    const state = stateOf(req, o);
    if (state === 'signIn') return show(req, res, o, { errors: [], input: {} }, 403);
    if (state === 'accept') {
      auditedWrite(ctx, req, () => acceptInvitation(ctx.db, o.invitation.id, o.account!.id), accepted(o.account!.id, false));
      return res.redirect(303, `/f/${o.invitation.federationId}`);
    }
    const form = parseForm(newAccountForm, req.body, [
      (v) => (v.password !== v.confirm ? { field: 'confirm', code: 'password.mismatch' } : null),
      (v) => {
        const problem = passwordProblem(v.password, o.invitation.email);
        return problem ? { field: 'password', code: `password.${problem}` } : null;
      },
    ]);
    if (!form.ok) return show(req, res, o, { errors: form.errors, input: { name: form.input.name } }, 422);
    const passwordHash = await hashPassword(form.value.password);
    // The link may have been used meanwhile (two tabs): accepting checks it again inside the write.
    const user = auditedWrite(ctx, req, () => {
      const account = createUser(ctx.db, { email: o.invitation.email, name: form.value.name, passwordHash });
      if (!acceptInvitation(ctx.db, o.invitation.id, account.id)) throw new Problem('notFound', 'the invitation was used meanwhile');
      return account;
    }, (account) => accepted(account.id, true));
    res.redirect(303, `/login?next=${encodeURIComponent(`/f/${o.invitation.federationId}`)}&email=${encodeURIComponent(user.email)}`);
  });

  return router;
}
