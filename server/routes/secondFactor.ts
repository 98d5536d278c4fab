import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { parseForm } from '../forms/form.js';
import { removeSecondFactorForm, secondFactorForm } from '../forms/schemas.js';
import { audit, auditedWrite } from '../security/audit.js';
import { principalOf, requireSignedIn, signIn, type PendingSignIn } from '../security/auth.js';
import { verifyPassword } from '../security/password.js';
import { checkSecondFactor, enrolmentOf, enrolSecondFactor, matchTotp, newTotpSecret, secondFactorRequired } from '../security/secondFactor.js';
import { clearFailures, lockedUntil, recordFailure } from '../storage/loginThrottle.js';
import { removeSecondFactor, totpOf, unusedRecoveryCodes } from '../storage/secondFactor.js';
import { getUser } from '../storage/users.js';

// The second factor of a password account: asked for after the password (set up first when the
// person has none and must have one), set up, replaced or turned off on the account page.

/**
 * Wrong second factors of one account: from the 5th on, that account's second factor waits 1, 2, 4 …
 * 60 minutes (loginThrottle.ts). Per account, not per address: only someone who knows the password
 * gets this far, so no stranger can keep the person out.
 */
const throttleKeyOf = (userId: number) => `second-factor|user:${userId}`;

const typedCode = (body: unknown): string => {
  const form = parseForm(secondFactorForm, body);
  return (form.ok ? form.value.code : undefined) ?? '';
};

/** What the account page shows: the person, their second factor, and an error of a form on it. */
export function accountPage(ctx: AppContext, req: Request, error: string | null) {
  const principal = principalOf(req);
  const userId = principal.userId!;
  const enrolled = totpOf(ctx.db, userId) !== undefined;
  return {
    user: getUser(ctx.db, userId), error, saved: req.query.saved === '1',
    secondFactor: { enrolled, required: secondFactorRequired(ctx, principal), recoveryCodesLeft: enrolled ? unusedRecoveryCodes(ctx.db, userId) : 0, sso: req.session.signedInWith?.startsWith('oidc:') ?? false },
  };
}

export function secondFactorRoutes(ctx: AppContext, loginLimiter: RequestHandler): Router {
  const router = Router();

  /** The sign-in waiting for its second factor, or null when there is none (or it took too long). */
  const pendingOf = (req: Request): PendingSignIn | null => {
    const pending = req.session.pendingSignIn;
    if (!pending || pending.until < Date.now()) return null;
    return getUser(ctx.db, pending.userId)?.disabled === false ? pending : null;
  };

  const renderEnrolment = async (res: Response, secret: string, email: string, action: string, error: string | null) => {
    res.status(error ? 422 : 200).render('auth/secondFactorEnrol', { ...(await enrolmentOf(secret, email)), action, error });
  };

  router.get('/login/second-factor', async (req, res) => {
    const pending = pendingOf(req);
    if (!pending) return res.redirect(303, '/login');
    if (pending.secret) return renderEnrolment(res, pending.secret, getUser(ctx.db, pending.userId)!.email, '/login/second-factor', null);
    res.render('auth/secondFactor', { error: null });
  });

  router.post('/login/second-factor', loginLimiter, async (req, res) => {
    const pending = pendingOf(req);
    if (!pending) return res.redirect(303, '/login');
    const code = typedCode(req.body);
    const user = getUser(ctx.db, pending.userId)!;
    const failed = (reason: string) => audit(ctx, req, { action: 'login.failed', detail: { reason }, by: { userId: user.id, actor: user.email.toLowerCase() } });
    if (pending.secret) {
      // Setting it up: a code from the new secret shows the app has it; then the recovery codes, once.
      const step = await matchTotp(pending.secret, code);
      if (step === null) {
        failed('secondFactor.wrong');
        return renderEnrolment(res, pending.secret, user.email, '/login/second-factor', 'secondFactor.wrong');
      }
      const recoveryCodes = auditedWrite(ctx, req, () => enrolSecondFactor(ctx, user.id, pending.secret!, step), { action: 'secondFactor.enrol', target: auditTarget.user(user.id), by: { userId: user.id } });
      await signIn(ctx, req, user.id, 'password+totp');
      return res.render('auth/recoveryCodes', { recoveryCodes, next: pending.next });
    }
    const key = throttleKeyOf(user.id);
    const locked = () => {
      delete req.session.pendingSignIn;
      res.status(429).render('auth/login', { error: 'login.locked', email: user.email, next: pending.next });
    };
    if (lockedUntil(ctx.db, key)) {
      failed('secondFactor.locked');
      return locked();
    }
    const method = await checkSecondFactor(ctx, user.id, code);
    if (!method) {
      failed('secondFactor.wrong');
      if (recordFailure(ctx.db, key)) return locked();
      return void res.status(401).render('auth/secondFactor', { error: 'secondFactor.wrong' });
    }
    clearFailures(ctx.db, key);
    await signIn(ctx, req, user.id, method === 'totp' ? 'password+totp' : 'password+recoveryCode');
    res.redirect(303, pending.next);
  });

  // On the account page: set up (or replace: a new phone, new recovery codes) and turn off.
  router.get('/account/two-factor', requireSignedIn, async (req, res) => {
    req.session.totpEnrolment ??= newTotpSecret();
    await renderEnrolment(res, req.session.totpEnrolment, getUser(ctx.db, principalOf(req).userId!)!.email, '/account/two-factor', null);
  });

  router.post('/account/two-factor', requireSignedIn, async (req, res) => {
    const userId = principalOf(req).userId!;
    const secret = req.session.totpEnrolment;
    if (!secret) return res.redirect(303, '/account/two-factor');
    const step = await matchTotp(secret, typedCode(req.body));
    if (step === null) return renderEnrolment(res, secret, getUser(ctx.db, userId)!.email, '/account/two-factor', 'secondFactor.wrong');
    const recoveryCodes = auditedWrite(ctx, req, () => enrolSecondFactor(ctx, userId, secret, step), { action: 'secondFactor.enrol', target: auditTarget.user(userId) });
    delete req.session.totpEnrolment;
    if (req.session.signedInWith === 'password' || req.session.signedInWith === undefined) req.session.signedInWith = 'password+totp';
    res.render('auth/recoveryCodes', { recoveryCodes, next: '/account' });
  });

  router.post('/account/two-factor/remove', requireSignedIn, async (req, res) => {
    const principal = principalOf(req);
    const user = getUser(ctx.db, principal.userId!)!;
    const form = parseForm(removeSecondFactorForm, req.body);
    const error = secondFactorRequired(ctx, principal) ? 'secondFactor.required'
      : !(await verifyPassword(form.ok ? form.value.current ?? '' : '', user.passwordHash)) ? 'password.currentWrong' : null;
    if (error) return void res.status(422).render('auth/account', accountPage(ctx, req, error));
    auditedWrite(ctx, req, () => removeSecondFactor(ctx.db, user.id), { action: 'secondFactor.remove', target: auditTarget.user(user.id) });
    res.redirect(303, '/account?saved=1');
  });

  return router;
}
