import { changeVerdict, differenceVerdict } from './changeReading.js';
import type { ComparisonStats, GroupStats, IndicatorResult, ItemPointStats } from './comparison.js';

// The analysis tables as flat rows for CSV download: the same figures as on screen, rounded to
// three decimals, hidden cells with their statistics empty and the reason why (tooFew,
// complementary, notAsked). Free text never appears here.

type Row = Record<string, string | number | boolean | null>;

const round3 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 1000);
const ci = (c: { ci95: [number, number] | null }) => ({ ciLow: round3(c.ci95?.[0]), ciHigh: round3(c.ci95?.[1]) });
const hidden = (c: { suppressed: boolean; suppressionReason: string | null }) => ({ suppressed: c.suppressed, reason: c.suppressionReason });

type Described = Pick<GroupStats, 'n' | 'mean' | 'sd' | 'ci95' | 'median' | 'q1' | 'q3' | 'sharePositive' | 'suppressed' | 'suppressionReason'>;
const described = (c: Described): Row => ({
  n: c.n, mean: round3(c.mean), sd: round3(c.sd), ...ci(c), median: round3(c.median), q1: round3(c.q1), q3: round3(c.q3), sharePositive: round3(c.sharePositive), ...hidden(c),
});

/** Per indicator and measurement point: n, mean, SD, CI, quartiles, share positive. */
export function overviewRows(results: readonly IndicatorResult[]): Row[] {
  return results.flatMap((r) => r.points.map((c) => ({ indicator: r.indicatorId, point: c.point, ...described(c) })));
}

/** Per indicator and pair of points: the paired change, its reading and how it was tested. */
export function changeRows(results: readonly IndicatorResult[]): Row[] {
  return results.flatMap((r) => r.changes.map((c) => ({
    indicator: r.indicatorId, from: c.from, to: c.to, pairs: c.pairs, before: round3(c.before), after: round3(c.after), meanDiff: round3(c.meanDiff), ...ci(c),
    verdict: c.suppressed ? null : changeVerdict(c.ci95), wilcoxonP: round3(c.wilcoxonP), wilcoxonMethod: c.wilcoxonMethod, dz: round3(c.dz),
    improved: c.improved, unchanged: c.unchanged, worse: c.worse, ...hidden(c),
  })));
}

/** Per indicator: each gender and everyone at one point (the equality table). */
export function equalityRows(rows: ReadonlyArray<{ indicatorId: string; cells: GroupStats[]; total: GroupStats }>, point: string): Row[] {
  return rows.flatMap((r) => [...r.cells, r.total].map((c) => ({ indicator: r.indicatorId, point, gender: c.key, ...described(c) })));
}

/** Per item and point: how many answered each step 1–7, and "vet ej". */
export function itemRows(cells: readonly ItemPointStats[]): Row[] {
  return cells.map((c) => ({
    item: c.itemId, point: c.point, n: c.n, mean: round3(c.mean),
    ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((step) => [`answered_${step}`, c.suppressed ? null : (c.distribution?.[step - 1]?.count ?? 0)])),
    dontKnow: c.dontKnow, ...hidden(c),
  }));
}

/** One row per group (an intervention, a round …) named by `label`. */
export function groupRows(cells: readonly GroupStats[], label: (cell: GroupStats, index: number) => Row): Row[] {
  return cells.map((c, k) => ({ ...label(c, k), ...described(c) }));
}

/** An unpaired comparison (one group against another) as one row. */
export function comparisonRow(label: Row, c: ComparisonStats): Row {
  return {
    ...label, nA: c.nA, nB: c.nB, meanA: round3(c.meanA), meanB: round3(c.meanB), diff: round3(c.diff), ...ci(c),
    verdict: c.suppressed ? null : differenceVerdict(c.ci95), mannWhitneyP: round3(c.mannWhitneyP), ...hidden(c),
  };
}
