// The board report (domain.md: what a styrelse reads): key figures, each indicator's paired change
// from start to exit in plain words, exit statuses and comparisons, for one measurement round or
// for everything so far. The figures are built by services/boardReport.ts from the read model and
// the disclosure plan; this module holds the shape that is shown, printed and frozen as JSON, how
// the time is chosen, and how a change is written as a sentence. Pure.

import { changeNumbers, type ChangeVerdict } from './changeReading.js';
import type { LocalizedText } from './instrumentTypes.js';
import type { VersionNotice } from './instrumentVersions.js';
import { formatDecimal, formatInteger } from './numberFormat.js';
import type { Interval } from './statistics.js';
import type { SuppressionReason } from './suppression.js';
import type { MeasurementPoint } from './instrumentTypes.js';

/** Bumped when the shape of ReportData changes; older frozen snapshots are upgraded when read. */
export const REPORT_VERSION = 2;

/** A count as a report shows it: the number, or why it is hidden. */
export interface CountFigure { cell: string; n: number | null; reason: SuppressionReason | null }

/** A mean with its n, or why it is hidden. */
export interface MeanFigure { cell: string; n: number | null; mean: number | null; reason: SuppressionReason | null }

export interface RoundInfo { id: number; name: string; startsOn: string; endsOn: string }

/** What a report is about in time: one measurement round, or (round null) every answer so far. */
export interface ReportTime {
  round: RoundInfo | null;
  /** A frozen report of the first version covered a free date range. */
  legacyPeriod?: { from: string; to: string };
}

export type Translate = (key: string, vars?: Record<string, unknown>) => string;

/**
 * One indicator's change for the same participants between two measurement points; or, for an
 * indicator asked only at the second point (satisfaction with the intervention), its mean there.
 */
export interface PairedLine {
  indicatorId: string;
  text: LocalizedText;
  /** True when the indicator is asked only at the second point: n and after are that point's. */
  endOnly: boolean;
  cell: string;
  reason: SuppressionReason | null;
  n: number | null;
  /** The paired people's means at the first and second point; null when hidden on their own. */
  before: number | null;
  after: number | null;
  meanDiff: number | null;
  ci95: Interval | null;
  verdict: ChangeVerdict | null;
  improved: number | null;
  unchanged: number | null;
  worse: number | null;
}

/** The reason's words, the same on every page ("för få svar", "dold för att skydda en annan grupp", …). */
export function hiddenText(t: Translate, reason: SuppressionReason | null): string {
  return reason === null ? '' : t(`disclosure.${reason}`);
}

/**
 * The change of one indicator as a sentence a board member reads: "Förtroende för
 * Försäkringskassan: 3,9 → 4,8 (+0,9). Tydlig förbättring: 14 av 20 förbättrades, 2 försämrades",
 * or why it is not shown. Numbers follow the rounding rule of changeReading.ts.
 */
export function changeSentence(t: Translate, lang: string, label: string, line: PairedLine): string {
  if (line.reason !== null || line.n === null) return t('reports.sentenceHidden', { indicator: label, reason: hiddenText(t, line.reason ?? 'tooFew') });
  if (line.endOnly) return t('reports.endOnlySentence', { indicator: label, after: formatDecimal(line.after, lang), n: formatInteger(line.n, lang) });
  const numbers = changeNumbers(line.before, line.after, line.meanDiff ?? 0);
  const diff = formatDecimal(numbers.diff, lang, numbers.digits, true);
  const counts = {
    // A frozen report of the first version has no verdict: its sentence goes without one.
    verdict: line.verdict === null ? '' : t('reports.verdictPrefix', { verdict: t(`reading.${line.verdict}`) }),
    improved: formatInteger(line.improved, lang), worse: formatInteger(line.worse, lang), pairs: formatInteger(line.n, lang),
  };
  if (numbers.before === null || numbers.after === null) return t('reports.changeSentenceNoMeans', { indicator: label, diff, ...counts });
  return t('reports.changeSentence', {
    indicator: label, before: formatDecimal(numbers.before, lang, numbers.digits), after: formatDecimal(numbers.after, lang, numbers.digits), diff, ...counts,
  });
}

export interface RateLine { point: MeasurementPoint; issued: CountFigure; answered: CountFigure; rate: number | null }

export interface InterventionSection {
  id: number;
  name: string;
  targetGroup: string | null;
  figures: { active: CountFigure; started: CountFigure; ended: CountFigure; workOrStudies: CountFigure };
  rates: RateLine[];
  /** The two points of the change shown (start → exit), or null when the intervention lacks them. */
  change: { from: string; to: string } | null;
  indicators: PairedLine[];
  /** Participants who ended, per exit status; their total is figures.ended. */
  exitStatuses: { status: string; count: CountFigure }[];
}

export type ComparisonColumn =
  | { kind: 'intervention'; id: number; name: string }
  | { kind: 'otherInterventions' }
  | { kind: 'installation'; federations: number };

export interface ComparisonRow { indicatorId: string; text: LocalizedText; cells: MeanFigure[] }

export interface ProgressTarget {
  id: number;
  label: string;
  target: number;
  /** The subproject's own count and the project's total. */
  own: CountFigure;
  total: CountFigure;
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
  time: ReportTime;
  generatedAt: string;
  figures: { interventions: number; active: CountFigure; started: CountFigure; ended: CountFigure; workOrStudies: CountFigure };
  sections: InterventionSection[];
  /** Interventions with no participant and no code in the time: named in one line, not given a section. */
  withoutParticipants: { id: number; name: string }[];
  comparison: { point: MeasurementPoint; columns: ComparisonColumn[]; rows: ComparisonRow[] };
  projects: FederationProjectProgress[];
  /** The instrument versions behind the figures when more than one (absent in reports frozen before versions were told). */
  instrumentVersions?: VersionNotice | null;
}

export type ReportTimeChoice = { ok: true; round: RoundInfo | null } | { ok: false };

/**
 * The time of a report from ?round=: a round of the federation by id, "all" for everything so far,
 * or by default the latest round that has begun (everything so far when there is none). A
 * report covers a round or everything, never free dates: two reports of nearly the same dates would
 * give the answers of the days between them away.
 */
export function chooseReportTime(query: { round?: unknown }, rounds: readonly RoundInfo[], today: string): ReportTimeChoice {
  const value = typeof query.round === 'string' ? query.round.trim() : '';
  if (value === 'all') return { ok: true, round: null };
  if (value === '') return { ok: true, round: [...rounds].filter((r) => r.startsOn <= today).sort((a, b) => a.startsOn.localeCompare(b.startsOn)).at(-1) ?? null };
  const round = /^\d{1,12}$/.test(value) ? rounds.find((r) => r.id === Number(value)) : undefined;
  return round ? { ok: true, round } : { ok: false };
}

// A frozen snapshot of the first version (free dates, counts as bare numbers) read as this version.
type V1Count = number | null;
interface V1Line { indicatorId: string; text: LocalizedText; endOnly: boolean; suppressed: boolean; n: V1Count; before: number | null; after: number | null; meanDiff: number | null; improved: V1Count; unchanged: V1Count; worse: V1Count }
interface V1Report {
  version: 1; scope: ReportData['scope']; federation: ReportData['federation']; intervention: ReportData['intervention'];
  period: { from: string; to: string }; generatedAt: string;
  figures: { interventions: number; active: V1Count; started: V1Count; ended: V1Count };
  sections: Array<{
    id: number; name: string; targetGroup: string | null;
    figures: { active: V1Count; started: V1Count; ended: V1Count; workOrStudies: V1Count };
    rates: Array<{ point: MeasurementPoint; issued: V1Count; answered: V1Count; rate: number | null }>;
    change: { from: string; to: string } | null; indicators: V1Line[];
    exitStatuses: { counts: Record<string, V1Count>; total: V1Count };
  }>;
  comparison: { point: MeasurementPoint; columns: ComparisonColumn[]; rows: Array<{ indicatorId: string; text: LocalizedText; cells: Array<{ suppressed: boolean; n: V1Count; mean: number | null }> }> };
  projects: Array<{ project: FederationProjectProgress['project']; subproject: FederationProjectProgress['subproject']; targets: Array<{ id: number; label: string; target: number; own: V1Count; total: V1Count }> }>;
}

const v1Count = (n: V1Count): CountFigure => ({ cell: '', n, reason: n === null ? 'tooFew' : null });

/** Reads a frozen report of any version as the current shape; the figures are never recomputed. */
export function upgradeReport(data: { version: number }): ReportData {
  if (data.version === REPORT_VERSION) return data as ReportData;
  if (data.version !== 1) throw new RangeError(`unknown report version ${data.version}`);
  const v1 = data as V1Report;
  return {
    version: REPORT_VERSION, scope: v1.scope, federation: v1.federation, intervention: v1.intervention,
    time: { round: null, legacyPeriod: v1.period }, generatedAt: v1.generatedAt,
    figures: { interventions: v1.figures.interventions, active: v1Count(v1.figures.active), started: v1Count(v1.figures.started), ended: v1Count(v1.figures.ended), workOrStudies: v1Count(null) },
    sections: v1.sections.map((s) => ({
      id: s.id, name: s.name, targetGroup: s.targetGroup,
      figures: { active: v1Count(s.figures.active), started: v1Count(s.figures.started), ended: v1Count(s.figures.ended), workOrStudies: v1Count(s.figures.workOrStudies) },
      rates: s.rates.map((r) => ({ point: r.point, issued: v1Count(r.issued), answered: v1Count(r.answered), rate: r.rate })),
      change: s.change,
      indicators: s.indicators.map((l) => ({
        indicatorId: l.indicatorId, text: l.text, endOnly: l.endOnly, cell: '', reason: l.suppressed ? 'tooFew' : null, n: l.n,
        before: l.before, after: l.after, meanDiff: l.meanDiff, ci95: null, verdict: null, improved: l.improved, unchanged: l.unchanged, worse: l.worse,
      })),
      exitStatuses: Object.entries(s.exitStatuses.counts).map(([status, n]) => ({ status, count: v1Count(n) })),
    })),
    withoutParticipants: [],
    comparison: {
      point: v1.comparison.point, columns: v1.comparison.columns,
      rows: v1.comparison.rows.map((r) => ({ indicatorId: r.indicatorId, text: r.text, cells: r.cells.map((c) => ({ cell: '', n: c.n, mean: c.mean, reason: c.suppressed ? 'tooFew' : null })) })),
    },
    projects: v1.projects.map((p) => ({ ...p, targets: p.targets.map((t) => ({ ...t, own: v1Count(t.own), total: v1Count(t.total) })) })),
  };
}
