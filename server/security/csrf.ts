import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { Problem } from '../problem.js';

const VISITOR_COOKIE = 'indikator.vid';

export interface CsrfOptions { secret: string; secureCookies: boolean }

function csrfConfig(opts: CsrfOptions) {
  return {
    getSecret: () => opts.secret,
    getSessionIdentifier: (req: Request) => (req.cookies as Record<string, string> | undefined)?.[VISITOR_COOKIE] ?? '',
    cookieName: 'indikator.csrf',
    cookieOptions: { sameSite: 'lax' as const, secure: opts.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req: Request) => (req.body as { _csrf?: string } | undefined)?._csrf ?? req.get('x-csrf-token'),
  };
}

/**
 * The same check as the protection below, for a body parser that must know before it reads on:
 * a file upload checks the token (sent before the file) before it stores a byte of the file. The
 * protection checks the request again once the body is parsed, as for every form.
 */
export function csrfTokenValid(opts: CsrfOptions): (req: Request) => boolean {
  const { validateRequest } = doubleCsrf(csrfConfig(opts));
  return (req) => validateRequest(req);
}

/**
 * CSRF protection for every state-changing form (csrf-csrf, signed double-submit cookie). The token
 * is bound to a random visitor cookie that every browser gets on its first request.
 */
export function csrfProtection(opts: CsrfOptions) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf(csrfConfig(opts));

  // The visitor cookie is given on pages (GET), never on a post: a post from another site carries no
  // cookies, and answering it with new ones would void the token of the visitor's open page.
  const visitor = (req: Request, res: Response, next: NextFunction) => {
    if (!req.cookies[VISITOR_COOKIE] && (req.method === 'GET' || req.method === 'HEAD')) {
      const id = randomBytes(16).toString('base64url');
      req.cookies[VISITOR_COOKIE] = id;
      res.cookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, path: '/' });
    }
    next();
  };

  // The token is made when a page reads it (a render), not for answers without forms (a redirect,
  // an autosave's 204): each costs an HMAC and a cookie.
  const token = (req: Request, res: Response, next: NextFunction) => {
    if (res.locals.csrfToken !== undefined) return next(); // made already: a stale page's fresh token
    let value: string | null | undefined;
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      configurable: true,
      get: () => (value === undefined ? (value = req.cookies[VISITOR_COOKIE] && !res.headersSent ? generateCsrfToken(req, res) : null) : value),
      set: (given: string | null) => (value = given),
    });
    next();
  };

  // A questionnaire page sent from this browser with a token gone stale (the page lay open for long):
  // the page comes back with the typed answers and a fresh token, nothing saved (survey.ts).
  const staleQuestionnairePage = (req: Request) =>
    req.method === 'POST' && /^\/s\/[^/]+\/\d{1,3}$/.test(req.path) && typeof (req.cookies as Record<string, unknown>)[VISITOR_COOKIE] === 'string';

  const protect = (req: Request, res: Response, next: NextFunction) => {
    doubleCsrfProtection(req, res, (err?: unknown) => {
      if (!err) return next();
      if (staleQuestionnairePage(req)) {
        res.locals.staleForm = true;
        res.locals.csrfToken = generateCsrfToken(req, res);
        return next();
      }
      // A refused post changes no cookie (the honest page keeps a working token); its error page has no forms.
      res.locals.csrfToken = null;
      next(new Problem('csrf'));
    });
  };

  return [visitor, protect, token];
}
