import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { federationsOf } from '../security/access.js';
import { pendingSignIn, principalForUser, principalOf, regenerateSession, requireSignedIn, SECOND_FACTOR_PATH, safeNext, SESSION_COOKIE, signIn } from '../security/auth.js';
import { hashPassword, passwordProblem, verifyPassword } from '../security/password.js';
import { failedAttemptLimit } from '../security/rateLimits.js';
import { audit, auditedWrite } from '../security/audit.js';
import { getFederation, ssoRequiredForUser } from '../storage/federations.js';
import { projectsOfUser } from '../storage/projects.js';
import { destroyUserSessions } from '../storage/sessions.js';
import { clearFailures, lockedUntil, recordFailure, throttleKey } from '../storage/loginThrottle.js';
import { findUserByEmail, getUser, setPassword } from '../storage/users.js';
import { auditTarget } from '../domain/auditEvent.js';
import { parseForm } from '../forms/form.js';
import { loginForm, memberForm, passwordForm } from '../forms/schemas.js';
import { secondFactorRequired } from '../security/secondFactor.js';
import { totpOf } from '../storage/secondFactor.js';
import { endSessionUrl } from '../security/oidc.js';
import { accountPage, secondFactorRoutes } from './secondFactor.js';
import { ssoRoutes } from './sso.js';

/** Ends the request's own session too, so its cookie opens nothing and is not saved again at the end of the response. */
function endSession(req: Request): Promise<void> {
  return new Promise((resolve) => req.session.destroy(() => resolve()));
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const loginLimiter = failedAttemptLimit(ctx.loginLimit ?? 10);

  router.use((_req, res, next) => {
    res.locals.ssoProviders = ctx.config.oidcProviders.map((p) => ({ id: p.id, name: p.name }));
    next();
  });

  router.get('/', (req, res) => {
    const federations = req.principal ? federationsOf(req.principal).map((id) => getFederation(ctx.db, id)!) : [];
    const projects = req.principal?.userId ? projectsOfUser(ctx.db, req.principal.userId) : [];
    res.render('home', { federations, projects });
  });

  router.get('/login', (req, res) => {
    const query = parseForm(loginForm, req.query);
    res.render('auth/login', { error: null, email: query.ok ? query.value.email ?? '' : '', next: safeNext(query.ok ? query.value.next : undefined), reset: query.ok && query.value.reset === '1' });
  });

  // The second factor after a password (the same per-IP limit as the password), and single sign-on.
  router.use(secondFactorRoutes(ctx, loginLimiter));
  router.use(ssoRoutes(ctx));

  router.post('/login', loginLimiter, async (req, res) => {
    // A form that does not fit (a 300-character e-mail) is a failed sign-in like any other.
    const form = parseForm(loginForm, req.body);
    const { email = '', password = '', next: target } = form.ok ? form.value : {};
    const next = safeNext(target);
    const user = email ? findUserByEmail(ctx.db, email) : undefined;
    // The log keeps what was typed only when it is an e-mail address (lower case): a password typed
    // into the e-mail field must not land in it.
    const typed = parseForm(memberForm, { email });
    const fail = (error: string, status = 401) => {
      audit(ctx, req, { action: 'login.failed', detail: { reason: error }, by: { userId: user?.id ?? null, actor: typed.ok ? typed.value.email.toLowerCase() : null } });
      res.status(status).render('auth/login', { error, email, next });
    };
    // Known e-mail or not, the same steps and answers: this source waits after 5 failures on this
    // e-mail, others do not (a stranger cannot keep anyone out), and nothing tells whether it exists.
    const key = throttleKey(req.ip, email);
    if (lockedUntil(ctx.db, key)) return fail('login.locked', 429);
    // A made-up hash for an unknown e-mail: the same work as a wrong password.
    const right = await verifyPassword(password, user && !user.disabled ? user.passwordHash : 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!user || user.disabled || !right) {
      const waits = recordFailure(ctx.db, key);
      return fail(waits ? 'login.locked' : 'login.wrong', waits ? 429 : 401);
    }
    clearFailures(ctx.db, key);
    // Checked once the password is right, so it tells a stranger nothing about the e-mail.
    if (ssoRequiredForUser(ctx.db, user.id)) return fail('login.ssoRequired', 403);
    if (totpOf(ctx.db, user.id) || secondFactorRequired(ctx, principalForUser(ctx, user.id)!)) {
      await regenerateSession(req);
      req.session.pendingSignIn = pendingSignIn(ctx, user.id, next);
      return res.redirect(303, SECOND_FACTOR_PATH);
    }
    await signIn(ctx, req, user.id, 'password');
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    const { userId, signedInWith } = req.session;
    // Signed in at a provider: the page offers to end that session too (its end-session URL).
    const provider = signedInWith?.startsWith('oidc:') ? ctx.config.oidcProviders.find((p) => `oidc:${p.id}` === signedInWith) : undefined;
    const providerLogout = provider ? await endSessionUrl(provider, `${ctx.config.publicUrl}/login`) : null;
    await endSession(req);
    if (userId) audit(ctx, req, { action: 'logout', by: { userId } });
    res.clearCookie(SESSION_COOKIE);
    if (!provider || !providerLogout) return res.redirect(303, '/login');
    res.locals.principal = undefined;
    res.render('auth/loggedOut', { provider, providerLogout });
  });

  router.post('/logout-everywhere', requireSignedIn, async (req, res) => {
    const userId = principalOf(req).userId!;
    auditedWrite(ctx, req, () => destroyUserSessions(ctx.db, userId), (count) => ({ action: 'logout.everywhere', detail: { sessions: count } }));
    await endSession(req);
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, '/login');
  });

  router.get('/account', requireSignedIn, (req, res) => {
    res.render('auth/account', accountPage(ctx, req, null));
  });

  router.post('/account/password', requireSignedIn, async (req, res) => {
    const user = getUser(ctx.db, principalOf(req).userId!)!;
    const form = parseForm(passwordForm, req.body);
    const { current = '', password: next = '', confirm = '' } = form.ok ? form.value : {};
    let error: string | null = null;
    if (!(await verifyPassword(current, user.passwordHash))) error = 'password.currentWrong';
    else if (next !== confirm) error = 'password.mismatch';
    else {
      const problem = passwordProblem(next, user.email);
      if (problem) error = `password.${problem}`;
    }
    if (error) return void res.status(422).render('auth/account', accountPage(ctx, req, error));
    const passwordHash = await hashPassword(next);
    auditedWrite(ctx, req, () => {
      setPassword(ctx.db, user.id, passwordHash);
      destroyUserSessions(ctx.db, user.id);
    }, { action: 'password.change', target: auditTarget.user(user.id) });
    await endSession(req);
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, '/login');
  });

  return router;
}
