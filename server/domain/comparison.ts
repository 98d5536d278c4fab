import {
  describe, describeCounts, pairedChangeCounts, unpairedComparison,
  type DescriptiveStats, type PairedChangeResult, type UnpairedComparisonResult, type ValueCount,
} from './statistics.js';
import { hideCell, type MaybeSuppressed, type SuppressionReason } from './suppression.js';
import type { MeasurementPoint } from './instrumentTypes.js';

// The comparison engine: statistics of one figure cell (an indicator at a point, a paired change,
// a group, one group against another, an item), each returned whole or hidden with the reason the
// disclosure plan gives. Pure: the read model counts, the plan decides, this does the arithmetic.

/** Every figure carries the name of its cell (figureCell.ts), kept when it is hidden. */
interface Named { cell: string }

export type PointStats = MaybeSuppressed<DescriptiveStats & Named & { point: MeasurementPoint }, 'point' | 'cell'>;

/** A paired change; the paired people's means before and after are hidden on their own when the plan says so. */
export type ChangeStats = MaybeSuppressed<PairedChangeResult & Named & {
  from: string;
  to: string;
  n: number;
  before: number | null;
  after: number | null;
  /** Why before and after are not given while the change is; null when they are. */
  meansHidden: SuppressionReason | null;
}, 'from' | 'to' | 'cell'>;

export type GroupStats<K extends string = string> = MaybeSuppressed<DescriptiveStats & Named & { key: K }, 'key' | 'cell'>;
export type ComparisonStats = MaybeSuppressed<UnpairedComparisonResult & { n: number }, never>;
export type ItemPointStats = MaybeSuppressed<DescriptiveStats & Named & { itemId: string; point: MeasurementPoint; dontKnow: number }, 'itemId' | 'point' | 'cell'>;

export interface IndicatorResult {
  indicatorId: string;
  points: PointStats[];
  /** The default paired change (start → exit where both exist). */
  change: ChangeStats | null;
  /** Every paired change the intervention's points allow, in CHANGE_PAIRS order. */
  changes: ChangeStats[];
}

/** The paired comparisons evaluators ask for, in order of preference. */
/** A change from one point to a later one, for the same people. */
export type ChangePair = readonly [MeasurementPoint, MeasurementPoint];

export const CHANGE_PAIRS: readonly ChangePair[] = [
  ['start', 'exit'],
  ['start', 'ongoing'],
  ['exit', 'followup'],
];

/** The CHANGE_PAIRS whose two points are both in `points`. */
export function changePairsFor(points: readonly MeasurementPoint[]): ChangePair[] {
  return CHANGE_PAIRS.filter(([a, b]) => points.includes(a) && points.includes(b));
}

/** The first of CHANGE_PAIRS whose two points an intervention uses. */
export function defaultChangePair(points: readonly MeasurementPoint[]): ChangePair | null {
  return changePairsFor(points)[0] ?? null;
}

/** An indicator at a point, from a histogram of its counted people's scores. */
export function pointStats(point: MeasurementPoint, cell: string, bins: readonly ValueCount[], reason: SuppressionReason | null): PointStats {
  return hideCell({ point, cell, ...describeCounts(bins) }, ['point', 'cell'], reason);
}

/** A group (an intervention, a förbund, a round, a gender …) from a histogram of scores. */
export function groupStats<K extends string>(key: K, cell: string, bins: readonly ValueCount[], reason: SuppressionReason | null): GroupStats<K> {
  return hideCell({ key, cell, ...describeCounts(bins) }, ['key', 'cell'], reason);
}

/** A histogram bin of a paired change: how many pairs changed by `diff`, and their scores before and after summed. */
export interface DiffBin { diff: number; count: number; sumBefore: number; sumAfter: number }

/** A paired change from the histogram of its differences; `meansReason` hides the means before and after alone. */
export function changeStats(
  from: string, to: string, cell: string,
  bins: readonly DiffBin[],
  reason: SuppressionReason | null, meansReason: SuppressionReason | null,
): ChangeStats {
  const result = pairedChangeCounts(bins);
  const sum = (f: (b: DiffBin) => number) => bins.reduce((s, b) => s + f(b), 0);
  const means = meansReason === null && result.pairs > 0
    ? { before: sum((b) => b.sumBefore) / result.pairs, after: sum((b) => b.sumAfter) / result.pairs, meansHidden: null }
    : { before: null, after: null, meansHidden: meansReason };
  return hideCell({ from, to, cell, n: result.pairs, ...result, ...means }, ['from', 'to', 'cell'], reason);
}

/** The values of a histogram one by one (for rank tests). */
export function expandBins(bins: readonly ValueCount[]): number[] {
  const values: number[] = [];
  for (const b of bins) for (let k = 0; k < b.count; k++) values.push(b.value);
  return values;
}

/** Unpaired comparison (Welch CI, Mann–Whitney) of group b against group a; hidden with the reason given. */
export function compareGroups(a: readonly number[], b: readonly number[], reason: SuppressionReason | null): ComparisonStats {
  const result = unpairedComparison(a, b);
  return hideCell({ ...result, n: Math.min(result.nA, result.nB) }, [], reason);
}

export interface ItemAnswer { point: MeasurementPoint; itemId: string; value: number | null; dontKnow: boolean }

/** One item at one point: the distribution of the answers as given (raw, not reversed), "vet ej" counted apart. */
export function itemStats(itemId: string, point: MeasurementPoint, cell: string, answers: readonly ItemAnswer[], reason: SuppressionReason | null): ItemPointStats {
  const values = answers.filter((a) => !a.dontKnow && a.value !== null).map((a) => a.value!);
  return hideCell({ itemId, point, cell, dontKnow: answers.filter((a) => a.dontKnow).length, ...describe(values) }, ['itemId', 'point', 'cell'], reason);
}
