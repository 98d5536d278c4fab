import type { GroupStats, IndicatorResult, ItemPointStats } from './comparison.js';

// The analysis tables as flat rows for CSV download: the same figures as on screen, rounded to
// three decimals, suppressed cells with their statistics empty. Free text never appears here.

type Row = Record<string, string | number | boolean | null>;

const round3 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 1000);
const ci = (c: { ci95: [number, number] | null }) => ({ ciLow: round3(c.ci95?.[0]), ciHigh: round3(c.ci95?.[1]) });

/** Per indicator and measurement point: n, mean, SD, CI, median, share positive. */
export function overviewRows(results: readonly IndicatorResult[]): Row[] {
  return results.flatMap((r) => r.points.map((c) => ({
    indicator: r.indicatorId, point: c.point, n: c.n, mean: round3(c.mean), sd: round3(c.sd), ...ci(c),
    median: round3(c.median), sharePositive: round3(c.sharePositive), suppressed: c.suppressed,
  })));
}

/** Per indicator and pair of points: the paired change. */
export function changeRows(results: readonly IndicatorResult[]): Row[] {
  return results.flatMap((r) => r.changes.map((c) => ({
    indicator: r.indicatorId, from: c.from, to: c.to, pairs: c.pairs, meanDiff: round3(c.meanDiff), ...ci(c),
    wilcoxonP: round3(c.wilcoxonP), dz: round3(c.dz), improved: c.improved, unchanged: c.unchanged, worse: c.worse, suppressed: c.suppressed,
  })));
}

/** Per item and point: how many answered each step 1–7, and "vet ej". */
export function itemRows(cells: readonly ItemPointStats[]): Row[] {
  return cells.map((c) => ({
    item: c.itemId, point: c.point, n: c.n, mean: round3(c.mean),
    ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((step) => [`answered_${step}`, c.suppressed ? null : (c.distribution?.[step - 1]?.count ?? 0)])),
    dontKnow: c.dontKnow, suppressed: c.suppressed,
  }));
}

/** One row per group (an intervention, a round …) named by `label`. */
export function groupRows(cells: readonly GroupStats[], label: (cell: GroupStats, index: number) => Row): Row[] {
  return cells.map((c, k) => ({
    ...label(c, k), n: c.n, mean: round3(c.mean), sd: round3(c.sd), ...ci(c), median: round3(c.median), sharePositive: round3(c.sharePositive), suppressed: c.suppressed,
  }));
}
