import { expect } from 'chai';
import { changeNumbers, changeVerdict, differenceVerdict } from '../../server/domain/changeReading.js';
import { formatDecimal, formatP, formatPercent } from '../../server/domain/numberFormat.js';
import { statusesOf } from '../../server/domain/projectReport.js';
import { changeSentence, chooseReportTime, REPORT_VERSION, upgradeReport, type PairedLine, type Translate } from '../../server/domain/report.js';
import { barChartLayout, wrapLabel } from '../../server/domain/reportChart.js';
import { translator } from '../../server/i18n/index.js';
import seedrandom from 'seedrandom';

const sv = translator('sv') as unknown as Translate;
const en = translator('en') as unknown as Translate;

const line = (over: Partial<PairedLine> = {}): PairedLine => ({
  indicatorId: 'trust_fk', text: { sv: 'Förtroende för Försäkringskassan' }, endOnly: false, cell: 'c', reason: null, n: 20,
  before: 3.91, after: 4.78, meanDiff: 0.87, ci95: [0.3, 1.3], verdict: 'improved', improved: 14, unchanged: 4, worse: 2, ...over,
});

describe('changeSentence', () => {
  it('says the paired change, its verdict and better / worse in plain Swedish with a decimal comma', () => {
    expect(changeSentence(sv, 'sv', 'Förtroende för Försäkringskassan', line()))
      .to.equal('Förtroende för Försäkringskassan: 3,9 → 4,8 (+0,9). Tydlig förbättring: 14 av 20 förbättrades, 2 försämrades.');
  });

  it('says it in English with a decimal point', () => {
    expect(changeSentence(en, 'en', 'Trust', line({ verdict: 'uncertain' }))).to.equal('Trust: 3.9 → 4.8 (+0.9). No certain change: 14 of 20 improved, 2 got worse.');
  });

  it('never lets the rounded means contradict the change: 3,74 → 3,76 and 3,94 → 4,76 are written with two decimals', () => {
    expect(changeSentence(sv, 'sv', 'Hälsa', line({ before: 3.94, after: 4.76, meanDiff: 0.82 }))).to.match(/^Hälsa: 3,94 → 4,76 \(\+0,82\)\./);
    expect(changeSentence(sv, 'sv', 'Hälsa', line({ before: 3.74, after: 3.76, meanDiff: 0.02, verdict: 'uncertain' })))
      .to.equal('Hälsa: 3,74 → 3,76 (+0,02). Ingen säker förändring: 14 av 20 förbättrades, 2 försämrades.');
  });

  it('groups thousands the Swedish way', () => {
    expect(changeSentence(sv, 'sv', 'Hälsa', line({ n: 1600, improved: 1200, worse: 100 }))).to.equal('Hälsa: 3,9 → 4,8 (+0,9). Tydlig förbättring: 1\u00a0200 av 1\u00a0600 förbättrades, 100 försämrades.');
  });

  it('gives the change alone where the means before and after are hidden', () => {
    expect(changeSentence(sv, 'sv', 'Hälsa', line({ before: null, after: null, meanDiff: -0.04, verdict: 'uncertain' })))
      .to.equal('Hälsa: förändring 0,0. Ingen säker förändring: 14 av 20 förbättrades, 2 försämrades.');
  });

  it('says why a hidden line is hidden, with no figure in it', () => {
    for (const [reason, words] of [['tooFew', 'för få svar'], ['complementary', 'dold för att skydda en annan grupp'], ['notAsked', 'frågas inte vid den här mätpunkten']] as const) {
      const text = changeSentence(sv, 'sv', 'Hälsa', line({ reason, n: null, before: null, after: null, meanDiff: null, improved: null, worse: null }));
      expect(text).to.equal(`Hälsa: ${words}`);
      expect(text).to.not.match(/\d/);
    }
  });

  it('gives the exit mean of an indicator asked only at exit', () => {
    expect(changeSentence(sv, 'sv', 'Nöjdhet med insatsen', line({ endOnly: true, n: 32, before: null, after: 5.25 })))
      .to.equal('Nöjdhet med insatsen: 5,3 vid avslut (32 svar; frågas bara vid avslut)');
  });
});

describe('changeReading', () => {
  it('reads a change as clear only when the whole 95 % CI lies on one side of zero', () => {
    expect(changeVerdict([0.2, 1.8])).to.equal('improved');
    expect(changeVerdict([-0.2, 1.8])).to.equal('uncertain');
    expect(changeVerdict([-1.2, -0.1])).to.equal('worsened');
    expect(changeVerdict(null)).to.equal('uncertain');
    expect(differenceVerdict([0.1, 0.4])).to.equal('higher');
    expect(differenceVerdict([-0.1, 0.4])).to.equal('similar');
  });

  it('writes means and change so that written after − written before is always the written change (10,000 random cases)', () => {
    const rng = seedrandom('rounding');
    for (let k = 0; k < 10_000; k++) {
      const before = 1 + Math.round(rng() * 6000) / 1000 + (rng() < 0.5 ? 1 / 3 : 0);
      const after = Math.min(7, Math.max(1, before + (rng() - 0.5) * (rng() < 0.3 ? 0.02 : 2)));
      const n = changeNumbers(before, after, after - before);
      const scale = 10 ** n.digits;
      expect(Math.round((n.after! - n.before!) * scale)).to.equal(Math.round(n.diff * scale));
      expect(Math.abs(n.diff - (after - before))).to.be.at.most(0.5 / scale + 0.001 + 1e-12);
      expect(n.digits).to.be.within(1, 3);
    }
    expect(changeNumbers(3.7, 3.8, 0.1).digits).to.equal(1);
    expect(changeNumbers(3.74, 3.76, 0.02)).to.deep.equal({ digits: 2, before: 3.74, after: 3.76, diff: 0.02 });
  });
});

describe('numberFormat', () => {
  it('writes decimals, signs, shares and p-values in the language of the page', () => {
    expect(formatDecimal(3.25, 'sv')).to.equal('3,3');
    expect(formatDecimal(3.25, 'en')).to.equal('3.3');
    expect(formatDecimal(0.4, 'sv', 1, true)).to.equal('+0,4');
    expect(formatDecimal(-0.5, 'sv', 1, true)).to.equal('\u22120,5');
    expect(formatDecimal(-0.04, 'sv', 1, true)).to.equal('0,0');
    expect(formatDecimal(null, 'sv')).to.equal('–');
    expect(formatP(0.0004, 'sv')).to.equal('< 0,001');
    expect(formatP(0.0004, 'en')).to.equal('< 0.001');
    expect(formatP(0.0312, 'en')).to.equal('0.031');
    expect(formatPercent(0.456, 'sv')).to.equal('46 %');
  });
});

describe('chooseReportTime', () => {
  const rounds = [
    { id: 1, name: 'Höst 2025', startsOn: '2025-07-01', endsOn: '2025-12-31' },
    { id: 2, name: 'Vår 2026', startsOn: '2026-01-01', endsOn: '2026-06-30' },
    { id: 3, name: 'Höst 2026', startsOn: '2026-07-01', endsOn: '2026-12-31' },
  ];

  it('defaults to the latest round that has begun, or everything so far without rounds', () => {
    expect(chooseReportTime({}, rounds, '2026-05-01')).to.deep.equal({ ok: true, round: rounds[1] });
    expect(chooseReportTime({}, rounds, '2027-01-01')).to.deep.equal({ ok: true, round: rounds[2] });
    expect(chooseReportTime({}, [], '2026-05-01')).to.deep.equal({ ok: true, round: null });
  });

  it('takes a round of the förbund or "all", and nothing else', () => {
    expect(chooseReportTime({ round: '1' }, rounds, '2026-05-01')).to.deep.equal({ ok: true, round: rounds[0] });
    expect(chooseReportTime({ round: 'all' }, rounds, '2026-05-01')).to.deep.equal({ ok: true, round: null });
    expect(chooseReportTime({ round: '9' }, rounds, '2026-05-01').ok).to.equal(false);
    expect(chooseReportTime({ round: '2026-01-01' }, rounds, '2026-05-01').ok).to.equal(false);
  });
});

describe('upgradeReport', () => {
  it('reads a frozen report of the first version with its figures as they were frozen', () => {
    const v1 = {
      version: 1, scope: 'intervention', federation: { id: 1, name: 'F' }, intervention: { id: 2, name: 'I' },
      period: { from: '2026-01-01', to: '2026-06-30' }, generatedAt: '2026-07-01T10:00:00Z',
      figures: { interventions: 1, active: 20, started: null, ended: 10 },
      sections: [{
        id: 2, name: 'I', targetGroup: null, figures: { active: 20, started: null, ended: 10, workOrStudies: 6 },
        rates: [{ point: 'exit', issued: 10, answered: 8, rate: 0.8 }], change: { from: 'start', to: 'exit' },
        indicators: [{ indicatorId: 'health', text: { sv: 'Hälsa' }, endOnly: false, suppressed: false, n: 8, before: 3.1, after: 3.9, meanDiff: 0.8, improved: 6, unchanged: 1, worse: 1 }],
        exitStatuses: { counts: { work: 6, studies: null }, total: 10 },
      }],
      comparison: { point: 'exit', columns: [{ kind: 'intervention', id: 2, name: 'I' }], rows: [{ indicatorId: 'health', text: { sv: 'Hälsa' }, cells: [{ suppressed: false, n: 8, mean: 3.9 }] }] },
      projects: [],
    };
    const report = upgradeReport(v1);
    expect(report.version).to.equal(REPORT_VERSION);
    expect(report.time).to.deep.equal({ round: null, legacyPeriod: { from: '2026-01-01', to: '2026-06-30' } });
    expect(report.figures.started).to.deep.equal({ cell: '', n: null, reason: 'tooFew' });
    expect(report.sections[0]!.indicators[0]).to.include({ n: 8, before: 3.1, after: 3.9, verdict: null, reason: null });
    expect(report.sections[0]!.exitStatuses).to.deep.equal([{ status: 'work', count: { cell: '', n: 6, reason: null } }, { status: 'studies', count: { cell: '', n: null, reason: 'tooFew' } }]);
    // Without a verdict of its own, the old line is written without one.
    expect(changeSentence(sv, 'sv', 'Hälsa', report.sections[0]!.indicators[0]!)).to.equal('Hälsa: 3,1 → 3,9 (+0,8). 6 av 8 förbättrades, 1 försämrades.');
    expect(() => upgradeReport({ version: 7 })).to.throw(RangeError);
  });
});

describe('project targets', () => {
  it('counts the exit statuses of each kind of target', () => {
    expect(statusesOf({ kind: 'work_or_studies', exitStatuses: null })).to.deep.equal(['work', 'studies']);
    expect(statusesOf({ kind: 'competence', exitStatuses: null })).to.deep.equal(['studies', 'other_intervention']);
    expect(statusesOf({ kind: 'custom', exitStatuses: ['moved'] })).to.deep.equal(['moved']);
  });
});

describe('barChartLayout', () => {
  it('draws bars from the scale minimum and wraps long labels', () => {
    const layout = barChartLayout({
      labels: ['Hälsa', 'Delaktighet: att bli lyssnad på och vara med och planera'],
      series: [{ name: 'Start', values: [1, null] }, { name: 'Avslut', values: [7, null] }],
      min: 1, max: 7, formatValue: (v) => String(v), hiddenText: 'för få svar',
    });
    const [first, second] = layout.groups;
    expect(first!.bars.map((b) => Math.round(b.width))).to.deep.equal([1, layout.plotWidth]);
    expect(second!.bars).to.deep.equal([]);
    expect(second!.hiddenTextY).to.be.a('number');
    expect(second!.labelLines.length).to.equal(2);
    expect(wrapLabel('a b c', 3)).to.deep.equal(['a b', 'c']);
  });
});
