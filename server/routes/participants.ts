import { Router } from 'express';
import type { AppContext } from '../context.js';

/** Staff work inside one intervention: participants, codes, slips, paper entry, response rates. */
export function participantRoutes(_ctx: AppContext): Router {
  const router = Router();
  return router;
}
