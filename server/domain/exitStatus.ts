/** Why a participant left the intervention; labels are under `exitStatus.<key>` in the translation files. */
export const EXIT_STATUSES = ['work', 'studies', 'other_intervention', 'job_seeking', 'sick_leave', 'ended_early', 'moved', 'other'] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

export function isExitStatus(value: unknown): value is ExitStatus {
  return typeof value === 'string' && (EXIT_STATUSES as readonly string[]).includes(value);
}

/** Exit statuses a report shows together as one figure: "to work or studies". */
export const EXIT_GROUPS: Readonly<Record<'work_or_studies', readonly ExitStatus[]>> = { work_or_studies: ['work', 'studies'] };
