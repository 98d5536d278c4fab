import { Router, type Request, type Response } from 'express';
import Papa from 'papaparse';
import type { AppContext } from '../context.js';
import { parseAnalysisQuery, QueryError, type AnalysisQuery } from '../domain/analysisQuery.js';
import {
  changeReading, compareGroups, describeBreakdown, describeGroups, itemDistributions,
} from '../domain/comparison.js';
import { dimensionOptions } from '../domain/dimensions.js';
import { findItem } from '../domain/instrument.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize } from '../security/auth.js';
import { interventionInstrument, interventionSummary } from '../services/interventionSummary.js';
import { federationIndicatorScores, interventionItemAnswers, pointScoresByGender, roundScores, type ScoreFilter } from '../storage/analysis.js';
import { writeAudit } from '../storage/audit.js';
import { listInterventions, type Intervention } from '../storage/interventions.js';
import { responseCounts } from '../storage/results.js';
import { listRounds } from '../storage/rounds.js';

function query(req: Request): AnalysisQuery {
  try {
    return parseAnalysisQuery(req.query as Record<string, unknown>);
  } catch (err) {
    if (err instanceof QueryError) throw new Problem('badRequest', err.message);
    throw err;
  }
}

const filterOf = (q: AnalysisQuery): ScoreFilter => ({ roundId: q.round, gender: q.gender, ageBand: q.ageBand });

/** Sends rows as a CSV download (UTF-8 with BOM so Excel reads å, ä, ö) and audits the export. */
function sendCsv(ctx: AppContext, req: Request, res: Response, name: string, rows: Record<string, unknown>[]): void {
  const federationId = (res.locals.federation as { id: number }).id;
  if (!can(req.principal!, 'export', federationId)) throw new Problem('forbidden');
  writeAudit(ctx.db, { userId: req.principal!.userId, federationId, action: 'export.csv', target: name, detail: { query: req.query }, ip: req.ip });
  res.attachment(`${name}.csv`).type('text/csv; charset=utf-8').send(`\uFEFF${Papa.unparse(rows)}`);
}

const round3 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 1000);

/** Evaluator analysis: per intervention overview, indicator drill-down, and comparisons across interventions and rounds. */
export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/interventions/:iid/results', authorize(ctx, 'results.read'), (req, res) => {
    const q = query(req);
    const intervention = res.locals.intervention as Intervention;
    const { instrument, allPoints, points, indicators, results } = interventionSummary(ctx, intervention, q);
    const ids = indicators.map((i) => i.id);
    const genders = instrument ? dimensionOptions(instrument, 'gender') : [];
    const breakdownPoint = points.at(-1);
    // A yearly questionnaire (structural) asks no gender, so it has no equality breakdown.
    const genderRows = q.gender || !breakdownPoint || !genders.length ? [] : pointScoresByGender(ctx.db, intervention.id, breakdownPoint, { roundId: q.round, ageBand: q.ageBand });
    const equality = q.gender ? [] : ids.map((id) => describeBreakdown(genderRows.filter((r) => r.indicatorId === id).map((r) => ({ key: r.gender, score: r.score })), genders.map((g) => g.value)));
    if (q.format === 'csv') {
      const table = q.table === 'change'
        ? results.flatMap((r) => r.changes.map((c) => ({ indicator: r.indicatorId, from: c.from, to: c.to, pairs: c.pairs, meanDiff: round3(c.meanDiff), ciLow: round3(c.ci95?.[0]), ciHigh: round3(c.ci95?.[1]), wilcoxonP: round3(c.wilcoxonP), dz: round3(c.dz), improved: c.improved, unchanged: c.unchanged, worse: c.worse, suppressed: c.suppressed })))
        : results.flatMap((r) => r.points.map((c) => ({ indicator: r.indicatorId, point: c.point, n: c.n, mean: round3(c.mean), sd: round3(c.sd), ciLow: round3(c.ci95?.[0]), ciHigh: round3(c.ci95?.[1]), median: round3(c.median), sharePositive: round3(c.sharePositive), suppressed: c.suppressed })));
      return sendCsv(ctx, req, res, `intervention-${intervention.id}-${q.table === 'change' ? 'change' : 'overview'}`, table);
    }
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
    const q = query(req);
    const intervention = res.locals.intervention as Intervention;
    const { instrument, points } = interventionInstrument(ctx, intervention);
    const indicator = instrument?.indicators.find((i) => i.id === req.params.indicatorId);
    if (!instrument || !indicator) throw new Problem('notFound');
    const items = indicator.items.map((id) => findItem(instrument, id)!);
    const answers = interventionItemAnswers(ctx.db, intervention.id, indicator.items, filterOf(q)).map((a) => ({ ...a, dontKnow: a.dontKnow === 1 }));
    const cells = itemDistributions(answers, indicator.items, points);
    if (q.format === 'csv') {
      return sendCsv(ctx, req, res, `intervention-${intervention.id}-${indicator.id}-items`, cells.map((c) => ({
        item: c.itemId, point: c.point, n: c.n, mean: round3(c.mean), ...Object.fromEntries((c.suppressed ? [] : c.distribution).map((d) => [`answered_${d.value}`, d.count])), dontKnow: c.dontKnow, suppressed: c.suppressed,
      })));
    }
    res.render('results/indicator', { intervention, indicator, items, points, cells, q, canExport: can(req.principal!, 'export', intervention.federationId) });
  });

  router.get('/f/:fid/compare', authorize(ctx, 'results.read'), (req, res) => {
    const q = query(req);
    const federation = res.locals.federation as { id: number };
    const interventions = listInterventions(ctx.db, federation.id).filter((i) => i.kind === 'individual');
    const instrument = ctx.instruments.forGroup('participant').at(-1);
    const indicators = instrument?.indicators ?? [];
    const indicatorId = q.indicator ?? indicators[0]?.id ?? '';
    const point = q.point ?? 'exit';
    const filter = filterOf(q);
    const scores = federationIndicatorScores(ctx.db, federation.id, point, indicatorId, filter);
    const sideBySide = describeGroups(scores, interventions.map((i) => String(i.id)));
    const selected = interventions.find((i) => i.id === q.intervention) ?? interventions[0];
    const versusOthers = selected
      ? compareGroups(scores.filter((s) => s.key !== String(selected.id)).map((s) => s.score), scores.filter((s) => s.key === String(selected.id)).map((s) => s.score))
      : null;
    const rounds = listRounds(ctx.db, federation.id);
    const roundKeys = rounds.map((r) => String(r.id));
    const byRound = interventions.map((i) => ({ intervention: i, scores: roundScores(ctx.db, i.id, point, indicatorId, filter) }));
    const trend = byRound.map((t) => ({ intervention: t.intervention, cells: describeGroups(t.scores, roundKeys) }));
    const lastTwo = rounds.slice(-2);
    const selectedScores = byRound.find((t) => t.intervention.id === selected?.id)?.scores ?? [];
    const inRound = (roundId: number) => selectedScores.filter((s) => s.key === String(roundId)).map((s) => s.score);
    const roundComparison = selected && lastTwo.length === 2 ? compareGroups(inRound(lastTwo[0]!.id), inRound(lastTwo[1]!.id)) : null;
    if (q.format === 'csv') {
      const rows = q.table === 'trend'
        ? trend.flatMap((t) => t.cells.map((c, k) => ({ intervention: t.intervention.name, round: rounds[k]!.name, n: c.n, mean: round3(c.mean), ciLow: round3(c.ci95?.[0]), ciHigh: round3(c.ci95?.[1]), suppressed: c.suppressed })))
        : sideBySide.map((c, k) => ({ intervention: interventions[k]!.name, n: c.n, mean: round3(c.mean), sd: round3(c.sd), ciLow: round3(c.ci95?.[0]), ciHigh: round3(c.ci95?.[1]), median: round3(c.median), sharePositive: round3(c.sharePositive), suppressed: c.suppressed }));
      return sendCsv(ctx, req, res, `compare-${indicatorId}-${point}-${q.table === 'trend' ? 'trend' : 'interventions'}`, rows);
    }
    writeAudit(ctx.db, { userId: req.principal!.userId, federationId: federation.id, action: 'results.compare', target: indicatorId, ip: req.ip });
    res.render('results/compare', {
      interventions, indicators, indicatorId, point, q, sideBySide, selected, versusOthers, rounds, trend, lastTwo, roundComparison,
      genders: instrument ? dimensionOptions(instrument, 'gender') : [], ageBands: instrument ? dimensionOptions(instrument, 'ageBand') : [],
      canExport: can(req.principal!, 'export', federation.id),
    });
  });

  return router;
}
