// Regional projects (domain.md: several förbund, one delprojekt each, outcome targets): progress
// towards each target counted from participants' exit status, per delprojekt and in total, and
// the indicator changes per delprojekt side by side. Pure: no I/O.

import type { ExitStatus } from './exitStatus.js';
import {
  combinedPairedLines, REPORT_VERSION,
  type Count, type IndicatorInfo, type PairedLine, type Period, type TimedObservation,
} from './report.js';
import { suppressCounts } from './suppression.js';

/**
 * The exit statuses a predefined target kind counts. Competence development
 * (kompetensutveckling) has no exit status of its own: it counts participants who went on to
 * studies or to another intervention (most often a labour-market training), the two statuses in
 * which a participant continues to build skills. A target of kind 'custom' lists its own statuses.
 */
export const TARGET_EXIT_STATUSES: Record<'work_or_studies' | 'competence', readonly ExitStatus[]> = {
  work_or_studies: ['work', 'studies'],
  competence: ['studies', 'other_intervention'],
};

export interface TargetSpec { id: number; label: string; kind: 'work_or_studies' | 'competence' | 'custom'; exitStatuses: string[] | null; target: number }

export function statusesOf(target: Pick<TargetSpec, 'kind' | 'exitStatuses'>): readonly string[] {
  return target.kind === 'custom' ? target.exitStatuses ?? [] : TARGET_EXIT_STATUSES[target.kind];
}

export interface SubprojectInput {
  id: number;
  name: string;
  federationName: string;
  /** Per linked intervention: exit status counts of participants who ended in the period. */
  interventions: { id: number; exitStatuses: Record<string, number>; observations?: TimedObservation[] }[];
}

export interface TargetProgress {
  id: number;
  label: string;
  statuses: string[];
  target: number;
  total: Count;
  /** In the order of the subprojects. */
  bySubproject: Count[];
}

/**
 * Per target: the participants whose exit status counts, per subproject and in total, with
 * complementary suppression across the subprojects against the total.
 */
export function targetProgress(subprojects: readonly SubprojectInput[], targets: readonly TargetSpec[]): TargetProgress[] {
  return targets.map((target) => {
    const statuses = [...statusesOf(target)];
    const counts = subprojects.map((s) => s.interventions.reduce((sum, i) => sum + statuses.reduce((n, st) => n + (i.exitStatuses[st] ?? 0), 0), 0));
    const plan = suppressCounts(Object.fromEntries(counts.map((n, k) => [String(k), n])));
    return { id: target.id, label: target.label, statuses, target: target.target, total: plan.total, bySubproject: counts.map((_n, k) => plan.counts[String(k)]!) };
  });
}

export interface ProjectReportData {
  version: typeof REPORT_VERSION;
  project: { id: number; name: string; startsOn: string | null; endsOn: string | null };
  period: Period;
  generatedAt: string;
  subprojects: { id: number; name: string; federationName: string; interventions: number; ended: Count }[];
  targets: TargetProgress[];
  change: { from: string; to: string };
  indicators: { indicatorId: string; text: IndicatorInfo['text']; cells: PairedLine[] }[];
}

export interface ProjectReportInput {
  project: ProjectReportData['project'];
  period: Period;
  generatedAt: string;
  subprojects: SubprojectInput[];
  targets: TargetSpec[];
  indicators: IndicatorInfo[];
}

const START_TO_EXIT: [string, string] = ['start', 'exit'];

/** The steering group's report: target progress and indicator change per delprojekt. */
export function buildProjectReport(input: ProjectReportInput): ProjectReportData {
  const ended = targetProgress(input.subprojects, [{ id: 0, label: '', kind: 'custom', exitStatuses: allStatuses(input.subprojects), target: 1 }])[0]!;
  const perSubproject = input.subprojects.map((s) =>
    combinedPairedLines(s.interventions.map((i) => ({ observations: i.observations ?? [] })), input.indicators, START_TO_EXIT, input.period),
  );
  return {
    version: REPORT_VERSION,
    project: input.project,
    period: input.period,
    generatedAt: input.generatedAt,
    subprojects: input.subprojects.map((s, k) => ({ id: s.id, name: s.name, federationName: s.federationName, interventions: s.interventions.length, ended: ended.bySubproject[k]! })),
    targets: targetProgress(input.subprojects, input.targets),
    change: { from: START_TO_EXIT[0], to: START_TO_EXIT[1] },
    indicators: input.indicators.map((ind, k) => ({ indicatorId: ind.id, text: ind.text, cells: perSubproject.map((lines) => lines[k]!) })),
  };
}

function allStatuses(subprojects: readonly SubprojectInput[]): string[] {
  return [...new Set(subprojects.flatMap((s) => s.interventions.flatMap((i) => Object.keys(i.exitStatuses))))];
}
