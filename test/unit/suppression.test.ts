import { expect } from 'chai';
import { MIN_GROUP_SIZE, planDisclosure, sumOfShown, type DisclosureProblem, type Partition } from '../../server/domain/suppression.js';

// Expected values follow from the rule in the header of suppression.ts worked by hand; each case
// says what an onlooker could otherwise compute.

/** The plan of one partition: the total T and its parts. */
function single(cells: Array<[string, number]>, total: number, extra: Partial<DisclosureProblem> = {}) {
  const counts = new Map<string, number>([['T', total], ...cells]);
  const plan = planDisclosure({ counts, partitions: [{ parent: 'T', parts: cells.map(([k]) => k) }], ...extra });
  const hidden = Object.fromEntries(cells.filter(([k]) => plan.reason(k) !== null).map(([k]) => [k, plan.reason(k)]));
  return { hidden, total: plan.reason('T') };
}

describe('suppression.planDisclosure, one partition', () => {
  it('uses the domain threshold of 5', () => {
    expect(MIN_GROUP_SIZE).to.equal(5);
  });

  it('hides nothing when every cell has at least 5', () => {
    expect(single([['a', 5], ['b', 12]], 17)).to.deep.equal({ hidden: {}, total: null });
  });

  it('hides a single small cell and the next-smallest cell with it', () => {
    // 20 − (9 + 7) would give the hidden 4; with 7 hidden too only 4 + 7 = 11 can be computed.
    expect(single([['work', 9], ['studies', 4], ['sick', 7], ['other', 0]], 20)).to.deep.equal({
      hidden: { studies: 'tooFew', sick: 'complementary' },
      total: null,
    });
  });

  it('takes the first by name when two candidates for the complement are equally small', () => {
    expect(single([['a', 3], ['b', 6], ['c', 6]], 15).hidden).to.deep.equal({ a: 'tooFew', b: 'complementary' });
  });

  it('leaves two small cells alone when their sum does not pin either', () => {
    // Hidden sum 2 + 3 = 5: each could be 1..4.
    expect(single([['a', 2], ['b', 3], ['c', 10]], 15).hidden).to.deep.equal({ a: 'tooFew', b: 'tooFew' });
  });

  it('adds a complement when two small cells are pinned by their sum', () => {
    // Hidden sum 4 + 4 = 8 with each at most 4 forces both to be 4.
    expect(single([['a', 4], ['b', 4], ['c', 10], ['d', 12]], 30).hidden).to.deep.equal({ a: 'tooFew', b: 'tooFew', c: 'complementary' });
    // Hidden sum 1 + 1 = 2 with each at least 1 forces both to be 1.
    expect(single([['a', 1], ['b', 1], ['c', 10]], 12).hidden).to.deep.equal({ a: 'tooFew', b: 'tooFew', c: 'complementary' });
  });

  it('adds a second complement when a complement of exactly 5 still pins the small cell', () => {
    // Hiding 1 and 5 leaves the sum 6; a small cell is ≥ 1 and a complementary one ≥ 5, so 1 + 5 is
    // the only split. Hiding 8 as well makes the sum 14, which many splits fit.
    expect(single([['a', 1], ['b', 5], ['c', 8]], 14).hidden).to.deep.equal({ a: 'tooFew', b: 'complementary', c: 'complementary' });
  });

  it('hides everything, total included, when the total is below 5', () => {
    expect(single([['a', 3], ['b', 1], ['c', 0]], 4)).to.deep.equal({ hidden: { a: 'tooFew', b: 'tooFew' }, total: 'tooFew' });
  });

  it('hides the total when no cell is left to serve as complement', () => {
    // 1 and 5 hidden with the total 6: a small part is ≥ 1, a complementary one ≥ 5, so 1 + 5 is the
    // only split; there is no third part, so the total goes.
    expect(single([['a', 1], ['b', 5]], 6)).to.deep.equal({ hidden: { a: 'tooFew', b: 'complementary' }, total: 'complementary' });
    // 3 + 4 = 7 pins neither (3 + 4 or 4 + 3): the total may stay.
    expect(single([['a', 3], ['b', 4]], 7)).to.deep.equal({ hidden: { a: 'tooFew', b: 'tooFew' }, total: null });
  });

  it('protects a small remainder of people in no listed part, and leaves a large one alone', () => {
    // 22 − (10 + 9) = 3 would be the unlisted group; hiding 9 makes it 12.
    expect(single([['a', 10], ['b', 9]], 22).hidden).to.deep.equal({ b: 'complementary' });
    // 30 − (10 + 12) = 8 describes nobody small.
    expect(single([['a', 10], ['b', 12]], 30).hidden).to.deep.equal({});
  });

  it('hides first a part that is never shown on its own ("not stated"), whatever its size', () => {
    expect(single([['woman', 9], ['man', 3], ['unknown', 6]], 18, { silent: new Set(['unknown']) }).hidden).to.deep.equal({ man: 'tooFew', unknown: 'complementary' });
  });

  it('with overlapping parts (people in two rounds) hides a part that differs from the total by 1–4', () => {
    // 20 answered so far, 18 in round 1 and 9 in round 2 (7 in both): 20 − 18 = 2 would be a group.
    expect(single([['r1', 18], ['r2', 9]], 20).hidden).to.deep.equal({ r1: 'complementary' });
  });
});

describe('suppression.planDisclosure, across partitions', () => {
  it('keeps a hidden total from being the sum of shown parts', () => {
    // Förbund F = A + B + C; C has 4, so B (the smaller) is hidden too. Then B's genders must not
    // add up to B: one of them (the smaller) is hidden as well, the other may stay.
    const counts = new Map([['F', 51], ['A', 30], ['B', 17], ['C', 4], ['B:w', 9], ['B:m', 8], ['B:?', 0]]);
    const partitions: Partition[] = [{ parent: 'F', parts: ['A', 'B', 'C'] }, { parent: 'B', parts: ['B:w', 'B:m', 'B:?'] }];
    const plan = planDisclosure({ counts, partitions });
    expect([plan.reason('C'), plan.reason('B'), plan.reason('A'), plan.reason('F')]).to.deep.equal(['tooFew', 'complementary', null, null]);
    expect(plan.reason('B:m')).to.equal('complementary');
    expect(plan.reason('B:w')).to.equal(null);
  });

  it('carries a hidden part of one dimension into the other (a cross-table)', () => {
    // Women per intervention, and the förbund's women: A:w has 3, so the förbund's women minus
    // B's women would give it; B's women are hidden, and then B's men too (B = women + men).
    const counts = new Map([
      ['F:w', 15], ['A:w', 3], ['B:w', 12],
      ['B', 20], ['B:m', 8],
    ]);
    const plan = planDisclosure({ counts, partitions: [{ parent: 'F:w', parts: ['A:w', 'B:w'] }, { parent: 'B', parts: ['B:w', 'B:m'] }] });
    expect(plan.reason('A:w')).to.equal('tooFew');
    expect(plan.reason('B:w')).to.equal('complementary');
    expect(plan.reason('B:m')).to.equal('complementary');
    expect(plan.reason('B')).to.equal(null);
  });

  it('treats a shown part-total inside a partition as known: a delprojekt inside its förbund', () => {
    // F = i1 + i2 + i3 and the delprojekt S = i1 + i2 is shown: F − S would give i3 (3), so hiding
    // i1 or i2 is not enough (S still gives their sum); the delprojekt itself goes too.
    const plan = planDisclosure({
      counts: new Map([['F', 31], ['S', 28], ['i1', 12], ['i2', 16], ['i3', 3]]),
      partitions: [{ parent: 'F', parts: ['i1', 'i2', 'i3'] }, { parent: 'S', parts: ['i1', 'i2'] }],
    });
    expect(plan.reason('i3')).to.equal('tooFew');
    expect(plan.reason('S')).to.equal('complementary');
    expect(plan.reason('F')).to.equal(null);
  });

  it('treats a shown group of exit statuses as known inside those who ended', () => {
    // Ended = work + studies + sick + other; "work or studies" is shown. Sick has 2: with work and
    // studies hidden but their sum shown, ended − (work or studies) − other would give sick.
    const plan = planDisclosure({
      counts: new Map([['ended', 30], ['wos', 20], ['work', 12], ['studies', 8], ['sick', 2], ['other', 8]]),
      partitions: [{ parent: 'ended', parts: ['work', 'studies', 'sick', 'other'] }, { parent: 'wos', parts: ['work', 'studies'] }],
    });
    expect(plan.reason('sick')).to.equal('tooFew');
    expect(plan.reason('other')).to.equal('complementary');
  });

  it('hides the mean before and after together, and the change where one of them equals a shown figure', () => {
    // 12 at exit, 10 of them paired: the 2 unpaired would follow from the exit figure minus the
    // pairs' after-mean, so the after-mean goes, and with it the before-mean. Everyone at start
    // is paired (10 = 10), so the before-mean is the start figure: the change would give the
    // after-mean back; the change goes too.
    const counts = new Map([['start', 10], ['exit', 12], ['before', 10], ['after', 10], ['change', 10]]);
    const problem: DisclosureProblem = {
      counts,
      partitions: [{ parent: 'start', parts: ['before'], keepParent: true }, { parent: 'exit', parts: ['after'], keepParent: true }],
      links: [{ change: 'change', before: 'before', after: 'after' }],
    };
    const plan = planDisclosure(problem);
    expect([plan.reason('after'), plan.reason('before'), plan.reason('change')]).to.deep.equal(['complementary', 'complementary', 'complementary']);
    expect([plan.reason('start'), plan.reason('exit')]).to.deep.equal([null, null]);
    // With 15 at start (5 unpaired) the before-mean is nobody's figure: only the means go.
    const wider = planDisclosure({ ...problem, counts: new Map([...counts, ['start', 15]]) });
    expect([wider.reason('after'), wider.reason('before'), wider.reason('change')]).to.deep.equal(['complementary', 'complementary', null]);
  });

  it('hides a follower with its leader', () => {
    const plan = planDisclosure({ counts: new Map([['score', 3], ['item', 6]]), partitions: [], follows: [['score', 'item']] });
    expect(plan.reason('item')).to.equal('complementary');
  });

  it('never hides a cell another plan decided: the sum over it goes instead', () => {
    // The installation I = F1 + F2 + F3 over förbund planned on their own; F3 is hidden there and
    // 9 of its people stay unknown. Shown, I − F1 − F2 would be F3: I is hidden, F1 and F2 stay.
    const counts = new Map([['I', 60], ['F1', 30], ['F2', 21], ['F3', 9]]);
    const partitions: Partition[] = [{ parent: 'I', parts: ['F1', 'F2', 'F3'] }];
    const fixed = new Set(['F1', 'F2', 'F3']);
    const plan = planDisclosure({ counts, partitions, fixed, hiddenFromStart: new Map([['F3', 'complementary']]), fixedResidual: () => 9 });
    expect(['I', 'F1', 'F2', 'F3'].map((k) => plan.reason(k))).to.deep.equal(['complementary', null, null, 'complementary']);
    // Two hidden förbund keep each other: the sum may stay.
    const two = planDisclosure({ counts, partitions, fixed, hiddenFromStart: new Map([['F2', 'complementary'], ['F3', 'complementary']]), fixedResidual: (k) => counts.get(k)! });
    expect(two.reason('I')).to.equal(null);
    // An inner fixed cell 1–4 below the outer one: the outer goes.
    const near = planDisclosure({ counts: new Map([['I', 33], ['F1', 30], ['F2', 3]]), partitions: [{ parent: 'I', parts: ['F1', 'F2'] }], fixed: new Set(['F1', 'F2']), hiddenFromStart: new Map([['F2', 'tooFew']]) });
    expect([near.reason('I'), near.reason('F1')]).to.deep.equal(['complementary', null]);
  });
});

describe('suppression.sumOfShown and names of one group', () => {
  const plan = planDisclosure({
    counts: new Map([['F', 40], ['A', 20], ['B', 16], ['C', 4]]),
    partitions: [{ parent: 'F', parts: ['A', 'B', 'C'] }],
  });

  it('shows a sum of shown cells and nothing else', () => {
    expect(plan.reason('B')).to.equal('complementary');
    expect(sumOfShown(plan, ['A'])).to.equal(null);
    expect(sumOfShown(plan, ['A', 'B'])).to.equal('complementary');
    expect(sumOfShown(plan, ['A', 'empty'])).to.equal(null);
  });

  it('plans two names of the same group of people as one cell', () => {
    // A förbund with one intervention: the förbund's figure is the intervention's.
    const canonical = (key: string) => (key === 'F' ? 'A' : key);
    const plan = planDisclosure({ counts: new Map([['A', 3]]), partitions: [], canonical });
    expect([plan.reason('F'), plan.n('F')]).to.deep.equal(['tooFew', 3]);
  });
});
