import { normalizeAccessCode } from './accessCode.js';
import { isCalendarDate } from './calendarDate.js';
import { isExitStatus, type ExitStatus } from './exitStatus.js';
import { looksLikePersonnummer } from './pseudonym.js';

export type StaffErrorCode =
  | 'localRefPersonnummer' | 'localRefTooLong' | 'dateInvalid' | 'dateMissing' | 'countInvalid' | 'exitStatusMissing'
  | 'pointUnknown' | 'roundUnknown' | 'codeMalformed' | 'codeNotHere' | 'codeSpent' | 'codeRevoked'
  | 'allHaveCodes' | 'alreadyHasCode' | 'notReissuable' | 'anonymousCountInvalid';

/** A problem with one field of a staff form; `code` is a key under `errors` in the translation files. */
export interface FormError { field: string; code: `staff.${StaffErrorCode}` }

export const fieldError = (field: string, code: StaffErrorCode): FormError => ({ field, code: `staff.${code}` });

export interface Parsed<T> { value: T; errors: FormError[] }

export const LOCAL_REF_MAX_LENGTH = 40;
export const BULK_PARTICIPANTS_MAX = 200;
export const ANONYMOUS_CODES_MAX = 500;

type Body = Record<string, unknown> | undefined;

const field = (body: Body, name: string): string => {
  const v = body?.[name];
  return typeof v === 'string' ? v.trim() : '';
};


function optionalDate(body: Body, name: string, errors: FormError[]): string | null {
  const text = field(body, name);
  if (text === '') return null;
  if (!isCalendarDate(text)) errors.push(fieldError(name, 'dateInvalid'));
  return text;
}

export interface NewParticipantForm { localRef: string | null; startedOn: string | null }

/** A local reference is free text, so it is refused when it could be a personnummer. */
export function parseNewParticipant(body: Body): Parsed<NewParticipantForm> {
  const errors: FormError[] = [];
  const localRef = field(body, 'localRef');
  if (looksLikePersonnummer(localRef)) errors.push(fieldError('localRef', 'localRefPersonnummer'));
  else if (localRef.length > LOCAL_REF_MAX_LENGTH) errors.push(fieldError('localRef', 'localRefTooLong'));
  const startedOn = optionalDate(body, 'startedOn', errors);
  return { value: { localRef: localRef || null, startedOn }, errors };
}

export interface BulkParticipantsForm { count: number; startedOn: string | null }

/** A whole number from 1 to `max` in the field `count`. */
function countField(body: Body, max: number, code: StaffErrorCode, errors: FormError[]): number {
  const text = field(body, 'count');
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) errors.push(fieldError('count', code));
  return n;
}

/** The optional round (one of `roundIds`) in the field `round`; null when none is chosen. */
function optionalRound(body: Body, roundIds: readonly number[], errors: FormError[]): number | null {
  const text = field(body, 'round');
  const roundId = text === '' ? null : Number(text);
  if (roundId !== null && !roundIds.includes(roundId)) errors.push(fieldError('round', 'roundUnknown'));
  return roundId;
}

export function parseBulkParticipants(body: Body): Parsed<BulkParticipantsForm> {
  const errors: FormError[] = [];
  const n = countField(body, BULK_PARTICIPANTS_MAX, 'countInvalid', errors);
  const startedOn = optionalDate(body, 'bulkStartedOn', errors);
  return { value: { count: n, startedOn }, errors };
}

export interface ExitForm { exitedOn: string; exitStatus: ExitStatus }

export function parseExit(body: Body): Parsed<ExitForm> {
  const errors: FormError[] = [];
  const exitedOn = field(body, 'exitedOn');
  if (exitedOn === '') errors.push(fieldError('exitedOn', 'dateMissing'));
  else if (!isCalendarDate(exitedOn)) errors.push(fieldError('exitedOn', 'dateInvalid'));
  const exitStatus = field(body, 'exitStatus');
  if (!isExitStatus(exitStatus)) errors.push(fieldError('exitStatus', 'exitStatusMissing'));
  return { value: { exitedOn, exitStatus: exitStatus as ExitStatus }, errors };
}

export interface IssueForm { point: string; roundId: number | null }

/** Which measurement point (one of `points`) and optional round (one of `roundIds`) to issue codes for. */
export function parseIssue(body: Body, points: readonly string[], roundIds: readonly number[]): Parsed<IssueForm> {
  const errors: FormError[] = [];
  const point = field(body, 'point');
  if (!points.includes(point)) errors.push(fieldError('point', 'pointUnknown'));
  const roundId = optionalRound(body, roundIds, errors);
  return { value: { point, roundId }, errors };
}

export interface AnonymousIssueForm { count: number; roundId: number | null }

/** How many anonymous codes (1–500) to issue for a yearly questionnaire, and the optional round (one of `roundIds`). */
export function parseAnonymousIssue(body: Body, roundIds: readonly number[]): Parsed<AnonymousIssueForm> {
  const errors: FormError[] = [];
  const n = countField(body, ANONYMOUS_CODES_MAX, 'anonymousCountInvalid', errors);
  const roundId = optionalRound(body, roundIds, errors);
  return { value: { count: n, roundId }, errors };
}

export function parsePaperCode(body: Body): Parsed<{ code: string; typed: string }> {
  const typed = field(body, 'code').slice(0, 20);
  const code = normalizeAccessCode(typed);
  return { value: { code: code ?? '', typed }, errors: code ? [] : [fieldError('code', 'codeMalformed')] };
}

/** `?codes=ABCD2345,EFGH6789` as normalised codes, malformed ones dropped; null when absent. */
export function parseCodeList(raw: unknown): string[] | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  return [...new Set(raw.split(',').map((c) => normalizeAccessCode(c)).filter((c): c is string => c !== null))];
}
