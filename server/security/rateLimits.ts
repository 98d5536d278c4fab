import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Problem } from '../problem.js';

/** A per-IP limit in a 15-minute window, answered with the rateLimited problem. */
function perAddress(limit: number, onlyFailures: boolean) {
  return rateLimit({
    windowMs: 15 * 60 * 1000,
    limit,
    skipSuccessfulRequests: onlyFailures,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new Problem('rateLimited')),
  });
}

/**
 * A per-IP limit on failed attempts (4xx answers) in a 15-minute window: successful requests are
 * not counted, so a class answering from one school network, or a busy office, is never blocked.
 */
export function failedAttemptLimit(limit: number) {
  return perAddress(limit, true);
}

/** A per-IP limit on every request of a kind in a 15-minute window (asking for a reset link: each one sends a mail). */
export function requestLimit(limit: number) {
  return perAddress(limit, false);
}

/**
 * A request that guessed at a code and missed: a code that is malformed or unknown (400, 404), one
 * already used or replaced (410), a wrong new code typed on a replaced page (422 there). A page's
 * own validation errors are not guesses.
 */
function missedCode(req: Request, res: Response): boolean {
  return res.statusCode === 400 || res.statusCode === 404 || res.statusCode === 410 || (res.statusCode === 422 && req.path.endsWith('/new-code'));
}

/**
 * The code a request to a code route carries: in its path (/s/<code>/…, relative to the /s mount),
 * for the code form (POST /s) and a replaced page's form (…/new-code) typed into the form, or
 * (/s/q/…) held in the participant cookie (`held`).
 */
function carriedCodes(req: Request, held: (req: Request) => string | null): string[] {
  const first = req.path.split('/').filter(Boolean)[0];
  const typed = req.method === 'POST' ? (req.body as { code?: unknown } | undefined)?.code : undefined;
  return [first, typeof typed === 'string' ? typed : undefined, held(req) ?? undefined].filter((c): c is string => c !== undefined && c !== 'thanks');
}

/**
 * The limits on guessing codes, for every route that takes one: `perIp` missed guesses per address
 * in 15 minutes, and `perMinute` missed guesses per minute from all addresses together (when that is
 * reached, code routes answer 429 for the rest of the minute and the log says so once).
 * A request carrying a code that opens a questionnaire (`opens`) is no guess: it is neither counted
 * nor refused, so fifty participants saving at once from one network never meet the limit (the
 * limiter counts a request when it starts, before it is known whether it missed). Every other
 * request is counted when it starts, so parallel guesses cannot slip past the limit, and given back
 * when it turns out not to be a miss.
 */
export function codeGuessLimits(perIp: number, perMinute: number, opens: (code: string) => boolean, held: (req: Request) => string | null = () => null) {
  let alerted = 0;
  const missesOnly = {
    skip: (req: Request) => carriedCodes(req, held).some(opens),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (req: Request, res: Response) => !missedCode(req, res),
  };
  return [
    rateLimit({ windowMs: 15 * 60 * 1000, limit: perIp, ...missesOnly, standardHeaders: 'draft-7', legacyHeaders: false, handler: (_req, _res, next) => next(new Problem('rateLimited')) }),
    rateLimit({
      windowMs: 60 * 1000, limit: perMinute, ...missesOnly, keyGenerator: () => 'all', standardHeaders: false, legacyHeaders: false,
      handler: (_req, _res, next) => {
        const minute = Math.floor(Date.now() / 60_000);
        if (alerted !== minute) {
          alerted = minute;
          console.error(`ALERT code guessing: more than ${perMinute} missed code lookups in a minute from all clients together; code pages answer 429 until the minute is over`);
        }
        next(new Problem('rateLimited'));
      },
    }),
  ];
}
