import { expect } from 'chai';
import { parseAnalysisQuery, QueryError } from '../../server/domain/analysisQuery.js';
import {
  changeReading, compareGroups, describeBreakdown, describeGroups, itemDistributions, protectComplement, summarizeIntervention, type ScoreObservation,
} from '../../server/domain/comparison.js';
import { describe as describeValues, describeCounts } from '../../server/domain/statistics.js';

describe('analysis engine', () => {
  describe('describeCounts', () => {
    it('gives the same statistics as describe() on the expanded values', () => {
      const bins = [{ value: 1, count: 3 }, { value: 7 / 3, count: 5 }, { value: 4, count: 11 }, { value: 5.5, count: 7 }, { value: 7, count: 2 }];
      const values = bins.flatMap((b) => Array.from({ length: b.count }, () => b.value));
      const a = describeCounts([...bins].reverse());
      const b = describeValues(values);
      expect(a.n).to.equal(b.n);
      for (const k of ['mean', 'sd', 'median', 'q1', 'q3', 'sharePositive'] as const) expect(a[k]).to.be.closeTo(b[k]!, 1e-12);
      expect(a.ci95![0]).to.be.closeTo(b.ci95![0], 1e-12);
      expect(a.distribution).to.deep.equal(b.distribution);
    });
    it('handles empty and single-value histograms', () => {
      expect(describeCounts([]).mean).to.equal(null);
      const one = describeCounts([{ value: 3, count: 1 }]);
      expect(one).to.include({ n: 1, mean: 3, sd: null, median: 3 });
    });
  });

  const obs = (point: string, participantId: number, score: number, indicatorId = 'x'): ScoreObservation => ({ point, indicatorId, participantId, score });

  describe('summarizeIntervention', () => {
    it('computes every paired change the points allow, hiding groups under 5', () => {
      const rows: ScoreObservation[] = [];
      for (let p = 1; p <= 6; p++) rows.push(obs('start', p, 3), obs('exit', p, 3 + (p % 3)));
      for (let p = 1; p <= 3; p++) rows.push(obs('ongoing', p, 4));
      const [r] = summarizeIntervention(rows, ['x'], ['start', 'ongoing', 'exit'], ['start', 'exit']);
      expect(r!.changes.map((c) => `${c.from}-${c.to}`)).to.deep.equal(['start-exit', 'start-ongoing']);
      expect(r!.change).to.include({ pairs: 6, improved: 4, unchanged: 2, worse: 0, suppressed: false });
      expect(r!.changes[1]).to.include({ suppressed: true, pairs: null });
      expect(r!.points[1]).to.include({ point: 'ongoing', suppressed: true, mean: null });
    });
  });

  describe('protectComplement', () => {
    it('hides a filtered group whose complement is 1–4, keeping the others', () => {
      const all: ScoreObservation[] = Array.from({ length: 12 }, (_, i) => obs('start', i, 4));
      const women = all.slice(0, 9); // complement 3: must hide
      const half = all.slice(0, 6); // complement 6: fine
      const full = summarizeIntervention(all, ['x'], ['start'], null);
      expect(protectComplement(summarizeIntervention(women, ['x'], ['start'], null), full)[0]!.points[0]).to.include({ suppressed: true, suppressionReason: 'complementary', n: null });
      expect(protectComplement(summarizeIntervention(half, ['x'], ['start'], null), full)[0]!.points[0]).to.include({ suppressed: false, n: 6 });
    });
  });

  describe('describeBreakdown', () => {
    it('suppresses a small gender group and one more so the total cannot reveal it', () => {
      const values = [
        ...Array.from({ length: 10 }, () => ({ key: 'woman' as const, score: 5 })),
        ...Array.from({ length: 8 }, () => ({ key: 'man' as const, score: 4 })),
        ...Array.from({ length: 2 }, () => ({ key: 'other' as const, score: 2 })),
      ];
      const { cells, total } = describeBreakdown(values, ['woman', 'man', 'other']);
      expect(cells.map((c) => c.suppressed)).to.deep.equal([false, true, true]);
      expect(cells[1]!.suppressionReason).to.equal('complementary');
      expect(total).to.include({ suppressed: false, n: 20 });
    });
    it('hides the total too when it is under 5', () => {
      const { total } = describeBreakdown([{ key: 'a', score: 3 }], ['a']);
      expect(total.suppressed).to.equal(true);
    });
  });

  describe('groups and comparisons', () => {
    it('describes groups in key order with small ones hidden', () => {
      const g = describeGroups([...Array.from({ length: 5 }, () => ({ key: 'b', score: 6 })), { key: 'a', score: 1 }], ['a', 'b', 'c']);
      expect(g.map((c) => [c.key, c.suppressed, c.mean])).to.deep.equal([['a', true, null], ['b', false, 6], ['c', true, null]]);
    });
    it('compares two groups only when both have at least 5', () => {
      expect(compareGroups([1, 2, 3, 4], [5, 6, 7, 5, 6]).suppressed).to.equal(true);
      const c = compareGroups([1, 2, 3, 4, 2], [5, 6, 7, 5, 6]);
      expect(c.suppressed).to.equal(false);
      expect(c.diff).to.be.closeTo(5.8 - 2.4, 1e-12);
    });
    it('reads a change as improved only when the whole CI is above zero', () => {
      const base = { from: 'start', to: 'exit', n: 10, pairs: 10, meanDiff: 1, wilcoxonP: 0.01, wilcoxonMethod: 'exact' as const, dz: 1, improved: 8, unchanged: 1, worse: 1, suppressed: false as const, suppressionReason: null };
      expect(changeReading({ ...base, ci95: [0.2, 1.8] })).to.equal('improved');
      expect(changeReading({ ...base, ci95: [-0.2, 1.8] })).to.equal('uncertain');
      expect(changeReading({ ...base, ci95: [-1.2, -0.1] })).to.equal('worsened');
      expect(changeReading(null)).to.equal('none');
    });
    it('counts item answers per step, "vet ej" apart', () => {
      const answers = [1, 2, 2, 7, 7, 7].map((v) => ({ point: 'start', itemId: 'q', value: v, dontKnow: false }));
      answers.push({ point: 'start', itemId: 'q', value: null as unknown as number, dontKnow: true });
      const [cell] = itemDistributions(answers, ['q'], ['start']);
      expect(cell).to.include({ n: 6, dontKnow: 1, suppressed: false });
      expect(cell!.distribution!.map((d) => d.count)).to.deep.equal([1, 2, 0, 0, 0, 0, 3]);
    });
  });

  describe('parseAnalysisQuery', () => {
    it('reads filters from the URL and rejects nonsense', () => {
      expect(parseAnalysisQuery({ round: '2', points: 'start,exit', gender: '', lang: 'en' })).to.deep.equal({ round: 2, points: ['start', 'exit'] });
      expect(() => parseAnalysisQuery({ points: 'later' })).to.throw(QueryError);
      expect(() => parseAnalysisQuery({ gender: '<script>' })).to.throw(QueryError);
    });
  });
});

describe('demo rounds', () => {
  it('are the two most recent half-years that have ended', async () => {
    const { demoRoundPeriods } = await import('../../server/demo/seed.js');
    expect(demoRoundPeriods(new Date('2026-11-25T12:00:00Z')).map((r) => r.name)).to.deep.equal(['Höst 2025', 'Vår 2026']);
    expect(demoRoundPeriods(new Date('2027-03-01T12:00:00Z')).map((r) => `${r.startsOn}..${r.endsOn}`)).to.deep.equal(['2026-01-01..2026-06-30', '2026-07-01..2026-12-31']);
  });
});

describe('analysis tables for CSV', () => {
  it('gives every row the same columns, suppressed or not, so the CSV header is complete', async () => {
    const { itemRows, overviewRows } = await import('../../server/domain/analysisTables.js');
    const few = [1, 2].map((v) => ({ point: 'start', itemId: 'q', value: v, dontKnow: false }));
    const many = [1, 2, 2, 7, 7].map((v) => ({ point: 'exit', itemId: 'q', value: v, dontKnow: false }));
    const rows = itemRows(itemDistributions([...few, ...many], ['q'], ['start', 'exit']));
    expect(Object.keys(rows[0]!)).to.deep.equal(Object.keys(rows[1]!));
    expect(rows[0]).to.include({ suppressed: true, answered_1: null, n: null });
    expect(rows[1]).to.include({ suppressed: false, answered_2: 2, answered_7: 2, n: 5 });
    const results = summarizeIntervention([1, 2, 3, 4, 5].map((p) => ({ point: 'start', indicatorId: 'x', participantId: p, score: 4 + p / 10 })), ['x'], ['start'], null);
    expect(overviewRows(results)[0]).to.include({ indicator: 'x', point: 'start', n: 5, mean: 4.3, suppressed: false });
  });
});
