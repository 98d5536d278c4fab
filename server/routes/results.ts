import { Router } from 'express';
import type { AppContext } from '../context.js';
import { defaultChangePair, summarizeIntervention } from '../domain/comparison.js';
import { authorize } from '../security/auth.js';
import { writeAudit } from '../storage/audit.js';
import { listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { indicatorScores, responseCounts } from '../storage/results.js';

/** The first result view per intervention; the evaluator analysis grows from here. */
export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/interventions/:iid/results', authorize(ctx, 'results.read'), (req, res) => {
    const intervention = res.locals.intervention as Intervention;
    const points = listMeasurementPoints(ctx.db, intervention.id);
    const pointNames = points.map((p) => p.point);
    const instrument = points[0] ? ctx.instruments.get(points[0].instrumentId) : undefined;
    const indicators = instrument?.indicators ?? [];
    const results = summarizeIntervention(indicatorScores(ctx.db, intervention.id), indicators.map((i) => i.id), pointNames, defaultChangePair(pointNames));
    writeAudit(ctx.db, { userId: req.principal!.userId, federationId: intervention.federationId, action: 'results.view', target: `intervention ${intervention.id}`, ip: req.ip });
    res.render('results/intervention', { intervention, indicators, points: pointNames, results, counts: responseCounts(ctx.db, intervention.id) });
  });

  return router;
}
