import { Router } from 'express';
import type { AppContext } from '../context.js';
import { changeVerdict, differenceVerdict } from '../domain/changeReading.js';
import type { ChangeStats, ComparisonStats, GroupStats, PointStats } from '../domain/comparison.js';
import { MIN_GROUP_SIZE } from '../domain/suppression.js';
import { Problem } from '../problem.js';
import { can, federationsOf } from '../security/access.js';
import { principalOf, requireSignedIn } from '../security/auth.js';
import { federationComparison } from '../services/federationComparison.js';
import { interventionSummary } from '../services/interventionSummary.js';
import { auditTarget } from '../domain/auditEvent.js';
import { audit } from '../security/audit.js';
import { getFederation } from '../storage/federations.js';
import { getIntervention, listInterventions } from '../storage/interventions.js';
import { openApiDocument } from '../openapi.js';
import { readAnalysisQuery } from '../forms/analysisQuery.js';
import { idParam } from '../forms/form.js';

type Described = PointStats | GroupStats;
const described = (c: Described) => ({
  n: c.n, mean: c.mean, sd: c.sd, ci95: c.ci95, median: c.median, q1: c.q1, q3: c.q3, sharePositive: c.sharePositive,
  distribution: c.distribution, suppressed: c.suppressed, reason: c.suppressionReason, cell: c.cell,
});
const pointJson = (c: PointStats) => ({ point: c.point, ...described(c) });
const groupJson = (c: GroupStats) => ({ key: c.key, ...described(c) });
const changeJson = (c: ChangeStats) => ({
  from: c.from, to: c.to, pairs: c.pairs, before: c.before, after: c.after, meanDiff: c.meanDiff, ci95: c.ci95,
  verdict: c.suppressed ? null : changeVerdict(c.ci95),
  wilcoxon: c.suppressed || c.wilcoxonP === null ? null : {
    p: c.wilcoxonP,
    method: c.wilcoxonMethod,
    // As R's wilcox.test(paired = TRUE): zero differences dropped; the normal approximation corrects for ties and continuity.
    zeroDifferences: 'dropped',
    tieCorrection: c.wilcoxonMethod === 'normal',
    continuityCorrection: c.wilcoxonMethod === 'normal',
  },
  dz: c.dz, improved: c.improved, unchanged: c.unchanged, worse: c.worse,
  suppressed: c.suppressed, reason: c.suppressionReason, meansReason: c.suppressed ? null : c.meansHidden, cell: c.cell,
});
const comparisonJson = (c: ComparisonStats | null) => c && ({
  nA: c.nA, nB: c.nB, meanA: c.meanA, meanB: c.meanB, diff: c.diff, welchCi95: c.ci95, mannWhitneyP: c.mannWhitneyP,
  verdict: c.suppressed ? null : differenceVerdict(c.ci95), suppressed: c.suppressed, reason: c.suppressionReason,
});

/** JSON API under /api/v1 (documented in /api/v1/openapi.json), for bearer tokens or a signed-in session. */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => res.json(openApiDocument));
  router.use(requireSignedIn);

  router.get('/interventions', (req, res) => {
    const p = principalOf(req);
    const federations = federationsOf(p).filter((f) => can(p, 'results.read', f));
    if (federations.length === 0) throw new Problem('forbidden');
    res.json({
      interventions: federations.flatMap((f) => listInterventions(ctx.db, f)).map((i) => ({
        id: i.id, federationId: i.federationId, name: i.name, kind: i.kind, targetGroup: i.targetGroup, startsOn: i.startsOn, endsOn: i.endsOn,
      })),
    });
  });

  router.get('/interventions/:id/summary', (req, res) => {
    const intervention = getIntervention(ctx.db, idParam(req.params.id));
    if (!intervention) throw new Problem('notFound');
    if (!can(principalOf(req), 'results.read', intervention.federationId)) throw new Problem('forbidden');
    const q = readAnalysisQuery(req.query);
    const summary = interventionSummary(ctx, intervention, q);
    audit(ctx, req, { action: 'api.summary', federationId: intervention.federationId, target: auditTarget.intervention(intervention.id), detail: { query: req.query } });
    res.json({
      intervention: { id: intervention.id, federationId: intervention.federationId, name: intervention.name },
      filters: { round: q.round ?? null, gender: q.gender ?? null, ageBand: q.ageBand ?? null },
      points: summary.points,
      minGroupSize: MIN_GROUP_SIZE,
      indicators: summary.results.map((r, i) => ({
        id: r.indicatorId,
        area: summary.indicators[i]!.area,
        text: summary.indicators[i]!.text,
        points: r.points.map(pointJson),
        change: r.change ? changeJson(r.change) : null,
        changes: r.changes.map(changeJson),
      })),
      equality: summary.equalityPoint === null || summary.equality.length === 0 ? null : {
        point: summary.equalityPoint,
        indicators: summary.equality.map((e) => ({ id: e.indicatorId, genders: e.cells.map(groupJson), total: groupJson(e.total) })),
      },
    });
  });

  router.get('/federations/:id/comparison', (req, res) => {
    const federation = getFederation(ctx.db, idParam(req.params.id));
    if (!federation) throw new Problem('notFound');
    if (!can(principalOf(req), 'results.read', federation.id)) throw new Problem('forbidden');
    const q = readAnalysisQuery(req.query);
    const c = federationComparison(ctx, federation.id, q);
    audit(ctx, req, { action: 'api.comparison', federationId: federation.id, target: auditTarget.federation(federation.id), detail: { query: req.query } });
    res.json({
      federationId: federation.id,
      indicator: c.indicatorId,
      point: c.point,
      filters: { round: q.round ?? null, gender: q.gender ?? null, ageBand: q.ageBand ?? null },
      minGroupSize: MIN_GROUP_SIZE,
      interventions: c.interventions.map((i, k) => ({ id: i.id, name: i.name, ...groupJson(c.sideBySide[k]!) })),
      selected: c.selected?.id ?? null,
      versusOthers: comparisonJson(c.versusOthers),
      rounds: c.rounds.map((r) => ({ id: r.id, name: r.name })),
      trend: c.trend.map((t) => ({ intervention: t.intervention.id, rounds: t.cells.map(groupJson) })),
      lastTwoRounds: comparisonJson(c.roundComparison),
    });
  });

  return router;
}
