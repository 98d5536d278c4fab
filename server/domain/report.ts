// The board report (domain.md: what a styrelse reads): key figures, each indicator's paired change
// from start to exit in plain words, exit status counts and comparisons, for one period. Pure: the
// storage layer reads the rows, this turns them into the view model that is shown, printed and
// frozen as JSON. Every figure built from 1–4 people is hidden, and figures shown side by side are
// planned together so that no difference between them reveals a hidden one.

import { summarizeIntervention, type ScoreObservation } from './comparison.js';
import { EXIT_STATUSES } from './exitStatus.js';
import type { LocalizedText } from './instrumentTypes.js';
import { describe } from './statistics.js';
import { MIN_GROUP_SIZE, suppressCounts, type SuppressedCounts } from './suppression.js';

/** Bumped when the shape of ReportData changes, so a frozen snapshot says which shape it has. */
export const REPORT_VERSION = 1;

/** A closed range of calendar dates, YYYY-MM-DD. */
export interface Period { from: string; to: string }

export interface PeriodError { field: 'from' | 'to'; code: string }
export type PeriodResult = { ok: true; period: Period } | { ok: false; errors: PeriodError[]; input: { from: string; to: string } };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function shiftDate(date: string, years: number, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The twelve months up to and including `today`. */
export function defaultPeriod(today: string): Period {
  return { from: shiftDate(today, -1, 1), to: today };
}

/**
 * The report period from ?from=&to= (either may be left out: to defaults to today, from to twelve
 * months before to). Error codes are translation keys under `errors.`.
 */
export function parsePeriod(query: { from?: unknown; to?: unknown }, today: string): PeriodResult {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 20) : '');
  const input = { from: text(query.from), to: text(query.to) };
  const errors: PeriodError[] = [];
  if (input.from && !isCalendarDate(input.from)) errors.push({ field: 'from', code: 'staff.dateInvalid' });
  if (input.to && !isCalendarDate(input.to)) errors.push({ field: 'to', code: 'staff.dateInvalid' });
  if (errors.length) return { ok: false, errors, input };
  const to = input.to || (input.from && input.from > today ? input.from : today);
  const from = input.from || defaultPeriod(to).from;
  if (from > to) return { ok: false, errors: [{ field: 'to', code: 'form.endBeforeStart' }], input };
  return { ok: true, period: { from, to } };
}

/** The Intl locale for a UI language: Swedish decimal comma, English decimal point. */
export function numberLocale(lang: string): string {
  return lang === 'en' ? 'en-GB' : 'sv-SE';
}

/**
 * A number with a fixed count of decimals in the language's own way ("3,9" in Swedish); `signed`
 * writes + and − except on what rounds to zero ("+0,4", "−0,1", "0,0").
 */
export function formatDecimal(value: number, lang: string, digits = 1, signed = false): string {
  return value.toLocaleString(numberLocale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: signed ? 'exceptZero' : 'auto' });
}

export type Translate = (key: string, vars?: Record<string, unknown>) => string;

/** A shown count, or null where it is hidden because it describes 1–4 people. */
export type Count = number | null;

const hideSmall = (n: number): Count => (n > 0 && n < MIN_GROUP_SIZE ? null : n);

/**
 * One indicator's change for the same participants between two measurement points; or, for an
 * indicator asked only at the second point (satisfaction with the intervention), its mean there.
 */
export interface PairedLine {
  indicatorId: string;
  text: LocalizedText;
  /** True when the indicator has no answers at the first point: n, after are for the second only. */
  endOnly: boolean;
  suppressed: boolean;
  /** Participants who answered at both points (or, endOnly, at the second); null when hidden. */
  n: Count;
  /** Their mean at the first and at the second point. */
  before: number | null;
  after: number | null;
  meanDiff: number | null;
  improved: Count;
  unchanged: Count;
  worse: Count;
}

/**
 * The change of one indicator as a sentence a board member reads: "Förtroende för
 * Försäkringskassan: 3,9 → 4,8, 14 av 20 förbättrades", or that there were too few answers.
 */
export function changeSentence(t: Translate, lang: string, label: string, line: Pick<PairedLine, 'endOnly' | 'suppressed' | 'n' | 'before' | 'after' | 'improved'>): string {
  const locale = numberLocale(lang);
  if (line.endOnly) {
    if (line.suppressed || line.n === null || line.after === null) return t('reports.endOnlySentenceTooFew', { indicator: label });
    return t('reports.endOnlySentence', { indicator: label, after: formatDecimal(line.after, lang), n: line.n.toLocaleString(locale) });
  }
  if (line.suppressed || line.n === null || line.before === null || line.after === null || line.improved === null) {
    return t('reports.changeSentenceTooFew', { indicator: label });
  }
  return t('reports.changeSentence', {
    indicator: label,
    before: formatDecimal(line.before, lang),
    after: formatDecimal(line.after, lang),
    improved: line.improved.toLocaleString(locale),
    pairs: line.n.toLocaleString(locale),
  });
}

/** An observation with the date its response was submitted. */
export interface TimedObservation extends ScoreObservation { submittedOn: string }

const inPeriod = (date: string, p: Period) => date >= p.from && date <= p.to;

/**
 * The observations that pair for a change from `from` to `to`: the participant's latest answer at
 * each point for the indicator, kept only when both exist. Anonymous answers never pair.
 */
function pairedObservations(observations: readonly ScoreObservation[], from: string, to: string): ScoreObservation[] {
  const latest = new Map<string, ScoreObservation>();
  for (const o of observations) {
    if (o.participantId === null || (o.point !== from && o.point !== to)) continue;
    latest.set(`${o.indicatorId}|${o.participantId}|${o.point}`, o);
  }
  return [...latest.values()].filter((o) => {
    const other = o.point === from ? to : from;
    return latest.has(`${o.indicatorId}|${o.participantId}|${other}`);
  });
}

/** The scores at a point submitted in the period: each participant's latest, every anonymous one (n counts people). */
function pointScores(observations: readonly TimedObservation[], point: string, indicatorId: string, period: Period): number[] {
  const byParticipant = new Map<number, number>();
  const anonymous: number[] = [];
  for (const o of observations) {
    if (o.point !== point || o.indicatorId !== indicatorId || !inPeriod(o.submittedOn, period)) continue;
    if (o.participantId === null) anonymous.push(o.score);
    else byParticipant.set(o.participantId, o.score);
  }
  return [...anonymous, ...byParticipant.values()];
}

export interface IndicatorInfo { id: string; text: LocalizedText }

interface LineBasis { relevant: TimedObservation[]; endOnly: Set<string> }

/** The observations a change uses: answers at `to` submitted in the period, at `from` up to its end. */
function lineBasis(observations: readonly TimedObservation[], change: readonly [string, string], period: Period): LineBasis {
  const [from, to] = change;
  const relevant = observations.filter((o) => o.point === from || (o.point === to && inPeriod(o.submittedOn, period)));
  const asked = new Set(relevant.filter((o) => o.point === from).map((o) => o.indicatorId));
  return { relevant, endOnly: new Set(relevant.filter((o) => !asked.has(o.indicatorId)).map((o) => o.indicatorId)) };
}

const hiddenLine = (line: PairedLine): PairedLine => ({ ...line, suppressed: true, n: null, before: null, after: null, meanDiff: null, improved: null, unchanged: null, worse: null });

/**
 * Per indicator, the paired change from `from` to `to` for participants whose answer at `to` was
 * submitted in the period (their answer at `from` may be older: they started before the period).
 * The observations must be those submitted up to the end of the period, oldest first.
 */
export function pairedLines(observations: readonly TimedObservation[], indicators: readonly IndicatorInfo[], change: readonly [string, string], period: Period): PairedLine[] {
  const [from, to] = change;
  const { relevant, endOnly } = lineBasis(observations, change, period);
  const results = summarizeIntervention(pairedObservations(relevant, from, to), indicators.map((i) => i.id), [from, to], [from, to]);
  return results.map((r, k) => {
    const base = { indicatorId: r.indicatorId, text: indicators[k]!.text, endOnly: endOnly.has(r.indicatorId) };
    const empty: PairedLine = { ...base, suppressed: true, n: null, before: null, after: null, meanDiff: null, improved: null, unchanged: null, worse: null };
    if (base.endOnly) {
      const cell = meanCell(pointScores(relevant, to, r.indicatorId, period));
      return cell.suppressed ? empty : { ...empty, suppressed: false, n: cell.n, after: cell.mean };
    }
    const c = r.change;
    if (!c || c.suppressed) return empty;
    const [before, after] = r.points;
    return {
      ...base, suppressed: false, n: c.n,
      before: before && !before.suppressed ? before.mean : null,
      after: after && !after.suppressed ? after.mean : null,
      meanDiff: c.meanDiff, improved: c.improved, unchanged: c.unchanged, worse: c.worse,
    };
  });
}

/** Per indicator, the group size behind its line before suppression: pairs, or respondents at `to` for endOnly. */
function lineSizes(observations: readonly TimedObservation[], change: readonly [string, string], period: Period): Map<string, number> {
  const [from, to] = change;
  const { relevant, endOnly } = lineBasis(observations, change, period);
  const sizes = new Map<string, number>();
  for (const o of pairedObservations(relevant, from, to)) if (o.point === to) sizes.set(o.indicatorId, (sizes.get(o.indicatorId) ?? 0) + 1);
  for (const id of endOnly) sizes.set(id, pointScores(relevant, to, id, period).length);
  return sizes;
}

/**
 * The change of a group made of several parts (a subproject's interventions): hidden when any
 * part has 1–4 people behind it, since the parts are shown elsewhere and the difference would
 * reveal that small group.
 */
export function combinedPairedLines(
  parts: ReadonlyArray<{ observations: readonly TimedObservation[] }>,
  indicators: readonly IndicatorInfo[],
  change: readonly [string, string],
  period: Period,
): PairedLine[] {
  const lines = pairedLines(parts.flatMap((p) => p.observations), indicators, change, period);
  const partSizes = parts.map((p) => lineSizes(p.observations, change, period));
  return lines.map((line) => (partSizes.some((sizes) => hideSmall(sizes.get(line.indicatorId) ?? 0) === null) ? hiddenLine(line) : line));
}

/** Exit status counts in EXIT_STATUSES order (then any other status), with complementary suppression. */
export function exitStatusBreakdown(counts: Readonly<Record<string, number>>): SuppressedCounts {
  const ordered: Record<string, number> = {};
  for (const status of EXIT_STATUSES) ordered[status] = counts[status] ?? 0;
  for (const [status, n] of Object.entries(counts)) if (!(status in ordered)) ordered[status] = n;
  // Nobody ended: zeros describe nobody, there is nothing to hide.
  if (Object.values(ordered).every((n) => n === 0)) return { counts: ordered, total: 0 };
  return suppressCounts(ordered);
}

/** The sum of some shown cells of a breakdown; hidden when any of them is hidden (it would reveal it). */
export function shownSum(counts: Readonly<Record<string, Count>>, keys: readonly string[]): Count {
  let sum = 0;
  for (const key of keys) {
    const n: Count = key in counts ? (counts[key] as Count) : 0;
    if (n === null) return null;
    sum += n;
  }
  return sum;
}

export const WORK_OR_STUDIES: readonly string[] = ['work', 'studies'];

export interface ParticipantFigures { active: number; started: number; ended: number }

export interface InterventionInput {
  intervention: { id: number; name: string; targetGroup: string | null };
  points: string[];
  indicators: IndicatorInfo[];
  /** Indicator scores of responses submitted up to the end of the period, oldest first. */
  observations: TimedObservation[];
  participants: ParticipantFigures;
  exitStatuses: Record<string, number>;
  /** Codes issued in the period per measurement point, and how many of them were answered. */
  rates: { point: string; issued: number; answered: number }[];
}

export interface RateLine { point: string; issued: Count; answered: Count; rate: number | null }

export interface InterventionSection {
  id: number;
  name: string;
  targetGroup: string | null;
  figures: { active: Count; started: Count; ended: Count; workOrStudies: Count };
  rates: RateLine[];
  /** The two points of the change shown (start → exit), or null when the intervention lacks them. */
  change: { from: string; to: string } | null;
  indicators: PairedLine[];
  exitStatuses: SuppressedCounts;
}

/** A mean and its n, or hidden. */
export interface MeanCell { suppressed: boolean; n: Count; mean: number | null }

export type ComparisonColumn =
  | { kind: 'intervention'; id: number; name: string }
  | { kind: 'otherInterventions' }
  | { kind: 'installation'; federations: number };

export interface ComparisonRow { indicatorId: string; text: LocalizedText; cells: MeanCell[] }

/** The exit mean of one indicator over every federation's submitted responses (aggregates only). */
export interface InstallationAggregate {
  indicatorId: string;
  n: number;
  mean: number | null;
  /** Responses from other federations than the one reported on. */
  othersN: number;
  federations: number;
}

export interface ProgressTarget {
  id: number;
  label: string;
  target: number;
  /** The subproject's own count and the project's total, hidden where small. */
  own: Count;
  total: Count;
}

export interface FederationProjectProgress {
  project: { id: number; name: string; startsOn: string | null; endsOn: string | null };
  subproject: { id: number; name: string };
  targets: ProgressTarget[];
}

export interface ReportData {
  version: typeof REPORT_VERSION;
  scope: 'federation' | 'intervention';
  federation: { id: number; name: string };
  intervention: { id: number; name: string } | null;
  period: Period;
  generatedAt: string;
  figures: { interventions: number; active: Count; started: Count; ended: Count };
  sections: InterventionSection[];
  comparison: { point: string; columns: ComparisonColumn[]; rows: ComparisonRow[] };
  projects: FederationProjectProgress[];
}

export interface ReportInput {
  federation: { id: number; name: string };
  period: Period;
  generatedAt: string;
  /** Every individual intervention of the federation (also for a one-intervention report). */
  interventions: InterventionInput[];
  /** The one intervention reported on; absent for the report of the whole federation. */
  interventionId?: number;
  installation: InstallationAggregate[];
  projects: FederationProjectProgress[];
}

const COMPARISON_POINT = 'exit';
const START_TO_EXIT: [string, string] = ['start', 'exit'];

function meanCell(values: readonly number[]): MeanCell {
  const stats = describe(values);
  return stats.n < MIN_GROUP_SIZE ? { suppressed: true, n: null, mean: null } : { suppressed: false, n: stats.n, mean: stats.mean };
}

const HIDDEN: MeanCell = { suppressed: true, n: null, mean: null };

function installationCell(agg: InstallationAggregate | undefined): MeanCell {
  // Shown only when the other federations have at least 5 answers between them: otherwise this
  // federation's own figures subtracted from the total would reveal a small group elsewhere.
  if (!agg || agg.n < MIN_GROUP_SIZE || agg.othersN < MIN_GROUP_SIZE || agg.mean === null) return HIDDEN;
  return { suppressed: false, n: agg.n, mean: agg.mean };
}

/**
 * Counts per intervention made safe to show with the federation's total beside them; also used
 * for a one-intervention report so that both reports hide the same cells.
 */
function planFigure(inputs: readonly InterventionInput[], figure: keyof ParticipantFigures): SuppressedCounts {
  return suppressCounts(Object.fromEntries(inputs.map((i) => [String(i.intervention.id), i.participants[figure]])));
}

function buildSection(input: InterventionInput, period: Period, figures: InterventionSection['figures']): InterventionSection {
  const change = input.points.includes(START_TO_EXIT[0]) && input.points.includes(START_TO_EXIT[1]) ? START_TO_EXIT : null;
  const exitStatuses = exitStatusBreakdown(input.exitStatuses);
  return {
    id: input.intervention.id,
    name: input.intervention.name,
    targetGroup: input.intervention.targetGroup,
    figures: { ...figures, workOrStudies: exitStatuses.total === null ? null : shownSum(exitStatuses.counts, WORK_OR_STUDIES) },
    rates: input.rates.map((r) => {
      const issued = hideSmall(r.issued);
      const answered = hideSmall(r.answered);
      return { point: r.point, issued, answered, rate: issued && answered !== null ? answered / issued : null };
    }),
    change: change ? { from: change[0], to: change[1] } : null,
    indicators: change ? pairedLines(input.observations, input.indicators, change, period) : [],
    exitStatuses,
  };
}

/** The indicators of all interventions, in the order they first appear. */
function allIndicators(inputs: readonly InterventionInput[]): IndicatorInfo[] {
  const seen = new Map<string, IndicatorInfo>();
  for (const input of inputs) for (const ind of input.indicators) if (!seen.has(ind.id)) seen.set(ind.id, ind);
  return [...seen.values()];
}

/** The board report of a federation, or of one of its interventions (input.interventionId). */
export function buildReport(input: ReportInput): ReportData {
  const { period } = input;
  const plans = { active: planFigure(input.interventions, 'active'), started: planFigure(input.interventions, 'started'), ended: planFigure(input.interventions, 'ended') };
  const all = input.interventions.map((i) => {
    const key = String(i.intervention.id);
    return buildSection(i, period, { active: plans.active.counts[key]!, started: plans.started.counts[key]!, ended: plans.ended.counts[key]!, workOrStudies: null });
  });
  // The exit status total is the number of participants who ended: where that breakdown had to
  // hide its total, "ended" is hidden too, here and in the federation's sum.
  let endedTotal = plans.ended.total;
  for (const section of all) {
    if (section.exitStatuses.total === null && section.figures.ended !== null) {
      section.figures.ended = null;
      endedTotal = null;
    }
  }

  const indicators = allIndicators(input.interventions);
  const installation = new Map(input.installation.map((a) => [a.indicatorId, a]));
  const focus = input.interventionId === undefined ? undefined : input.interventions.find((i) => i.intervention.id === input.interventionId);
  if (input.interventionId !== undefined && !focus) throw new RangeError(`intervention ${input.interventionId} is not among the inputs`);

  let columns: ComparisonColumn[];
  let rows: ComparisonRow[];
  const federations = Math.max(0, ...input.installation.map((a) => a.federations));
  if (focus) {
    const others = input.interventions.filter((i) => i !== focus);
    columns = [{ kind: 'intervention', id: focus.intervention.id, name: focus.intervention.name }, { kind: 'otherInterventions' }, { kind: 'installation', federations }];
    rows = indicators.map((ind) => {
      const parts = others.map((o) => pointScores(o.observations, COMPARISON_POINT, ind.id, period));
      // Combined, the other interventions are hidden when one of them is small on its own: the
      // federation report shows them one by one, and the difference would reveal the small one.
      const othersCell = parts.some((p) => hideSmall(p.length) === null) ? HIDDEN : meanCell(parts.flat());
      return { indicatorId: ind.id, text: ind.text, cells: [meanCell(pointScores(focus.observations, COMPARISON_POINT, ind.id, period)), othersCell, installationCell(installation.get(ind.id))] };
    });
  } else {
    columns = [...input.interventions.map((i): ComparisonColumn => ({ kind: 'intervention', id: i.intervention.id, name: i.intervention.name })), { kind: 'installation', federations }];
    rows = indicators.map((ind) => ({
      indicatorId: ind.id,
      text: ind.text,
      cells: [...input.interventions.map((i) => meanCell(pointScores(i.observations, COMPARISON_POINT, ind.id, period))), installationCell(installation.get(ind.id))],
    }));
  }

  const sections = focus ? all.filter((s) => s.id === focus.intervention.id) : all;
  const figures = focus
    ? { interventions: 1, active: sections[0]!.figures.active, started: sections[0]!.figures.started, ended: sections[0]!.figures.ended }
    : { interventions: all.length, active: plans.active.total, started: plans.started.total, ended: endedTotal };
  return {
    version: REPORT_VERSION,
    scope: focus ? 'intervention' : 'federation',
    federation: input.federation,
    intervention: focus ? { id: focus.intervention.id, name: focus.intervention.name } : null,
    period,
    generatedAt: input.generatedAt,
    figures,
    sections,
    comparison: { point: COMPARISON_POINT, columns, rows },
    projects: input.projects,
  };
}
