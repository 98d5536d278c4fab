import { expect } from 'chai';
import { describe as describeStats, pairedChange, unpairedComparison } from '../../server/domain/statistics.js';

// Reference sources used below:
// [R-sleep-t]   R, t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9,
//               95 % CI -2.4598858 -0.7001142, mean of the differences -1.58 (group1 − group2),
//               as printed in "How to compare paired data with R" (dummies.com).
// [R-sleep-w]   R, t.test(extra ~ group, data = sleep) (Welch): df = 17.776,
//               95 % CI -3.3654832 0.2054832 (group1 − group2), R's own t.test example.
// [R-HW]        R's ?wilcox.test example, Hollander & Wolfe (1973) p. 29f depression data:
//               wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p = 0.01953 (exact),
//               so the two-sided exact p is 2 × 0.01953125 = 0.0390625 (output reproduced on
//               rstudio-pubs-static 1010246).
// [SciPy]       SciPy 1.17.1 / NumPy 2.4.6 run on this machine (python3), outputs pasted:
//               scipy.stats.ttest_rel(...).confidence_interval(), ttest_ind(equal_var=False),
//               wilcoxon(zero_method='wilcox', correction=True, method='approx'),
//               mannwhitneyu(use_continuity=True, method='asymptotic'), numpy.quantile (linear = R type 7),
//               scipy.stats.t.interval.
// [by hand]     R's wilcox.test formulas re-typed in Python with scipy.stats.rankdata + norm.cdf only.

const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const sleepPairs = sleep1.map((before, i) => ({ before, after: sleep2[i]! }));

// Hollander & Wolfe: x first visit (before), y second visit (after).
const hwX = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const hwY = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
const hwPairs = hwX.map((before, i) => ({ before, after: hwY[i]! }));

function expectInterval(actual: [number, number] | null, lo: number, hi: number, tol: number): void {
  expect(actual).to.not.equal(null);
  expect(actual![0]).to.be.closeTo(lo, tol);
  expect(actual![1]).to.be.closeTo(hi, tol);
}

describe('statistics.describe', () => {
  const scores = [4, 5, 6, 3, 7, 5, 4.5, 2, 6, 16 / 3];

  it('matches NumPy/SciPy for mean, sample SD, t CI and type-7 quartiles', () => {
    const d = describeStats(scores);
    expect(d.n).to.equal(10);
    // [SciPy] v.mean() = 4.783333333333333, v.std(ddof=1) = 1.4866691579450975
    expect(d.mean).to.be.closeTo(4.783333333333333, 1e-12);
    expect(d.sd).to.be.closeTo(1.4866691579450975, 1e-12);
    // [SciPy] stats.t.interval(0.95, 9, loc=mean, scale=sem) = (3.719834284303715, 5.846832382362951)
    expectInterval(d.ci95, 3.719834284303715, 5.846832382362951, 1e-9);
    // [SciPy] np.quantile(v, [.25, .5, .75]) = 4.125, 5.0, 5.833333333333333
    expect(d.q1).to.be.closeTo(4.125, 1e-12);
    expect(d.median).to.be.closeTo(5, 1e-12);
    expect(d.q3).to.be.closeTo(5.833333333333333, 1e-12);
  });

  it('counts a score as positive only from 5, and 4.5 is not positive', () => {
    // By hand: 5, 6, 7, 5, 6, 16/3 are ≥ 5 → 6 of 10; 4.5 is not.
    expect(describeStats(scores).sharePositive).to.equal(0.6);
    expect(describeStats([4.5, 4.99, 5]).sharePositive).to.be.closeTo(1 / 3, 1e-15);
    expect(describeStats([4, 5, 6], { positiveFrom: 6 }).sharePositive).to.be.closeTo(1 / 3, 1e-15);
  });

  it('puts each value on the scale step Math.round gives (x.5 goes up)', () => {
    // By hand: 2→2, 3→3, 4→4, 4.5→5, 5→5, 5→5, 16/3→5, 6→6, 6→6, 7→7.
    expect(describeStats(scores).distribution).to.deep.equal([
      { value: 1, count: 0 },
      { value: 2, count: 1 },
      { value: 3, count: 1 },
      { value: 4, count: 1 },
      { value: 5, count: 4 },
      { value: 6, count: 2 },
      { value: 7, count: 1 },
    ]);
  });

  it('returns n 0 and nulls for no values', () => {
    const d = describeStats([]);
    expect(d).to.include({ n: 0, mean: null, sd: null, ci95: null, median: null, q1: null, q3: null, sharePositive: null });
    expect(d.distribution.every((s) => s.count === 0)).to.equal(true);
    expect(d.distribution).to.have.length(7);
  });

  it('has no SD or CI for a single value', () => {
    const d = describeStats([6]);
    expect(d).to.include({ n: 1, mean: 6, sd: null, ci95: null, median: 6, q1: 6, q3: 6, sharePositive: 1 });
  });

  it('gives the t CI with 1 df for two values', () => {
    // [SciPy] stats.t.interval(0.95, 1, loc=4.5, scale=sem([3, 6])) = (-14.55930710426204, 23.55930710426204);
    // np.quantile([3, 6], [.25, .5, .75]) = 3.75, 4.5, 5.25
    const d = describeStats([3, 6]);
    expectInterval(d.ci95, -14.55930710426204, 23.55930710426204, 1e-9);
    expect([d.q1, d.median, d.q3]).to.deep.equal([3.75, 4.5, 5.25]);
  });

  it('rejects values off the scale and non-numbers', () => {
    expect(() => describeStats([0])).to.throw(RangeError);
    expect(() => describeStats([7.6])).to.throw(RangeError);
    expect(() => describeStats([Number.NaN])).to.throw(RangeError);
  });
});

describe('statistics.pairedChange', () => {
  it('reproduces R for the sleep data (ties and a zero difference → normal approximation)', () => {
    const r = pairedChange(sleepPairs);
    expect(r.pairs).to.equal(10);
    // [R-sleep-t] mean difference group2 − group1 = 1.58, CI 0.7001142 .. 2.4598858
    expect(r.meanDiff).to.be.closeTo(1.58, 1e-12);
    expectInterval(r.ci95, 0.7001142, 2.4598858, 5e-8);
    // [SciPy] ttest_rel(g2, g1).confidence_interval() = (0.7001142367230175, 2.459885763276983)
    expectInterval(r.ci95, 0.7001142367230175, 2.459885763276983, 1e-9);
    // [SciPy] wilcoxon(g2, g1, zero_method='wilcox', correction=True, method='approx').pvalue
    //         = 0.009090698015925044; R's wilcox.test(extra ~ group, sleep, paired = TRUE) prints 0.009091.
    expect(r.wilcoxonP).to.be.closeTo(0.009090698015925044, 1e-12);
    expect(r.wilcoxonMethod).to.equal('normal');
    // [SciPy] d.mean() / d.std(ddof=1) = 1.2845575625910546
    expect(r.dz).to.be.closeTo(1.2845575625910546, 1e-12);
    // By hand: 9 differences > 0, one (−0.1 → −0.1) is 0.
    expect([r.improved, r.unchanged, r.worse]).to.deep.equal([9, 1, 0]);
  });

  it('uses the exact distribution for small n without ties or zeros, as R does (Hollander & Wolfe)', () => {
    const r = pairedChange(hwPairs);
    // [R-HW] one-sided exact p 0.01953 → two-sided 0.0390625; [SciPy] wilcoxon(y, x, method='exact') = 0.0390625
    expect(r.wilcoxonMethod).to.equal('exact');
    expect(r.wilcoxonP).to.be.closeTo(0.0390625, 1e-12);
    // [SciPy] ttest_rel(y, x).confidence_interval() = (-0.7599990655056093, -0.10377871227216856);
    //         dz = -1.0117918052161972
    expectInterval(r.ci95, -0.7599990655056093, -0.10377871227216856, 1e-9);
    expect(r.dz).to.be.closeTo(-1.0117918052161972, 1e-12);
    // By hand: y − x is positive for patient 2 (0.647 > 0.5) and patient 8 (3.14 > 3.06), negative for 7.
    expect([r.improved, r.unchanged, r.worse]).to.deep.equal([2, 0, 7]);
  });

  it('gives the exact p on the other tail too (V above its mean)', () => {
    // Swapping before/after flips every sign: V = 40 instead of 5, same two-sided p [R-HW].
    const r = pairedChange(hwPairs.map(({ before, after }) => ({ before: after, after: before })));
    expect(r.wilcoxonP).to.be.closeTo(0.0390625, 1e-12);
  });

  it('switches from exact to the normal approximation at 50 differences, as R does', () => {
    // d_i = i, negated when i is divisible by 3 (no ties, no zeros).
    const diffs = Array.from({ length: 50 }, (_, k) => ((k + 1) % 3 === 0 ? -(k + 1) : k + 1));
    const asPairs = (ds: number[]) => ds.map((d) => ({ before: 0, after: d }));
    // [SciPy] wilcoxon(d[:49], method='exact').pvalue = 0.04170385423242351
    const exact = pairedChange(asPairs(diffs.slice(0, 49)));
    expect(exact.wilcoxonMethod).to.equal('exact');
    expect(exact.wilcoxonP).to.be.closeTo(0.04170385423242351, 1e-12);
    // [SciPy] wilcoxon(d, zero_method='wilcox', correction=True, method='approx').pvalue = 0.027063492176047897
    const normal = pairedChange(asPairs(diffs));
    expect(normal.wilcoxonMethod).to.equal('normal');
    expect(normal.wilcoxonP).to.be.closeTo(0.027063492176047897, 1e-12);
  });

  it('handles indicator-score ties and zeros like R/SciPy', () => {
    const before = [3, 4, 2, 5, 4, 3, 14 / 3, 4, 2, 6, 5, 3];
    const after = [5, 4, 3, 6, 6, 3, 5, 3, 4, 6, 7, 4];
    const r = pairedChange(before.map((b, i) => ({ before: b, after: after[i]! })));
    // [SciPy] ttest_rel(after, before).confidence_interval() = (0.21962044357168853, 1.5026017786505337);
    //         dz = 0.852894554993636
    expectInterval(r.ci95, 0.21962044357168853, 1.5026017786505337, 1e-9);
    expect(r.dz).to.be.closeTo(0.852894554993636, 1e-12);
    // [SciPy] wilcoxon(..., zero_method='wilcox', correction=True, method='approx') = 0.02566894668788954;
    // [by hand] V = 41.5, n = 9, p = 0.025668946687889552
    expect(r.wilcoxonP).to.be.closeTo(0.02566894668788954, 1e-12);
    expect([r.improved, r.unchanged, r.worse]).to.deep.equal([8, 3, 1]);
  });

  it('treats differences that are equal on paper as ties despite float noise', () => {
    // 1 − 4/3 and 7/3 − 8/3 are both −1/3 but differ in the last bits as doubles.
    expect(1 - 4 / 3).to.not.equal(7 / 3 - 8 / 3);
    const noisy = pairedChange([
      { before: 4 / 3, after: 1 },
      { before: 8 / 3, after: 7 / 3 },
      { before: 3, after: 4 },
      { before: 3, after: 5 },
      { before: 5, after: 4 },
    ]);
    const clean = pairedChange([
      { before: 1 / 3, after: 0 },
      { before: 1 / 3, after: 0 },
      { before: 3, after: 4 },
      { before: 3, after: 5 },
      { before: 5, after: 4 },
    ]);
    expect(noisy.wilcoxonMethod).to.equal('normal');
    expect(noisy.wilcoxonP).to.equal(clean.wilcoxonP);
  });

  it('counts |diff| within opts.unchangedWithin as unchanged', () => {
    const r = pairedChange(
      [
        { before: 4, after: 4.5 },
        { before: 4, after: 3.5 },
        { before: 4, after: 5 },
        { before: 4, after: 2 },
      ],
      { unchangedWithin: 0.5 },
    );
    expect([r.improved, r.unchanged, r.worse]).to.deep.equal([1, 2, 1]);
  });

  it('has no p and no d_z when every difference is zero', () => {
    const r = pairedChange([
      { before: 4, after: 4 },
      { before: 5, after: 5 },
      { before: 6, after: 6 },
    ]);
    expect(r).to.include({ pairs: 3, meanDiff: 0, wilcoxonP: null, wilcoxonMethod: null, dz: null });
    expect(r.ci95).to.deep.equal([0, 0]);
    expect([r.improved, r.unchanged, r.worse]).to.deep.equal([0, 3, 0]);
  });

  it('handles 0 and 1 pairs', () => {
    expect(pairedChange([])).to.deep.equal({
      pairs: 0, meanDiff: null, ci95: null, wilcoxonP: null, wilcoxonMethod: null, dz: null,
      improved: 0, unchanged: 0, worse: 0,
    });
    const one = pairedChange([{ before: 3, after: 5 }]);
    expect(one).to.include({ pairs: 1, meanDiff: 2, ci95: null, dz: null, improved: 1 });
    // Exact signed-rank with n = 1: P(V ≥ 1) = 1/2, two-sided min(1, 2 × 1/2) = 1.
    expect(one.wilcoxonP).to.equal(1);
  });
});

describe('statistics.unpairedComparison', () => {
  it('reproduces R/SciPy for the sleep data (Welch CI, Mann–Whitney with ties)', () => {
    const r = unpairedComparison(sleep1, sleep2);
    expect(r).to.include({ nA: 10, nB: 10 });
    expect(r.meanA).to.be.closeTo(0.75, 1e-12);
    expect(r.meanB).to.be.closeTo(2.33, 1e-12);
    expect(r.diff).to.be.closeTo(1.58, 1e-12);
    // [R-sleep-w] group1 − group2 CI -3.3654832 .. 0.2054832, so meanB − meanA: -0.2054832 .. 3.3654832
    expectInterval(r.ci95, -0.2054832, 3.3654832, 5e-8);
    // [SciPy] ttest_ind(g2, g1, equal_var=False).confidence_interval() = (-0.20548323071171137, 3.3654832307117104)
    expectInterval(r.ci95, -0.20548323071171137, 3.3654832307117104, 1e-9);
    // [SciPy] mannwhitneyu(g2, g1, use_continuity=True, method='asymptotic').pvalue = 0.06932757543362658;
    //         R's wilcox.test(extra ~ group, data = sleep) prints W = 25.5, p-value = 0.06933.
    expect(r.mannWhitneyP).to.be.closeTo(0.06932757543362658, 1e-12);
  });

  it('matches SciPy on the Hollander & Wolfe chorioamnion data (no ties)', () => {
    const a = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const b = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = unpairedComparison(a, b);
    // [SciPy] ttest_ind(b, a, equal_var=False).confidence_interval() = (-0.6937249963351039, 0.01972499633510394)
    expectInterval(r.ci95, -0.6937249963351039, 0.01972499633510394, 1e-9);
    // [SciPy] mannwhitneyu(a, b, use_continuity=True, method='asymptotic').pvalue = 0.24462360512698333
    expect(r.mannWhitneyP).to.be.closeTo(0.24462360512698333, 1e-12);
    // Two-sided, so the order of the groups does not matter.
    expect(unpairedComparison(b, a).mannWhitneyP).to.be.closeTo(0.24462360512698333, 1e-12);
  });

  it('matches SciPy on 1–7 scores with many ties', () => {
    const a = [4, 5, 5, 6, 3, 4, 5, 7, 2, 5];
    const b = [5, 6, 6, 7, 4, 5, 6, 7, 5, 6, 4];
    const r = unpairedComparison(a, b);
    // [SciPy] means 4.6 and 5.545454545454546; Welch CI (-0.2177411077532585, 2.108650198662351);
    //         mannwhitneyu(..., method='asymptotic').pvalue = 0.11869778608185971
    expect(r.diff).to.be.closeTo(5.545454545454546 - 4.6, 1e-12);
    expectInterval(r.ci95, -0.2177411077532585, 2.108650198662351, 1e-9);
    expect(r.mannWhitneyP).to.be.closeTo(0.11869778608185971, 1e-12);
  });

  it('returns nulls where a group is too small or all values are equal', () => {
    expect(unpairedComparison([], [4, 5])).to.deep.equal({
      nA: 0, nB: 2, meanA: null, meanB: 4.5, diff: null, ci95: null, mannWhitneyP: null,
    });
    const one = unpairedComparison([4], [5, 6]);
    expect(one).to.include({ diff: 1.5, ci95: null });
    const constant = unpairedComparison([5, 5, 5], [5, 5]);
    expect(constant).to.include({ diff: 0, mannWhitneyP: null });
    expect(constant.ci95).to.deep.equal([0, 0]);
  });
});

describe('statistics.pairedChangeCounts', () => {
  it('gives exactly what pairedChange gives on the same pairs, from a histogram of differences', async () => {
    const { pairedChange, pairedChangeCounts } = await import('../../server/domain/statistics.js');
    const seedrandom = (await import('seedrandom')).default;
    const rng = seedrandom('pairs');
    for (let run = 0; run < 300; run++) {
      const n = 1 + Math.floor(rng() * 80);
      // Scores are item means (thirds, halves), so differences tie and some are zero; a few carry float noise.
      const pairs = Array.from({ length: n }, () => {
        const before = 1 + Math.round(rng() * 18) / 3;
        const after = run % 3 === 0 ? before + (rng() - 0.5) * 2 : 1 + Math.round(rng() * 12) / 2;
        return { before, after };
      });
      const bins = new Map<number, number>();
      for (const p of pairs) bins.set(p.after - p.before, (bins.get(p.after - p.before) ?? 0) + 1);
      const a = pairedChange(pairs);
      const b = pairedChangeCounts([...bins].map(([diff, count]) => ({ diff, count })));
      expect(b.pairs).to.equal(a.pairs);
      expect([b.improved, b.unchanged, b.worse, b.wilcoxonMethod]).to.deep.equal([a.improved, a.unchanged, a.worse, a.wilcoxonMethod]);
      for (const k of ['meanDiff', 'dz', 'wilcoxonP'] as const) {
        if (a[k] === null) expect(b[k], k).to.equal(null);
        else expect(b[k], `${k} run ${run}`).to.be.closeTo(a[k], 1e-9);
      }
      if (a.ci95) {
        expect(b.ci95![0]).to.be.closeTo(a.ci95[0], 1e-9);
        expect(b.ci95![1]).to.be.closeTo(a.ci95[1], 1e-9);
      } else expect(b.ci95).to.equal(null);
    }
  });
});
