// Reads a CSV of earlier questionnaires (a förbund's old Excel data) for one individual
// intervention into typed rows ready to store, or into errors by row and column. Pure: the
// intervention's points, rounds and existing participants come in as data.

import Papa from 'papaparse';
import { DEFAULT_TEXT_MAX, DONT_KNOW, DONT_KNOW_CODE, MULTI_SEPARATOR, parseItem, type FieldError } from './answerForm.js';
import { dimensionsOf, type Dimensions } from './dimensions.js';
import { itemsForPoint } from './instrument.js';
import type { Instrument, Item, MeasurementPoint } from './instrumentTypes.js';
import { LOCAL_REF_MAX_LENGTH, looksLikePersonnummer } from './pseudonym.js';
import { scoreResponse, SCALE_MAX, SCALE_MIN, type Answer, type IndicatorScore } from './scoring.js';
import { isCalendarDate } from './calendarDate.js';
import { DESCRIBING_COLUMNS } from './responseExport.js';

export const FIXED_COLUMNS = ['participant_ref', 'point', 'submitted_on', 'language'] as const;
/** The long layout: one row per answer (as the response export's long file has it), `language` optional. */
export const LONG_COLUMNS = ['participant_ref', 'point', 'submitted_on', 'item', 'value'] as const;
/** `language` may be left out: the instrument's default language is used. */
const REQUIRED_COLUMNS: readonly string[] = ['participant_ref', 'point', 'submitted_on'];
export const CSV_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
export { MULTI_SEPARATOR };
/** What a cell may say for "vet ej / vill inte svara" (compared in lower case); -9 as the response export writes it. */
export const DONT_KNOW_WORDS: readonly string[] = ['vet ej', DONT_KNOW, String(DONT_KNOW_CODE)];
/** The template's delimiter: Excel with Swedish settings reads and writes `;`. */
export const TEMPLATE_DELIMITER = ';';
const SHOWN_VALUE_MAX = 40;

export type ImportErrorCode =
  | 'empty' | 'tooLarge' | 'noRows' | 'tooManyRows' | 'unreadable' | 'duplicateColumns' | 'missingColumns' | 'unknownColumns' | 'personnummer'
  | 'extraCells' | 'refMissing' | 'refTooLong' | 'refAmbiguous' | 'pointUnknown' | 'dateMissing' | 'dateInvalid' | 'dateInFuture'
  | 'languageUnknown' | 'notAskedAtPoint' | 'noAnswers' | 'duplicateInFile' | 'alreadySubmitted' | 'itemUnknown' | 'itemTwice'
  | 'scale' | 'scaleNoDontKnow' | 'option' | 'options' | 'number' | 'numberRange' | 'textTooLong' | 'dontKnowNotOffered';

/** A problem with the file (row null), a row (column null) or one cell; the text is `import.errors.<code>` with `params`. */
export interface ImportError {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  row: number | null;
  column: string | null;
  code: ImportErrorCode;
  params: Record<string, string | number>;
}

export interface ImportPoint { point: MeasurementPoint; instrument: Instrument }
export interface ImportRound { id: number; startsOn: string; endsOn: string }

/** What the file is checked against: the intervention as it is now. */
export interface ImportSetting {
  points: readonly ImportPoint[];
  rounds: readonly ImportRound[];
  /** Today's date (YYYY-MM-DD) where the förbund is: nothing may be answered after it. */
  today: string;
  /** The intervention's participants that have a local reference. */
  participants: readonly { id: number; localRef: string }[];
  /** Which of them already have a submitted response at which point: its date and its answers (answersFingerprint). */
  submitted: readonly { participantId: number; point: MeasurementPoint; submittedOn: string; fingerprint: string }[];
}

/** One questionnaire of the file, ready to store like a submitted web answer. */
export interface ImportRow {
  row: number;
  participantRef: string;
  /** The participant of the intervention with this reference, or null: a new one is created. */
  participantId: number | null;
  point: MeasurementPoint;
  submittedOn: string;
  language: string;
  /** The federation's measurement round whose dates hold submittedOn, when exactly one does. */
  roundId: number | null;
  instrumentId: string;
  instrumentVersion: string;
  answers: Answer[];
  scores: IndicatorScore[];
  dimensions: Dimensions;
}

export interface ImportSummary {
  /** Rows with content under the header. */
  rows: number;
  newParticipants: number;
  matchedParticipants: number;
  byPoint: { point: MeasurementPoint; responses: number }[];
  /** Responses that fall in a measurement round. */
  inRound: number;
  /** Rows identical to a questionnaire already stored (a file imported again): skipped, not imported twice. */
  skipped: number;
}

/** The answers of a questionnaire as one comparable text: the same answers give the same text, in any order. */
export function answersFingerprint(answers: readonly Answer[]): string {
  return answers.map((a) => JSON.stringify([a.itemId, a.num, a.text, a.dontKnow])).sort().join('\n');
}

export interface ImportPlan { rows: ImportRow[]; errors: ImportError[]; summary: ImportSummary }

/** Every item asked at any of the points, in instrument order, with the points that ask it. */
export function templateItems(points: readonly ImportPoint[]): { item: Item; points: MeasurementPoint[] }[] {
  const byId = new Map<string, { item: Item; points: MeasurementPoint[] }>();
  for (const { point, instrument } of points) {
    for (const item of itemsForPoint(instrument, point)) {
      const entry = byId.get(item.id);
      if (entry) entry.points.push(point);
      else byId.set(item.id, { item, points: [point] });
    }
  }
  return [...byId.values()];
}

/** The template's columns: the fixed ones, then one per item of `templateItems`. */
export function templateColumns(points: readonly ImportPoint[]): string[] {
  return [...FIXED_COLUMNS, ...templateItems(points).map(({ item }) => item.id)];
}

/** The template file: its header row only, `;`-separated, with a BOM so Excel reads it as UTF-8. */
export function templateCsv(points: readonly ImportPoint[]): string {
  return `\uFEFF${Papa.unparse([templateColumns(points)], { delimiter: TEMPLATE_DELIMITER, newline: '\r\n' })}\r\n`;
}

/** Checks the pasted CSV against the intervention; nothing is imported unless `errors` is empty. */
export function planImport(csv: string, setting: ImportSetting): ImportPlan {
  const plan: ImportPlan = { rows: [], errors: [], summary: summarize(0, [], setting) };
  const fileError = (code: ImportErrorCode, params: ImportError['params'] = {}): ImportPlan => ({ ...plan, errors: [{ row: null, column: null, code, params }] });

  if (Buffer.byteLength(csv, 'utf8') > CSV_MAX_BYTES) return fileError('tooLarge', { max: CSV_MAX_BYTES / 1024 / 1024 });
  const text = csv.replace(/^\uFEFF/, '');
  if (text.trim() === '') return fileError('empty');
  const parsed = Papa.parse<string[]>(text, { header: false, delimiter: delimiterOf(text), skipEmptyLines: false });
  const broken = parsed.errors[0];
  if (broken) return fileError('unreadable', { row: (broken.row ?? 0) + 1 });

  const [rawHeader = [], ...records] = parsed.data;
  const header = asImportHeader(rawHeader.map((name) => name.trim().toLowerCase()));
  // Row numbers as in the spreadsheet: record i of the data is row i + 2. Blank rows are skipped.
  const filled = records.map((cells, i) => ({ row: i + 2, cells })).filter(({ cells }) => cells.some((c) => c.trim() !== ''));

  // Checked first, so that a file with personnummer is refused whatever else is wrong with it.
  const refColumn = header.indexOf('participant_ref');
  const personnummerRows = refColumn < 0 ? [] : filled.filter(({ cells }) => looksLikePersonnummer(cells[refColumn] ?? '')).map(({ row }) => row);
  if (personnummerRows.length) return fileError('personnummer', { rows: personnummerRows.join(', ') });

  if (isLongLayout(header)) {
    const wide = fromLongLayout(header, filled, setting);
    if (wide.errors.length) return { ...plan, errors: wide.errors };
    if (wide.records.length === 0) return fileError('noRows');
    const checked = checkRecords(wide.header, wide.records, setting);
    // A cell's error is named by the row of the file that gave it, a questionnaire's by its first row.
    for (const e of checked.errors) e.row = (e.row !== null && e.column !== null ? wide.rowOf.get(`${e.row}\u0000${e.column}`) : undefined) ?? e.row;
    return checked;
  }
  const headerError = checkHeader(header, setting);
  if (headerError) return { ...plan, errors: [headerError] };
  if (filled.length === 0) return fileError('noRows');
  return checkRecords(header, filled, setting);
}

type FileRecord = { row: number; cells: string[] };

/** Checks the questionnaires of a file, one row each under `header`. */
function checkRecords(header: string[], records: readonly FileRecord[], setting: ImportSetting): ImportPlan {
  if (records.length > IMPORT_MAX_ROWS) return { rows: [], errors: [{ row: null, column: null, code: 'tooManyRows', params: { max: IMPORT_MAX_ROWS } }], summary: summarize(0, [], setting) };
  const checker = new RowChecker(header, setting);
  for (const { row, cells } of records) checker.check(row, cells);
  return { rows: checker.rows, errors: checker.errors, summary: { ...summarize(records.length, checker.rows, setting), skipped: checker.skipped } };
}

/**
 * The response export's long file reads as the long layout: its `participant` (the pseudonym) is
 * the reference, and the other columns that describe a questionnaire are left out (a name for
 * them that nothing reads). So a förbund's export imports into another installation.
 */
function asImportHeader(header: string[]): string[] {
  const fromExport = header.includes('participant') && !header.includes('participant_ref') && header.includes('item') && header.includes('value');
  if (!fromExport) return header;
  const kept = new Set<string>([...LONG_COLUMNS, 'language']);
  return header.map((name) => (name === 'participant' ? 'participant_ref' : DESCRIBING_COLUMNS.includes(name) && !kept.has(name) ? '' : name));
}

/** A header of the long layout: exactly its columns, and `language` if given. */
function isLongLayout(header: readonly string[]): boolean {
  const named = header.filter((name) => name !== '');
  return LONG_COLUMNS.every((c) => named.includes(c)) && named.every((c) => (LONG_COLUMNS as readonly string[]).includes(c) || c === 'language');
}

/**
 * The long layout's answers gathered into questionnaires (one per participant, point and date), as
 * the wide layout has them, so both are checked alike. Remembers which row of the file gave each
 * cell, and refuses an item the template does not have or an item given twice for one questionnaire.
 */
function fromLongLayout(header: string[], records: readonly FileRecord[], setting: ImportSetting): { header: string[]; records: FileRecord[]; rowOf: Map<string, number>; errors: ImportError[] } {
  const at = (cells: string[], column: string) => (cells[header.indexOf(column)] ?? '').trim();
  const items = templateItems(setting.points).map(({ item }) => item.id);
  const wideHeader = [...FIXED_COLUMNS, ...items];
  const errors: ImportError[] = [];
  const byQuestionnaire = new Map<string, FileRecord>();
  const rowOf = new Map<string, number>();
  for (const { row, cells } of records) {
    const item = at(cells, 'item').toLowerCase();
    if (!items.includes(item)) {
      errors.push({ row, column: 'item', code: 'itemUnknown', params: { value: shown(item) } });
      continue;
    }
    const key = [at(cells, 'participant_ref'), at(cells, 'point').toLowerCase(), at(cells, 'submitted_on'), at(cells, 'language').toLowerCase()].join('\u0000');
    let record = byQuestionnaire.get(key);
    if (!record) {
      record = { row, cells: [at(cells, 'participant_ref'), at(cells, 'point'), at(cells, 'submitted_on'), at(cells, 'language'), ...items.map(() => '')] };
      byQuestionnaire.set(key, record);
    }
    const first = rowOf.get(`${record.row}\u0000${item}`);
    if (first !== undefined) {
      errors.push({ row, column: 'item', code: 'itemTwice', params: { item, otherRow: first } });
      continue;
    }
    rowOf.set(`${record.row}\u0000${item}`, row);
    record.cells[wideHeader.indexOf(item)] = at(cells, 'value');
  }
  return { header: wideHeader, records: [...byQuestionnaire.values()], rowOf, errors };
}

/** The delimiter the header row uses: a tab (copied from a spreadsheet, "Text (tab)"), `;` (Excel with Swedish settings) or `,`. */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  return firstLine.includes('\t') ? '\t' : firstLine.includes(';') ? ';' : ',';
}

function checkHeader(header: string[], setting: ImportSetting): ImportError | null {
  const known = new Set(templateColumns(setting.points));
  const named = header.filter((name) => name !== '');
  const list = (names: string[]) => ({ columns: [...new Set(names)].join(', ') });
  const duplicates = named.filter((name, i) => named.indexOf(name) !== i);
  if (duplicates.length) return { row: 1, column: null, code: 'duplicateColumns', params: list(duplicates) };
  const unknown = named.filter((name) => !known.has(name));
  if (unknown.length) return { row: 1, column: null, code: 'unknownColumns', params: list(unknown) };
  const missing = REQUIRED_COLUMNS.filter((name) => !named.includes(name));
  if (missing.length) return { row: 1, column: null, code: 'missingColumns', params: list(missing) };
  return null;
}

const shown = (value: string) => (value.length > SHOWN_VALUE_MAX ? `${value.slice(0, SHOWN_VALUE_MAX)}…` : value);

/** Checks rows one by one, remembering what earlier rows used (a participant and point only once). */
class RowChecker {
  readonly rows: ImportRow[] = [];
  readonly errors: ImportError[] = [];
  private readonly idsByRef = new Map<string, number[]>();
  private readonly submitted = new Map<string, { submittedOn: string; fingerprint: string }[]>();
  skipped = 0;
  private readonly firstRowOf = new Map<string, number>();

  constructor(private readonly header: string[], private readonly setting: ImportSetting) {
    for (const p of setting.participants) this.idsByRef.set(p.localRef, [...(this.idsByRef.get(p.localRef) ?? []), p.id]);
    for (const s of setting.submitted) {
      const key = `${s.participantId}\u0000${s.point}`;
      this.submitted.set(key, [...(this.submitted.get(key) ?? []), s]);
    }
  }

  check(row: number, cells: string[]): void {
    const before = this.errors.length;
    const error = (column: string | null, code: ImportErrorCode, params: ImportError['params'] = {}) => void this.errors.push({ row, column, code, params });
    const cell = (column: string) => (cells[this.header.indexOf(column)] ?? '').trim();

    if (cells.some((value, i) => value.trim() !== '' && (this.header[i] ?? '') === '')) error(null, 'extraCells');
    const participantRef = cell('participant_ref');
    const ids = this.idsByRef.get(participantRef) ?? [];
    if (participantRef === '') error('participant_ref', 'refMissing');
    else if (participantRef.length > LOCAL_REF_MAX_LENGTH) error('participant_ref', 'refTooLong', { max: LOCAL_REF_MAX_LENGTH });
    else if (ids.length > 1) error('participant_ref', 'refAmbiguous', { value: shown(participantRef) });

    const submittedOn = cell('submitted_on');
    if (submittedOn === '') error('submitted_on', 'dateMissing');
    else if (!isCalendarDate(submittedOn)) error('submitted_on', 'dateInvalid', { value: shown(submittedOn) });
    else if (submittedOn > this.setting.today) error('submitted_on', 'dateInFuture', { value: submittedOn });

    const pointText = cell('point');
    const at = this.setting.points.find((p) => p.point === pointText.toLowerCase());
    if (!at) return error('point', 'pointUnknown', { value: shown(pointText), points: this.setting.points.map((p) => p.point).join(', ') });

    const { instrument, point } = at;
    const languageText = cell('language').toLowerCase();
    const language = languageText === '' ? defaultLanguage(instrument) : languageText;
    if (!instrument.languages.includes(language)) error('language', 'languageUnknown', { value: shown(languageText), languages: instrument.languages.join(', ') });

    const asked = new Map(itemsForPoint(instrument, point).map((item) => [item.id, item]));
    const answers: Answer[] = [];
    this.header.forEach((column, i) => {
      const value = (cells[i] ?? '').trim();
      if (value === '' || column === '' || (FIXED_COLUMNS as readonly string[]).includes(column)) return;
      const item = asked.get(column);
      if (!item) return error(column, 'notAskedAtPoint', { point });
      const parsed = parseItem(item, cellValues(item, value));
      if (parsed && 'code' in parsed) error(column, ...cellError(item, parsed, value));
      else if (parsed) answers.push(parsed);
    });
    if (answers.length === 0 && this.errors.length === before) error(null, 'noAnswers');

    const key = `${participantRef}\u0000${point}`;
    const earlier = this.firstRowOf.get(key);
    if (earlier !== undefined) error(null, 'duplicateInFile', { otherRow: earlier });
    else this.firstRowOf.set(key, row);
    const participantId = ids.length === 1 ? ids[0]! : null;
    const stored = participantId === null ? [] : this.submitted.get(`${participantId}\u0000${point}`) ?? [];
    if (this.errors.length === before && stored.length > 0) {
      // The same questionnaire again (the file imported twice) is skipped; a different one is reported, never overwritten.
      const fingerprint = answersFingerprint(answers);
      if (stored.some((s) => s.submittedOn === submittedOn && s.fingerprint === fingerprint)) return void this.skipped++;
      error(null, 'alreadySubmitted', { point });
    }

    if (this.errors.length > before) return;
    const byItem = new Map(answers.map((a) => [a.itemId, a]));
    this.rows.push({
      row, participantRef, participantId, point, submittedOn, language, roundId: roundOf(submittedOn, this.setting.rounds),
      instrumentId: instrument.id, instrumentVersion: instrument.version, answers,
      scores: scoreResponse(instrument, point, byItem), dimensions: dimensionsOf(instrument, byItem),
    });
  }
}

function defaultLanguage(instrument: Instrument): string {
  return instrument.languages.includes('sv') ? 'sv' : instrument.languages[0]!;
}

/**
 * A cell as the values a form would post: "vet ej" as the don't-know value, a multiple choice split
 * at `|`, option values in lower case as the instrument schema writes them.
 */
function cellValues(item: Item, value: string): string[] {
  if (item.type !== 'text' && item.type !== 'number' && DONT_KNOW_WORDS.includes(value.toLowerCase())) return [DONT_KNOW];
  if (item.type === 'multi') return value.toLowerCase().split(MULTI_SEPARATOR).map((v) => v.trim());
  if (item.type === 'single') return [value.toLowerCase()];
  return [value];
}

/** The answer parser's verdict in words that say what the cell may hold instead. */
function cellError(item: Item, error: FieldError, value: string): [ImportErrorCode, ImportError['params']] {
  const options = [...(item.options ?? []).map((o) => o.value), ...(item.dontKnow ? [DONT_KNOW_WORDS[0]!] : [])].join(', ');
  const v = shown(value);
  switch (error.code) {
    case 'answer.dontKnowNotOffered': return ['dontKnowNotOffered', {}];
    case 'answer.notAnOption': return [item.type === 'multi' ? 'options' : 'option', { value: v, options }];
    case 'answer.notANumber': return ['number', { value: v }];
    case 'answer.tooLong': return ['textTooLong', { max: item.maxLength ?? DEFAULT_TEXT_MAX }];
    case 'answer.outOfRange':
      if (item.type === 'agree7') return [item.dontKnow ? 'scale' : 'scaleNoDontKnow', { value: v, min: SCALE_MIN, max: SCALE_MAX }];
      return ['numberRange', { value: v, range: `${item.min ?? ''}–${item.max ?? ''}` }];
  }
}

function roundOf(date: string, rounds: readonly ImportRound[]): number | null {
  const holding = rounds.filter((r) => r.startsOn <= date && date <= r.endsOn);
  return holding.length === 1 ? holding[0]!.id : null;
}

function summarize(rowCount: number, rows: readonly ImportRow[], setting: ImportSetting): ImportSummary {
  const newRefs = new Set(rows.filter((r) => r.participantId === null).map((r) => r.participantRef));
  const matched = new Set(rows.filter((r) => r.participantId !== null).map((r) => r.participantId));
  return {
    rows: rowCount,
    newParticipants: newRefs.size,
    matchedParticipants: matched.size,
    byPoint: setting.points.map(({ point }) => ({ point, responses: rows.filter((r) => r.point === point).length })),
    inRound: rows.filter((r) => r.roundId !== null).length,
    skipped: 0,
  };
}
