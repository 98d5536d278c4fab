import { Router } from 'express';
import type { AppContext } from '../context.js';
import type { ChangeStats, PointStats } from '../domain/comparison.js';
import { Problem } from '../problem.js';
import { can, federationsOf } from '../security/access.js';
import { requireSignedIn } from '../security/auth.js';
import { interventionSummary } from '../services/interventionSummary.js';
import { writeAudit } from '../storage/audit.js';
import { getIntervention, listInterventions } from '../storage/interventions.js';
import { openApiDocument } from './openapi.js';
import { readAnalysisQuery } from './results.js';

const pointJson = (c: PointStats) => ({ point: c.point, n: c.n, mean: c.mean, sd: c.sd, ci95: c.ci95, median: c.median, sharePositive: c.sharePositive, suppressed: c.suppressed });
const changeJson = (c: ChangeStats) => ({
  from: c.from, to: c.to, pairs: c.pairs, meanDiff: c.meanDiff, ci95: c.ci95, wilcoxonP: c.wilcoxonP, dz: c.dz,
  improved: c.improved, unchanged: c.unchanged, worse: c.worse, suppressed: c.suppressed,
});

/** JSON API under /api/v1 (documented in /api/v1/openapi.json), for bearer tokens or a signed-in session. */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => res.json(openApiDocument));
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

  router.get('/interventions/:id/summary', (req, res) => {
    const intervention = getIntervention(ctx.db, Number(req.params.id));
    if (!intervention) throw new Problem('notFound');
    if (!can(req.principal!, 'results.read', intervention.federationId)) throw new Problem('forbidden');
    const q = readAnalysisQuery(req);
    const summary = interventionSummary(ctx, intervention, q);
    writeAudit(ctx.db, { userId: req.principal!.userId, tokenId: req.principal!.tokenId, federationId: intervention.federationId, action: 'api.summary', target: `intervention ${intervention.id}`, detail: { query: req.query }, ip: req.ip });
    res.json({
      intervention: { id: intervention.id, federationId: intervention.federationId, name: intervention.name },
      filters: { round: q.round ?? null, gender: q.gender ?? null, ageBand: q.ageBand ?? null },
      points: summary.points,
      minGroupSize: 5,
      indicators: summary.results.map((r, i) => ({
        id: r.indicatorId,
        area: summary.indicators[i]!.area,
        text: summary.indicators[i]!.text,
        points: r.points.map(pointJson),
        change: r.change ? changeJson(r.change) : null,
        changes: r.changes.map(changeJson),
      })),
    });
  });

  return router;
}
