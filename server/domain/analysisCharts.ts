// The chart.js specs of the analysis screens (results/intervention, indicator, compare, region):
// plain objects that the views print into a canvas's data-chart attribute and public/js/charts.js
// draws. Pure: figures and the page's words in, specs out. A hidden figure is a gap (null) in a
// chart, never a number; the same figures are always in the table beside the chart.

import type { LocalizedText } from './instrumentTypes.js';
import { SCALE_MAX, SCALE_MIN } from './scoring.js';
import type { Interval, ScaleStepCount } from './statistics.js';

/** The page's words: the view helpers t, txt and pointLabel of render/viewLocals.ts. */
export interface ChartLabels {
  t: (key: string) => string;
  txt: (text: LocalizedText | undefined) => string;
  pointLabel: (point: string) => string;
}

/** A figure drawn as a bar or a line point: its mean and 95 % CI, unless it is hidden. */
export interface MeanFigure {
  suppressed: boolean;
  mean: number | null;
  ci95: Interval | null;
}

/** A mean figure of one measurement point (an indicator's PointStats). */
export interface PointMeanFigure extends MeanFigure {
  point: string;
}

/** One item's answers at one point (ItemPointStats): the count per scale step out of n. */
export interface ItemDistribution {
  itemId: string;
  point: string;
  suppressed: boolean;
  n: number | null;
  distribution: readonly ScaleStepCount[] | null;
}

/** Something with a name: an intervention, a förbund, a measurement round. */
export interface Named {
  name: string;
}

export interface BarCiDataset {
  label: string;
  data: (number | null)[];
  ci: (Interval | null)[];
}

/** A chart's category label: one line, or a long name broken into lines (chart.js draws an array as lines). */
export type ChartLabel = string | string[];

/** The most characters on one line of a category label before it wraps. */
export const LABEL_LINE = 28;

/** A long name wrapped at word boundaries into lines of at most `width` characters (a longer word stays whole), so no chart clips it. */
export function wrapLabel(text: string, width = LABEL_LINE): ChartLabel {
  if (text.length <= width) return text;
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Horizontal bars of means with CI whiskers on the 1–7 scale. */
export interface BarCiChart {
  type: 'bar-ci';
  labels: ChartLabel[];
  axisTitle: string;
  min: number;
  max: number;
  datasets: BarCiDataset[];
}

/** 100 % stacked bars: the share (whole per cent) of answers per scale step. */
export interface StackedChart {
  type: 'stacked';
  labels: string[];
  axisTitle: string;
  datasets: { label: string; data: number[] }[];
}

/** Means over measurement rounds, one line per series, a gap where a figure is hidden. */
export interface LineChart {
  type: 'line';
  labels: string[];
  axisTitle: string;
  min: number;
  max: number;
  datasets: { label: string; data: (number | null)[] }[];
}

export type AnalysisChart = BarCiChart | StackedChart | LineChart;

/** The steps of the agreement scale, 1 … 7: the stacked chart's series and the drill-down table's columns. */
export const SCALE_STEPS: readonly number[] = Array.from({ length: SCALE_MAX - SCALE_MIN + 1 }, (_, k) => SCALE_MIN + k);

/** The mean a chart may draw: null where the figure is hidden or missing. */
export function shownMean(figure: MeanFigure | undefined): number | null {
  return figure && !figure.suppressed ? figure.mean : null;
}

/** The CI a chart may draw: null where the figure is hidden, missing or has none. */
export function shownCi(figure: MeanFigure | undefined): Interval | null {
  return figure && !figure.suppressed ? figure.ci95 : null;
}

/** A share in whole per cent; 0 of nobody. */
export function wholePercent(count: number, n: number): number {
  return n ? Math.round((100 * count) / n) : 0;
}

function meanDataset(label: string, figures: readonly (MeanFigure | undefined)[]): BarCiDataset {
  return { label, data: figures.map(shownMean), ci: figures.map(shownCi) };
}

/** The axis of every chart of means: the scale's steps, titled. */
const meanAxis = (l: ChartLabels) => ({ axisTitle: l.t('results.meanAxis'), min: SCALE_MIN, max: SCALE_MAX });

/**
 * The intervention overview: one group of bars per indicator, one bar (mean with CI) per point.
 * `results[i]` holds indicator i's figures; a point's bar is that point's figure, or a gap.
 */
export function interventionChart(
  indicators: readonly { text: LocalizedText }[],
  results: readonly { points: readonly PointMeanFigure[] }[],
  points: readonly string[],
  l: ChartLabels,
): BarCiChart {
  return {
    type: 'bar-ci',
    labels: indicators.map((i) => wrapLabel(l.txt(i.text))),
    datasets: points.map((point) => meanDataset(l.pointLabel(point), results.map((r) => r.points.find((c) => c.point === point)))),
    ...meanAxis(l),
  };
}

/** One indicator at one point across groups (interventions side by side, förbund of a region): one bar per group. */
export function groupMeansChart(groups: readonly Named[], cells: readonly MeanFigure[], point: string, l: ChartLabels): BarCiChart {
  return {
    type: 'bar-ci',
    labels: groups.map((g) => wrapLabel(g.name)),
    ...meanAxis(l),
    datasets: [meanDataset(l.pointLabel(point), groups.map((_, k) => cells[k]))],
  };
}

/** Each intervention's mean per measurement round, one line per intervention. */
export function trendChart(rounds: readonly Named[], trend: readonly { intervention: Named; cells: readonly MeanFigure[] }[], l: ChartLabels): LineChart {
  return {
    type: 'line',
    labels: rounds.map((r) => r.name),
    ...meanAxis(l),
    datasets: trend.map((row) => ({ label: row.intervention.name, data: rounds.map((_, k) => shownMean(row.cells[k])) })),
  };
}

/**
 * One item's answer distribution: a stacked bar per point where its figures are shown (hidden
 * points are left out, not drawn as empty bars), one series per scale step. Null when no point is shown.
 */
export function distributionChart(itemId: string, points: readonly string[], cells: readonly ItemDistribution[], l: ChartLabels): StackedChart | null {
  const shown = points
    .map((point) => cells.find((c) => c.itemId === itemId && c.point === point))
    .filter((c): c is ItemDistribution => c !== undefined && !c.suppressed);
  if (!shown.length) return null;
  const count = (c: ItemDistribution, step: number) => c.distribution?.[step - SCALE_MIN]?.count ?? 0;
  return {
    type: 'stacked',
    labels: shown.map((c) => l.pointLabel(c.point)),
    axisTitle: l.t('analysis.shareOfAnswers'),
    datasets: SCALE_STEPS.map((step) => ({ label: String(step), data: shown.map((c) => wholePercent(count(c, step), c.n ?? 0)) })),
  };
}
