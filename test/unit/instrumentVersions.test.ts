import { expect } from 'chai';
import { InstrumentRegistry, MissingInstrumentError, requireAnsweredVersions } from '../../server/domain/instrument.js';
import { changedIndicators, compareInstrumentVersions, versionNotice } from '../../server/domain/instrumentVersions.js';
import type { Instrument, Item } from '../../server/domain/instrumentTypes.js';
import { instruments } from '../helpers/server.js';
import { participantVersion2 } from '../helpers/instrumentVersions.js';

const v1 = instruments.get('participant', '1.0')!;

/** A copy of version 1 as version `version`, changed by `change`. */
function variant(version: string, change: (copy: Instrument, item: (id: string) => Item) => void): Instrument {
  const copy = structuredClone(v1);
  copy.version = version;
  change(copy, (id) => copy.sections.flatMap((s) => s.items).find((i) => i.id === id)!);
  return copy;
}

const verdict = (versions: Instrument[], indicatorId: string) => compareInstrumentVersions(versions).indicators.find((i) => i.indicatorId === indicatorId);

describe('instrumentVersions.compareInstrumentVersions', () => {
  it('with one version every indicator is comparable', () => {
    const comparison = compareInstrumentVersions([v1]);
    expect(comparison.versions).to.deep.equal(['1.0']);
    expect(comparison.indicators.map((i) => i.indicatorId)).to.deep.equal(v1.indicators.map((i) => i.id));
    expect(changedIndicators(comparison)).to.deep.equal([]);
  });

  it('new wording of the same items keeps an indicator comparable', () => {
    const reworded = variant('1.1', (copy, item) => {
      item('fk_trust').text = { ...item('fk_trust').text, sv: 'Jag har förtroende för Försäkringskassan.' };
      copy.indicators.find((i) => i.id === 'trust_fk')!.text.sv = 'Förtroende för FK';
      copy.scale.low.sv = 'Instämmer inte alls';
    });
    expect(changedIndicators(compareInstrumentVersions([v1, reworded]))).to.deep.equal([]);
  });

  it('the order of an indicator\'s items does not matter', () => {
    const reordered = variant('1.1', (copy) => void copy.indicators.find((i) => i.id === 'participation')!.items.reverse());
    expect(verdict([v1, reordered], 'participation')).to.deep.equal({ indicatorId: 'participation', comparable: true, changes: [] });
  });

  it('another item, an item more or an item asked at other points changes the items', () => {
    const replaced = variant('2.0', (copy, item) => {
      item('no_repeat_story').id = 'one_plan';
      copy.indicators.find((i) => i.id === 'coordination')!.items = ['agencies_cooperate', 'one_plan'];
    });
    const added = variant('2.0', (copy) => void copy.indicators.find((i) => i.id === 'health')!.items.push('life_satisfaction'));
    const points = variant('2.0', (_copy, item) => void (item('mental_wellbeing').points = ['start', 'exit']));
    expect(verdict([v1, replaced], 'coordination')).to.deep.equal({ indicatorId: 'coordination', comparable: false, changes: ['items'] });
    expect(verdict([v1, added], 'health')).to.deep.equal({ indicatorId: 'health', comparable: false, changes: ['items'] });
    expect(verdict([v1, points], 'health')).to.deep.equal({ indicatorId: 'health', comparable: false, changes: ['items'] });
    expect(changedIndicators(compareInstrumentVersions([v1, points])).map((i) => i.indicatorId)).to.deep.equal(['health']);
  });

  it('a reversed flag, the "vet ej" choice or an item type changes the scale', () => {
    const notReversed = variant('2.0', (_copy, item) => void (item('feel_failure').reversed = false));
    const noDontKnow = variant('2.0', (_copy, item) => void (item('fk_trust').dontKnow = !item('fk_trust').dontKnow));
    const number = variant('2.0', (_copy, item) => void Object.assign(item('overall_health'), { type: 'number', min: 1, max: 7 }));
    expect(verdict([v1, notReversed], 'self_efficacy')).to.deep.equal({ indicatorId: 'self_efficacy', comparable: false, changes: ['scale'] });
    expect(verdict([v1, noDontKnow], 'trust_fk')!.changes).to.deep.equal(['scale']);
    expect(verdict([v1, number], 'health')!.changes).to.deep.equal(['scale']);
  });

  it('the options of a choice item are part of its scale', () => {
    // Indicators score agree7 items only; the rule still reads options wherever an item has them.
    const base = variant('1.0', (copy, item) => void copy.indicators.push({ ...copy.indicators[0]!, id: 'income', items: ['main_income'], text: item('main_income').text }));
    const fewer = variant('1.1', (copy, item) => {
      copy.indicators.push({ ...copy.indicators[0]!, id: 'income', items: ['main_income'], text: item('main_income').text });
      item('main_income').options = item('main_income').options!.slice(1);
    });
    const renamed = variant('1.2', (copy, item) => {
      copy.indicators.push({ ...copy.indicators[0]!, id: 'income', items: ['main_income'], text: item('main_income').text });
      item('main_income').options![0]!.text = { ...item('main_income').options![0]!.text, sv: 'Annan lydelse' };
    });
    expect(verdict([base, fewer], 'income')!.changes).to.deep.equal(['scale']);
    expect(verdict([base, renamed], 'income')!.comparable).to.equal(true);
  });

  it('another minAnsweredShare changes the scoring', () => {
    const stricter = variant('2.0', (copy) => void (copy.indicators.find((i) => i.id === 'health')!.minAnsweredShare = 1));
    expect(verdict([v1, stricter], 'health')).to.deep.equal({ indicatorId: 'health', comparable: false, changes: ['scoring'] });
  });

  it('an indicator one version lacks is not comparable, listed after the newest version\'s own', () => {
    const without = variant('2.0', (copy) => void (copy.indicators = copy.indicators.filter((i) => i.id !== 'trust_af')));
    const comparison = compareInstrumentVersions([without, v1]);
    expect(comparison.versions).to.deep.equal(['1.0', '2.0']);
    expect(comparison.indicators.at(-1)).to.deep.equal({ indicatorId: 'trust_af', comparable: false, changes: ['missing'] });
    expect(changedIndicators(comparison).map((i) => i.indicatorId)).to.deep.equal(['trust_af']);
  });

  it('across three versions a change in any one of them counts, even when a later version goes back', () => {
    const middle = variant('1.5', (_copy, item) => void (item('feel_failure').reversed = false));
    const back = variant('2.0', () => undefined);
    expect(verdict([v1, middle, back], 'self_efficacy')!.comparable).to.equal(false);
    expect(verdict([v1, back], 'self_efficacy')!.comparable).to.equal(true);
  });

  it('the test fixture\'s version 2.0 changes coordination, self-efficacy and health, and keeps the rest', () => {
    const comparison = compareInstrumentVersions([v1, participantVersion2(v1)]);
    expect(changedIndicators(comparison)).to.deep.equal([
      { indicatorId: 'coordination', comparable: false, changes: ['items'] },
      { indicatorId: 'self_efficacy', comparable: false, changes: ['scale'] },
      { indicatorId: 'health', comparable: false, changes: ['scoring'] },
    ]);
  });

  it('refuses versions of different instruments, and no versions at all', () => {
    expect(() => compareInstrumentVersions([v1, instruments.get('board')!])).to.throw(RangeError, /different instruments/);
    expect(() => compareInstrumentVersions([])).to.throw(RangeError);
  });
});

describe('instrumentVersions.versionNotice', () => {
  it('says nothing for one version; for several, the versions oldest first and the changed indicators with their newest text', () => {
    const v2 = participantVersion2(v1);
    expect(versionNotice([v1])).to.equal(null);
    const notice = versionNotice([v2, v1])!;
    expect(notice.versions).to.deep.equal(['1.0', '2.0']);
    expect(notice.changed.map((c) => [c.indicatorId, c.changes])).to.deep.equal([['coordination', ['items']], ['self_efficacy', ['scale']], ['health', ['scoring']]]);
    v2.indicators.find((i) => i.id === 'health')!.text = { ...v2.indicators.find((i) => i.id === 'health')!.text, sv: 'Hälsa (ny)' };
    expect(versionNotice([v1, v2])!.changed.find((c) => c.indicatorId === 'health')!.text.sv).to.equal('Hälsa (ny)');
  });
});

describe('instrument.requireAnsweredVersions', () => {
  it('refuses, in one line, a version sent questionnaires were given in that is not installed; passes when it is', () => {
    const onlyNew = new InstrumentRegistry([participantVersion2(v1)]);
    const answered = [{ instrumentId: 'participant', version: '1.0', responses: 12 }, { instrumentId: 'participant', version: '2.0', responses: 3 }];
    expect(() => requireAnsweredVersions(onlyNew, answered)).to.throw(MissingInstrumentError, /^12 sent responses were given in instrument "participant" version 1\.0 \(installed: 2\.0\); keep each version/);
    expect(() => requireAnsweredVersions(new InstrumentRegistry([v1, participantVersion2(v1)]), answered)).to.not.throw();
    expect(() => requireAnsweredVersions(onlyNew, [{ instrumentId: 'participant', version: '1.0', responses: 0 }])).to.not.throw();
  });
});
