import {
  describe, describeCounts, pairedChange, unpairedComparison,
  type DescriptiveStats, type PairedChangeResult, type UnpairedComparisonResult, type ValueCount,
} from './statistics.js';
import { hideCell, MIN_GROUP_SIZE, suppressBreakdown, suppressSmallGroups, type MaybeSuppressed } from './suppression.js';

// The comparison engine: groups stored indicator scores (or item answers) by measurement point,
// round, intervention or breakdown, and returns statistics with every group under the disclosure
// threshold hidden. Pure: the storage layer does the filtering, this does the arithmetic.

/** One stored indicator score of one submitted response. */
export interface ScoreObservation {
  point: string;
  indicatorId: string;
  participantId: number | null;
  score: number;
}

export type PointStats = MaybeSuppressed<DescriptiveStats & { point: string }, 'point'>;
export type ChangeStats = MaybeSuppressed<PairedChangeResult & { from: string; to: string; n: number }, 'from' | 'to'>;
export type GroupStats<K extends string = string> = MaybeSuppressed<DescriptiveStats & { key: K }, 'key'>;
export type ComparisonStats = MaybeSuppressed<UnpairedComparisonResult & { n: number }, never>;

export interface IndicatorResult {
  indicatorId: string;
  points: PointStats[];
  /** The default paired change (start → exit where both exist). */
  change: ChangeStats | null;
  /** Every paired change the intervention's points allow, in CHANGE_PAIRS order. */
  changes: ChangeStats[];
}

/** The paired comparisons evaluators ask for, in order of preference. */
export const CHANGE_PAIRS: ReadonlyArray<[string, string]> = [
  ['start', 'exit'],
  ['start', 'ongoing'],
  ['exit', 'followup'],
];

/** How many people have each score at a point (their latest answer), per indicator. */
export interface PointHistogram { point: string; indicatorId: string; score: number; count: number }
/** How many participants changed by `diff` (to − from) on an indicator between two points. */
export interface DiffHistogram { indicatorId: string; diff: number; count: number }

/** The CHANGE_PAIRS whose two points are both in `points`. */
export function changePairsFor(points: readonly string[]): [string, string][] {
  return CHANGE_PAIRS.filter(([a, b]) => points.includes(a) && points.includes(b)).map(([a, b]) => [a, b]);
}

/** The first of CHANGE_PAIRS whose two points an intervention uses. */
export function defaultChangePair(points: readonly string[]): [string, string] | null {
  return changePairsFor(points)[0] ?? null;
}

/** The key under which summarizeAggregates expects the differences of a pair of points. */
export const pairKey = (from: string, to: string) => `${from}>${to}`;

function changeFrom(diffs: readonly DiffHistogram[] | undefined, from: string, to: string): ChangeStats {
  const values: { before: number; after: number }[] = [];
  for (const d of diffs ?? []) for (let k = 0; k < d.count; k++) values.push({ before: 0, after: d.diff });
  const result = pairedChange(values);
  return suppressSmallGroups([{ from, to, n: result.pairs, ...result }], { keep: ['from', 'to'] })[0]!;
}

/**
 * Per indicator: statistics per measurement point (from score histograms) and every paired change
 * the points allow (from histograms of differences), with every group under the disclosure
 * threshold hidden. The storage layer computes both aggregates in SQL for speed; `change` is the
 * pair shown by default.
 */
export function summarizeAggregates(
  histograms: readonly PointHistogram[],
  diffsByPair: ReadonlyMap<string, readonly DiffHistogram[]>,
  indicatorIds: readonly string[],
  points: readonly string[],
  change: readonly [string, string] | null,
): IndicatorResult[] {
  const bins = new Map<string, ValueCount[]>();
  for (const h of histograms) {
    const key = `${h.indicatorId}|${h.point}`;
    let list = bins.get(key);
    if (!list) bins.set(key, (list = []));
    list.push({ value: h.score, count: h.count });
  }
  const diffs = new Map<string, DiffHistogram[]>();
  for (const [pair, rows] of diffsByPair) {
    for (const row of rows) {
      const key = `${pair}|${row.indicatorId}`;
      let list = diffs.get(key);
      if (!list) diffs.set(key, (list = []));
      list.push(row);
    }
  }
  const pairs = changePairsFor(points);
  return indicatorIds.map((indicatorId) => {
    const pointCells = points.map((point) => ({ point, ...describeCounts(bins.get(`${indicatorId}|${point}`) ?? []) }));
    const changeOf = (from: string, to: string) => changeFrom(diffs.get(`${pairKey(from, to)}|${indicatorId}`), from, to);
    return {
      indicatorId,
      points: suppressSmallGroups(pointCells, { keep: ['point'] }),
      change: change ? changeOf(change[0], change[1]) : null,
      changes: pairs.map(([from, to]) => changeOf(from, to)),
    };
  });
}

/**
 * summarizeAggregates over individual score rows: each participant counts once per point with
 * their latest score (rows in response order), so a group of 4 never shows as 5 responses.
 */
export function summarizeIntervention(
  observations: readonly ScoreObservation[],
  indicatorIds: readonly string[],
  points: readonly string[],
  change: readonly [string, string] | null,
): IndicatorResult[] {
  const latest = new Map<string, ScoreObservation>();
  const anonymous: ScoreObservation[] = [];
  for (const o of observations) {
    if (o.participantId === null) anonymous.push(o);
    else latest.set(`${o.indicatorId}|${o.point}|${o.participantId}`, o);
  }
  const counts = new Map<string, PointHistogram>();
  for (const o of [...anonymous, ...latest.values()]) {
    const key = `${o.indicatorId}|${o.point}|${o.score}`;
    const bin = counts.get(key);
    if (bin) bin.count++;
    else counts.set(key, { point: o.point, indicatorId: o.indicatorId, score: o.score, count: 1 });
  }
  const wanted = [...changePairsFor(points), ...(change ? [[change[0], change[1]] as [string, string]] : [])];
  const diffsByPair = new Map<string, DiffHistogram[]>();
  for (const [from, to] of wanted) {
    const rows: DiffHistogram[] = [];
    for (const o of latest.values()) {
      if (o.point !== from) continue;
      const after = latest.get(`${o.indicatorId}|${to}|${o.participantId}`);
      if (after) rows.push({ indicatorId: o.indicatorId, diff: after.score - o.score, count: 1 });
    }
    diffsByPair.set(pairKey(from, to), rows);
  }
  return summarizeAggregates([...counts.values()], diffsByPair, indicatorIds, points, change);
}

/**
 * A filtered summary (e.g. only women) beside the unfiltered one: a filtered cell whose complement
 * (unfiltered n − filtered n) is 1–4 is hidden too, or the two pages together would reveal that
 * small complement group.
 */
export function protectComplement(filtered: IndicatorResult[], unfiltered: IndicatorResult[]): IndicatorResult[] {
  const hide = <T extends { n: number | null; suppressed: boolean }>(cell: T, fullN: number | null | undefined): T => {
    if (cell.suppressed || fullN == null || cell.n === null) return cell;
    const complement = fullN - cell.n;
    if (complement <= 0 || complement >= MIN_GROUP_SIZE) return cell;
    const keep = new Set<string>(['point', 'from', 'to']);
    return hideCell<{ n: number }, 'n'>(cell as { n: number }, keep as ReadonlySet<'n'>, 'complementary') as unknown as T;
  };
  return filtered.map((r, i) => {
    const full = unfiltered[i]!;
    return {
      ...r,
      points: r.points.map((c, k) => hide(c, full.points[k]?.n)),
      change: r.change ? hide(r.change, full.change?.n) : null,
      changes: r.changes.map((c, k) => hide(c, full.changes[k]?.n)),
    };
  });
}

/** Statistics per group key (an intervention, a round, a gender …) in the order of `keys`, small groups hidden. */
export function describeGroups<K extends string>(values: readonly { key: K; score: number }[], keys: readonly K[]): GroupStats<K>[] {
  const byKey = new Map<K, number[]>();
  for (const v of values) {
    let list = byKey.get(v.key);
    if (!list) byKey.set(v.key, (list = []));
    list.push(v.score);
  }
  return suppressSmallGroups(keys.map((key) => ({ key, ...describe(byKey.get(key) ?? []) })), { keep: ['key'] });
}

/**
 * A breakdown (e.g. by gender) shown with its total: small cells hidden, plus complementary
 * suppression so the total minus the shown cells cannot reveal a hidden one.
 */
export function describeBreakdown<K extends string>(values: readonly { key: K | null; score: number }[], keys: readonly K[]) {
  const total = { key: 'total', ...describe(values.map((v) => v.score)) };
  const cells = keys.map((key) => ({ key, ...describe(values.filter((v) => v.key === key).map((v) => v.score)) }));
  const { cells: shown, totalSuppressed } = suppressBreakdown(cells, total.n, { keep: ['key'] });
  const reason = total.n < MIN_GROUP_SIZE ? 'tooFew' : totalSuppressed ? 'complementary' : undefined;
  return { cells: shown, total: hideCell<typeof total, 'key'>(total, new Set(['key']), reason) };
}

/** Unpaired comparison (Welch CI, Mann–Whitney) of two groups; hidden when either has fewer than 5. */
export function compareGroups(a: readonly number[], b: readonly number[]): ComparisonStats {
  const result = unpairedComparison(a, b);
  return suppressSmallGroups([{ ...result, n: Math.min(result.nA, result.nB) }])[0]!;
}

/** National or regional aggregate from score histograms (value → count) per key; small groups hidden. */
export function describeHistograms<K extends string>(histograms: ReadonlyMap<K, ValueCount[]>, keys: readonly K[]): GroupStats<K>[] {
  return suppressSmallGroups(keys.map((key) => ({ key, ...describeCounts(histograms.get(key) ?? []) })), { keep: ['key'] });
}

/** How a paired change reads in plain words: a clear improvement only when the whole CI is above zero. */
export function changeReading(change: ChangeStats | null): 'improved' | 'worsened' | 'uncertain' | 'suppressed' | 'none' {
  if (!change) return 'none';
  if (change.suppressed || !change.ci95) return change.suppressed ? 'suppressed' : 'uncertain';
  if (change.ci95[0] > 0) return 'improved';
  if (change.ci95[1] < 0) return 'worsened';
  return 'uncertain';
}

export interface ItemAnswer { point: string; itemId: string; value: number | null; dontKnow: boolean }

export type ItemPointStats = MaybeSuppressed<DescriptiveStats & { itemId: string; point: string; dontKnow: number }, 'itemId' | 'point'>;

/** Item-by-item answer distributions per point (raw answers as given, "vet ej" counted apart); small groups hidden. */
export function itemDistributions(answers: readonly ItemAnswer[], itemIds: readonly string[], points: readonly string[]): ItemPointStats[] {
  const cells = itemIds.flatMap((itemId) =>
    points.map((point) => {
      const here = answers.filter((a) => a.itemId === itemId && a.point === point);
      const values = here.filter((a) => !a.dontKnow && a.value !== null).map((a) => a.value!);
      return { itemId, point, dontKnow: here.filter((a) => a.dontKnow).length, ...describe(values) };
    }),
  );
  return suppressSmallGroups(cells, { keep: ['itemId', 'point'] });
}
