import { expect } from 'chai';
import { buildProjectReport, statusesOf, targetProgress, type SubprojectInput } from '../../server/domain/projectReport.js';
import {
  buildReport, changeSentence, defaultPeriod, formatDecimal, pairedLines, parsePeriod, shownSum,
  type InterventionInput, type Period, type TimedObservation, type Translate,
} from '../../server/domain/report.js';
import { barChartLayout, wrapLabel } from '../../server/domain/reportChart.js';
import { translator } from '../../server/i18n/index.js';

const sv = translator('sv') as unknown as Translate;
const en = translator('en') as unknown as Translate;
const PERIOD: Period = { from: '2026-01-01', to: '2026-06-30' };
const IND = [
  { id: 'trust_fk', text: { sv: 'Förtroende för Försäkringskassan', en: 'Trust in Försäkringskassan' } },
  { id: 'health', text: { sv: 'Hälsa', en: 'Health' } },
  { id: 'satisfaction', text: { sv: 'Nöjdhet med insatsen', en: 'Satisfaction' } },
];

const obs = (point: string, indicatorId: string, participantId: number | null, score: number, submittedOn = '2026-03-01'): TimedObservation =>
  ({ point, indicatorId, participantId, score, submittedOn });

/** n participants with a start and an exit score for one indicator. */
function pairs(indicatorId: string, scores: [number, number][], firstId = 1, exitOn = '2026-03-01'): TimedObservation[] {
  return scores.flatMap(([before, after], k) => [obs('start', indicatorId, firstId + k, before, '2025-10-01'), obs('exit', indicatorId, firstId + k, after, exitOn)]);
}

function intervention(id: number, over: Partial<InterventionInput> = {}): InterventionInput {
  return {
    intervention: { id, name: `Insats ${id}`, targetGroup: null },
    points: ['start', 'exit'],
    indicators: IND,
    observations: [],
    participants: { active: 20, started: 10, ended: 10 },
    exitStatuses: { work: 5, job_seeking: 5 },
    rates: [{ point: 'start', issued: 20, answered: 18 }, { point: 'exit', issued: 10, answered: 3 }],
    ...over,
  };
}

const report = (interventions: InterventionInput[], more: Partial<Parameters<typeof buildReport>[0]> = {}) =>
  buildReport({ federation: { id: 1, name: 'Förbundet' }, period: PERIOD, generatedAt: '2026-07-01T10:00:00Z', interventions, installation: [], projects: [], ...more });

describe('changeSentence', () => {
  const line = { endOnly: false, suppressed: false, n: 20, before: 3.94, after: 4.76, improved: 14 };

  it('says the paired change in plain Swedish with a decimal comma', () => {
    expect(changeSentence(sv, 'sv', 'Förtroende för Försäkringskassan', line)).to.equal('Förtroende för Försäkringskassan: 3,9 → 4,8, 14 av 20 förbättrades');
  });

  it('says it in English with a decimal point', () => {
    expect(changeSentence(en, 'en', 'Trust in Försäkringskassan', line)).to.equal('Trust in Försäkringskassan: 3.9 → 4.8, 14 of 20 improved');
  });

  it('groups thousands the Swedish way', () => {
    expect(changeSentence(sv, 'sv', 'Hälsa', { ...line, n: 1600, improved: 1200 })).to.equal('Hälsa: 3,9 → 4,8, 1\u00a0200 av 1\u00a0600 förbättrades');
  });

  it('says there were too few answers instead of figures for a hidden group', () => {
    const text = changeSentence(sv, 'sv', 'Hälsa', { ...line, suppressed: true, n: null, before: null, after: null, improved: null });
    expect(text).to.equal('Hälsa: för få svar för att visa förändringen');
    expect(text).to.not.match(/\d/);
  });

  it('gives the exit mean of an indicator asked only at exit', () => {
    expect(changeSentence(sv, 'sv', 'Nöjdhet med insatsen', { endOnly: true, suppressed: false, n: 32, before: null, after: 5.25, improved: null }))
      .to.equal('Nöjdhet med insatsen: 5,3 vid avslut (32 svar; frågas bara vid avslut)');
  });
});

describe('formatDecimal', () => {
  it('rounds to one decimal with the language own separator and signs', () => {
    expect(formatDecimal(3.25, 'sv')).to.equal('3,3');
    expect(formatDecimal(3.25, 'en')).to.equal('3.3');
    expect(formatDecimal(0.4, 'sv', 1, true)).to.equal('+0,4');
    expect(formatDecimal(-0.5, 'sv', 1, true)).to.equal('\u22120,5');
    expect(formatDecimal(-0.04, 'sv', 1, true)).to.equal('0,0');
  });
});

describe('parsePeriod', () => {
  it('defaults to the twelve months up to today', () => {
    expect(defaultPeriod('2026-11-25')).to.deep.equal({ from: '2025-11-26', to: '2026-11-25' });
    expect(parsePeriod({}, '2026-11-25')).to.deep.equal({ ok: true, period: { from: '2025-11-26', to: '2026-11-25' } });
  });

  it('takes a chosen period, or one end of it', () => {
    expect(parsePeriod({ from: '2026-01-01', to: '2026-06-30' }, '2026-11-25')).to.deep.equal({ ok: true, period: PERIOD });
    expect(parsePeriod({ from: '2026-01-01' }, '2026-11-25')).to.deep.equal({ ok: true, period: { from: '2026-01-01', to: '2026-11-25' } });
    expect(parsePeriod({ to: '2025-12-31' }, '2026-11-25')).to.deep.equal({ ok: true, period: { from: '2025-01-01', to: '2025-12-31' } });
  });

  it('refuses dates that do not exist and an end before the start', () => {
    const bad = parsePeriod({ from: '2026-02-30', to: 'igår' }, '2026-11-25');
    expect(bad.ok).to.equal(false);
    expect(!bad.ok && bad.errors).to.deep.equal([{ field: 'from', code: 'staff.dateInvalid' }, { field: 'to', code: 'staff.dateInvalid' }]);
    const reversed = parsePeriod({ from: '2026-06-30', to: '2026-01-01' }, '2026-11-25');
    expect(!reversed.ok && reversed.errors).to.deep.equal([{ field: 'to', code: 'form.endBeforeStart' }]);
    expect(parsePeriod({ from: ['2026-01-01'] }, '2026-11-25')).to.deep.equal({ ok: true, period: { from: '2025-11-26', to: '2026-11-25' } });
  });
});

describe('pairedLines', () => {
  it('pairs each participant start with their exit in the period and hides groups under 5', () => {
    const observations = [
      ...pairs('trust_fk', [[3, 5], [4, 4], [2, 6], [5, 4], [3, 6], [4, 5]]),
      ...pairs('health', [[3, 5], [4, 6], [2, 6], [5, 6]], 100),
      obs('exit', 'trust_fk', 50, 7), // no start: does not pair
      obs('start', 'trust_fk', 60, 1), obs('exit', 'trust_fk', 60, 7, '2026-07-15'), // exit after the period
    ];
    const [trust, health] = pairedLines(observations, IND, ['start', 'exit'], PERIOD);
    expect(trust).to.include({ endOnly: false, suppressed: false, n: 6, improved: 4, unchanged: 1, worse: 1 });
    expect(trust!.before).to.be.closeTo(21 / 6, 1e-12);
    expect(trust!.after).to.be.closeTo(30 / 6, 1e-12);
    expect(trust!.meanDiff).to.be.closeTo(9 / 6, 1e-12);
    expect(health).to.include({ suppressed: true, n: null, before: null, after: null, improved: null });
  });

  it('uses a participant latest answer at each point', () => {
    const observations = [...pairs('trust_fk', [[3, 5], [4, 4], [2, 6], [5, 4], [3, 6]]), obs('exit', 'trust_fk', 1, 2, '2026-04-01')];
    const [trust] = pairedLines(observations, IND, ['start', 'exit'], PERIOD);
    expect(trust).to.include({ n: 5, improved: 2, unchanged: 1, worse: 2 });
  });

  it('gives the exit mean of an indicator nobody is asked at start', () => {
    const observations = [5, 6, 7, 4, 6].map((s, k) => obs('exit', 'satisfaction', k + 1, s));
    const lines = pairedLines(observations, IND, ['start', 'exit'], PERIOD);
    expect(lines[2]).to.include({ endOnly: true, suppressed: false, n: 5, before: null, after: 28 / 5 });
    const few = pairedLines(observations.slice(0, 4), IND, ['start', 'exit'], PERIOD);
    expect(few[2]).to.include({ endOnly: true, suppressed: true, n: null, after: null });
  });
});

describe('buildReport', () => {
  it('hides small exit status counts and, complementarily, the next smallest, keeping the total', () => {
    const r = report([intervention(1, { exitStatuses: { work: 6, studies: 3, job_seeking: 7 }, participants: { active: 30, started: 20, ended: 16 } })]);
    const s = r.sections[0]!;
    expect(s.exitStatuses.counts).to.include({ work: null, studies: null, job_seeking: 7, sick_leave: 0 });
    expect(s.exitStatuses.total).to.equal(16);
    expect(s.figures.workOrStudies).to.equal(null);
    expect(s.figures.ended).to.equal(16);
  });

  it('shows work or studies only when both counts are shown', () => {
    const r = report([intervention(1, { exitStatuses: { work: 6, studies: 5, other: 7 }, participants: { active: 30, started: 20, ended: 18 } })]);
    expect(r.sections[0]!.figures.workOrStudies).to.equal(11);
    expect(shownSum({ work: 6, studies: null }, ['work', 'studies'])).to.equal(null);
    expect(shownSum({ work: 6 }, ['work', 'studies'])).to.equal(6);
  });

  it('hides the number who ended when its exit status breakdown must hide its total', () => {
    const small = intervention(2, { exitStatuses: { work: 4, studies: 4 }, participants: { active: 10, started: 8, ended: 8 } });
    const r = report([intervention(1), small]);
    expect(r.sections[1]!.exitStatuses.total).to.equal(null);
    expect(r.sections[1]!.figures.ended).to.equal(null);
    expect(r.figures.ended).to.equal(null);
  });

  it('plans the federation totals with complementary suppression, the same in both reports', () => {
    const inputs = [intervention(1, { participants: { active: 40, started: 20, ended: 10 } }), intervention(2, { participants: { active: 3, started: 3, ended: 0 }, exitStatuses: {} })];
    const whole = report(inputs);
    expect(whole.figures).to.include({ interventions: 2, active: 43, started: 23, ended: 10 });
    expect(whole.sections.map((s) => s.figures.active)).to.deep.equal([null, null]);
    const one = report(inputs, { interventionId: 1 });
    expect(one.scope).to.equal('intervention');
    expect(one.sections.map((s) => s.id)).to.deep.equal([1]);
    expect(one.figures.active).to.equal(null);
  });

  it('hides response counts under 5 and the rate built on them', () => {
    const rates = report([intervention(1)]).sections[0]!.rates;
    expect(rates[0]).to.deep.equal({ point: 'start', issued: 20, answered: 18, rate: 0.9 });
    expect(rates[1]).to.deep.equal({ point: 'exit', issued: 10, answered: null, rate: null });
  });

  it('compares exit means and hides combined groups whose parts are small', () => {
    const exits = (id0: number, scores: number[]) => scores.map((s, k) => obs('exit', 'health', id0 + k, s));
    const a = intervention(1, { observations: exits(1, [5, 6, 5, 6, 5, 6]) });
    const b = intervention(2, { observations: exits(100, [3, 4, 3, 4, 3]) });
    const c = intervention(3, { observations: exits(200, [7, 7]) });
    const installation = [{ indicatorId: 'health', n: 40, mean: 4.5, othersN: 27, federations: 3 }, { indicatorId: 'trust_fk', n: 20, mean: 4, othersN: 4, federations: 2 }];
    const whole = report([a, b, c], { installation });
    const health = whole.comparison.rows.find((row) => row.indicatorId === 'health')!;
    expect(whole.comparison.columns.map((col) => col.kind)).to.deep.equal(['intervention', 'intervention', 'intervention', 'installation']);
    expect(health.cells.map((cell) => cell.mean)).to.deep.equal([5.5, 17 / 5, null, 4.5]);
    const trust = whole.comparison.rows.find((row) => row.indicatorId === 'trust_fk')!;
    expect(trust.cells[3]).to.deep.equal({ suppressed: true, n: null, mean: null });

    const one = report([a, b, c], { installation, interventionId: 1 });
    expect(one.comparison.columns.map((col) => col.kind)).to.deep.equal(['intervention', 'otherInterventions', 'installation']);
    expect(one.comparison.rows.find((row) => row.indicatorId === 'health')!.cells[1]!.suppressed).to.equal(true);
    const withoutSmall = report([a, b], { installation, interventionId: 1 });
    expect(withoutSmall.comparison.rows.find((row) => row.indicatorId === 'health')!.cells[1]).to.deep.equal({ suppressed: false, n: 5, mean: 17 / 5 });
  });

  it('is plain JSON, so a frozen snapshot renders as it was', () => {
    const r = report([intervention(1, { observations: pairs('trust_fk', [[3, 5], [4, 4], [2, 6], [5, 4], [3, 6]]) })]);
    expect(JSON.parse(JSON.stringify(r))).to.deep.equal(r);
  });
});

describe('project targets', () => {
  const sub = (id: number, exits: Record<string, number>[]): SubprojectInput => ({ id, name: `Delprojekt ${id}`, federationName: `Förbund ${id}`, interventions: exits.map((e, k) => ({ id: id * 10 + k, exitStatuses: e })) });

  it('counts the exit statuses of each kind of target', () => {
    expect(statusesOf({ kind: 'work_or_studies', exitStatuses: null })).to.deep.equal(['work', 'studies']);
    expect(statusesOf({ kind: 'competence', exitStatuses: null })).to.deep.equal(['studies', 'other_intervention']);
    expect(statusesOf({ kind: 'custom', exitStatuses: ['moved'] })).to.deep.equal(['moved']);
  });

  it('adds up the interventions of each subproject, with complementary suppression across subprojects', () => {
    const subprojects = [sub(1, [{ work: 30, studies: 20 }, { work: 5, other_intervention: 9 }]), sub(2, [{ work: 2, studies: 1 }]), sub(3, [{ work: 40, moved: 3 }])];
    const [workOrStudies, competence] = targetProgress(subprojects, [
      { id: 1, label: '300 till arbete eller studier', kind: 'work_or_studies', exitStatuses: null, target: 300 },
      { id: 2, label: '200 i kompetensutveckling', kind: 'competence', exitStatuses: null, target: 200 },
    ]);
    expect(workOrStudies!.bySubproject).to.deep.equal([55, null, null]);
    expect(workOrStudies!.total).to.equal(98);
    expect(competence!.bySubproject).to.deep.equal([null, null, 0]);
    expect(competence!.total).to.equal(30);
  });

  it('builds the steering group report with indicator changes per subproject', () => {
    const observations = pairs('trust_fk', [[3, 5], [4, 4], [2, 6], [5, 4], [3, 6]]);
    const input = {
      project: { id: 1, name: 'Vägen vidare (ESF)', startsOn: '2025-09-01', endsOn: '2027-08-31' },
      period: { from: '2025-09-01', to: '2027-08-31' },
      generatedAt: '2026-07-01T10:00:00Z',
      subprojects: [
        { ...sub(1, [{ work: 6 }]), interventions: [{ id: 10, exitStatuses: { work: 6 }, observations }] },
        { ...sub(2, [{ work: 6 }]), interventions: [{ id: 20, exitStatuses: { work: 6 }, observations }, { id: 21, exitStatuses: {} as Record<string, number>, observations: pairs('trust_fk', [[1, 2]], 500) }] },
      ],
      targets: [],
      indicators: IND,
    };
    const data = buildProjectReport(input);
    expect(data.subprojects.map((s) => s.ended)).to.deep.equal([6, 6]);
    const trust = data.indicators.find((i) => i.indicatorId === 'trust_fk')!;
    expect(trust.cells[0]).to.include({ suppressed: false, n: 5, improved: 3 });
    // The second subproject has 6 pairs, but one of its interventions has only 1: hidden.
    expect(trust.cells[1]).to.include({ suppressed: true, n: null });
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
