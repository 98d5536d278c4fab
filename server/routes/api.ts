import { Router } from 'express';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { can, federationsOf } from '../security/access.js';
import { requireSignedIn } from '../security/auth.js';
import { listInterventions } from '../storage/interventions.js';

/** JSON API under /api/v1, for bearer tokens (scoped to one federation and role) or a signed-in session. */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(requireSignedIn);

  router.get('/interventions', (req, res) => {
    const p = req.principal!;
    const federations = federationsOf(p).filter((f) => can(p, 'results.read', f));
    if (federations.length === 0) throw new Problem('forbidden');
    res.json({
      interventions: federations.flatMap((f) => listInterventions(ctx.db, f)).map((i) => ({
        id: i.id, federationId: i.federationId, name: i.name, kind: i.kind, targetGroup: i.targetGroup, startsOn: i.startsOn, endsOn: i.endsOn,
      })),
    });
  });

  return router;
}
