// The yearly submission to NNS's national report (domain.md, "The national picture"): a förbund's
// aggregates for one calendar year, per respondent group, kind of intervention, measurement point
// and indicator — for everyone and for each gender — every cell protected by the disclosure
// layer. No microdata: n, mean, SD, share 5–7 and the distribution over the scale's steps, or for
// a hidden cell only why it is hidden. Pure: services/nationalSubmission.ts reads the counts.
//
// What the plan protects, beyond each cell's own size (suppression.ts):
// - a year's figure beside the same figure by gender (the genders are its parts);
// - a year beside the förbund's own published figures: everything so far is the sum of the years,
//   and a round that overlaps the year lies inside or around it. Those published figures are the
//   förbund's plan's (fixed here): a year that would give one of them away, or differ from it by
//   1–4 people, is hidden, never the förbund's own page changed;
// - the questionnaires of each row beside their total.
// A file may travel as a public document: it never holds a cell of 1–4 people, or one that can be
// worked out from the file with the förbund's own pages.

import { cellKey, demoRef, measureRef, orgRef, timeRef, yearRef } from './figureCell.js';
import { halfOpen } from './calendarDate.js';
import { INTERVENTION_KINDS, MEASUREMENT_POINTS, RESPONDENT_GROUPS, type InterventionKind, type MeasurementPoint, type RespondentGroup } from './instrumentTypes.js';
import { describeCounts, type ValueCount } from './statistics.js';
import { MIN_GROUP_SIZE, planDisclosure, type DisclosurePlan, type DisclosureProblem, type HiddenReason, type Partition } from './suppression.js';

export const SUBMISSION_FORMAT = 'indikator-nns-submission';
/** The version of the file's JSON Schema (server/schemas/national-submission.v1.json). */
export const SUBMISSION_SCHEMA_VERSION = '1.0';


/** A row of a submission: one respondent group in one kind of intervention. */
export interface SubmissionRow { respondentGroup: RespondentGroup; interventionKind: InterventionKind }

/** How many people counted in a year (their latest answer in it) have a score, per row, point, indicator and gender. */
export interface SubmissionBin extends SubmissionRow { year: number; point: MeasurementPoint; indicatorId: string; gender: string | null; score: number; count: number }

/** Questionnaires sent in during a year (every one), per row. */
export interface QuestionnaireCount extends SubmissionRow { year: number; n: number }

/**
 * A sum of the förbund's own published cells over the interventions of a row: everything so far
 * (round null) or one measurement round with the calendar years its dates overlap. `shown`: anyone
 * who reads the förbund's pages can know it.
 */
export interface PublishedSum extends SubmissionRow { measure: string; demo: string; round: { id: number; years: readonly number[] } | null; n: number; shown: boolean }

/** A figure of the file: one row, point, indicator and gender (null: everyone). */
export interface SubmissionCell extends SubmissionRow {
  point: MeasurementPoint;
  indicator: string;
  gender: string | null;
  suppressed: boolean;
  /** Hidden by the disclosure plan, or because the indicator's questions changed between the versions answered in the year. */
  reason: HiddenReason | 'versionChanged' | null;
  n: number | null;
  mean: number | null;
  sd: number | null;
  sharePositive: number | null;
  /** People per step of the 1–7 scale, each score on its nearest step (statistics.describeCounts). */
  distribution: number[] | null;
}

export interface SubmissionCount extends SubmissionRow {
  /** How many of the förbund's interventions of this kind had questionnaires of this group in the year. */
  interventions: number;
  questionnaires: number | null;
  suppressed: boolean;
  reason: HiddenReason | null;
}

export interface SubmissionInstrument {
  id: string;
  version: string;
  respondentGroup: RespondentGroup;
  indicators: { id: string; text: Record<string, string> }[];
  genders: { value: string; text: Record<string, string> }[];
}

export interface SubmissionDocument {
  format: typeof SUBMISSION_FORMAT;
  schemaVersion: typeof SUBMISSION_SCHEMA_VERSION;
  federation: { organisationNumber: string; name: string };
  year: number;
  /** The calendar year as a half-open range of dates. */
  period: { from: string; to: string };
  producedAt: string;
  software: { name: 'Indikator'; version: string };
  /** Cells of fewer people than this are never in the file. */
  minGroupSize: number;
  instruments: SubmissionInstrument[];
  counts: SubmissionCount[];
  /** All questionnaires of the year, or why the total is hidden. */
  total: { questionnaires: number | null; suppressed: boolean; reason: HiddenReason | null };
  cells: SubmissionCell[];
}

/** The half-open dates of a calendar year. */
export function yearPeriod(year: number): { from: string; to: string } {
  return halfOpen(`${year}-01-01`, `${year}-12-31`);
}

const rowOrg = (federationId: number, r: SubmissionRow) => orgRef.submission(federationId, r.respondentGroup, r.interventionKind);
const TOTAL_ORG = (federationId: number) => orgRef.submission(federationId, 'all', 'all');

/** The name of a submission's figure: an indicator at a point for a row, everyone or one gender, in one year. */
export function submissionCellKey(federationId: number, r: SubmissionRow, point: MeasurementPoint, indicatorId: string, gender: string | null | undefined, year: number): string {
  return cellKey(measureRef.score(indicatorId, point), rowOrg(federationId, r), gender === undefined ? 'all' : demoRef({ gender }), yearRef(year));
}

const questionnaireKey = (federationId: number, r: SubmissionRow | null, year: number) =>
  cellKey(measureRef.questionnaires, r === null ? TOTAL_ORG(federationId) : rowOrg(federationId, r), 'all', yearRef(year));

const publishedKey = (federationId: number, p: PublishedSum) =>
  cellKey(p.measure, orgRef.published(federationId, p.respondentGroup, p.interventionKind), p.demo, p.round === null ? 'all' : timeRef(p.round.id));

export interface SubmissionData {
  federationId: number;
  /** Every year with answers (the years partition everything so far), each row's bins. */
  bins: readonly SubmissionBin[];
  questionnaires: readonly QuestionnaireCount[];
  published: readonly PublishedSum[];
}

/** The disclosure problem of a förbund's submissions, every year at once (a year beside the others and beside everything so far). */
export function submissionProblem(d: SubmissionData): DisclosureProblem {
  const f = d.federationId;
  const counts = new Map<string, number>();
  const add = (key: string, n: number) => {
    if (n > 0) counts.set(key, (counts.get(key) ?? 0) + n);
  };
  const genders = new Map<string, Set<string>>();
  const years = new Set<number>();
  for (const b of d.bins) {
    years.add(b.year);
    const all = submissionCellKey(f, b, b.point, b.indicatorId, undefined, b.year);
    const byGender = submissionCellKey(f, b, b.point, b.indicatorId, b.gender, b.year);
    add(all, b.count);
    add(byGender, b.count);
    let set = genders.get(all);
    if (!set) genders.set(all, (set = new Set()));
    set.add(byGender);
  }
  const partitions: Partition[] = [];
  for (const [all, parts] of genders) partitions.push({ parent: all, parts: [...parts] });

  const perYear = new Map<number, string[]>();
  for (const q of d.questionnaires) {
    years.add(q.year);
    add(questionnaireKey(f, q, q.year), q.n);
    add(questionnaireKey(f, null, q.year), q.n);
    perYear.set(q.year, [...(perYear.get(q.year) ?? []), questionnaireKey(f, q, q.year)]);
  }
  for (const [year, parts] of perYear) partitions.push({ parent: questionnaireKey(f, null, year), parts: [...new Set(parts)] });

  const fixed = new Set<string>();
  const hiddenFromStart = new Map<string, HiddenReason>();
  for (const p of d.published) {
    const key = publishedKey(f, p);
    if (p.n <= 0) continue;
    counts.set(key, p.n);
    fixed.add(key);
    if (!p.shown) hiddenFromStart.set(key, 'complementary');
    const yearCell = (year: number) => cellKey(p.measure, rowOrg(f, p), p.demo, yearRef(year));
    if (p.round === null) {
      partitions.push({ parent: key, parts: [...years].map(yearCell) });
    } else {
      // A round's answers may lie inside the year or around it: whichever holds the other, they must not differ by 1–4.
      for (const year of p.round.years) partitions.push({ parent: key, parts: [yearCell(year)] }, { parent: yearCell(year), parts: [key] });
    }
  }
  const silent = new Set([...counts.keys()].filter((k) => k.includes(`|${demoRef({ gender: null })}|`)));
  return {
    counts,
    partitions: partitions.map((p) => ({ ...p, parts: p.parts.filter((k) => counts.has(k)) })).filter((p) => counts.has(p.parent) && p.parts.length > 0),
    silent, fixed, hiddenFromStart,
  };
}

export interface SubmissionInput extends SubmissionData {
  federation: { organisationNumber: string; name: string };
  year: number;
  producedAt: string;
  softwareVersion: string;
  instruments: readonly SubmissionInstrument[];
  /** Per row and year, the interventions that had questionnaires. */
  interventions: ReadonlyArray<SubmissionRow & { year: number; n: number }>;
  /** Per row ("group|kind"), the indicators whose questions changed between the instrument versions answered in the year: not pooled, not sent. */
  notComparable?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A row's key ("participant|individual"). */
export const rowId = (r: SubmissionRow) => `${r.respondentGroup}|${r.interventionKind}`;

/** The submission of one year, planned with every year of the förbund. */
export function buildSubmission(input: SubmissionInput, plan: DisclosurePlan = planDisclosure(submissionProblem(input))): SubmissionDocument {
  const f = input.federationId;
  const year = input.year;
  const bins = new Map<string, { row: SubmissionRow; point: MeasurementPoint; indicatorId: string; gender: string | null | undefined; values: ValueCount[] }>();
  for (const b of input.bins) {
    if (b.year !== year) continue;
    for (const gender of [undefined, b.gender]) {
      if (gender === null) continue; // "not stated" is never shown on its own
      const key = submissionCellKey(f, b, b.point, b.indicatorId, gender, year);
      let entry = bins.get(key);
      if (!entry) bins.set(key, (entry = { row: { respondentGroup: b.respondentGroup, interventionKind: b.interventionKind }, point: b.point, indicatorId: b.indicatorId, gender, values: [] }));
      entry.values.push({ value: b.score, count: b.count });
    }
  }
  const cells: SubmissionCell[] = [...bins.entries()].map(([key, e]) => {
    const reason = input.notComparable?.get(rowId(e.row))?.has(e.indicatorId) ? 'versionChanged' : plan.reason(key);
    const base = { ...e.row, point: e.point, indicator: e.indicatorId, gender: e.gender ?? null };
    if (reason !== null) return { ...base, suppressed: true, reason, n: null, mean: null, sd: null, sharePositive: null, distribution: null };
    const d = describeCounts(e.values);
    return { ...base, suppressed: false, reason: null, n: d.n, mean: d.mean, sd: d.sd, sharePositive: d.sharePositive, distribution: d.distribution.map((s) => s.count) };
  });
  cells.sort(compareCells);

  const rows = new Map<string, SubmissionCount>();
  for (const q of input.questionnaires) {
    if (q.year !== year) continue;
    const reason = plan.reason(questionnaireKey(f, q, year));
    const row = rows.get(rowId(q)) ?? { respondentGroup: q.respondentGroup, interventionKind: q.interventionKind, interventions: 0, questionnaires: 0, suppressed: false, reason: null };
    rows.set(rowId(q), { ...row, questionnaires: reason === null ? (row.questionnaires ?? 0) + q.n : null, suppressed: reason !== null, reason });
  }
  for (const i of input.interventions) {
    const row = rows.get(rowId(i));
    if (i.year === year && row) row.interventions += i.n;
  }
  const totalKey = questionnaireKey(f, null, year);
  const totalReason = plan.n(totalKey) === 0 ? null : plan.reason(totalKey);
  return {
    format: SUBMISSION_FORMAT,
    schemaVersion: SUBMISSION_SCHEMA_VERSION,
    federation: input.federation,
    year,
    period: yearPeriod(year),
    producedAt: input.producedAt,
    software: { name: 'Indikator', version: input.softwareVersion },
    minGroupSize: MIN_GROUP_SIZE,
    instruments: [...input.instruments],
    counts: [...rows.values()].sort(compareRows),
    total: { questionnaires: totalReason === null ? plan.n(totalKey) : null, suppressed: totalReason !== null, reason: totalReason },
    cells,
  };
}


/** Rows in the order of the respondent groups, individual interventions first. */
export function compareRows(a: SubmissionRow, b: SubmissionRow): number {
  return RESPONDENT_GROUPS.indexOf(a.respondentGroup) - RESPONDENT_GROUPS.indexOf(b.respondentGroup) || INTERVENTION_KINDS.indexOf(a.interventionKind) - INTERVENTION_KINDS.indexOf(b.interventionKind);
}

function compareCells(a: SubmissionCell, b: SubmissionCell): number {
  return compareRows(a, b) || MEASUREMENT_POINTS.indexOf(a.point) - MEASUREMENT_POINTS.indexOf(b.point) || a.indicator.localeCompare(b.indicator)
    || (a.gender === null ? -1 : b.gender === null ? 1 : a.gender.localeCompare(b.gender));
}

/** The file's figures as CSV rows (render/csv.ts writes them): one per cell, hidden ones with their reason. */
export function submissionCsvRows(doc: SubmissionDocument): Record<string, string | number | null>[] {
  return doc.cells.map((c) => ({
    organisation_number: doc.federation.organisationNumber, federation: doc.federation.name, year: doc.year,
    respondent_group: c.respondentGroup, intervention_kind: c.interventionKind, point: c.point, indicator: c.indicator, gender: c.gender ?? 'all',
    n: c.n, mean: c.mean, sd: c.sd, share_positive: c.sharePositive, steps_1_to_7: c.distribution?.join(' ') ?? null, hidden: c.reason ?? '',
  }));
}
