import { createRequire } from 'node:module';
import { expect } from 'chai';
import { defaultChangePair, summarizeIntervention, type IndicatorResult, type ScoreObservation } from '../../server/domain/comparison.js';

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

const obs = (point: string, participantId: number | null, score: number, indicatorId = 'health'): ScoreObservation => ({ point, indicatorId, participantId, score });

function shown<T extends { suppressed: boolean }>(cell: T | null | undefined): Extract<T, { suppressed: false }> {
  expect(cell, 'cell').to.not.equal(null);
  expect(cell!.suppressed, 'cell suppressed').to.equal(false);
  return cell as Extract<T, { suppressed: false }>;
}

const pointCell = (result: IndicatorResult, point: string) => result.points.find((p) => p.point === point);

describe('comparison.summarizeIntervention', () => {
  // Participants 1–6 answered at start and exit, 7 only at start, 8 only at exit; two anonymous
  // responses (no participant) at start. Differences after − before: 1.5, -0.5, 2, 0.25, 1, 3 (no ties).
  const before = [3, 4.5, 2, 5, 4, 2.5];
  const after = [4.5, 4, 4, 5.25, 5, 5.5];
  const observations: ScoreObservation[] = [
    ...before.map((s, i) => obs('start', i + 1, s)),
    obs('start', 7, 6),
    obs('start', null, 1),
    obs('start', null, 7),
    ...after.map((s, i) => obs('exit', i + 1, s)),
    obs('exit', 8, 2),
    obs('start', 1, 6, 'trust_fk'),
  ];
  const [health, trust] = summarizeIntervention(observations, ['health', 'trust_fk'], ['start', 'exit'], ['start', 'exit']);

  it('describes each point with every response at that point, anonymous ones included', () => {
    const startScores = [...before, 6, 1, 7];
    const start = shown(pointCell(health!, 'start'));
    expect(start.n).to.equal(9);
    expect(start.mean).to.be.closeTo(meanOf(startScores), 1e-12);
    expect(start.sd).to.be.closeTo(sdOf(startScores), 1e-12);
    expect(start.ci95![0]).to.be.closeTo(ciOf(startScores)[0], 1e-7);
    expect(start.ci95![1]).to.be.closeTo(ciOf(startScores)[1], 1e-7);
    expect(start.median).to.be.closeTo(medianOf(startScores), 1e-12);
    expect(start.sharePositive).to.be.closeTo(startScores.filter((s) => s >= 5).length / 9, 1e-12);

    const exitScores = [...after, 2];
    const exit = shown(pointCell(health!, 'exit'));
    expect(exit.n).to.equal(7);
    expect(exit.mean).to.be.closeTo(meanOf(exitScores), 1e-12);
    expect(exit.sd).to.be.closeTo(sdOf(exitScores), 1e-12);
  });

  it('pairs only participants who answered at both points', () => {
    const diffs = after.map((a, i) => a - before[i]!);
    const change = shown(health!.change);
    expect(change.from).to.equal('start');
    expect(change.to).to.equal('exit');
    expect(change.n).to.equal(6);
    expect(change.pairs).to.equal(6);
    expect(change.meanDiff).to.be.closeTo(meanOf(diffs), 1e-12);
    expect(change.ci95![0]).to.be.closeTo(ciOf(diffs)[0], 1e-7);
    expect(change.ci95![1]).to.be.closeTo(ciOf(diffs)[1], 1e-7);
    expect(change.dz).to.be.closeTo(meanOf(diffs) / sdOf(diffs), 1e-12);
    expect(change.improved).to.equal(diffs.filter((d) => d > 0).length);
    expect(change.worse).to.equal(diffs.filter((d) => d < 0).length);
    expect(change.unchanged).to.equal(0);
    expect(change.wilcoxonMethod).to.equal('exact');
    // 6 pairs; only -0.5 (rank 2) is negative, V = 21 − 2 = 19: 6 of the 64 sign patterns are at
    // least as extreme (W ≥ 19 or W ≤ 2) → p = 0.09375.
    expect(change.wilcoxonP).to.be.closeTo(exactSignedRankP(diffs), 1e-12);
    expect(change.wilcoxonP).to.be.closeTo(0.09375, 1e-12);
  });

  it('hides a point with fewer than 5 responses and everything computed from it', () => {
    const start = pointCell(trust!, 'start')!;
    expect(start.suppressed).to.equal(true);
    expect(start.suppressionReason).to.equal('tooFew');
    expect(start.point).to.equal('start');
    expect(start.n).to.equal(null);
    expect(start.mean).to.equal(null);
    expect(start.sd).to.equal(null);
    expect(start.ci95).to.equal(null);
    expect(start.distribution).to.equal(null);
    // No responses at all is hidden as well.
    expect(pointCell(trust!, 'exit')!.suppressed).to.equal(true);
  });

  it('shows a point at exactly 5 responses and hides it at 4', () => {
    const five = [1, 2, 3, 4, 5].map((s, i) => obs('start', i + 1, s));
    const [atFive] = summarizeIntervention(five, ['health'], ['start'], null);
    expect(shown(pointCell(atFive!, 'start')).n).to.equal(5);
    expect(shown(pointCell(atFive!, 'start')).mean).to.equal(3);
    expect(atFive!.change).to.equal(null);
    const [atFour] = summarizeIntervention(five.slice(0, 4), ['health'], ['start'], null);
    expect(pointCell(atFour!, 'start')!.suppressed).to.equal(true);
  });

  it('hides the change when fewer than 5 participants answered both times, even if each point has 5', () => {
    // 6 at start, 6 at exit, but only 4 of them the same people.
    const data = [
      ...[1, 2, 3, 4, 5, 6].map((p) => obs('start', p, 3)),
      ...[1, 2, 3, 4, 7, 8].map((p) => obs('exit', p, 5)),
    ];
    const [result] = summarizeIntervention(data, ['health'], ['start', 'exit'], ['start', 'exit']);
    expect(shown(pointCell(result!, 'start')).n).to.equal(6);
    expect(shown(pointCell(result!, 'exit')).n).to.equal(6);
    const change = result!.change!;
    expect(change.suppressed).to.equal(true);
    expect(change.from).to.equal('start');
    expect(change.to).to.equal('exit');
    expect(change.n).to.equal(null);
    expect(change.meanDiff).to.equal(null);
    expect(change.improved).to.equal(null);
    expect(change.wilcoxonP).to.equal(null);
  });

  it('never pairs anonymous responses', () => {
    const data = [...[0, 1, 2, 3, 4].map(() => obs('start', null, 3)), ...[0, 1, 2, 3, 4].map(() => obs('exit', null, 6))];
    const [result] = summarizeIntervention(data, ['health'], ['start', 'exit'], ['start', 'exit']);
    expect(shown(pointCell(result!, 'start')).n).to.equal(5);
    expect(result!.change!.suppressed).to.equal(true);
  });

  it('counts a participant with two responses at one point once, with the later score', () => {
    // Participant 1 answered start twice (a replaced code); only the later answer counts, also in n,
    // so a group of 4 people never shows as 5 responses.
    const data = [obs('start', 1, 1), ...[1, 2, 3, 4].map((p) => obs('start', p, 5))];
    const [fourPeople] = summarizeIntervention(data, ['health'], ['start'], null);
    expect(pointCell(fourPeople!, 'start')!.suppressed).to.equal(true);
    const [fivePeople] = summarizeIntervention([...data, obs('start', 5, 5)], ['health'], ['start'], null);
    expect(shown(pointCell(fivePeople!, 'start')).n).to.equal(5);
    expect(shown(pointCell(fivePeople!, 'start')).mean).to.equal(5);
  });

  it('returns one result per indicator asked for, in that order, even without data', () => {
    const results = summarizeIntervention([], ['a', 'b'], ['start', 'exit'], ['start', 'exit']);
    expect(results.map((r) => r.indicatorId)).to.deep.equal(['a', 'b']);
    for (const r of results) {
      expect(r.points.map((p) => p.point)).to.deep.equal(['start', 'exit']);
      expect(r.points.every((p) => p.suppressed)).to.equal(true);
      expect(r.change!.suppressed).to.equal(true);
    }
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
