import { Router, type Request, type Response } from 'express';
import Papa from 'papaparse';
import type { AppContext } from '../context.js';
import { parseAnalysisQuery, QueryError, type AnalysisQuery } from '../domain/analysisQuery.js';
import { changeRows, groupRows, itemRows, overviewRows } from '../domain/analysisTables.js';
import { changeReading, describeBreakdown, itemDistributions } from '../domain/comparison.js';
import { dimensionOptions } from '../domain/dimensions.js';
import { findItem } from '../domain/instrument.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize, requireSignedIn } from '../security/auth.js';
import { federationComparison } from '../services/federationComparison.js';
import { regionalComparison } from '../services/regionalComparison.js';
import { interventionInstrument, interventionSummary } from '../services/interventionSummary.js';
import { interventionItemAnswers, pointScoresByGender } from '../storage/analysis.js';
import { writeAudit } from '../storage/audit.js';
import type { Intervention } from '../storage/interventions.js';
import { responseCounts } from '../storage/results.js';
import { listRounds } from '../storage/rounds.js';

/** The analysis filters of the URL; nonsense is a 400 with the reason. */
export function readAnalysisQuery(req: Request): AnalysisQuery {
  try {
    return parseAnalysisQuery(req.query as Record<string, unknown>);
  } catch (err) {
    if (err instanceof QueryError) throw new Problem('badRequest', err.message);
    throw err;
  }
}

/**
 * Sends rows as a CSV download (UTF-8 with BOM so Excel reads å, ä, ö), only when the caller may
 * export in every federation the rows come from (default: the route's), audited in each.
 */
function sendCsv(ctx: AppContext, req: Request, res: Response, name: string, rows: Record<string, unknown>[], federationIds = [(res.locals.federation as { id: number }).id]): void {
  if (!federationIds.every((id) => can(req.principal!, 'export', id))) throw new Problem('forbidden');
  for (const federationId of federationIds) writeAudit(ctx.db, { userId: req.principal!.userId, federationId, action: 'export.csv', target: name, detail: { query: req.query }, ip: req.ip });
  res.attachment(`${name}.csv`).type('text/csv; charset=utf-8').send(`\uFEFF${Papa.unparse(rows)}`);
}

/** Evaluator analysis: per intervention overview, indicator drill-down, and comparisons across interventions and rounds. */
export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/interventions/:iid/results', authorize(ctx, 'results.read'), (req, res) => {
    const q = readAnalysisQuery(req);
    const intervention = res.locals.intervention as Intervention;
    const { instrument, allPoints, points, indicators, results } = interventionSummary(ctx, intervention, q);
    if (q.format === 'csv') {
      const change = q.table === 'change';
      return sendCsv(ctx, req, res, `intervention-${intervention.id}-${change ? 'change' : 'overview'}`, change ? changeRows(results) : overviewRows(results));
    }
    // Equality: every indicator by gender at the last point, with complementary suppression.
    const genders = instrument ? dimensionOptions(instrument, 'gender') : [];
    const breakdownPoint = points.at(-1);
    const genderRows = q.gender || !breakdownPoint || !genders.length ? [] : pointScoresByGender(ctx.db, intervention.id, breakdownPoint, { roundId: q.round, ageBand: q.ageBand });
    const equality = genderRows.length === 0 ? [] : indicators.map((ind) =>
      describeBreakdown(genderRows.filter((r) => r.indicatorId === ind.id).map((r) => ({ key: r.gender, score: r.score })), genders.map((g) => g.value)));
    writeAudit(ctx.db, { userId: req.principal!.userId, federationId: intervention.federationId, action: 'results.view', target: `intervention ${intervention.id}`, ip: req.ip });
    res.render('results/intervention', {
      intervention, indicators, points, allPoints, results, q, equality, breakdownPoint, genders,
      ageBands: instrument ? dimensionOptions(instrument, 'ageBand') : [],
      rounds: listRounds(ctx.db, intervention.federationId),
      counts: responseCounts(ctx.db, intervention.id),
      changeReading,
      canExport: can(req.principal!, 'export', intervention.federationId),
    });
  });

  router.get('/f/:fid/interventions/:iid/results/indicators/:indicatorId', authorize(ctx, 'results.read'), (req, res) => {
    const q = readAnalysisQuery(req);
    const intervention = res.locals.intervention as Intervention;
    const { instrument, points } = interventionInstrument(ctx, intervention);
    const indicator = instrument?.indicators.find((i) => i.id === req.params.indicatorId);
    if (!instrument || !indicator) throw new Problem('notFound');
    const answers = interventionItemAnswers(ctx.db, intervention.id, indicator.items, { roundId: q.round, gender: q.gender, ageBand: q.ageBand });
    const cells = itemDistributions(answers.map((a) => ({ ...a, dontKnow: a.dontKnow === 1 })), indicator.items, points);
    if (q.format === 'csv') return sendCsv(ctx, req, res, `intervention-${intervention.id}-${indicator.id}-items`, itemRows(cells));
    const items = indicator.items.map((id) => findItem(instrument, id)!);
    res.render('results/indicator', { intervention, indicator, items, points, cells, q, canExport: can(req.principal!, 'export', intervention.federationId) });
  });

  router.get('/f/:fid/compare', authorize(ctx, 'results.read'), (req, res) => {
    const q = readAnalysisQuery(req);
    const federation = res.locals.federation as { id: number };
    const c = federationComparison(ctx, federation.id, q);
    if (q.format === 'csv') {
      const trend = q.table === 'trend';
      const rows = trend
        ? c.trend.flatMap((t) => groupRows(t.cells, (_cell, k) => ({ intervention: t.intervention.name, round: c.rounds[k]!.name })))
        : groupRows(c.sideBySide, (_cell, k) => ({ intervention: c.interventions[k]!.name }));
      return sendCsv(ctx, req, res, `compare-${c.indicatorId}-${c.point}-${trend ? 'trend' : 'interventions'}`, rows);
    }
    writeAudit(ctx.db, { userId: req.principal!.userId, federationId: federation.id, action: 'results.compare', target: c.indicatorId, ip: req.ip });
    res.render('results/compare', {
      ...c, q,
      genders: c.instrument ? dimensionOptions(c.instrument, 'gender') : [], ageBands: c.instrument ? dimensionOptions(c.instrument, 'ageBand') : [],
      canExport: can(req.principal!, 'export', federation.id),
    });
  });

  router.get('/analysis/region', requireSignedIn, (req, res) => {
    const q = readAnalysisQuery(req);
    const r = regionalComparison(ctx, req.principal!, q);
    const ids = r.chosen.map((f) => f.id);
    if (q.format === 'csv') {
      const rows = groupRows([...r.breakdown.cells, r.breakdown.total], (_cell, k) => ({ federation: r.chosen[k]?.name ?? 'total', subproject: r.subproject?.name ?? null }));
      return sendCsv(ctx, req, res, `region-${r.indicatorId}-${r.point}`, rows, ids);
    }
    for (const f of r.chosen) writeAudit(ctx.db, { userId: req.principal!.userId, federationId: f.id, action: 'results.region', target: r.indicatorId, ip: req.ip });
    res.render('results/region', {
      ...r, q,
      genders: r.instrument ? dimensionOptions(r.instrument, 'gender') : [], ageBands: r.instrument ? dimensionOptions(r.instrument, 'ageBand') : [],
      canExport: ids.every((id) => can(req.principal!, 'export', id)),
    });
  });

  return router;
}
