import { expect } from 'chai';
import {
  MIN_GROUP_SIZE,
  suppressBreakdown,
  suppressCounts,
  suppressSmallGroups,
  suppressWithTotal,
} from '../../server/domain/suppression.js';

// Expected values here follow from the rule in domain.md ("Threshold n < 5 … a total minus shown
// cells must not reveal a suppressed cell") worked by hand; each case says what an onlooker could
// otherwise compute.

function plan(cells: Array<[string, number]>, total: number) {
  const p = suppressWithTotal(cells.map(([key, n]) => ({ key, n })), total);
  return { suppressed: Object.fromEntries(p.suppressed), totalSuppressed: p.totalSuppressed };
}

describe('suppression.suppressWithTotal', () => {
  it('uses the domain threshold of 5', () => {
    expect(MIN_GROUP_SIZE).to.equal(5);
  });

  it('hides nothing when every cell has at least 5', () => {
    expect(plan([['a', 5], ['b', 12]], 17)).to.deep.equal({ suppressed: {}, totalSuppressed: false });
  });

  it('hides a single small cell and the next-smallest cell with it', () => {
    // 20 − (9 + 7) would give the hidden 4; with 7 hidden too only 4 + 7 = 11 can be computed.
    expect(plan([['work', 9], ['studies', 4], ['sick', 7], ['other', 0]], 20)).to.deep.equal({
      suppressed: { studies: 'tooFew', sick: 'complementary' },
      totalSuppressed: false,
    });
  });

  it('takes the earlier cell when two candidates for the complement are equally small', () => {
    expect(plan([['a', 3], ['b', 6], ['c', 6]], 15).suppressed).to.deep.equal({ a: 'tooFew', b: 'complementary' });
  });

  it('leaves two small cells alone when their sum does not pin either', () => {
    // Hidden sum 2 + 3 = 5: each could be 1..4.
    expect(plan([['a', 2], ['b', 3], ['c', 10]], 15).suppressed).to.deep.equal({ a: 'tooFew', b: 'tooFew' });
  });

  it('adds a complement when two small cells are pinned by their sum', () => {
    // Hidden sum 4 + 4 = 8 with each at most 4 forces both to be 4.
    expect(plan([['a', 4], ['b', 4], ['c', 10], ['d', 12]], 30).suppressed).to.deep.equal({
      a: 'tooFew',
      b: 'tooFew',
      c: 'complementary',
    });
    // Hidden sum 1 + 1 = 2 with each at least 1 forces both to be 1.
    expect(plan([['a', 1], ['b', 1], ['c', 10]], 12).suppressed).to.deep.equal({
      a: 'tooFew',
      b: 'tooFew',
      c: 'complementary',
    });
  });

  it('adds a second complement when a complement of exactly 5 still pins the small cell', () => {
    // Hiding 1 and 5 leaves the sum 6; a small cell is ≥ 1 and a complementary one ≥ 5, so 1 + 5 is
    // the only split. Hiding 8 as well makes the sum 14, which many splits fit.
    expect(plan([['a', 1], ['b', 5], ['c', 8]], 14)).to.deep.equal({
      suppressed: { a: 'tooFew', b: 'complementary', c: 'complementary' },
      totalSuppressed: false,
    });
  });

  it('hides everything, total included, when the total is below 5', () => {
    expect(plan([['a', 3], ['b', 1], ['c', 0]], 4)).to.deep.equal({
      suppressed: { a: 'tooFew', b: 'tooFew', c: 'tooFew' },
      totalSuppressed: true,
    });
    expect(plan([], 0).totalSuppressed).to.equal(true);
  });

  it('hides the total when no cell is left to serve as complement', () => {
    // 3 listed, 7 respondents in no listed cell (e.g. "did not answer", which may be shown elsewhere):
    // total − shown = 10 − 0 would give 3 + 7.
    expect(plan([['a', 3], ['b', 0]], 10)).to.deep.equal({ suppressed: { a: 'tooFew' }, totalSuppressed: true });
  });

  it('protects a small remainder of respondents in no listed cell', () => {
    // 22 − (10 + 9) = 3 would be the count of the unlisted group; hiding 9 makes it 12.
    expect(plan([['a', 10], ['b', 9]], 22)).to.deep.equal({ suppressed: { b: 'complementary' }, totalSuppressed: false });
  });

  it('rejects inconsistent input', () => {
    expect(() => plan([['a', 3], ['b', 4]], 6)).to.throw(RangeError);
    expect(() => plan([['a', 3], ['a', 4]], 10)).to.throw(RangeError);
    expect(() => plan([['a', 2.5]], 10)).to.throw(RangeError);
    expect(() => plan([['a', -1]], 10)).to.throw(RangeError);
  });
});

describe('suppression.suppressCounts', () => {
  it('hides a small exit-status count, its complement, and keeps the total', () => {
    expect(suppressCounts({ work: 12, studies: 2, jobSeeking: 6, other: 8 })).to.deep.equal({
      counts: { work: 12, studies: null, jobSeeking: null, other: 8 },
      total: 28,
    });
  });

  it('shows a table without small counts as it is', () => {
    expect(suppressCounts({ woman: 14, man: 9, other: 0 })).to.deep.equal({
      counts: { woman: 14, man: 9, other: 0 },
      total: 23,
    });
  });

  it('hides everything when the total is below 5', () => {
    expect(suppressCounts({ woman: 3, man: 1 })).to.deep.equal({ counts: { woman: null, man: null }, total: null });
  });

  it('hides the total when it alone would reveal a hidden count', () => {
    // Only one non-zero category; with opts.total 9 the remaining 6 did not answer.
    expect(suppressCounts({ woman: 3, man: 0 }, { total: 9 })).to.deep.equal({
      counts: { woman: null, man: 0 },
      total: null,
    });
  });
});

describe('suppression.suppressSmallGroups', () => {
  const cells = [
    { point: 'start', indicatorId: 'trust', n: 12, mean: 4.2, sd: 1.1, ci95: [3.5, 4.9] as [number, number] },
    { point: 'exit', indicatorId: 'trust', n: 4, mean: 5.5, sd: 0.6, ci95: [4.6, 6.4] as [number, number] },
    { point: 'followUp', indicatorId: 'trust', n: 0, mean: null, sd: null, ci95: null },
  ];

  it('nulls every statistic of a cell with n < 5 and keeps the named key fields', () => {
    const out = suppressSmallGroups(cells, { keep: ['point', 'indicatorId'] });
    expect(out[0]).to.deep.equal({ ...cells[0], suppressed: false, suppressionReason: null });
    expect(out[1]).to.deep.equal({
      point: 'exit', indicatorId: 'trust', n: null, mean: null, sd: null, ci95: null,
      suppressed: true, suppressionReason: 'tooFew',
    });
    expect(out[2]).to.include({ point: 'followUp', n: null, suppressed: true });
  });

  it('keeps n only when asked to', () => {
    const [, small] = suppressSmallGroups(cells, { keep: ['point', 'n'] });
    expect(small).to.include({ point: 'exit', n: 4, indicatorId: null, mean: null });
  });

  it('does not change the input cells', () => {
    suppressSmallGroups(cells);
    expect(cells[1]!.mean).to.equal(5.5);
  });
});

describe('suppression.suppressBreakdown', () => {
  it('hides the next-smallest group beside a lone small one, since total n and mean would give it away', () => {
    const byGender = [
      { gender: 'woman', n: 16, mean: 5.1 },
      { gender: 'man', n: 3, mean: 3.0 },
      { gender: 'other', n: 6, mean: 4.4 },
    ];
    const out = suppressBreakdown(byGender, 25, { keep: ['gender'] });
    expect(out.totalSuppressed).to.equal(false);
    expect(out.cells.map((c) => [c.gender, c.suppressed, c.suppressionReason, c.mean])).to.deep.equal([
      ['woman', false, null, 5.1],
      ['man', true, 'tooFew', null],
      ['other', true, 'complementary', null],
    ]);
  });

  it('hides all groups and the total when the total is below 5', () => {
    const out = suppressBreakdown([{ gender: 'woman', n: 3, mean: 5 }, { gender: 'man', n: 1, mean: 2 }], 4);
    expect(out.totalSuppressed).to.equal(true);
    expect(out.cells.every((c) => c.suppressed && c.mean === null)).to.equal(true);
  });
});
