import { Router } from 'express';
import type { AppContext } from '../context.js';
import { defaultChangePair, summarizeIntervention } from '../domain/comparison.js';
import { Problem } from '../problem.js';
import { getFederation } from '../storage/federations.js';
import { getIntervention, listInterventions, listMeasurementPoints } from '../storage/interventions.js';
import { indicatorScores, responseCounts } from '../storage/results.js';

export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/results', (_req, res) => {
    res.render('results/index', { interventions: listInterventions(ctx.db) });
  });

  router.get('/results/:id', (req, res) => {
    const intervention = getIntervention(ctx.db, Number(req.params.id));
    if (!intervention) throw new Problem('notFound');
    const points = listMeasurementPoints(ctx.db, intervention.id);
    const pointNames = points.map((p) => p.point);
    const instrument = points[0] ? ctx.instruments.get(points[0].instrumentId) : undefined;
    const indicators = instrument?.indicators ?? [];
    const results = summarizeIntervention(indicatorScores(ctx.db, intervention.id), indicators.map((i) => i.id), pointNames, defaultChangePair(pointNames));
    res.render('results/intervention', {
      intervention,
      federation: getFederation(ctx.db, intervention.federationId),
      indicators,
      points: pointNames,
      results,
      counts: responseCounts(ctx.db, intervention.id),
    });
  });

  return router;
}
