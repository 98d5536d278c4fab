import { expect } from 'chai';
import { parseAnalysisQuery } from '../../server/forms/analysisQuery.js';
import { changeStats, itemStats, pointStats } from '../../server/domain/comparison.js';
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

  describe('parseAnalysisQuery', () => {
    const codes = (q: Record<string, unknown>) => {
      const form = parseAnalysisQuery(q);
      return form.ok ? null : form.errors.map((e) => `${e.field}:${e.code}`);
    };
    it('reads filters from the URL and rejects nonsense', () => {
      expect(parseAnalysisQuery({ round: '2', points: 'start,exit', gender: '', lang: 'en' })).to.deep.include({ ok: true, value: { round: 2, points: ['start', 'exit'] } });
      expect(parseAnalysisQuery({ federations: ['3', '4'] })).to.deep.include({ ok: true, value: { federations: [3, 4] } });
      expect(codes({ points: 'later' })).to.deep.equal(['points:form.invalid']);
      expect(codes({ gender: '<script>' })).to.deep.equal(['gender:form.invalid']);
    });
    it('reads the form\'s one person group, and refuses two person filters at once', () => {
      expect(parseAnalysisQuery({ group: 'gender:woman' })).to.deep.include({ ok: true, value: { gender: 'woman' } });
      expect(parseAnalysisQuery({ group: 'ageBand:30_39', round: '1' })).to.deep.include({ ok: true, value: { ageBand: '30_39', round: 1 } });
      expect(parseAnalysisQuery({ group: 'gender:woman', gender: 'woman' })).to.deep.include({ ok: true, value: { gender: 'woman' } });
      expect(codes({ gender: 'woman', ageBand: '30_39' })).to.deep.equal(['ageBand:filterConflict']);
      expect(codes({ group: 'gender:woman', ageBand: '30_39' })).to.deep.equal(['ageBand:filterConflict']);
      expect(codes({ group: 'gender:woman', gender: 'man' })).to.deep.equal(['group:filterConflict']);
      expect(codes({ group: 'town:x' })).to.deep.equal(['group:form.invalid']);
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
  it('gives every row the same columns, hidden or not, with the reason, so the CSV header is complete', async () => {
    const { changeRows, itemRows, overviewRows } = await import('../../server/domain/analysisTables.js');
    const answers = [1, 2, 2, 7, 7].map((v) => ({ point: 'exit' as const, itemId: 'q', value: v, dontKnow: false }));
    const rows = itemRows([itemStats('q', 'start', 'a', answers, 'tooFew'), itemStats('q', 'exit', 'b', answers, null)]);
    expect(Object.keys(rows[0]!)).to.deep.equal(Object.keys(rows[1]!));
    expect(rows[0]).to.include({ suppressed: true, reason: 'tooFew', answered_1: null, n: null });
    expect(rows[1]).to.include({ suppressed: false, reason: null, answered_2: 2, answered_7: 2, n: 5 });
    const points = [pointStats('start', 's', [{ value: 4.1, count: 2 }, { value: 4.4, count: 3 }], null), pointStats('exit', 'e', [], 'notAsked')];
    const change = changeStats('start', 'exit', 'c', [1, 2, 3, 4, 5].map((k) => ({ diff: k / 10, count: 1, sumBefore: 3, sumAfter: 3 + k / 10 })), null, null);
    const result = [{ indicatorId: 'x', points, change, changes: [change] }];
    expect(overviewRows(result)[0]).to.include({ indicator: 'x', point: 'start', n: 5, mean: 4.28, suppressed: false, reason: null });
    expect(overviewRows(result)[1]).to.include({ point: 'exit', n: null, reason: 'notAsked' });
    expect(changeRows(result)[0]).to.include({ pairs: 5, meanDiff: 0.3, verdict: 'improved', wilcoxonMethod: 'exact', before: 3, after: 3.3 });
  });
});
