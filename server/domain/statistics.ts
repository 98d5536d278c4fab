// Descriptive statistics, paired change and unpaired comparison for indicator scores
// (domain.md, "Scales and scoring"). Pure functions: no I/O.
//
// Distributions come from @stdlib: Student's t quantile (@stdlib/stats-base-dists-t-quantile),
// standard normal CDF (@stdlib/stats-base-dists-normal-cdf) and the exact Wilcoxon signed-rank
// null distribution (@stdlib/stats-base-dists-signrank-cdf). Mean and SD come from
// simple-statistics. Only the ranking and tie bookkeeping is ours, written to follow R's
// wilcox.test line by line.

import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import signrankCdf from '@stdlib/stats-base-dists-signrank-cdf';
import { mean, sampleStandardDeviation } from 'simple-statistics';

export type Interval = [lo: number, hi: number];

export interface ScaleStepCount {
  value: number;
  count: number;
}

export interface DescriptiveStats {
  n: number;
  mean: number | null;
  /** Sample SD (denominator n − 1); null when n < 2. */
  sd: number | null;
  /** t-based 95 % CI of the mean; null when n < 2. */
  ci95: Interval | null;
  /** Median and quartiles by R's quantile(type = 7) (linear interpolation, numpy's default). */
  median: number | null;
  q1: number | null;
  q3: number | null;
  /** Share (0..1) of values ≥ positiveFrom. */
  sharePositive: number | null;
  /** Count per integer scale step, each value put on step Math.round(value). */
  distribution: ScaleStepCount[];
}

export interface DescribeOptions {
  /** Lowest value counted as positive; default 5 (the "5–7" of domain.md). */
  positiveFrom?: number;
  scaleMin?: number;
  scaleMax?: number;
}

export interface PairedChangeOptions {
  /** A pair with |after − before| ≤ this counts as unchanged; default 0 (equal scores). */
  unchangedWithin?: number;
}

export type WilcoxonMethod = 'exact' | 'normal';

export interface PairedChangeResult {
  pairs: number;
  /** Mean of after − before. */
  meanDiff: number | null;
  /** t-based 95 % CI of the mean difference (paired t); null when fewer than 2 pairs. */
  ci95: Interval | null;
  /** Two-sided Wilcoxon signed-rank p; null when every difference is zero (or no pairs). */
  wilcoxonP: number | null;
  /** How wilcoxonP was computed; null when it is null. */
  wilcoxonMethod: WilcoxonMethod | null;
  /** Cohen's d_z = mean difference / SD of differences; null when that SD is 0 or undefined. */
  dz: number | null;
  improved: number;
  unchanged: number;
  worse: number;
}

export interface UnpairedComparisonResult {
  nA: number;
  nB: number;
  meanA: number | null;
  meanB: number | null;
  /** meanB − meanA. */
  diff: number | null;
  /** Welch 95 % CI of meanB − meanA (Welch–Satterthwaite df); null when a group has n < 2. */
  ci95: Interval | null;
  /** Two-sided Mann–Whitney p, normal approximation with tie and continuity correction. */
  mannWhitneyP: number | null;
}

const CONFIDENCE = 0.95;

// Scores are means of items (e.g. 14/3), so differences that are equal on paper can differ in
// the last bit. Ranking and zero/tie detection use values rounded to 1e-9 so such ties count as
// ties (what R's wilcox.test(digits.rank = 9) would do); the means and CIs use the raw values.
const TIE_SCALE = 1e9;
function forRanking(x: number): number {
  return Math.round(x * TIE_SCALE) / TIE_SCALE;
}

function assertFinite(values: readonly number[], what: string): void {
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`${what}: every value must be a finite number, got ${v}`);
  }
}

export function tInterval(center: number, standardError: number, df: number): Interval {
  if (standardError === 0) return [center, center];
  const half = tQuantile(1 - (1 - CONFIDENCE) / 2, df) * standardError;
  return [center - half, center + half];
}

interface Ranking {
  ranks: number[];
  /** Σ (t³ − t) over groups of tied values, for the variance correction. */
  tieTerm: number;
  hasTies: boolean;
}

/** Average ranks (1-based) like R's rank(ties.method = "average"). */
function averageRanks(values: readonly number[]): Ranking {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = rank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm, hasTies: tieTerm > 0 };
}

/** Two-sided p from a centred statistic with continuity correction, as R's wilcox.test(correct = TRUE). */
function normalTwoSidedP(centred: number, sigma: number): number | null {
  if (!(sigma > 0)) return null;
  const z = (centred - Math.sign(centred) * 0.5) / sigma;
  const lower = normalCdf(z, 0, 1);
  return Math.min(1, 2 * Math.min(lower, 1 - lower));
}

export function describe(values: readonly number[], opts: DescribeOptions = {}): DescriptiveStats {
  assertFinite(values, 'describe');
  // One computation for values and histograms alike: the values as a histogram of themselves.
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return describeCounts([...counts].map(([value, count]) => ({ value, count })), opts);
}

interface SignedRankTest {
  p: number;
  method: WilcoxonMethod;
}

/** pairedChange for data given as a histogram of differences (after − before → how many pairs). */
export function pairedChangeCounts(bins: ReadonlyArray<{ diff: number; count: number }>, opts: PairedChangeOptions = {}): PairedChangeResult {
  const tolerance = opts.unchangedWithin ?? 0;
  assertFinite(bins.map((b) => b.diff), 'pairedChangeCounts');
  // Differences equal after rounding for ranking are one value, as in pairedChange.
  const merged = new Map<number, number>();
  let total = 0;
  let sum = 0;
  for (const b of bins) {
    if (b.count <= 0) continue;
    merged.set(forRanking(b.diff), (merged.get(forRanking(b.diff)) ?? 0) + b.count);
    total += b.count;
    sum += b.diff * b.count;
  }
  let improved = 0;
  let unchanged = 0;
  let worse = 0;
  for (const [d, c] of merged) {
    if (Math.abs(d) <= tolerance) unchanged += c;
    else if (d > 0) improved += c;
    else worse += c;
  }
  const meanDiff = total > 0 ? sum / total : null;
  const ss = meanDiff === null ? 0 : bins.reduce((s, b) => s + (b.count > 0 ? b.count * (b.diff - meanDiff) ** 2 : 0), 0);
  const sdDiff = total >= 2 ? Math.sqrt(ss / (total - 1)) : null;
  const test = signedRankTestCounts(merged);
  return {
    pairs: total,
    meanDiff,
    ci95: meanDiff === null || sdDiff === null ? null : tInterval(meanDiff, sdDiff / Math.sqrt(total), total - 1),
    wilcoxonP: test?.p ?? null,
    wilcoxonMethod: test?.method ?? null,
    dz: meanDiff === null || sdDiff === null || sdDiff === 0 ? null : meanDiff / sdDiff,
    improved,
    unchanged,
    worse,
  };
}

/**
 * Two-sided Wilcoxon signed-rank test of differences against 0 (given as a histogram of rounded
 * differences), following R's wilcox.test(x, y, paired = TRUE) with its defaults: zero differences
 * are dropped (SciPy's zero_method = "wilcox"); with fewer than 50 non-zero differences and no ties
 * and no zeros the exact null distribution is used (R's default exact = NULL); otherwise the normal
 * approximation with tie correction and continuity correction (correct = TRUE).
 */
function signedRankTestCounts(counts: ReadonlyMap<number, number>): SignedRankTest | null {
  const hadZeros = (counts.get(0) ?? 0) > 0;
  const byAbs = new Map<number, { positive: number; total: number }>();
  for (const [d, c] of counts) {
    if (d === 0) continue;
    const entry = byAbs.get(Math.abs(d)) ?? { positive: 0, total: 0 };
    entry.total += c;
    if (d > 0) entry.positive += c;
    byAbs.set(Math.abs(d), entry);
  }
  const groups = [...byAbs].sort((a, b) => a[0] - b[0]);
  const n = groups.reduce((s, [, g]) => s + g.total, 0);
  if (n === 0) return null;
  let below = 0;
  let v = 0;
  let tieTerm = 0;
  for (const [, g] of groups) {
    const rank = below + (g.total + 1) / 2;
    v += rank * g.positive;
    tieTerm += g.total ** 3 - g.total;
    below += g.total;
  }
  if (n < 50 && tieTerm === 0 && !hadZeros) {
    const p = v > (n * (n + 1)) / 4 ? 1 - signrankCdf(v - 1, n) : signrankCdf(v, n);
    return { p: Math.min(1, 2 * p), method: 'exact' };
  }
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const p = normalTwoSidedP(v - (n * (n + 1)) / 4, sigma);
  return p === null ? null : { p, method: 'normal' };
}

/** The paired change of each pair's scores (after − before): the histogram version over one bin per pair. */
export function pairedChange(pairs: ReadonlyArray<{ before: number; after: number }>, opts: PairedChangeOptions = {}): PairedChangeResult {
  return pairedChangeCounts(pairs.map((p) => ({ diff: p.after - p.before, count: 1 })), opts);
}

/**
 * Two-sided Mann–Whitney (Wilcoxon rank-sum) p as R's wilcox.test(a, b, exact = FALSE,
 * correct = TRUE): normal approximation with tie-corrected variance and continuity correction.
 */
function mannWhitneyP(a: readonly number[], b: readonly number[]): number | null {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) return null;
  const { ranks, tieTerm } = averageRanks([...a, ...b].map(forRanking));
  const rankSumA = ranks.slice(0, nA).reduce((s, r) => s + r, 0);
  const w = rankSumA - (nA * (nA + 1)) / 2;
  const total = nA + nB;
  const sigma = Math.sqrt(((nA * nB) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  return normalTwoSidedP(w - (nA * nB) / 2, sigma);
}

export function unpairedComparison(a: readonly number[], b: readonly number[]): UnpairedComparisonResult {
  assertFinite(a, 'unpairedComparison');
  assertFinite(b, 'unpairedComparison');
  const nA = a.length;
  const nB = b.length;
  const meanA = nA > 0 ? mean([...a]) : null;
  const meanB = nB > 0 ? mean([...b]) : null;
  const diff = meanA === null || meanB === null ? null : meanB - meanA;

  let ci95: Interval | null = null;
  if (diff !== null && nA >= 2 && nB >= 2) {
    const varA = sampleStandardDeviation([...a]) ** 2 / nA;
    const varB = sampleStandardDeviation([...b]) ** 2 / nB;
    const se = Math.sqrt(varA + varB);
    const df = (varA + varB) ** 2 / (varA ** 2 / (nA - 1) + varB ** 2 / (nB - 1));
    ci95 = tInterval(diff, se, df);
  }
  return { nA, nB, meanA, meanB, diff, ci95, mannWhitneyP: mannWhitneyP(a, b) };
}

export interface ValueCount {
  value: number;
  count: number;
}

/**
 * describe() for data given as a histogram (value → count), e.g. a SQL GROUP BY score over a million
 * responses: the same n, mean, SD (n − 1), t CI, type-7 quartiles and share positive, without
 * holding every value in memory. `distribution` uses the same Math.round steps.
 */
export function describeCounts(bins: readonly ValueCount[], opts: DescribeOptions = {}): DescriptiveStats {
  const positiveFrom = opts.positiveFrom ?? 5;
  const scaleMin = opts.scaleMin ?? 1;
  const scaleMax = opts.scaleMax ?? 7;
  const sorted = bins.filter((b) => b.count > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((s, b) => s + b.count, 0);
  const distribution: ScaleStepCount[] = [];
  for (let v = scaleMin; v <= scaleMax; v++) distribution.push({ value: v, count: 0 });
  if (n === 0) return { n: 0, mean: null, sd: null, ci95: null, median: null, q1: null, q3: null, sharePositive: null, distribution };
  let sum = 0;
  let positive = 0;
  for (const b of sorted) {
    if (!Number.isFinite(b.value) || b.value < scaleMin || b.value > scaleMax) throw new RangeError(`value ${b.value} is off the scale ${scaleMin}..${scaleMax}`);
    sum += b.value * b.count;
    if (b.value >= positiveFrom) positive += b.count;
    distribution[Math.round(b.value) - scaleMin]!.count += b.count;
  }
  const mean = sum / n;
  // Two-pass sum of squares around the mean: stable for large n.
  const ss = sorted.reduce((s, b) => s + b.count * (b.value - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const cumulative: number[] = [];
  sorted.reduce((c, b, i) => (cumulative[i] = c + b.count), 0);
  const at = (rank: number) => sorted[cumulative.findIndex((c) => c > rank)]!.value;
  // R quantile(type = 7): h = (n − 1)p, linear interpolation between the order statistics around h.
  const quantile = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const below = at(lo);
    return below + (h - lo) * (at(Math.min(lo + 1, n - 1)) - below);
  };
  return {
    n, mean, sd,
    ci95: sd === null ? null : tInterval(mean, sd / Math.sqrt(n), n - 1),
    median: quantile(0.5), q1: quantile(0.25), q3: quantile(0.75),
    sharePositive: positive / n,
    distribution,
  };
}

/** A group's descriptives as they travel between installations (no quartiles: those do not pool). */
export interface PoolablePart { n: number; mean: number; sd: number | null; sharePositive: number; distribution: readonly number[] }

/**
 * The descriptives of the union of disjoint groups from each one's n, mean, SD (n − 1), share
 * positive and distribution: exact for the mean, SD, share and distribution (the SD from the
 * within- and between-group sums of squares); the CI as describeCounts makes it. Median and
 * quartiles cannot be pooled and are null.
 */
export function poolDescriptives(parts: readonly PoolablePart[], steps = 7): Omit<DescriptiveStats, 'distribution'> & { distribution: number[] } {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const distribution = new Array<number>(steps).fill(0);
  for (const p of parts) p.distribution.forEach((c, k) => (distribution[k] = (distribution[k] ?? 0) + c));
  if (n === 0) return { n: 0, mean: null, sd: null, ci95: null, median: null, q1: null, q3: null, sharePositive: null, distribution };
  const mean = parts.reduce((s, p) => s + p.n * p.mean, 0) / n;
  const ss = parts.reduce((s, p) => s + (p.n - 1) * (p.sd ?? 0) ** 2 + p.n * (p.mean - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  return {
    n, mean, sd,
    ci95: sd === null ? null : tInterval(mean, sd / Math.sqrt(n), n - 1),
    median: null, q1: null, q3: null,
    sharePositive: parts.reduce((s, p) => s + p.n * p.sharePositive, 0) / n,
    distribution,
  };
}
