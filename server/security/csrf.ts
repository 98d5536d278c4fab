import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { Problem } from '../problem.js';

const VISITOR_COOKIE = 'indikator.vid';

export interface CsrfOptions { secret: string; secureCookies: boolean }

/**
 * CSRF protection for every state-changing form (csrf-csrf, signed double-submit cookie). The token
 * is bound to a random visitor cookie that every browser gets on its first request.
 */
export function csrfProtection(opts: CsrfOptions) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => opts.secret,
    getSessionIdentifier: (req) => (req.cookies as Record<string, string> | undefined)?.[VISITOR_COOKIE] ?? '',
    cookieName: 'indikator.csrf',
    cookieOptions: { sameSite: 'lax', secure: opts.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf ?? req.get('x-csrf-token'),
  });

  const visitor = (req: Request, res: Response, next: NextFunction) => {
    if (!req.cookies[VISITOR_COOKIE]) {
      const id = randomBytes(16).toString('base64url');
      req.cookies[VISITOR_COOKIE] = id;
      res.cookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, path: '/' });
    }
    next();
  };

  const token = (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = generateCsrfToken(req, res);
    next();
  };

  const protect = (req: Request, res: Response, next: NextFunction) => {
    doubleCsrfProtection(req, res, (err?: unknown) => {
      if (!err) return next();
      // The error page still carries forms (sign out), so it gets a fresh token.
      res.locals.csrfToken = generateCsrfToken(req, res, { overwrite: true });
      next(new Problem('csrf'));
    });
  };

  return [visitor, protect, token];
}
