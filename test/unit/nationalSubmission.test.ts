import { expect } from 'chai';
import { buildSubmission, submissionCellKey, submissionProblem, type PublishedSum, type SubmissionBin, type SubmissionInput } from '../../server/domain/nationalSubmission.js';
import { nationalReport } from '../../server/domain/nationalReport.js';
import { measureRef } from '../../server/domain/figureCell.js';
import { planDisclosure } from '../../server/domain/suppression.js';
import { readSubmissionFile } from '../../server/forms/submissionFile.js';

const row = { respondentGroup: 'participant', interventionKind: 'individual' } as const;
const F = 7;

/** `count` people with score `score` in a year, of one gender. */
const bin = (year: number, gender: string | null, count: number, score = 5, indicatorId = 'trust'): SubmissionBin => ({ ...row, year, point: 'start', indicatorId, gender, score, count });
const key = (year: number, gender?: string | null) => submissionCellKey(F, row, 'start', 'trust', gender, year);
const published = (n: number, demo = 'all', round: PublishedSum['round'] = null, shown = true): PublishedSum => ({ ...row, measure: measureRef.score('trust', 'start'), demo, round, n, shown });

function input(bins: SubmissionBin[], more: Partial<SubmissionInput> = {}): SubmissionInput {
  return {
    federationId: F, federation: { organisationNumber: '222000-1230', name: 'Samordningsförbundet Prov' }, year: 2025, producedAt: '2026-02-01T10:00:00.000Z', softwareVersion: '0.1.0',
    bins, questionnaires: [], published: [], instruments: [], interventions: [], ...more,
  };
}

describe('national submission: the plan', () => {
  it('hides a gender of 1–4 and the other gender that would give it away', () => {
    const plan = planDisclosure(submissionProblem(input([bin(2025, 'woman', 10), bin(2025, 'man', 3)])));
    expect(plan.reason(key(2025))).to.equal(null);
    expect(plan.reason(key(2025, 'man'))).to.equal('tooFew');
    expect(plan.reason(key(2025, 'woman'))).to.equal('complementary');
  });

  it('shows both genders when each is 5 or more', () => {
    const plan = planDisclosure(submissionProblem(input([bin(2025, 'woman', 10), bin(2025, 'man', 6)])));
    expect([key(2025), key(2025, 'woman'), key(2025, 'man')].map((k) => plan.reason(k))).to.deep.equal([null, null, null]);
  });

  it('protects a small year beside the förbund\'s published figure so far: a second year goes too', () => {
    const bins = [bin(2024, 'woman', 20), bin(2025, 'woman', 7), bin(2026, 'woman', 3)];
    const withPublished = planDisclosure(submissionProblem(input(bins, { published: [published(30)] })));
    expect(withPublished.reason(key(2026))).to.equal('tooFew');
    // 30 − 20 − 7 would be the 3 of 2026: one more year is hidden (the smaller).
    expect(withPublished.reason(key(2025))).to.equal('complementary');
    expect(withPublished.reason(key(2024))).to.equal(null);
    // Without the published figure there is nothing to subtract from.
    const alone = planDisclosure(submissionProblem(input(bins)));
    expect(alone.reason(key(2025))).to.equal(null);
  });

  it('hides a year that differs by 1–4 people from a round the förbund shows', () => {
    const bins = [bin(2025, 'woman', 20)];
    const near = planDisclosure(submissionProblem(input(bins, { published: [published(20), published(22, 'all', { id: 3, years: [2025] })] })));
    expect(near.reason(key(2025))).to.equal('complementary');
    const far = planDisclosure(submissionProblem(input(bins, { published: [published(20), published(30, 'all', { id: 3, years: [2025] })] })));
    expect(far.reason(key(2025))).to.equal(null);
  });

  it('hides a year equal to a figure the förbund keeps hidden', () => {
    const plan = planDisclosure(submissionProblem(input([bin(2025, 'woman', 12)], { published: [published(12, 'all', null, false)] })));
    expect(plan.reason(key(2025))).to.equal('complementary');
  });
});

describe('national submission: the file', () => {
  const bins = [bin(2025, 'woman', 6, 6), bin(2025, 'woman', 4, 2), bin(2025, 'man', 3, 4), bin(2024, 'man', 9, 3)];
  const doc = buildSubmission(input(bins, { questionnaires: [{ ...row, year: 2025, n: 13 }, { ...row, year: 2024, n: 9 }] }));

  it('holds only the year asked for, with the figures of the people in it and none of 1–4', () => {
    expect(doc.year).to.equal(2025);
    expect(doc.period).to.deep.equal({ from: '2025-01-01', to: '2026-01-01' });
    const all = doc.cells.find((c) => c.gender === null)!;
    expect(all.n).to.equal(13);
    expect(all.mean).to.be.closeTo((6 * 6 + 4 * 2 + 3 * 4) / 13, 1e-12);
    expect(all.sharePositive).to.be.closeTo(6 / 13, 1e-12);
    expect(all.distribution).to.deep.equal([0, 4, 0, 3, 0, 6, 0]);
    for (const c of doc.cells) if (!c.suppressed) expect(c.n).to.be.at.least(5);
    expect(doc.cells.filter((c) => c.suppressed).map((c) => [c.gender, c.reason])).to.deep.equal([['man', 'tooFew'], ['woman', 'complementary']]);
    expect(doc.total).to.deep.equal({ questionnaires: 13, suppressed: false, reason: null });
  });

  it('sends no figure of an indicator whose questions changed between the versions answered in the year', () => {
    const changed = buildSubmission(input(bins, { questionnaires: [{ ...row, year: 2025, n: 13 }], notComparable: new Map([['participant|individual', new Set(['trust'])]]) }));
    expect(changed.cells.map((c) => [c.gender, c.reason, c.n])).to.deep.equal([[null, 'versionChanged', null], ['man', 'versionChanged', null], ['woman', 'versionChanged', null]]);
    expect(readSubmissionFile(JSON.stringify(changed)).ok).to.equal(true);
  });

  it('passes its own schema and rules, and a file with a small cell or a hidden cell with numbers does not', () => {
    const ok = readSubmissionFile(JSON.stringify(doc));
    expect(ok.ok, JSON.stringify(!ok.ok && ok.errors)).to.equal(true);
    const small = structuredClone(doc);
    Object.assign(small.cells.find((c) => c.gender === 'man')!, { suppressed: false, reason: null, n: 3, mean: 4, sd: 0, sharePositive: 0, distribution: [0, 0, 0, 3, 0, 0, 0] });
    const refused = readSubmissionFile(JSON.stringify(small));
    expect(refused.ok).to.equal(false);
    expect(!refused.ok && refused.errors.map((e) => e.code)).to.deep.equal(['smallCell']);
    const leaky = structuredClone(doc);
    leaky.cells.find((c) => c.gender === 'woman')!.n = 10;
    expect(!readSubmissionFile(JSON.stringify(leaky)).ok && 'refused').to.equal('refused');
    const wrongYear = { ...structuredClone(doc), year: 2024 };
    const period = readSubmissionFile(JSON.stringify(wrongYear));
    expect(!period.ok && period.errors[0]!.code).to.equal('period');
    expect(!readSubmissionFile('{"format":').ok).to.equal(true);
    const extra = readSubmissionFile(JSON.stringify({ ...doc, participants: [{ id: 'P-1' }] }));
    expect(!extra.ok && extra.errors[0]!.code).to.equal('schema');
  });
});

describe('national report', () => {
  const file = (organisationNumber: string, name: string, year: number, bins: SubmissionBin[]) =>
    buildSubmission({ ...input(bins), federation: { organisationNumber, name }, year, questionnaires: [{ ...row, year, n: bins.filter((b) => b.year === year).reduce((s, b) => s + b.count, 0) }] });
  const docs = [
    file('222000-1230', 'Alfa', 2025, [bin(2025, 'woman', 10, 6), bin(2025, 'man', 10, 4)]),
    file('222000-1248', 'Beta', 2025, [bin(2025, 'woman', 5, 7), bin(2025, 'man', 5, 5)]),
    file('222000-1255', 'Gamma', 2025, [bin(2025, 'woman', 3, 1)]),
    file('222000-1230', 'Alfa', 2024, [bin(2024, 'woman', 8, 3)]),
  ];

  it('pools the figures sent with numbers, leaves the hidden ones out and says how many', () => {
    const report = nationalReport(docs);
    expect(report.selection).to.deep.equal({ year: 2025, row, point: 'start' });
    const total = report.total.trust!;
    expect(total.n).to.equal(30);
    expect(total.mean).to.be.closeTo((10 * 6 + 10 * 4 + 5 * 7 + 5 * 5) / 30, 1e-12);
    expect([total.included, total.leftOut]).to.deep.equal([2, 1]);
    expect(report.federations.map((f) => [f.federation.name, f.figures.trust?.n ?? null, f.figures.trust?.reason ?? null])).to.deep.equal([['Alfa', 20, null], ['Beta', 10, null], ['Gamma', null, 'tooFew']]);
    expect(report.byGender.trust!.woman!.n).to.equal(15);
    expect(report.trend.map((t) => [t.year, t.figures.trust!.n])).to.deep.equal([[2024, 8], [2025, 30]]);
    expect(report.participation.map((p) => [p.year, p.federations, p.questionnaires, p.totalsHidden])).to.deep.equal([[2024, 1, 8, 0], [2025, 3, 30, 1]]);
  });

  it('makes no total of an indicator that changed between the versions the förbund answered in', () => {
    const report = nationalReport(docs, {}, () => new Set(['trust']));
    expect(report.total.trust!.hidden).to.equal('versionChanged');
    expect(report.total.trust!.n).to.equal(0);
    expect(report.trend.every((t) => t.figures.trust!.hidden === 'versionChanged')).to.equal(true);
    // Each förbund's own figure is still shown: it is one version.
    expect(report.federations[0]!.figures.trust!.n).to.equal(20);
  });

  it('pools SDs exactly: the pooled SD equals the SD of all the scores together', () => {
    const report = nationalReport(docs.slice(0, 2));
    const scores = [...new Array<number>(10).fill(6), ...new Array<number>(10).fill(4), ...new Array<number>(5).fill(7), ...new Array<number>(5).fill(5)];
    const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((s, v) => s + (v - mean) ** 2, 0) / (scores.length - 1));
    expect(report.total.trust!.sd).to.be.closeTo(sd, 1e-12);
  });
});
