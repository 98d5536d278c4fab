import { expect } from 'chai';
import { loadInstruments, sectionsForPoint } from '../../server/domain/instrument.js';
import type { Indicator, Instrument, Item, MeasurementPoint } from '../../server/domain/instrumentTypes.js';
import { scoreResponse, scoredValue, type Answer, type IndicatorScore } from '../../server/domain/scoring.js';
import { PATHS } from '../../server/paths.js';

const participant = loadInstruments(PATHS.indicators).get('participant')!;

const num = (itemId: string, n: number): Answer => ({ itemId, num: n, text: null, dontKnow: false });
const dk = (itemId: string): Answer => ({ itemId, num: null, text: null, dontKnow: true });
const answers = (...list: Answer[]) => new Map(list.map((a) => [a.itemId, a]));
const byIndicator = (scores: IndicatorScore[]) => Object.fromEntries(scores.map((s) => [s.indicatorId, s.score]));

function agree(id: string, opts: { reversed?: boolean; points?: MeasurementPoint[] } = {}): Item {
  return { id, type: 'agree7', text: { sv: id }, points: opts.points ?? ['start', 'exit'], dontKnow: true, reversed: opts.reversed };
}

/** A hand-built instrument: one section with the given items, and the given indicators. */
function instrument(items: Item[], indicators: Array<Pick<Indicator, 'id' | 'items'> & { minAnsweredShare?: number }>): Instrument {
  return {
    id: 'test', version: '1', respondentGroup: 'participant', languages: ['sv'],
    title: { sv: 't' }, intro: { sv: 'i' },
    scale: { low: { sv: 'låg' }, high: { sv: 'hög' }, dontKnow: { sv: 'vet ej' } },
    sections: [{ id: 's', title: { sv: 's' }, items }],
    indicators: indicators.map((ind) => ({ area: 'trust', text: { sv: ind.id }, minAnsweredShare: 0.5, ...ind })),
  };
}

describe('scoring.scoredValue', () => {
  it('flips a reversed item to 8 − x and leaves others as they are', () => {
    for (let x = 1; x <= 7; x++) {
      expect(scoredValue(agree('a', { reversed: true }), num('a', x))).to.equal(8 - x);
      expect(scoredValue(agree('a'), num('a', x))).to.equal(x);
    }
  });

  it('treats "vet ej" and an unanswered item as missing, never as a number', () => {
    expect(scoredValue(agree('a'), dk('a'))).to.equal(null);
    expect(scoredValue(agree('a', { reversed: true }), dk('a'))).to.equal(null);
    expect(scoredValue(agree('a'), undefined)).to.equal(null);
  });
});

describe('scoring.scoreResponse with hand-built instruments', () => {
  const three = instrument([agree('a'), agree('b'), agree('c', { reversed: true })], [{ id: 'abc', items: ['a', 'b', 'c'] }]);

  it('is the mean of the items, with reversed items flipped', () => {
    // a = 2, b = 6, c = 1 reversed → 7: (2 + 6 + 7) / 3 = 5
    expect(scoreResponse(three, 'start', answers(num('a', 2), num('b', 6), num('c', 1)))).to.deep.equal([{ indicatorId: 'abc', score: 5 }]);
  });

  it('leaves "vet ej" out of the mean instead of counting it as a value', () => {
    // a = 3, b = vet ej, c = 3 reversed → 5: (3 + 5) / 2 = 4
    expect(byIndicator(scoreResponse(three, 'start', answers(num('a', 3), dk('b'), num('c', 3))))).to.deep.equal({ abc: 4 });
  });

  it('gives no score when fewer than minAnsweredShare of the items are answered', () => {
    // 3 items, share 0.5: 2 answered is enough, 1 is not; "vet ej" does not count as answered.
    expect(scoreResponse(three, 'start', answers(num('a', 7), num('b', 5)))).to.have.length(1);
    expect(scoreResponse(three, 'start', answers(num('a', 7)))).to.deep.equal([]);
    expect(scoreResponse(three, 'start', answers(num('a', 7), dk('b'), dk('c')))).to.deep.equal([]);
    expect(scoreResponse(three, 'start', answers())).to.deep.equal([]);
  });

  it('scores at exactly half answered, but not just below it', () => {
    const four = instrument(['a', 'b', 'c', 'd'].map((id) => agree(id)), [{ id: 'x', items: ['a', 'b', 'c', 'd'] }]);
    expect(byIndicator(scoreResponse(four, 'start', answers(num('a', 2), num('b', 5))))).to.deep.equal({ x: 3.5 });
    expect(scoreResponse(four, 'start', answers(num('a', 2), dk('b'), dk('c'), dk('d')))).to.deep.equal([]);
  });

  it('honours a stricter minAnsweredShare, with no floating-point surprise at the boundary', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `q${i}`);
    const twentyFive = instrument(ids.map((id) => agree(id)), [{ id: 'x', items: ids, minAnsweredShare: 0.28 }]);
    // 0.28 × 25 is 7.000000000000001 in floating point; 7 of 25 answered is exactly 28 % and must count.
    expect(byIndicator(scoreResponse(twentyFive, 'start', answers(...ids.slice(0, 7).map((id) => num(id, 4)))))).to.deep.equal({ x: 4 });
    expect(scoreResponse(twentyFive, 'start', answers(...ids.slice(0, 6).map((id) => num(id, 4))))).to.deep.equal([]);
    const all = instrument(['a', 'b'].map((id) => agree(id)), [{ id: 'x', items: ['a', 'b'], minAnsweredShare: 1 }]);
    expect(scoreResponse(all, 'start', answers(num('a', 4)))).to.deep.equal([]);
    expect(byIndicator(scoreResponse(all, 'start', answers(num('a', 4), num('b', 6))))).to.deep.equal({ x: 5 });
  });

  it('counts only the items asked at that measurement point', () => {
    const mixed = instrument(
      [agree('always', { points: ['start', 'exit'] }), agree('exit1', { points: ['exit'] }), agree('exit2', { points: ['exit'] })],
      [{ id: 'x', items: ['always', 'exit1', 'exit2'] }, { id: 'exitOnly', items: ['exit1', 'exit2'] }],
    );
    // At start only "always" is asked: 1 of 1 answered gives a score; exitOnly asks nothing there.
    expect(scoreResponse(mixed, 'start', answers(num('always', 6)))).to.deep.equal([{ indicatorId: 'x', score: 6 }]);
    // An answer to an item not asked at start (should never be stored, but) is ignored.
    expect(byIndicator(scoreResponse(mixed, 'start', answers(num('always', 6), num('exit1', 1))))).to.deep.equal({ x: 6 });
    // At exit all three are asked: 1 of 3 answered is too few.
    expect(scoreResponse(mixed, 'exit', answers(num('always', 6)))).to.deep.equal([]);
    expect(byIndicator(scoreResponse(mixed, 'exit', answers(num('always', 6), num('exit1', 3))))).to.deep.equal({ x: 4.5, exitOnly: 3 });
  });

  it('ignores indicators none of whose items are asked at the point', () => {
    const exitOnly = instrument([agree('e', { points: ['exit'] })], [{ id: 'x', items: ['e'] }]);
    expect(scoreResponse(exitOnly, 'start', answers(num('e', 5)))).to.deep.equal([]);
  });
});

describe('scoring.scoreResponse with the shipped participant instrument', () => {
  const agreeItems = (point: MeasurementPoint) =>
    sectionsForPoint(participant, point).flatMap((s) => s.items).filter((i) => i.type === 'agree7');

  it('scores every indicator asked at start when every agree item is 4, and no satisfaction indicator', () => {
    const scores = byIndicator(scoreResponse(participant, 'start', answers(...agreeItems('start').map((i) => num(i.id, 4)))));
    const expected = participant.indicators.filter((ind) => ind.id !== 'satisfaction').map((ind) => ind.id);
    expect(Object.keys(scores).sort()).to.deep.equal(expected.sort());
    for (const score of Object.values(scores)) expect(score).to.equal(4);
  });

  it('scores satisfaction only at exit', () => {
    const all = answers(...agreeItems('exit').map((i) => num(i.id, 6)));
    expect(byIndicator(scoreResponse(participant, 'exit', all))).to.have.property('satisfaction', 6);
    expect(byIndicator(scoreResponse(participant, 'start', all))).to.not.have.property('satisfaction');
  });

  it('flips feel_failure (reversed) inside self_efficacy', () => {
    // believe_in_myself 6, handle_hard_things 5, feel_failure 2 → 6: (6 + 5 + 6) / 3
    const scores = byIndicator(scoreResponse(participant, 'start', answers(num('believe_in_myself', 6), num('handle_hard_things', 5), num('feel_failure', 2))));
    expect(scores.self_efficacy).to.be.closeTo(17 / 3, 1e-12);
    expect(Object.keys(scores)).to.deep.equal(['self_efficacy']);
  });

  it('drops an indicator whose items are mostly "vet ej"', () => {
    // participation has 3 items: one number and two "vet ej" is below half.
    const scores = byIndicator(scoreResponse(participant, 'start', answers(num('listened_to', 7), dk('seen_as_person'), dk('plan_together'), num('fk_trust', 2), dk('af_trust'))));
    expect(scores).to.deep.equal({ trust_fk: 2 });
  });

  it('ignores background and free-text answers', () => {
    const scores = scoreResponse(participant, 'start', answers(
      { itemId: 'gender', num: null, text: 'woman', dontKnow: false },
      { itemId: 'anything_else', num: null, text: 'hej', dontKnow: false },
    ));
    expect(scores).to.deep.equal([]);
  });
});
