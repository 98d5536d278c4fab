import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../domain/analysisQuery.js';
import { defaultChangePair, protectComplement, summarizeIntervention, type IndicatorResult } from '../domain/comparison.js';
import type { Indicator, Instrument } from '../domain/instrumentTypes.js';
import { interventionScores, type ScoreRow } from '../storage/analysis.js';
import { listMeasurementPoints, type Intervention } from '../storage/interventions.js';

export interface InterventionSummary {
  instrument: Instrument | undefined;
  /** Every point the intervention uses, and the ones asked for. */
  allPoints: string[];
  points: string[];
  indicators: Indicator[];
  results: IndicatorResult[];
  /** The filtered score rows, for breakdowns on the same data. */
  rows: ScoreRow[];
}

/** The instrument an intervention is measured with, and its measurement points in order. */
export function interventionInstrument(ctx: AppContext, intervention: Intervention): { instrument: Instrument | undefined; points: string[] } {
  const measurementPoints = listMeasurementPoints(ctx.db, intervention.id);
  return { instrument: measurementPoints[0] ? ctx.instruments.get(measurementPoints[0].instrumentId) : undefined, points: measurementPoints.map((p) => p.point) };
}

/**
 * The per-indicator summary of one intervention under the evaluator's filters: one indexed range
 * scan of stored scores, the pair join in memory, small groups hidden, and with a gender or age
 * filter, complementary protection against the unfiltered figures.
 */
export function interventionSummary(ctx: AppContext, intervention: Intervention, q: AnalysisQuery): InterventionSummary {
  const { instrument, points: allPoints } = interventionInstrument(ctx, intervention);
  const points = q.points?.length ? allPoints.filter((p) => (q.points as string[]).includes(p)) : allPoints;
  const indicators = instrument?.indicators ?? [];
  const ids = indicators.map((i) => i.id);
  const change = defaultChangePair(points);
  const rows = interventionScores(ctx.db, intervention.id, { roundId: q.round, gender: q.gender, ageBand: q.ageBand });
  let results = summarizeIntervention(rows, ids, points, change);
  if (q.gender || q.ageBand) {
    results = protectComplement(results, summarizeIntervention(interventionScores(ctx.db, intervention.id, { roundId: q.round }), ids, points, change));
  }
  return { instrument, allPoints, points, indicators, results, rows };
}
