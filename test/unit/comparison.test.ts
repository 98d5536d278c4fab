import { createRequire } from 'node:module';
import { expect } from 'chai';
import { changeStats, compareGroups, defaultChangePair, itemStats, pointStats } from '../../server/domain/comparison.js';

// The reference numbers are computed here from first principles (plain sums, an exhaustive
// signed-rank distribution) and jStat's t quantile, independently of server/domain/statistics.ts.
// jStat's quantile is iterative and good to about 1e-9, hence the looser tolerance on intervals.
const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: { studentt: { inv(p: number, df: number): number } } };

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const meanOf = (xs: number[]) => sum(xs) / xs.length;
const sdOf = (xs: number[]) => Math.sqrt(sum(xs.map((x) => (x - meanOf(xs)) ** 2)) / (xs.length - 1));
function ciOf(xs: number[]): [number, number] {
  const half = jStat.studentt.inv(0.975, xs.length - 1) * (sdOf(xs) / Math.sqrt(xs.length));
  return [meanOf(xs) - half, meanOf(xs) + half];
}
function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
/** Exact two-sided Wilcoxon signed-rank p by enumerating all 2^n sign patterns (no ties, no zeros). */
function exactSignedRankP(diffs: number[]): number {
  const ranks = diffs.map((d) => [...diffs].map(Math.abs).sort((a, b) => a - b).indexOf(Math.abs(d)) + 1);
  const v = sum(ranks.filter((_, i) => diffs[i]! > 0));
  const n = diffs.length;
  const expected = (n * (n + 1)) / 4;
  let asExtreme = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    const w = sum(ranks.filter((_, i) => mask & (1 << i)));
    if (Math.abs(w - expected) >= Math.abs(v - expected) - 1e-9) asExtreme++;
  }
  return asExtreme / 2 ** n;
}

function shown<T extends { suppressed: boolean }>(cell: T): Extract<T, { suppressed: false }> {
  expect(cell.suppressed, 'cell suppressed').to.equal(false);
  return cell as Extract<T, { suppressed: false }>;
}

const bins = (values: number[]) => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count }));
};

describe('comparison.pointStats', () => {
  const scores = [3, 4.5, 2, 5, 4, 2.5, 6, 1, 7];

  it('describes a point from the histogram of its counted people', () => {
    const start = shown(pointStats('start', 'cell-a', bins(scores), null));
    expect(start.n).to.equal(9);
    expect(start.mean).to.be.closeTo(meanOf(scores), 1e-12);
    expect(start.sd).to.be.closeTo(sdOf(scores), 1e-12);
    expect(start.ci95![0]).to.be.closeTo(ciOf(scores)[0], 1e-7);
    expect(start.ci95![1]).to.be.closeTo(ciOf(scores)[1], 1e-7);
    expect(start.median).to.be.closeTo(medianOf(scores), 1e-12);
    expect(start.sharePositive).to.be.closeTo(scores.filter((s) => s >= 5).length / 9, 1e-12);
    expect(start.cell).to.equal('cell-a');
  });

  it('hides every statistic of a hidden cell and keeps only its point, name and reason', () => {
    const cell = pointStats('exit', 'cell-b', bins(scores), 'complementary');
    expect(cell).to.deep.include({ point: 'exit', cell: 'cell-b', suppressed: true, suppressionReason: 'complementary', n: null, mean: null, sd: null, ci95: null, median: null, distribution: null });
  });
});

/** Pairs as the read model gives them: a histogram of differences with the scores summed (one bin a pair here). */
const diffBins = (pairs: { before: number; after: number }[]) => pairs.map((p) => ({ diff: p.after - p.before, count: 1, sumBefore: p.before, sumAfter: p.after }));

describe('comparison.changeStats', () => {
  // Differences after − before: 1.5, -0.5, 2, 0.25, 1, 3 (no ties).
  const before = [3, 4.5, 2, 5, 4, 2.5];
  const after = [4.5, 4, 4, 5.25, 5, 5.5];
  const pairs = before.map((b, i) => ({ before: b, after: after[i]! }));
  const diffs = after.map((a, i) => a - before[i]!);

  it('computes the paired change, its CI, Wilcoxon p and d_z from the pairs', () => {
    const change = shown(changeStats('start', 'exit', 'c', diffBins(pairs), null, null));
    expect(change).to.include({ from: 'start', to: 'exit', n: 6, pairs: 6, improved: 5, worse: 1, unchanged: 0, wilcoxonMethod: 'exact', meansHidden: null });
    expect(change.meanDiff).to.be.closeTo(meanOf(diffs), 1e-12);
    expect(change.ci95![0]).to.be.closeTo(ciOf(diffs)[0], 1e-7);
    expect(change.ci95![1]).to.be.closeTo(ciOf(diffs)[1], 1e-7);
    expect(change.dz).to.be.closeTo(meanOf(diffs) / sdOf(diffs), 1e-12);
    // Only -0.5 (rank 2) is negative, V = 21 − 2 = 19: 6 of the 64 sign patterns are at least as extreme → p = 0.09375.
    expect(change.wilcoxonP).to.be.closeTo(exactSignedRankP(diffs), 1e-12);
    expect(change.wilcoxonP).to.be.closeTo(0.09375, 1e-12);
    expect(change.before).to.be.closeTo(meanOf(before), 1e-12);
    expect(change.after).to.be.closeTo(meanOf(after), 1e-12);
  });

  it('withholds the means before and after alone when the plan says so', () => {
    const change = shown(changeStats('start', 'exit', 'c', diffBins(pairs), null, 'complementary'));
    expect(change).to.include({ before: null, after: null, meansHidden: 'complementary', pairs: 6 });
    expect(change.meanDiff).to.be.closeTo(meanOf(diffs), 1e-12);
  });

  it('hides all of a hidden change', () => {
    expect(changeStats('start', 'exit', 'c', diffBins(pairs), 'tooFew', null)).to.deep.include({ from: 'start', to: 'exit', suppressed: true, n: null, meanDiff: null, improved: null, before: null, wilcoxonP: null });
  });
});

describe('comparison.compareGroups and itemStats', () => {
  it('compares group b with group a (Welch, Mann–Whitney), or hides the comparison', () => {
    const c = shown(compareGroups([1, 2, 3, 4, 2], [5, 6, 7, 5, 6], null));
    expect(c.diff).to.be.closeTo(5.8 - 2.4, 1e-12);
    expect(compareGroups([1, 2, 3, 4, 2], [5, 6, 7, 5, 6], 'complementary')).to.include({ suppressed: true, diff: null, mannWhitneyP: null });
  });

  it('counts item answers per step, "vet ej" apart', () => {
    const answers = [1, 2, 2, 7, 7, 7].map((v) => ({ point: 'start' as const, itemId: 'q', value: v, dontKnow: false }));
    answers.push({ point: 'start', itemId: 'q', value: null as unknown as number, dontKnow: true });
    const cell = shown(itemStats('q', 'start', 'i', answers, null));
    expect(cell).to.include({ n: 6, dontKnow: 1 });
    expect(cell.distribution.map((d) => d.count)).to.deep.equal([1, 2, 0, 0, 0, 0, 3]);
  });
});

describe('comparison.defaultChangePair', () => {
  it('prefers start → exit, then start → ongoing, then exit → follow-up', () => {
    expect(defaultChangePair(['start', 'ongoing', 'exit'])).to.deep.equal(['start', 'exit']);
    expect(defaultChangePair(['start', 'ongoing'])).to.deep.equal(['start', 'ongoing']);
    expect(defaultChangePair(['exit', 'followup'])).to.deep.equal(['exit', 'followup']);
    expect(defaultChangePair(['start'])).to.equal(null);
    expect(defaultChangePair(['yearly'])).to.equal(null);
  });
});
