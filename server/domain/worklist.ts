// What staff have to do today: who is due for which questionnaire, codes handed out but not
// answered, participants still in the intervention after its planned length. Pure: the clock and
// the intervention's schedule are passed in (storage/worklist.ts reads the rest).
//
// Due, per measurement point the intervention uses (a point with a code still out is not due: the
// code is out, and it shows as unanswered once it is older than the reminder):
// - start: no start questionnaire answered yet, since the participant started (or was registered);
// - ongoing: every N months (the intervention's setting) after the last start or ongoing answer, or
//   the start date, until the participant exits;
// - exit: once an exit date is set, until an exit questionnaire is answered;
// - follow-up: N months after the exit date, until a follow-up questionnaire is answered.

import { addDays, addMonths } from './calendarDate.js';
import type { MeasurementPoint } from './instrumentTypes.js';

export interface MeasurementSchedule {
  /** The ongoing questionnaire every N months while the participant is in the intervention (null: not scheduled). */
  ongoingEveryMonths: number | null;
  /** The follow-up questionnaire N months after exit (null: not scheduled). */
  followupAfterMonths: number | null;
  /** How long the intervention is planned to last for one participant (null: no planned length). */
  plannedLengthMonths: number | null;
  /** A code handed out this many days ago and not answered is followed up. */
  remindAfterDays: number;
}

export const DEFAULT_REMIND_AFTER_DAYS = 14;

export interface WorklistParticipant { id: number; pseudonym: string; localRef: string | null; startedOn: string | null; registeredOn: string; exitedOn: string | null }
export interface WorklistCode { code: string; participantId: number; point: MeasurementPoint; status: 'active' | 'spent' | 'revoked'; createdOn: string; responseStatus: 'in_progress' | 'submitted' | null }
export interface WorklistAnswer { participantId: number; point: MeasurementPoint; lastSubmittedOn: string }

export const WORK_KINDS = ['start', 'ongoing', 'exit', 'followup', 'unanswered', 'noExit'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];
/** The work kinds that mean "give this person a code for this point". */
export const DUE_KINDS: readonly WorkKind[] = ['start', 'ongoing', 'exit', 'followup'];

export interface WorkItem {
  kind: WorkKind;
  participantId: number;
  pseudonym: string;
  localRef: string | null;
  /** The point to answer (null for "no exit after the planned length"). */
  point: MeasurementPoint | null;
  /** Since when: the date it became due, or the code was handed out. */
  since: string;
  /** The unanswered code. */
  code: string | null;
}

export interface WorklistInput {
  points: readonly MeasurementPoint[];
  schedule: MeasurementSchedule;
  participants: readonly WorklistParticipant[];
  codes: readonly WorklistCode[];
  answers: readonly WorklistAnswer[];
  today: string;
}

export function worklist(input: WorklistInput): WorkItem[] {
  const { points, schedule, today } = input;
  const uses = (p: MeasurementPoint) => points.includes(p);
  const answered = new Map(input.answers.map((a) => [`${a.participantId}|${a.point}`, a.lastSubmittedOn]));
  const codesOf = new Map<number, WorklistCode[]>();
  for (const c of input.codes) codesOf.set(c.participantId, [...(codesOf.get(c.participantId) ?? []), c]);
  const items: WorkItem[] = [];
  for (const p of input.participants) {
    const item = (kind: WorkKind, point: MeasurementPoint | null, since: string, code: string | null = null): WorkItem => ({ kind, participantId: p.id, pseudonym: p.pseudonym, localRef: p.localRef, point, since, code });
    const open = (codesOf.get(p.id) ?? []).filter((c) => c.status === 'active' && c.responseStatus !== 'submitted');
    const lastAnswer = (point: MeasurementPoint) => answered.get(`${p.id}|${point}`) ?? null;
    const began = p.startedOn ?? p.registeredOn;
    const due = (point: 'start' | 'ongoing' | 'exit' | 'followup', since: string | null) => {
      if (since === null || since > today || !uses(point) || open.some((c) => c.point === point)) return;
      items.push(item(point, point, since));
    };
    due('start', lastAnswer('start') === null ? began : null);
    if (schedule.ongoingEveryMonths !== null && p.exitedOn === null) {
      const anchor = [began, lastAnswer('start'), lastAnswer('ongoing')].filter((d): d is string => d !== null).sort().at(-1)!;
      due('ongoing', addMonths(anchor, schedule.ongoingEveryMonths));
    }
    if (p.exitedOn !== null) {
      due('exit', lastAnswer('exit') === null ? p.exitedOn : null);
      if (schedule.followupAfterMonths !== null) due('followup', lastAnswer('followup') === null ? addMonths(p.exitedOn, schedule.followupAfterMonths) : null);
    }
    const remindBefore = addDays(today, -schedule.remindAfterDays);
    for (const c of open) if (c.createdOn <= remindBefore) items.push(item('unanswered', c.point, c.createdOn, c.code));
    if (schedule.plannedLengthMonths !== null && p.exitedOn === null) {
      const end = addMonths(began, schedule.plannedLengthMonths);
      if (end <= today) items.push(item('noExit', null, end));
    }
  }
  return items.sort((a, b) => WORK_KINDS.indexOf(a.kind) - WORK_KINDS.indexOf(b.kind) || a.since.localeCompare(b.since) || a.participantId - b.participantId);
}

/** How many items of each kind ("7 ska svara på avslutsenkäten"). */
export function worklistCounts(items: readonly WorkItem[]): Record<WorkKind, number> {
  const counts = Object.fromEntries(WORK_KINDS.map((k) => [k, 0])) as Record<WorkKind, number>;
  for (const i of items) counts[i.kind]++;
  return counts;
}

/** The participants due for a point: those a code for it should go to. */
export function dueFor(items: readonly WorkItem[], point: MeasurementPoint): Set<number> {
  return new Set(items.filter((i) => DUE_KINDS.includes(i.kind) && i.point === point).map((i) => i.participantId));
}
