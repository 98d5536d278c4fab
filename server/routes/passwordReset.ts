import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { isLinkToken } from '../domain/linkToken.js';
import { auditTarget } from '../domain/auditEvent.js';
import { parseForm } from '../forms/form.js';
import { forgotPasswordForm, resetPasswordForm } from '../forms/schemas.js';
import { translator } from '../i18n/index.js';
import { mailConfigured, sendMail } from '../mail.js';
import { audit, auditedWrite } from '../security/audit.js';
import { hashPassword, passwordProblem } from '../security/password.js';
import { requestLimit } from '../security/rateLimits.js';
import { createPasswordReset, openPasswordReset, RESET_MINUTES, usePasswordReset } from '../storage/passwordResets.js';
import { destroyUserSessions } from '../storage/sessions.js';
import { findUserByEmail, getUser, setPassword } from '../storage/users.js';

/** Reset links asked for per address in 15 minutes (each one may send a mail). */
const FORGOT_LIMIT = 5;

/**
 * "Glömt lösenordet": a single-use link valid for an hour, sent to the account's own e-mail only —
 * never shown on a page, so nobody but the mailbox's owner can take over the account. The answer
 * is the same whether the e-mail has an account. With no mail server the page says whom to ask.
 */
export function passwordResetRoutes(ctx: AppContext): Router {
  const router = Router();
  const limit = requestLimit(FORGOT_LIMIT);

  router.get('/password/forgot', (_req, res) => res.render('auth/forgot', { sent: false, errors: [], input: {}, mail: mailConfigured(ctx.config) }));

  router.post('/password/forgot', limit, (req, res) => {
    const form = parseForm(forgotPasswordForm, req.body);
    if (!form.ok) return void res.status(422).render('auth/forgot', { sent: false, errors: form.errors, input: form.input, mail: mailConfigured(ctx.config) });
    const user = findUserByEmail(ctx.db, form.value.email);
    if (user && !user.disabled && mailConfigured(ctx.config)) {
      const token = createPasswordReset(ctx.db, user.id);
      const t = translator('sv');
      const link = `${ctx.config.publicUrl}/password/reset/${token}`;
      // Not awaited: a known address must not answer slower than an unknown one.
      void sendMail(ctx.config, { to: user.email, subject: t('mail.reset.subject'), text: t('mail.reset.text', { name: user.name, link, minutes: RESET_MINUTES }) });
      audit(ctx, req, { action: 'password.resetRequest', target: auditTarget.user(user.id), by: { userId: user.id } });
    }
    res.render('auth/forgot', { sent: true, errors: [], input: {}, mail: mailConfigured(ctx.config) });
  });

  const open = (req: Request, res: Response) => {
    const token = String(req.params.token);
    const reset = isLinkToken(token) ? openPasswordReset(ctx.db, token) : undefined;
    const user = reset && getUser(ctx.db, reset.userId);
    if (!reset || !user || user.disabled) {
      res.status(404).render('auth/reset', { state: 'invalid', errors: [], token: null });
      return null;
    }
    return { reset, user, token };
  };

  router.get('/password/reset/:token', (req, res) => {
    const o = open(req, res);
    if (o) res.render('auth/reset', { state: 'form', errors: [], token: o.token, email: o.user.email });
  });

  router.post('/password/reset/:token', async (req, res) => {
    const o = open(req, res);
    if (!o) return;
    const form = parseForm(resetPasswordForm, req.body, [
      (v) => (v.password !== v.confirm ? { field: 'confirm', code: 'password.mismatch' } : null),
      (v) => {
        const problem = passwordProblem(v.password, o.user.email);
        return problem ? { field: 'password', code: `password.${problem}` } : null;
      },
    ]);
    if (!form.ok) return void res.status(422).render('auth/reset', { state: 'form', errors: form.errors, token: o.token, email: o.user.email });
    const passwordHash = await hashPassword(form.value.password);
    // Used once, checked again inside the write (two tabs); every session of the account ends.
    const done = auditedWrite(ctx, req, () => {
      if (!usePasswordReset(ctx.db, o.reset.id)) return false;
      setPassword(ctx.db, o.user.id, passwordHash);
      destroyUserSessions(ctx.db, o.user.id);
      return true;
    }, (ok) => (ok ? { action: 'password.reset', target: auditTarget.user(o.user.id), by: { userId: o.user.id } } : null));
    if (!done) return void res.status(404).render('auth/reset', { state: 'invalid', errors: [], token: null });
    res.redirect(303, `/login?email=${encodeURIComponent(o.user.email)}&reset=1`);
  });

  return router;
}
