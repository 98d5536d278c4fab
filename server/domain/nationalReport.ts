// The national report, built from the förbund's submission files (domain/nationalSubmission.ts)
// and nothing else: each förbund's figures as they were sent, side by side, and totals over
// förbund. A total is the pool of the cells that were sent with their numbers — a sum of shown
// figures, which adds nothing (suppression.ts, rule 7) — so a förbund's hidden cell stays hidden
// in every total: its people are left out, and the page says how many förbund are. Pure.

import { MEASUREMENT_POINTS, type MeasurementPoint } from './instrumentTypes.js';
import { compareRows, type SubmissionCell, type SubmissionDocument, type SubmissionRow } from './nationalSubmission.js';
import { poolDescriptives, type Interval } from './statistics.js';
import type { HiddenReason } from './suppression.js';

/** One förbund's figure as sent: the numbers, or why it is hidden; null where it has none. */
export type SentFigure = { n: number; mean: number; sharePositive: number; reason: null } | { n: null; mean: null; sharePositive: null; reason: HiddenReason | 'versionChanged' };

/** A total over förbund: the pool of the figures sent with numbers. */
export interface PooledFigure {
  n: number;
  mean: number | null;
  sd: number | null;
  ci95: Interval | null;
  sharePositive: number | null;
  distribution: number[];
  /** Förbund whose figures are in the total, and those whose figure was hidden and is left out. */
  included: number;
  leftOut: number;
  /** Not pooled: the indicator's questions differ between the instrument versions the förbund answered in. */
  hidden: 'versionChanged' | null;
}

export interface NationalFederation { organisationNumber: string; name: string }

export interface NationalSelection { year: number; row: SubmissionRow; point: MeasurementPoint }

export interface NationalReport {
  years: number[];
  selection: NationalSelection | null;
  /** Every year: how many förbund sent a file, and their questionnaires (the totals sent; hidden totals left out and counted). */
  participation: { year: number; federations: number; questionnaires: number; totalsHidden: number }[];
  rows: SubmissionRow[];
  points: MeasurementPoint[];
  indicators: { id: string; text: Record<string, string> }[];
  genders: { value: string; text: Record<string, string> }[];
  /** The selected year, row and point: each förbund's figure per indicator (by id). */
  federations: { federation: NationalFederation; questionnaires: number | null; figures: Record<string, SentFigure | null> }[];
  total: Record<string, PooledFigure>;
  byGender: Record<string, Record<string, PooledFigure>>;
  /** Every year's total per indicator, for the selected row and point. */
  trend: { year: number; figures: Record<string, PooledFigure> }[];
}

const sameRow = (a: SubmissionRow, b: SubmissionRow) => a.respondentGroup === b.respondentGroup && a.interventionKind === b.interventionKind;

function sent(cell: SubmissionCell | undefined): SentFigure | null {
  if (!cell) return null;
  if (cell.suppressed || cell.n === null || cell.mean === null || cell.sharePositive === null) return { n: null, mean: null, sharePositive: null, reason: cell.reason ?? 'complementary' };
  return { n: cell.n, mean: cell.mean, sharePositive: cell.sharePositive, reason: null };
}

/** The pool of the cells sent with numbers; hidden ones counted as left out. */
export function poolCells(cells: readonly SubmissionCell[]): PooledFigure {
  const shown = cells.filter((c) => !c.suppressed && c.n !== null && c.mean !== null && c.sharePositive !== null && c.distribution !== null);
  const pooled = poolDescriptives(shown.map((c) => ({ n: c.n!, mean: c.mean!, sd: c.sd, sharePositive: c.sharePositive!, distribution: c.distribution! })));
  return {
    n: pooled.n, mean: pooled.mean, sd: pooled.sd, ci95: pooled.ci95, sharePositive: pooled.sharePositive, distribution: pooled.distribution,
    included: shown.length, leftOut: cells.length - shown.length, hidden: null,
  };
}

/** A total that is not made: the indicator changed between the versions pooled. */
const notPooled = (cells: readonly SubmissionCell[]): PooledFigure => ({
  n: 0, mean: null, sd: null, ci95: null, sharePositive: null, distribution: [], included: 0, leftOut: cells.length, hidden: 'versionChanged',
});

/** The default selection: the newest year, its first row (participants first) and that row's first point. */
function defaultSelection(docs: readonly SubmissionDocument[], wanted: Partial<NationalSelection>): NationalSelection | null {
  const years = [...new Set(docs.map((d) => d.year))].sort((a, b) => a - b);
  const year = wanted.year !== undefined && years.includes(wanted.year) ? wanted.year : years.at(-1);
  if (year === undefined) return null;
  const cells = docs.filter((d) => d.year === year).flatMap((d) => d.cells);
  const rows = rowsOf(cells);
  const row = rows.find((r) => wanted.row && sameRow(r, wanted.row)) ?? rows[0];
  if (!row) return null;
  const points = pointsOf(cells, row);
  const point = points.find((p) => p === wanted.point) ?? points[0]!;
  return { year, row, point };
}

function rowsOf(cells: readonly SubmissionCell[]): SubmissionRow[] {
  const rows: SubmissionRow[] = [];
  for (const c of cells) if (!rows.some((r) => sameRow(r, c))) rows.push({ respondentGroup: c.respondentGroup, interventionKind: c.interventionKind });
  return rows.sort(compareRows);
}

const pointsOf = (cells: readonly SubmissionCell[], row: SubmissionRow) => MEASUREMENT_POINTS.filter((p) => cells.some((c) => sameRow(c, row) && c.point === p));

/**
 * `changed(ids)`: of the instrument versions named by these files, the indicators whose questions
 * differ (domain/instrumentVersions.ts, with the instruments the national installation has): their
 * totals are not made across those files.
 */
export function nationalReport(docs: readonly SubmissionDocument[], wanted: Partial<NationalSelection> = {}, changed: (files: readonly SubmissionDocument[]) => ReadonlySet<string> = () => new Set()): NationalReport {
  const years = [...new Set(docs.map((d) => d.year))].sort((a, b) => a - b);
  const participation = years.map((year) => {
    const files = docs.filter((d) => d.year === year);
    return {
      year, federations: files.length,
      questionnaires: files.reduce((s, d) => s + (d.total.questionnaires ?? 0), 0),
      totalsHidden: files.filter((d) => d.total.suppressed).length,
    };
  });
  const selection = defaultSelection(docs, wanted);
  const empty = { years, selection, participation, rows: [], points: [], indicators: [], genders: [], federations: [], total: {}, byGender: {}, trend: [] };
  if (!selection) return empty;
  const { year, row, point } = selection;
  const files = docs.filter((d) => d.year === year).sort((a, b) => a.federation.name.localeCompare(b.federation.name, 'sv'));
  const yearCells = files.flatMap((d) => d.cells);
  const here = (c: SubmissionCell) => sameRow(c, row) && c.point === point;

  // Labels: the first file that names an indicator or a gender of this respondent group.
  const indicators = new Map<string, Record<string, string>>();
  const genders = new Map<string, Record<string, string>>();
  for (const d of [...docs].reverse()) {
    for (const instrument of d.instruments.filter((i) => i.respondentGroup === row.respondentGroup)) {
      for (const i of instrument.indicators) if (!indicators.has(i.id)) indicators.set(i.id, i.text);
      for (const g of instrument.genders) if (!genders.has(g.value)) genders.set(g.value, g.text);
    }
  }
  const indicatorIds = [...new Set(yearCells.filter(here).map((c) => c.indicator))]
    .sort((a, b) => [...indicators.keys()].indexOf(a) - [...indicators.keys()].indexOf(b) || a.localeCompare(b));
  const genderValues = [...new Set(yearCells.filter((c) => here(c) && c.gender !== null).map((c) => c.gender!))]
    .sort((a, b) => [...genders.keys()].indexOf(a) - [...genders.keys()].indexOf(b) || a.localeCompare(b));

  const everyone = (cells: readonly SubmissionCell[], indicator: string) => cells.filter((c) => here(c) && c.indicator === indicator && c.gender === null);
  const changedThisYear = changed(files);
  const pool = (cells: readonly SubmissionCell[], indicator: string, changedHere: ReadonlySet<string>) => (changedHere.has(indicator) ? notPooled(cells) : poolCells(cells));
  const byIndicator = <T>(f: (indicator: string) => T) => Object.fromEntries(indicatorIds.map((id) => [id, f(id)]));
  return {
    years, selection, participation,
    rows: rowsOf(yearCells),
    points: pointsOf(yearCells, row),
    indicators: indicatorIds.map((id) => ({ id, text: indicators.get(id) ?? { sv: id } })),
    genders: genderValues.map((value) => ({ value, text: genders.get(value) ?? { sv: value } })),
    federations: files.map((d) => ({
      federation: d.federation,
      questionnaires: d.counts.find((c) => sameRow(c, row))?.questionnaires ?? null,
      figures: byIndicator((id) => sent(everyone(d.cells, id)[0])),
    })),
    total: byIndicator((id) => pool(everyone(yearCells, id), id, changedThisYear)),
    byGender: byIndicator((id) => Object.fromEntries(genderValues.map((g) => [g, pool(yearCells.filter((c) => here(c) && c.indicator === id && c.gender === g), id, changedThisYear)]))),
    // Over the years: one indicator is compared only where no version it was answered in, that year or any other, changed it.
    trend: (() => {
      const changedEver = changed(docs);
      return years.map((y) => {
        const cells = docs.filter((d) => d.year === y).flatMap((d) => d.cells);
        return { year: y, figures: byIndicator((id) => pool(everyone(cells, id), id, changedEver)) };
      });
    })(),
  };
}

/** The report as CSV rows: every förbund's figures as sent and the totals, for the selected year, row and point. */
export function nationalCsvRows(report: NationalReport): Record<string, string | number | null>[] {
  const s = report.selection;
  if (!s) return [];
  const head = { year: s.year, respondent_group: s.row.respondentGroup, intervention_kind: s.row.interventionKind, point: s.point };
  const rows: Record<string, string | number | null>[] = [];
  for (const indicator of report.indicators) {
    for (const f of report.federations) {
      const fig = f.figures[indicator.id];
      if (fig) {
        rows.push({
          ...head, indicator: indicator.id, federation: f.federation.name, organisation_number: f.federation.organisationNumber, gender: 'all',
          n: fig.n, mean: fig.mean, share_positive: fig.sharePositive, federations_included: null, federations_left_out: null, hidden: fig.reason ?? '',
        });
      }
    }
    const pooled = (gender: string, p: PooledFigure) => ({
      ...head, indicator: indicator.id, federation: 'total', organisation_number: '', gender,
      n: p.n, mean: p.mean, share_positive: p.sharePositive, federations_included: p.included, federations_left_out: p.leftOut, hidden: p.hidden ?? '',
    });
    rows.push(pooled('all', report.total[indicator.id]!));
    for (const g of report.genders) rows.push(pooled(g.value, report.byGender[indicator.id]![g.value]!));
  }
  return rows;
}
