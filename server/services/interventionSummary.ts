import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../domain/analysisQuery.js';
import { changePairsFor, defaultChangePair, pairKey, protectComplement, summarizeAggregates, type IndicatorResult } from '../domain/comparison.js';
import type { Indicator, Instrument } from '../domain/instrumentTypes.js';
import { interventionPairDiffs, interventionPointHistograms, type ScoreFilter } from '../storage/analysis.js';
import { listMeasurementPoints, type Intervention } from '../storage/interventions.js';

export interface InterventionSummary {
  instrument: Instrument | undefined;
  /** Every point the intervention uses, and the ones asked for. */
  allPoints: string[];
  points: string[];
  indicators: Indicator[];
  results: IndicatorResult[];
}

/** The instrument an intervention is measured with, and its measurement points in order. */
export function interventionInstrument(ctx: AppContext, intervention: Intervention): { instrument: Instrument | undefined; points: string[] } {
  const measurementPoints = listMeasurementPoints(ctx.db, intervention.id);
  return { instrument: measurementPoints[0] ? ctx.instruments.get(measurementPoints[0].instrumentId) : undefined, points: measurementPoints.map((p) => p.point) };
}

/**
 * The per-indicator summary of one intervention under the evaluator's filters: one aggregate query
 * over stored scores plus the pair join (both in SQL, on covering indexes), small groups hidden,
 * and with a gender or age filter, complementary protection against the unfiltered figures.
 */
export function interventionSummary(ctx: AppContext, intervention: Intervention, q: AnalysisQuery): InterventionSummary {
  const { instrument, points: allPoints } = interventionInstrument(ctx, intervention);
  const points = q.points?.length ? allPoints.filter((p) => (q.points as string[]).includes(p)) : allPoints;
  const indicators = instrument?.indicators ?? [];
  const ids = indicators.map((i) => i.id);
  const change = defaultChangePair(points);
  const summarize = (filter: ScoreFilter) => {
    const diffs = new Map(changePairsFor(points).map(([from, to]) => [pairKey(from, to), interventionPairDiffs(ctx.db, intervention.id, from, to, filter)]));
    return summarizeAggregates(interventionPointHistograms(ctx.db, intervention.id, filter), diffs, ids, points, change);
  };
  let results = summarize({ roundId: q.round, gender: q.gender, ageBand: q.ageBand });
  if (q.gender || q.ageBand) results = protectComplement(results, summarize({ roundId: q.round }));
  return { instrument, allPoints, points, indicators, results };
}
