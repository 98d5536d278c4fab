// Regional projects (domain.md: several förbund, one delprojekt each, outcome targets): what a
// target counts, and the shape of the steering group's report. The figures are built by
// services/boardReport.ts. Pure.

import type { ExitStatus } from './exitStatus.js';
import type { LocalizedText } from './instrumentTypes.js';
import type { VersionNotice } from './instrumentVersions.js';
import type { CountFigure, PairedLine, REPORT_VERSION } from './report.js';

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

export interface TargetSpec { kind: 'work_or_studies' | 'competence' | 'custom'; exitStatuses: string[] | null }

export function statusesOf(target: TargetSpec): readonly string[] {
  return target.kind === 'custom' ? target.exitStatuses ?? [] : TARGET_EXIT_STATUSES[target.kind];
}

export interface TargetProgress {
  id: number;
  label: string;
  statuses: string[];
  target: number;
  total: CountFigure;
  /** In the order of the subprojects. */
  bySubproject: CountFigure[];
}

/** The steering group's report; its figures cover every participant of the interventions linked to the delprojekt. */
export interface ProjectReportData {
  version: typeof REPORT_VERSION;
  project: { id: number; name: string; startsOn: string | null; endsOn: string | null };
  generatedAt: string;
  subprojects: { id: number; name: string; federationName: string; interventions: number; ended: CountFigure }[];
  targets: TargetProgress[];
  change: { from: string; to: string };
  indicators: { indicatorId: string; text: LocalizedText; cells: PairedLine[] }[];
  /** The instrument versions behind the figures when more than one (absent in reports frozen before versions were told). */
  instrumentVersions?: VersionNotice | null;
}
