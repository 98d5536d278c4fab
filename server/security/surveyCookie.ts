import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

// A participant's code, once typed (or opened from the QR link), lives in this short-lived cookie
// instead of the address bar, so the browser's history never holds it (issue 12, "nothing left
// behind on a shared computer"). The value is the code, when it lapses and an HMAC over both with
// the installation's secret: the lapse cannot be moved. Sending or pausing clears it.

export const SURVEY_COOKIE = 'indikator_s';
/** Minutes without a page before the cookie lapses (each page renews it). */
export const SURVEY_COOKIE_MINUTES = 60;

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function setSurveyCookie(res: Response, code: string, secret: string, secure: boolean, now = Date.now()): void {
  const payload = `${code}.${now + SURVEY_COOKIE_MINUTES * 60_000}`;
  res.cookie(SURVEY_COOKIE, `${payload}.${sign(secret, payload)}`, { httpOnly: true, sameSite: 'lax', secure, path: '/s', maxAge: SURVEY_COOKIE_MINUTES * 60_000 });
}

/** The code the cookie holds, when it is signed and has not lapsed. */
export function surveyCookieCode(req: Request, secret: string, now = Date.now()): string | null {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SURVEY_COOKIE];
  if (typeof value !== 'string') return null;
  const [code, until, mac] = value.split('.');
  if (!code || !until || !mac) return null;
  const expected = Buffer.from(sign(secret, `${code}.${until}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given) || Number(until) < now) return null;
  return code;
}

export function clearSurveyCookie(res: Response, secure: boolean): void {
  res.clearCookie(SURVEY_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/s' });
}
