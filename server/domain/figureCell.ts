// The names of figure cells (see suppression.ts): what is measured, by whom, which people, when.
// One name per figure, used by the disclosure plan, the services that fill the cells, and the
// data-cell attribute every shown figure carries in HTML (so that tests can collect them all).

import type { MeasurementPoint } from './instrumentTypes.js';
export const orgRef = {
  installation: 'all',
  federation: (id: number) => `f${id}`,
  subproject: (id: number) => `s${id}`,
  project: (id: number) => `p${id}`,
  intervention: (id: number) => `i${id}`,
  /** A förbund's individual interventions but one: "the others" beside it. */
  others: (federationId: number, interventionId: number) => `f${federationId}~i${interventionId}`,
  /** A förbund's respondents of one group in one kind of intervention (the national submission's rows). */
  submission: (federationId: number, group: string, kind: string) => `f${federationId}:${group}:${kind}`,
  /** A förbund's published cells summed over the interventions of a submission row (planned as one known sum). */
  published: (federationId: number, group: string, kind: string) => `f${federationId}:${group}:${kind}+`,
} as const;

export const measureRef = {
  /** An indicator's scores at a point. */
  score: (indicatorId: string, point: MeasurementPoint) => `s:${indicatorId}@${point}`,
  /** The paired change of an indicator, and the paired people's mean before and after. */
  change: (indicatorId: string, from: string, to: string) => `c:${indicatorId}@${from}>${to}`,
  before: (indicatorId: string, from: string, to: string) => `b:${indicatorId}@${from}>${to}`,
  after: (indicatorId: string, from: string, to: string) => `a:${indicatorId}@${from}>${to}`,
  /** The answers to one item at a point. */
  item: (itemId: string, point: MeasurementPoint) => `i:${itemId}@${point}`,
  /** Participants in the time, who started and who ended. */
  participants: (figure: 'active' | 'started' | 'ended') => `p:${figure}`,
  /** Participants who ended with an exit status, or with one of a group of them. */
  exit: (status: string) => `e:${status}`,
  exitGroup: (group: string) => `eg:${group}`,
  /** A project target's count (its exit statuses). */
  target: (targetId: number) => `t:${targetId}`,
  /** Codes issued, started, answered (web or paper), answered on paper; answers imported. */
  process: (kind: ProcessKind, point: MeasurementPoint) => `k:${kind}@${point}`,
  /** Questionnaires sent in (every one, not people): the national submission's count. */
  questionnaires: 'q',
} as const;

export const PROCESS_KINDS = ['issued', 'started', 'answered', 'web', 'paper', 'imported'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** "Not stated": a person who gave no gender or age band. */
export const NOT_STATED = '?';

/** Which people: everyone, or one gender, or one age band (at most one filter at a time). */
export function demoRef(filter: { gender?: string | null; ageBand?: string | null } = {}): string {
  if (filter.gender !== undefined) return `g:${filter.gender ?? NOT_STATED}`;
  if (filter.ageBand !== undefined) return `a:${filter.ageBand ?? NOT_STATED}`;
  return 'all';
}

/** When: everything so far, or one measurement round. */
export function timeRef(round: number | null): string {
  return round === null ? 'all' : `r${round}`;
}

/** When: one calendar year (the national submission's period). */
export function yearRef(year: number): string {
  return `y${year}`;
}

export function cellKey(measure: string, org: string, demo: string, time: string): string {
  return `${measure}|${org}|${demo}|${time}`;
}
