import { Router, type Request, type Response } from 'express';
import type { OidcProvider } from '../config.js';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { parseForm } from '../forms/form.js';
import { ssoSettingForm, ssoStartForm } from '../forms/schemas.js';
import { Problem } from '../problem.js';
import { audit, auditedWrite } from '../security/audit.js';
import { authorize, principalOf, safeNext, signIn } from '../security/auth.js';
import { beginSignIn, finishSignIn, SsoError } from '../security/oidc.js';
import { setSsoRequired, ssoRequired } from '../storage/federations.js';
import { linkedSubject, linkedUser, linkSubject, touchLink } from '../storage/oidcLinks.js';
import { destroyUserSessions } from '../storage/sessions.js';
import { findUserByEmail, getUser, listFederationMembers } from '../storage/users.js';

// Single sign-on with the OpenID Connect providers of the configuration (config.ts), and the
// förbund's choice to let its users in only that way.

/** How long the provider may take (the person signing in there) before the answer is no longer awaited. */
const SIGN_IN_WINDOW_MS = 10 * 60 * 1000;

/**
 * The account a provider's answer signs in to: the one linked to its subject, else the one with
 * its e-mail address when the provider vouches for the address (linked from then on). No account
 * is made here: people are invited first.
 */
function accountOf(ctx: AppContext, provider: OidcProvider, claims: Record<string, unknown>): { userId: number; linked: boolean } | { refused: string } {
  const subject = String(claims.sub);
  const linked = linkedUser(ctx.db, provider.id, subject);
  if (linked !== undefined) return { userId: linked, linked: false };
  const email = claims[provider.emailClaim];
  if (typeof email !== 'string' || email === '') return { refused: 'noEmail' };
  if (provider.verifiedClaim !== null && claims[provider.verifiedClaim] !== true) return { refused: 'emailNotVerified' };
  const user = findUserByEmail(ctx.db, email);
  if (!user) return { refused: 'unknownEmail' };
  // The account is someone else's at this provider already: a second subject with the same address is not them.
  if (linkedSubject(ctx.db, provider.id, user.id) !== undefined) return { refused: 'linkedToAnotherSubject' };
  linkSubject(ctx.db, provider.id, subject, user.id);
  return { userId: user.id, linked: true };
}

export function ssoRoutes(ctx: AppContext): Router {
  const router = Router();
  const providerOf = (id: string | string[] | undefined) => ctx.config.oidcProviders.find((p) => p.id === id);
  const redirectUri = (p: OidcProvider) => `${ctx.config.publicUrl}/login/oidc/${p.id}/callback`;

  /** The login page with what went wrong; audited as a failed sign-in with the reason for the operator. */
  const refuse = (req: Request, res: Response, provider: OidcProvider, error: 'sso.unavailable' | 'sso.failed' | 'sso.unknownAccount', reason: string, actor: unknown = null) => {
    audit(ctx, req, { action: 'login.failed', detail: { reason: error, provider: provider.id, why: reason.slice(0, 300) }, by: { actor: typeof actor === 'string' ? actor.toLowerCase().slice(0, 200) : null } });
    const status = { 'sso.unavailable': 502, 'sso.failed': 400, 'sso.unknownAccount': 403 }[error];
    res.status(status).render('auth/login', { error, email: '', next: '/' });
  };

  // A link, not a form: a form's redirect to another origin would meet the CSP's form-action 'self'.
  router.get('/login/oidc/:provider', async (req, res, next) => {
    const provider = providerOf(req.params.provider);
    if (!provider) return next(new Problem('notFound'));
    const form = parseForm(ssoStartForm, req.query);
    let request;
    try {
      request = await beginSignIn(provider, redirectUri(provider));
    } catch (err) {
      if (!(err instanceof SsoError)) throw err;
      return refuse(req, res, provider, 'sso.unavailable', err.message);
    }
    req.session.oidc = { provider: provider.id, state: request.state, nonce: request.nonce, verifier: request.verifier, next: safeNext(form.ok ? form.value.next : undefined), until: Date.now() + SIGN_IN_WINDOW_MS };
    res.redirect(303, request.url);
  });

  router.get('/login/oidc/:provider/callback', async (req, res, next) => {
    const provider = providerOf(req.params.provider);
    if (!provider) return next(new Problem('notFound'));
    // What the answer must match is used once: a second visit of the same answer finds nothing.
    const expected = req.session.oidc;
    delete req.session.oidc;
    if (!expected || expected.provider !== provider.id || expected.until < Date.now()) return refuse(req, res, provider, 'sso.failed', 'no sign-in under way in this browser');
    let claims;
    try {
      claims = await finishSignIn(provider, new URL(req.originalUrl, ctx.config.publicUrl), expected);
    } catch (err) {
      if (!(err instanceof SsoError)) throw err;
      return refuse(req, res, provider, err.reason === 'unavailable' ? 'sso.unavailable' : 'sso.failed', err.message);
    }
    const account = ctx.db.transaction(() => accountOf(ctx, provider, claims))();
    if ('refused' in account) return refuse(req, res, provider, 'sso.unknownAccount', account.refused, claims[provider.emailClaim]);
    if (getUser(ctx.db, account.userId)?.disabled !== false) return refuse(req, res, provider, 'sso.unknownAccount', 'disabled', claims[provider.emailClaim]);
    touchLink(ctx.db, provider.id, claims.sub);
    await signIn(ctx, req, account.userId, `oidc:${provider.id}`, account.linked ? { linked: true } : {});
    res.redirect(303, expected.next);
  });

  return router;
}

/** A förbund admin decides whether the förbund's users sign in only through single sign-on. */
export function ssoSettingRoutes(ctx: AppContext): Router {
  const router = Router();
  const page = (req: Request, res: Response, error: string | null) => ({
    required: ssoRequired(ctx.db, res.locals.federation.id), providers: ctx.config.oidcProviders.map((p) => p.name),
    // Only someone signed in that way can require it: they know it works, and cannot lock themselves out.
    signedInWithSso: req.session.signedInWith?.startsWith('oidc:') ?? false, error, saved: req.query.saved === '1',
  });

  router.get('/f/:fid/sign-in', authorize(ctx, 'federation.manage'), (req, res) => {
    res.render('federation/signIn', page(req, res, null));
  });

  router.post('/f/:fid/sign-in', authorize(ctx, 'federation.manage'), (req, res) => {
    const form = parseForm(ssoSettingForm, req.body);
    const required = form.ok && form.value.ssoRequired === '1';
    const federationId = res.locals.federation.id;
    if (required && !req.session.signedInWith?.startsWith('oidc:')) return void res.status(422).render('federation/signIn', page(req, res, 'sso.requireNeedsSso'));
    const me = principalOf(req).userId;
    auditedWrite(ctx, req, () => {
      const before = ssoRequired(ctx.db, federationId);
      setSsoRequired(ctx.db, federationId, required);
      // From now on a password opens nothing for them: their sessions end (the admin's own, by single sign-on, stays).
      if (required && !before) for (const m of listFederationMembers(ctx.db, federationId)) if (m.id !== me) destroyUserSessions(ctx.db, m.id);
    }, { action: 'federation.signIn', federationId, target: auditTarget.federation(federationId), detail: { ssoRequired: required } });
    res.redirect(303, `/f/${federationId}/sign-in?saved=1`);
  });

  return router;
}
