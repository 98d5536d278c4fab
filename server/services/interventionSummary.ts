import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../forms/analysisQuery.js';
import { changePairsFor, defaultChangePair, groupStats, type GroupStats, type IndicatorResult } from '../domain/comparison.js';
import { dimensionOptions } from '../domain/dimensions.js';
import { cellKey, demoRef, measureRef } from '../domain/figureCell.js';
import { compareVersions, indicatorAskedAt } from '../domain/instrument.js';
import type { Indicator, Instrument, MeasurementPoint } from '../domain/instrumentTypes.js';
import { listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { scoreBins } from '../storage/population.js';
import { answeredVersions } from '../storage/instrumentVersions.js';
import { cachedFigures } from './figureCache.js';
import { binsBy, disclosurePlan, indicatorResults, interventionOrg, readScope, reasonOf, scopeInstrument, timeOf, type PersonScope, type ScopeInstrument } from './figures.js';

/** Equality: one indicator at one point per gender, beside everyone. */
export interface EqualityRow { indicatorId: string; cells: GroupStats[]; total: GroupStats }

export interface InterventionSummary {
  instrument: Instrument | undefined;
  /** The instrument versions the intervention's answers were given in, and the indicators that changed between them. */
  scoped: ScopeInstrument | undefined;
  /** Every point the intervention uses, and the ones asked for. */
  allPoints: MeasurementPoint[];
  points: MeasurementPoint[];
  indicators: Indicator[];
  results: IndicatorResult[];
  /** The point the equality table is at (the last one asked for), and its rows; empty under a person filter. */
  equalityPoint: MeasurementPoint | null;
  equality: EqualityRow[];
}

/**
 * The instrument an intervention is measured with, as its answers read it (the newest version
 * they were given in, and which indicators changed between their versions), and its measurement points in order.
 */
export function interventionInstrument(ctx: AppContext, intervention: Intervention): { instrument: Instrument | undefined; scoped: ScopeInstrument | undefined; points: MeasurementPoint[] } {
  const measurementPoints = listMeasurementPoints(ctx.db, intervention.id);
  const scoped = measurementPoints[0] ? scopeInstrument(ctx, measurementPoints[0].instrumentId, [intervention.id]) : undefined;
  return { instrument: scoped?.instrument, scoped, points: measurementPoints.map((p) => p.point) };
}

/**
 * The versions of an intervention's instrument its submitted questionnaires were given in, oldest
 * first, for the response export and its codebook; the newest installed when none was answered.
 */
export function exportVersions(ctx: Pick<AppContext, 'db' | 'instruments'>, intervention: Intervention): Instrument[] | undefined {
  const instrumentId = listMeasurementPoints(ctx.db, intervention.id)[0]?.instrumentId;
  const newest = instrumentId === undefined ? undefined : ctx.instruments.get(instrumentId);
  if (!newest) return undefined;
  const answered = answeredVersions(ctx.db, intervention.id).filter((v) => v.instrumentId === newest.id).map((v) => v.instrumentVersion).sort(compareVersions);
  const installed = answered.map((version) => ctx.instruments.get(newest.id, version)).filter((v): v is Instrument => v !== undefined);
  return installed.length > 0 ? installed : [newest];
}

export const personScopeOf = (q: AnalysisQuery): PersonScope => ({
  round: q.round ?? null,
  ...(q.gender !== undefined && { gender: q.gender }),
  ...(q.ageBand !== undefined && { ageBand: q.ageBand }),
});

/**
 * The per-indicator summary of one intervention under the evaluator's filters: each point, every
 * paired change the points allow, and the equality table (each gender at the last point), every
 * figure through the installation's disclosure plan. Built once per change of the answers (the
 * figures version), then read from the cache; the caller must not change what it gets.
 */
export function interventionSummary(ctx: AppContext, intervention: Intervention, q: AnalysisQuery): Readonly<InterventionSummary> {
  return cachedFigures(ctx, `summary|${intervention.id}|${JSON.stringify(q)}`, () => buildSummary(ctx, intervention, q));
}

function buildSummary(ctx: AppContext, intervention: Intervention, q: AnalysisQuery): InterventionSummary {
  const { instrument, scoped, points: allPoints } = interventionInstrument(ctx, intervention);
  const points = q.points?.length ? allPoints.filter((p) => q.points!.includes(p)) : allPoints;
  if (!instrument || !scoped) return { instrument, scoped, allPoints, points, indicators: [], results: [], equalityPoint: null, equality: [] };
  const plan = disclosurePlan(ctx);
  const s = personScopeOf(q);
  const org = interventionOrg(intervention);
  const results = indicatorResults(ctx, plan, org, s, scoped, points, changePairsFor(points), defaultChangePair(points));

  const genders = dimensionOptions(instrument, 'gender');
  const equalityPoint = points.at(-1) ?? null;
  let equality: EqualityRow[] = [];
  if (equalityPoint && genders.length && s.gender === undefined && s.ageBand === undefined) {
    const bins = binsBy(scoreBins(ctx.db, readScope(org, s), { gender: true }).filter((r) => r.point === equalityPoint), (r) => `${r.indicatorId}|${r.gender}`, (r) => r.score);
    equality = instrument.indicators.map((indicator) => {
      const asked = indicatorAskedAt(instrument, indicator, equalityPoint);
      const cell = (demo: string, list: ReturnType<typeof bins.get>, key: string) => {
        const name = cellKey(measureRef.score(indicator.id, equalityPoint), org.org, demo, timeOf(s));
        return groupStats(key, name, list ?? [], reasonOf(plan, name, asked, scoped.comparable(indicator.id)));
      };
      const all = [...bins].filter(([k]) => k.startsWith(`${indicator.id}|`)).flatMap(([, b]) => b);
      return {
        indicatorId: indicator.id,
        cells: genders.map((g) => cell(demoRef({ gender: g.value }), bins.get(`${indicator.id}|${g.value}`), g.value)),
        total: cell('all', all, 'total'),
      };
    });
  }
  return { instrument, scoped, allPoints, points, indicators: instrument.indicators, results, equalityPoint, equality };
}
