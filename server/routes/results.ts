import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { distributionChart, groupMeansChart, interventionChart, SCALE_STEPS, trendChart, type ChartLabels } from '../domain/analysisCharts.js';
import { changeRows, comparisonRow, equalityRows, groupRows, itemRows, overviewRows } from '../domain/analysisTables.js';
import { dimensionOptions } from '../domain/dimensions.js';
import { findItem } from '../domain/instrument.js';
import { INDIVIDUAL_POINTS } from '../domain/instrumentTypes.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize, principalOf, requireSignedIn } from '../security/auth.js';
import { federationComparison } from '../services/federationComparison.js';
import { disclosurePlan, itemFigures, processFigures } from '../services/figures.js';
import { regionalComparison } from '../services/regionalComparison.js';
import { interventionInstrument, interventionSummary, personScopeOf } from '../services/interventionSummary.js';
import { auditTarget } from '../domain/auditEvent.js';
import { audit } from '../security/audit.js';
import { listRounds } from '../storage/rounds.js';
import { readAnalysisQuery, type AnalysisQuery } from '../forms/analysisQuery.js';
import { csvText } from '../render/csv.js';

/**
 * Sends rows as a CSV download, only when the caller may export in every federation the rows come
 * from (default: the route's), audited in each.
 */
function sendCsv(ctx: AppContext, req: Request, res: Response, name: string, rows: Record<string, unknown>[], federationIds = [res.locals.federation.id]): void {
  if (!federationIds.every((id) => can(principalOf(req), 'export', id))) throw new Problem('forbidden');
  for (const federationId of federationIds) audit(ctx, req, { action: 'export.csv', federationId, target: auditTarget.export(`${name}.csv`), detail: { query: req.query, rows: rows.length } });
  res.attachment(`${name}.csv`).type('text/csv; charset=utf-8').send(csvText(rows));
}

/** The filter menus of an instrument: rounds of the federation (none across förbund), genders and age bands where the instrument asks them. */
function filterOptions(ctx: AppContext, federationId: number | null, instrument: Parameters<typeof dimensionOptions>[0] | undefined) {
  return {
    rounds: federationId === null ? [] : listRounds(ctx.db, federationId),
    genders: instrument ? dimensionOptions(instrument, 'gender') : [],
    ageBands: instrument ? dimensionOptions(instrument, 'ageBand') : [],
  };
}

/** The words of the charts, in the page's language: the view helpers of render/viewLocals.ts. */
function chartLabels(res: Response): ChartLabels {
  return { t: res.locals.t, txt: res.locals.txt as ChartLabels['txt'], pointLabel: res.locals.pointLabel as ChartLabels['pointLabel'] };
}

/** The person filters of an analysis page as link parameters (round, gender, age band), kept by the links it gives. */
function filterParams(q: AnalysisQuery) {
  return { round: q.round, gender: q.gender, ageBand: q.ageBand };
}

/** Evaluator analysis: per intervention overview, indicator drill-down, and comparisons across interventions and rounds. */
export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/interventions/:iid/results', authorize(ctx, 'results.read'), (req, res) => {
    const q = readAnalysisQuery(req.query);
    const intervention = res.locals.intervention;
    const summary = interventionSummary(ctx, intervention, q);
    if (q.format === 'csv') {
      const name = `intervention-${intervention.id}-${q.table === 'change' || q.table === 'equality' ? q.table : 'overview'}`;
      const rows = q.table === 'change' ? changeRows(summary.results) : q.table === 'equality' ? equalityRows(summary.equality, summary.equalityPoint ?? '') : overviewRows(summary.results);
      return sendCsv(ctx, req, res, name, rows);
    }
    audit(ctx, req, { action: 'results.view', federationId: intervention.federationId, target: auditTarget.intervention(intervention.id) });
    const exact = can(principalOf(req), 'rates.read', intervention.federationId, intervention.id);
    const process = processFigures(ctx, disclosurePlan(ctx), intervention, summary.allPoints, q.round ?? null, exact);
    res.render('results/intervention', {
      intervention, ...summary, q,
      filters: filterParams(q),
      chart: interventionChart(summary.indicators, summary.results, summary.points, chartLabels(res)),
      ...filterOptions(ctx, intervention.federationId, summary.instrument),
      process,
      // No questionnaire at all yet (a hidden count may hide some: then there are answers): the page says what to do first.
      hasAnswers: process.some((p) => p.answered.n !== 0 || p.imported.n !== 0),
      canManage: can(principalOf(req), 'participants.manage', intervention.federationId, intervention.id),
      canExport: can(principalOf(req), 'export', intervention.federationId),
      canReadFreeText: can(principalOf(req), 'freeText.read', intervention.federationId),
    });
  });

  router.get('/f/:fid/interventions/:iid/results/indicators/:indicatorId', authorize(ctx, 'results.read'), (req, res) => {
    const q = readAnalysisQuery(req.query);
    const intervention = res.locals.intervention;
    const { instrument, scoped, points } = interventionInstrument(ctx, intervention);
    const indicator = instrument?.indicators.find((i) => i.id === req.params.indicatorId);
    if (!instrument || !scoped || !indicator) throw new Problem('notFound');
    const cells = itemFigures(ctx, disclosurePlan(ctx), intervention, personScopeOf(q), scoped, indicator, points);
    if (q.format === 'csv') return sendCsv(ctx, req, res, `intervention-${intervention.id}-${indicator.id}-items`, itemRows(cells));
    const items = indicator.items.map((id) => findItem(instrument, id)!);
    const labels = chartLabels(res);
    res.render('results/indicator', {
      intervention, indicator, items, points, cells, q, filters: filterParams(q), steps: SCALE_STEPS, scoped,
      charts: items.map((item) => distributionChart(item.id, points, cells, labels)),
      ...filterOptions(ctx, intervention.federationId, instrument), canExport: can(principalOf(req), 'export', intervention.federationId),
    });
  });

  router.get('/f/:fid/compare', authorize(ctx, 'results.read'), (req, res) => {
    const q = readAnalysisQuery(req.query);
    const federation = res.locals.federation;
    const c = federationComparison(ctx, federation.id, q);
    if (q.format === 'csv') {
      const table = q.table === 'trend' || q.table === 'versus' ? q.table : 'interventions';
      const rows = table === 'trend'
        ? c.trend.flatMap((t) => groupRows(t.cells, (_cell, k) => ({ intervention: t.intervention.name, round: c.rounds[k]!.name })))
        : table === 'versus'
          ? [
            ...(c.versusOthers ? [comparisonRow({ comparison: 'versusOthers', a: 'others', b: c.selected?.name ?? null }, c.versusOthers)] : []),
            ...(c.roundComparison ? [comparisonRow({ comparison: 'lastTwoRounds', a: c.lastTwo[0]!.name, b: c.lastTwo[1]!.name }, c.roundComparison)] : []),
          ]
          : groupRows(c.sideBySide, (_cell, k) => ({ intervention: c.interventions[k]!.name }));
      return sendCsv(ctx, req, res, `compare-${c.indicatorId}-${c.point}-${table}`, rows);
    }
    audit(ctx, req, { action: 'results.compare', federationId: federation.id, target: auditTarget.indicator(c.indicatorId) });
    const labels = chartLabels(res);
    res.render('results/compare', {
      ...c, q, ...filterOptions(ctx, federation.id, c.instrument), canExport: can(principalOf(req), 'export', federation.id),
      individualPoints: INDIVIDUAL_POINTS,
      // The page's choices and filters, kept by its CSV links.
      linkParams: { indicator: c.indicatorId, point: c.point, intervention: c.selected?.id, ...filterParams(q) },
      sideChart: groupMeansChart(c.interventions, c.sideBySide, c.point, labels),
      trendChart: trendChart(c.rounds, c.trend, labels),
    });
  });

  router.get('/analysis/region', requireSignedIn, (req, res) => {
    const q = readAnalysisQuery(req.query);
    const r = regionalComparison(ctx, principalOf(req), q);
    const ids = r.chosen.map((f) => f.id);
    if (q.format === 'csv') {
      const rows = groupRows([...r.breakdown.cells, r.breakdown.total], (_cell, k) => ({ federation: r.chosen[k]?.name ?? 'total', subproject: r.subproject?.name ?? null }));
      return sendCsv(ctx, req, res, `region-${r.indicatorId}-${r.point}`, rows, ids);
    }
    for (const f of r.chosen) audit(ctx, req, { action: 'results.region', federationId: f.id, target: auditTarget.indicator(r.indicatorId) });
    res.render('results/region', {
      ...r, q, ...filterOptions(ctx, null, r.instrument), canExport: ids.every((id) => can(principalOf(req), 'export', id)),
      individualPoints: INDIVIDUAL_POINTS,
      // No round: each förbund has its own rounds, the region is everything so far.
      linkParams: { indicator: r.indicatorId, point: r.point, gender: q.gender, ageBand: q.ageBand, subproject: q.subproject, federations: q.federations?.join(',') },
      chart: groupMeansChart(r.chosen, r.breakdown.cells, r.point, chartLabels(res)),
    });
  });

  return router;
}
