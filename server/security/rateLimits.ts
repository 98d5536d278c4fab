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
