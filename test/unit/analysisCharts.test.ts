import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  distributionChart, groupMeansChart, interventionChart, SCALE_STEPS, shownCi, shownMean, trendChart, wholePercent,
  type ChartLabels, type ItemDistribution,
} from '../../server/domain/analysisCharts.js';
import { groupStats, itemStats, pointStats, type ItemAnswer } from '../../server/domain/comparison.js';
import type { MeasurementPoint } from '../../server/domain/instrumentTypes.js';
import type { ValueCount } from '../../server/domain/statistics.js';
import { hrefWith } from '../../server/render/viewLocals.js';

// The chart specs are checked for what they must say, not against a stored copy: hidden figures are
// gaps, labels follow the points and groups they are given, a distribution's shares add up to 100 %.

const labels: ChartLabels = {
  t: (key) => `t(${key})`,
  txt: (text) => text?.sv ?? '',
  pointLabel: (point) => `point(${point})`,
};

const bins = (...values: number[]): ValueCount[] => values.map((value) => ({ value, count: 1 }));
const answers = (point: MeasurementPoint, values: (number | null)[]): ItemAnswer[] => values.map((value) => ({ point, itemId: 'q1', value, dontKnow: value === null }));

/** The spec as the browser gets it: through the data-chart attribute's JSON. */
const throughJson = <T>(spec: T): T => JSON.parse(JSON.stringify(spec)) as T;

describe('analysis charts', () => {
  describe('shown figures', () => {
    it('gives a hidden or missing figure no mean and no CI', () => {
      const shown = groupStats('a', 'c:a', bins(3, 4, 5, 6, 6), null);
      const hidden = groupStats('b', 'c:b', bins(3, 4, 5, 6, 6), 'tooFew');
      expect(shownMean(shown)).to.equal(shown.mean).and.to.be.a('number');
      expect(shownCi(shown)).to.deep.equal(shown.ci95).and.to.have.length(2);
      expect(shownMean(hidden)).to.equal(null);
      expect(shownCi(hidden)).to.equal(null);
      expect(shownMean(undefined)).to.equal(null);
      expect(shownCi(undefined)).to.equal(null);
      // A figure whose mean is known in the object but flagged hidden is still not drawn.
      expect(shownMean({ suppressed: true, mean: 4, ci95: [3, 5] })).to.equal(null);
    });

    it('writes a share in whole per cent, 0 of nobody', () => {
      expect(wholePercent(1, 3)).to.equal(33);
      expect(wholePercent(2, 3)).to.equal(67);
      expect(wholePercent(0, 0)).to.equal(0);
    });
  });

  describe('intervention overview (bar-ci)', () => {
    const indicators = [{ text: { sv: 'Förtroende' } }, { text: { sv: 'Hälsa' } }];
    const points: MeasurementPoint[] = ['start', 'exit'];
    const results = [
      { points: [pointStats('start', 's:a@start', bins(2, 3, 4, 5, 6), null), pointStats('exit', 's:a@exit', bins(4, 5, 6, 6, 7), null)] },
      { points: [pointStats('start', 's:b@start', bins(2, 3), 'tooFew'), pointStats('exit', 's:b@exit', bins(5, 5, 6, 6, 7), null)] },
    ];

    it('has a group per indicator and a dataset per point, labelled in their order', () => {
      const chart = interventionChart(indicators, results, points, labels);
      expect(chart.type).to.equal('bar-ci');
      expect(chart.labels).to.deep.equal(['Förtroende', 'Hälsa']);
      expect(chart.datasets.map((d) => d.label)).to.deep.equal(['point(start)', 'point(exit)']);
      expect(chart.axisTitle).to.equal('t(results.meanAxis)');
      expect([chart.min, chart.max]).to.deep.equal([1, 7]);
      for (const d of chart.datasets) {
        expect(d.data).to.have.length(indicators.length);
        expect(d.ci).to.have.length(indicators.length);
      }
    });

    it('draws each shown figure with its own mean and CI, and a hidden one as a gap', () => {
      const chart = interventionChart(indicators, results, points, labels);
      const [start, exit] = chart.datasets;
      expect(start!.data[0]).to.equal(results[0]!.points[0]!.mean);
      expect(start!.ci[0]).to.deep.equal(results[0]!.points[0]!.ci95);
      expect(exit!.data[1]).to.equal(results[1]!.points[1]!.mean);
      expect(start!.data[1], 'hidden start of the second indicator').to.equal(null);
      expect(start!.ci[1]).to.equal(null);
    });

    it('follows the points asked for, whatever order the figures come in', () => {
      const reversed = results.map((r) => ({ points: [...r.points].reverse() }));
      const chart = interventionChart(indicators, reversed, points, labels);
      expect(chart.datasets[0]!.data[0]).to.equal(results[0]!.points[0]!.mean);
      const onlyExit = interventionChart(indicators, results, ['exit'], labels);
      expect(onlyExit.datasets).to.have.length(1);
      expect(onlyExit.datasets[0]!.data).to.deep.equal([results[0]!.points[1]!.mean, results[1]!.points[1]!.mean]);
      const missing = interventionChart(indicators, results, ['followup'], labels);
      expect(missing.datasets[0]!.data).to.deep.equal([null, null]);
    });

    it('survives the trip through JSON unchanged (no undefined, no functions)', () => {
      const chart = interventionChart(indicators, results, points, labels);
      expect(throughJson(chart)).to.deep.equal(chart);
    });
  });

  describe('groups side by side (bar-ci) and trend (line)', () => {
    const groups = [{ name: 'Insats A' }, { name: 'Insats B' }, { name: 'Insats C' }];
    const cells = [groupStats('1', 'c1', bins(3, 4, 5, 5, 6), null), groupStats('2', 'c2', bins(6), 'tooFew'), groupStats('3', 'c3', bins(1, 2, 2, 3, 7, 7), null)];

    it('has one bar per group, named as the group, at the chosen point', () => {
      const chart = groupMeansChart(groups, cells, 'exit', labels);
      expect(chart.labels).to.deep.equal(['Insats A', 'Insats B', 'Insats C']);
      expect(chart.datasets).to.have.length(1);
      expect(chart.datasets[0]!.label).to.equal('point(exit)');
      expect(chart.datasets[0]!.data).to.deep.equal([cells[0]!.mean, null, cells[2]!.mean]);
      expect(chart.datasets[0]!.ci).to.deep.equal([cells[0]!.ci95, null, cells[2]!.ci95]);
      expect(throughJson(chart)).to.deep.equal(chart);
    });

    it('draws a line per intervention over the rounds, with a gap where a round is hidden', () => {
      const rounds = [{ name: 'Vår 2025' }, { name: 'Höst 2025' }];
      const trend = [
        { intervention: groups[0]!, cells: [cells[0]!, cells[1]!] },
        { intervention: groups[2]!, cells: [cells[2]!, cells[0]!] },
      ];
      const chart = trendChart(rounds, trend, labels);
      expect(chart.type).to.equal('line');
      expect(chart.labels).to.deep.equal(['Vår 2025', 'Höst 2025']);
      expect(chart.datasets.map((d) => d.label)).to.deep.equal(['Insats A', 'Insats C']);
      expect(chart.datasets[0]!.data).to.deep.equal([cells[0]!.mean, null]);
      expect(chart.datasets[1]!.data).to.deep.equal([cells[2]!.mean, cells[0]!.mean]);
      expect(trendChart([], [], labels).datasets).to.deep.equal([]);
    });
  });

  describe('item distribution (stacked)', () => {
    const rng = seedrandom('analysis-charts');
    const randomAnswers = (point: MeasurementPoint, n: number) => answers(point, Array.from({ length: n }, () => (rng() < 0.1 ? null : 1 + Math.floor(rng() * 7))));
    const cellsOf = (reasons: Partial<Record<MeasurementPoint, 'tooFew'>>, sizes: Partial<Record<MeasurementPoint, number>>): ItemDistribution[] =>
      (Object.keys(sizes) as MeasurementPoint[]).map((p) => itemStats('q1', p, `i:q1@${p}`, randomAnswers(p, sizes[p]!), reasons[p] ?? null));

    it('has a series per scale step and shares of each point that add up to about 100 %', () => {
      for (let round = 0; round < 20; round++) {
        const cells = cellsOf({}, { start: 5 + Math.floor(rng() * 60), exit: 5 + Math.floor(rng() * 60) });
        const chart = distributionChart('q1', ['start', 'exit'], cells, labels)!;
        expect(chart.type).to.equal('stacked');
        expect(chart.datasets.map((d) => d.label)).to.deep.equal(SCALE_STEPS.map(String));
        chart.labels.forEach((_, k) => {
          const total = chart.datasets.reduce((s, d) => s + d.data[k]!, 0);
          // Seven shares each rounded to whole per cent: at most 3.5 points off.
          expect(total).to.be.within(96, 104);
          for (const d of chart.datasets) expect(d.data[k]).to.be.within(0, 100);
        });
      }
    });

    it('counts the answers on the scale only, not "vet ej"', () => {
      const cells = [itemStats('q1', 'start', 'i:q1@start', answers('start', [7, 7, 7, 1, null, null, null, null]), null)];
      const chart = distributionChart('q1', ['start'], cells, labels)!;
      expect(chart.datasets.map((d) => d.data[0])).to.deep.equal([25, 0, 0, 0, 0, 0, 75]);
    });

    it('leaves hidden points out, labels the shown ones in the order of the points', () => {
      const cells = cellsOf({ ongoing: 'tooFew' }, { exit: 12, ongoing: 8, start: 10 });
      const chart = distributionChart('q1', ['start', 'ongoing', 'exit'], cells, labels)!;
      expect(chart.labels).to.deep.equal(['point(start)', 'point(exit)']);
      for (const d of chart.datasets) expect(d.data).to.have.length(2);
      const exit = cells.find((c) => c.point === 'exit')!;
      expect(chart.datasets.map((d) => d.data[1])).to.deep.equal(exit.distribution!.map((s) => wholePercent(s.count, exit.n!)));
      expect(chart.axisTitle).to.equal('t(analysis.shareOfAnswers)');
      expect(throughJson(chart)).to.deep.equal(chart);
    });

    it('is no chart when no point is shown, or the item has no figures', () => {
      const cells = cellsOf({ start: 'tooFew', exit: 'tooFew' }, { start: 3, exit: 2 });
      expect(distributionChart('q1', ['start', 'exit'], cells, labels)).to.equal(null);
      expect(distributionChart('q2', ['start', 'exit'], cellsOf({}, { start: 10 }), labels)).to.equal(null);
    });
  });

  describe('analysis links (hrefWith)', () => {
    it('keeps the filters that are set, in order, and adds the rest', () => {
      expect(hrefWith('/f/1/interventions/2/results', { round: 3, gender: undefined, ageBand: '30_39' }, { format: 'csv', table: 'change' }))
        .to.equal('/f/1/interventions/2/results?round=3&ageBand=30_39&format=csv&table=change');
    });

    it('gives the bare path when no filter is set', () => {
      expect(hrefWith('/f/1/compare', { round: undefined, gender: null })).to.equal('/f/1/compare');
    });

    it('encodes values and lets a later parameter of the same name win', () => {
      const href = hrefWith('/analysis/region', { federations: '1,2', indicator: 'a&b' }, { indicator: 'health' });
      expect(new URLSearchParams(href.split('?')[1]).get('federations')).to.equal('1,2');
      expect(href).to.equal('/analysis/region?federations=1%2C2&indicator=health');
    });
  });
});

describe('chart labels', () => {
  it('wrap a long name at word boundaries instead of clipping it, and leave a short one alone', async () => {
    const { wrapLabel } = await import('../../server/domain/analysisCharts.js');
    expect(wrapLabel('Hälsa')).to.equal('Hälsa');
    const lines = wrapLabel('Arbetsförmåga och närhet till arbete eller studier');
    expect(lines).to.deep.equal(['Arbetsförmåga och närhet', 'till arbete eller studier']);
    expect((lines as string[]).join(' ')).to.equal('Arbetsförmåga och närhet till arbete eller studier');
    expect(wrapLabel('Samordningsförbundetmedettväldigtlångtnamn')).to.deep.equal(['Samordningsförbundetmedettväldigtlångtnamn']);
  });
});
