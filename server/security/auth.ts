import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { useApiToken } from '../storage/apiTokens.js';
import { auditTarget } from '../domain/auditEvent.js';
import { audit } from './audit.js';
import type { Translate } from '../domain/report.js';
import { getFederation, type Federation } from '../storage/federations.js';
import { getIntervention, type Intervention } from '../storage/interventions.js';
import { getProject, projectMemberIds, type Project } from '../storage/projects.js';
import { SqliteSessionStore } from '../storage/sessions.js';
import { assignedInterventions, getUser, rolesOf } from '../storage/users.js';
import { can, canReadProject, type Permission, type Principal } from './access.js';
import { idParam } from '../forms/form.js';
import { newTotpSecret, secondFactorRequired } from './secondFactor.js';
import { totpOf } from '../storage/secondFactor.js';

/** How a session was signed in: a password alone, a password and a second factor, or at a provider (`oidc:<id>`). */
export type SignInMethod = 'password' | 'password+totp' | 'password+recoveryCode' | `oidc:${string}`;

/** A password that was right, waiting for the second factor (or for one to be set up: `secret`). */
export interface PendingSignIn { userId: number; next: string; until: number; secret?: string }

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** Absolute end of the session (ms), whatever the activity. */
    hardExpiry?: number;
    /** How the session was signed in (none: signed in before it was recorded, a password alone). */
    signedInWith?: SignInMethod;
    /** Not yet signed in: the password was right, the second factor is still to come. */
    pendingSignIn?: PendingSignIn;
    /** A sign-in at an OpenID Connect provider under way: what its answer must match. */
    oidc?: { provider: string; state: string; nonce: string; verifier: string; next: string; until: number };
    /** A TOTP secret being set up from the account page, until a code from it confirms it. */
    totpEnrolment?: string;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Who is signed in, or which API token is used (loadPrincipal); read it through principalOf. */
      principal?: Principal;
    }
  }
}

declare module 'express-serve-static-core' {
  /** What every request's views can read (render/viewLocals.ts), and what authorize loaded for the route. */
  interface Locals {
    /** Translates a key into the page's UI language. */
    t: Translate;
    /** The language the page's content is in (a questionnaire's may be one the UI lacks), and the UI language. */
    lang: string;
    uiLang: string;
    /** The form token of the page (null on an error page for a body refused before the CSRF check). */
    csrfToken?: string | null;
    /** A questionnaire page whose token had gone stale: shown again with its answers, nothing saved (csrf.ts). */
    staleForm?: boolean;
    /** Set by authorize() on routes under /f/:fid and /f/:fid/interventions/:iid, by authorizeProject() under /projects/:pid. */
    federation: Federation;
    intervention: Intervention;
    project: Project;
    /** The single sign-on providers, for the login page's buttons (routes/auth.ts). */
    ssoProviders?: { id: string; name: string }[];
  }
}

/** The signed-in person or API token of a request that authorize (or requireSignedIn) let through. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new Problem('unauthenticated');
  return req.principal;
}

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const HARD_TIMEOUT_MS = 10 * 60 * 60 * 1000;

/** Sessions in SQLite: HttpOnly, SameSite=Lax, Secure behind HTTPS, 30 min idle, 10 h at most. */
/** The signed-in person's session cookie. */
export const SESSION_COOKIE = 'indikator.sid';

export function sessions(ctx: AppContext, secret: string) {
  const staffSessions = session({
    name: SESSION_COOKIE,
    secret,
    store: new SqliteSessionStore(ctx.db, IDLE_TIMEOUT_MS),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies, maxAge: IDLE_TIMEOUT_MS },
  });
  // Participants never sign in: their pages skip the session unless a signed-in person opens them.
  return (req: Request, res: Response, next: NextFunction) => {
    const participantPage = req.path === '/s' || req.path.startsWith('/s/');
    if (participantPage && !(req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE]) return next();
    staffSessions(req, res, next);
  };
}

export function principalForUser(ctx: AppContext, userId: number): Principal | undefined {
  const user = getUser(ctx.db, userId);
  if (!user || user.disabled) return undefined;
  return {
    userId: user.id, tokenId: null, name: user.name, isSystemAdmin: user.isSystemAdmin, isNational: user.isNational,
    grants: rolesOf(ctx.db, user.id), assignedInterventions: new Set(assignedInterventions(ctx.db, user.id)),
  };
}

/** Only a local path may be a target after sign-in (no open redirect). */
export function safeNext(next: string | undefined = ''): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** Where a password sign-in waits for its second factor. */
export const SECOND_FACTOR_PATH = '/login/second-factor';
/** How long the second factor may take after the password. */
const PENDING_MS = 5 * 60 * 1000;

/** The password was right: what the session keeps until the second factor (a new secret when none is set up yet). */
export function pendingSignIn(ctx: AppContext, userId: number, next: string): PendingSignIn {
  return { userId, next, until: Date.now() + PENDING_MS, ...(totpOf(ctx.db, userId) ? {} : { secret: newTotpSecret() }) };
}

/** A second factor was given, or a provider vouched for the person: the password alone was not all. */
const strongSignIn = (method: SignInMethod | undefined) => method !== undefined && method !== 'password';

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err instanceof Error ? err : new Error('session could not be renewed')) : resolve())));
}

/** Signs the person in: a new session (no fixation; anything pending goes with the old one), audited with how. */
export async function signIn(ctx: AppContext, req: Request, userId: number, method: SignInMethod, detail: Record<string, unknown> = {}): Promise<void> {
  await regenerateSession(req);
  req.session.userId = userId;
  req.session.hardExpiry = Date.now() + HARD_TIMEOUT_MS;
  req.session.signedInWith = method;
  audit(ctx, req, { action: 'login.ok', detail: { method, ...detail }, by: { userId } });
}

/** Loads who is signed in (or which bearer token is used on /api) into req.principal. */
export function loadPrincipal(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (bearer && req.path.startsWith('/api/')) {
      const token = useApiToken(ctx.db, bearer);
      if (!token) return next(new Problem('unauthenticated'));
      req.principal = { userId: null, tokenId: token.id, name: `token ${token.prefix}…`, isSystemAdmin: false, isNational: false, grants: [{ federationId: token.federationId, role: token.role }], assignedInterventions: new Set() };
      audit(ctx, req, { action: 'token.use', federationId: token.federationId, target: auditTarget.request(req.method, req.path) });
      return next();
    }
    const s = req.session;
    if (s?.userId) {
      if (s.hardExpiry && s.hardExpiry < Date.now()) return s.destroy(() => next());
      const principal = principalForUser(ctx, s.userId);
      if (principal && !strongSignIn(s.signedInWith) && secondFactorRequired(ctx, principal)) {
        // An admin signed in with a password alone (before the requirement, or made admin since):
        // signed out to the second factor, which comes before anything else.
        s.pendingSignIn = pendingSignIn(ctx, s.userId, req.method === 'GET' ? req.originalUrl : '/');
        delete s.userId;
        return req.method === 'GET' ? res.redirect(303, SECOND_FACTOR_PATH) : next();
      }
      req.principal = principal;
      res.locals.principal = req.principal;
    }
    next();
  };
}

export function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (req.principal) return next();
  if (req.originalUrl.startsWith('/api/') || req.method !== 'GET') return next(new Problem('unauthenticated'));
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
}

export function requireSystemAdmin(req: Request, res: Response, next: NextFunction): void {
  requireSignedIn(req, res, (err?: unknown) => {
    if (err) return next(err);
    next(req.principal!.isSystemAdmin ? undefined : new Problem('forbidden'));
  });
}

/** NNS staff in a national installation (the national report and the submissions received). */
export function requireNational(req: Request, res: Response, next: NextFunction): void {
  requireSignedIn(req, res, (err?: unknown) => {
    if (err) return next(err);
    next(req.principal!.isNational ? undefined : new Problem('forbidden'));
  });
}

/**
 * Checks a permission in the federation of :fid (and for :iid, that the intervention belongs to
 * that federation, and for staff that they are assigned to it); loads both into res.locals.
 */
export function authorize(ctx: AppContext, permission: Permission) {
  return (req: Request, res: Response, next: NextFunction) => {
    requireSignedIn(req, res, (err?: unknown) => {
      if (err) return next(err);
      let federationId: number;
      let iid: number | undefined;
      try {
        federationId = idParam(req.params.fid);
        iid = req.params.iid === undefined ? undefined : idParam(req.params.iid);
      } catch (problem) {
        return next(problem);
      }
      const federation = getFederation(ctx.db, federationId);
      if (!federation) return next(new Problem('notFound'));
      let interventionId: number | undefined;
      if (iid !== undefined) {
        const intervention = getIntervention(ctx.db, iid);
        if (!intervention || intervention.federationId !== federation.id) return next(new Problem('notFound'));
        res.locals.intervention = intervention;
        interventionId = intervention.id;
      }
      if (!can(req.principal!, permission, federation.id, interventionId)) return next(new Problem('forbidden'));
      res.locals.federation = federation;
      next();
    });
  };
}

/** Lets system admins and the project's steering group read the project of :pid; loads it into res.locals.project. */
export function authorizeProject(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    requireSignedIn(req, res, (err?: unknown) => {
      if (err) return next(err);
      let projectId: number;
      try {
        projectId = idParam(req.params.pid);
      } catch (problem) {
        return next(problem);
      }
      const project = getProject(ctx.db, projectId);
      if (!project) return next(new Problem('notFound'));
      if (!canReadProject(req.principal!, projectMemberIds(ctx.db, project.id))) return next(new Problem('forbidden'));
      res.locals.project = project;
      next();
    });
  };
}
