import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Problem } from '../problem.js';

/**
 * A per-IP limit on failed attempts (4xx answers) in a 15-minute window: successful requests are
 * not counted, so a class answering from one school network, or a busy office, is never blocked.
 */
export function failedAttemptLimit(limit: number) {
  return rateLimit({
    windowMs: 15 * 60 * 1000,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new Problem('rateLimited')),
  });
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
 * The limits on guessing codes, for every route that takes one: `perIp` missed guesses per address
 * in 15 minutes, and `perMinute` missed guesses per minute from all addresses together (when that is
 * reached, code routes answer 429 for the rest of the minute and the log says so once).
 */
export function codeGuessLimits(perIp: number, perMinute: number) {
  let alerted = 0;
  const missesOnly = { skipSuccessfulRequests: true, requestWasSuccessful: (req: Request, res: Response) => !missedCode(req, res) };
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
