import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { federationsOf } from '../security/access.js';
import { HARD_TIMEOUT_MS, principalOf, requireSignedIn, SESSION_COOKIE } from '../security/auth.js';
import { hashPassword, passwordProblem, verifyPassword } from '../security/password.js';
import { failedAttemptLimit } from '../security/rateLimits.js';
import { audit, auditedWrite } from '../security/audit.js';
import { getFederation } from '../storage/federations.js';
import { projectsOfUser } from '../storage/projects.js';
import { destroyUserSessions } from '../storage/sessions.js';
import { clearFailures, lockedUntil, recordFailure, throttleKey } from '../storage/loginThrottle.js';
import { findUserByEmail, getUser, setPassword } from '../storage/users.js';
import { auditTarget } from '../domain/auditEvent.js';
import { parseForm } from '../forms/form.js';
import { loginForm, memberForm, passwordForm } from '../forms/schemas.js';

/** Only a local path may be a target after sign-in (no open redirect). */
function safeNext(next: string | undefined = ''): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** Ends the request's own session too, so its cookie opens nothing and is not saved again at the end of the response. */
function endSession(req: Request): Promise<void> {
  return new Promise((resolve) => req.session.destroy(() => resolve()));
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err instanceof Error ? err : new Error('session could not be renewed')) : resolve())));
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const loginLimiter = failedAttemptLimit(ctx.loginLimit ?? 10);

  router.get('/', (req, res) => {
    const federations = req.principal ? federationsOf(req.principal).map((id) => getFederation(ctx.db, id)!) : [];
    const projects = req.principal?.userId ? projectsOfUser(ctx.db, req.principal.userId) : [];
    res.render('home', { federations, projects });
  });

  router.get('/login', (req, res) => {
    const query = parseForm(loginForm, req.query);
    res.render('auth/login', { error: null, email: query.ok ? query.value.email ?? '' : '', next: safeNext(query.ok ? query.value.next : undefined), reset: query.ok && query.value.reset === '1' });
  });

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
    await regenerate(req);
    req.session.userId = user.id;
    req.session.hardExpiry = Date.now() + HARD_TIMEOUT_MS;
    audit(ctx, req, { action: 'login.ok', by: { userId: user.id } });
    res.redirect(303, next);
  });

  router.post('/logout', (req, res) => {
    const userId = req.session.userId;
    req.session.destroy(() => {
      if (userId) audit(ctx, req, { action: 'logout', by: { userId } });
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, '/login');
    });
  });

  router.post('/logout-everywhere', requireSignedIn, async (req, res) => {
    const userId = principalOf(req).userId!;
    auditedWrite(ctx, req, () => destroyUserSessions(ctx.db, userId), (count) => ({ action: 'logout.everywhere', detail: { sessions: count } }));
    await endSession(req);
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, '/login');
  });

  router.get('/account', requireSignedIn, (req, res) => {
    res.render('auth/account', { user: getUser(ctx.db, principalOf(req).userId!), error: null, saved: req.query.saved === '1' });
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
    if (error) return void res.status(422).render('auth/account', { user, error, saved: false });
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
