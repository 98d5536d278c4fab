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
export const REQUIRED_COLUMNS: readonly string[] = ['participant_ref', 'point', 'submitted_on'];
/**
 * What the file's columns are taken as, by their header as read (headerName): a template column,
 * or IGNORED_COLUMN. A header the mapping does not name is read as it is.
 */
export type ColumnMapping = ReadonlyMap<string, string>;
/** A column of the file that is not imported (a name, a remark of the spreadsheet's own). */
export const IGNORED_COLUMN = '-';
const NO_MAPPING: ColumnMapping = new Map();
/** The most a pasted file may hold (it travels URL-encoded in a form); a chosen file may hold UPLOAD_MAX_BYTES. */
export const CSV_MAX_BYTES = 2 * 1024 * 1024;
export const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;
/** The most questionnaires one file may hold (a pasted one meets CSV_MAX_BYTES long before). */
export const IMPORT_MAX_ROWS = 200_000;
/** How many of a file's errors are kept to show (the page shows 500 of them). */
export const ERRORS_KEPT = 1000;
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
  | 'scale' | 'scaleNoDontKnow' | 'option' | 'options' | 'number' | 'numberRange' | 'textTooLong' | 'dontKnowNotOffered' | 'truncated' | 'notText' | 'noFile';

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

/** A checked pasted file: its rows (none when there are errors), errors and preview figures. */
export interface ImportPlan extends ImportOutcome { rows: ImportRow[] }

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

/** Checks a pasted CSV (at most CSV_MAX_BYTES) against the intervention; nothing is imported unless `errors` is empty. */
export function planImport(csv: string, setting: ImportSetting, mapping: ColumnMapping = NO_MAPPING): ImportPlan {
  if (Buffer.byteLength(csv, 'utf8') > CSV_MAX_BYTES) return { rows: [], ...refused(setting.points, 'tooLarge', { max: CSV_MAX_BYTES / 1024 / 1024 }) };
  const rows: ImportRow[] = [];
  const check = new ImportCheck(setting, (row) => rows.push(row), mapping);
  check.push(csv);
  const outcome = check.end();
  return { rows: outcome.errors.length ? [] : rows, ...outcome };
}

/** One record of the file, with its row as a spreadsheet numbers it (the header is row 1). */
type FileRecord = { row: number; cells: string[] };

/** A file refused as a whole, before its rows are read. */
export function refused(points: readonly ImportPoint[], code: ImportErrorCode, params: ImportError['params'] = {}): ImportOutcome {
  return { errors: [{ row: null, column: null, code, params }], errorCount: 1, summary: new SummaryCounter(points).summary(0) };
}

/**
 * Checks a CSV given in chunks of text, holding no more of it than one chunk: each questionnaire
 * that passes is handed to `onRow` as soon as it is read (the long layout's once the file has
 * ended, since a questionnaire's answers may be anywhere in it). The rows count only when `end()`
 * finds no error: a later row may still refuse the whole file (a personnummer), so a caller that
 * writes rows as they come does so in a transaction it rolls back then.
 */
export class ImportCheck {
  private readonly reader: CsvRecordReader;
  private readonly errors = new ErrorList();
  private header: string[] | null = null;
  private fileError: ImportError | null = null;
  private refColumn = -1;
  /** The columns the mapping ignores: their cells are read as empty. */
  private ignored: number[] = [];
  private readonly personnummerRows: number[] = [];
  private records = 0;
  private sawText = false;
  /** A NUL character: no text file has one (a workbook, a picture, a zip chosen instead of the CSV). */
  private binary = false;
  /** The record before the one being read: the last one is checked for being cut short. */
  private held: FileRecord | null = null;
  private wide: RowChecker | null = null;
  private long: LongLayout | null = null;
  private checkedRecords = 0;

  constructor(private readonly setting: ImportSetting, private readonly onRow: (row: ImportRow) => void, private readonly mapping: ColumnMapping = NO_MAPPING) {
    this.reader = new CsvRecordReader((cells, row) => this.record(cells, row));
  }

  /** How many rows with content have been read so far (for a progress bar). */
  get rowsRead(): number {
    return this.records;
  }

  push(text: string): void {
    if (this.binary || text.includes('\u0000')) return void (this.binary = true);
    if (!this.sawText && text.trim() !== '') this.sawText = true;
    this.reader.push(text);
  }

  end(): ImportOutcome {
    if (!this.binary) this.reader.end();
    if (this.held) this.checkRecord(this.held, !this.reader.endedWithLineBreak);
    this.held = null;
    const outcome = (code: ImportErrorCode, params: ImportError['params'] = {}) => refused(this.setting.points, code, params);
    if (this.personnummerRows.length) return outcome('personnummer', { rows: this.personnummerRows.join(', ') });
    if (this.binary) return outcome('notText');
    if (!this.sawText) return outcome('empty');
    if (this.reader.brokenAt !== null) return outcome('unreadable', { row: this.reader.brokenAt });
    if (this.fileError) return { ...outcome(this.fileError.code, this.fileError.params), errors: [this.fileError] };
    if (this.long) {
      const gathered = this.long.end();
      for (const e of gathered.errors) this.errors.add(e);
      if (this.errors.count === 0) {
        this.wide = new RowChecker(gathered.header, this.setting, this.errors, this.onRow, gathered.rowOf);
        if (gathered.records.length > IMPORT_MAX_ROWS) return outcome('tooManyRows', { max: IMPORT_MAX_ROWS });
        for (const { row, cells } of gathered.records) this.wide.check(row, cells);
        this.checkedRecords = gathered.records.length;
      }
    }
    if (this.errors.count === 0 && this.checkedRecords === 0) return outcome('noRows');
    return { errors: this.errors.kept, errorCount: this.errors.count, summary: this.wide?.counter.summary(this.checkedRecords) ?? new SummaryCounter(this.setting.points).summary(0) };
  }

  private record(cells: string[], row: number): void {
    if (!this.header) {
      const read = asImportHeader(cells.map(headerName));
      this.ignored = read.flatMap((name, i) => (this.mapping.get(name) === IGNORED_COLUMN ? [i] : []));
      this.header = read.map((name, i) => (this.ignored.includes(i) ? '' : this.mapping.get(name) ?? name));
      this.refColumn = this.header.indexOf('participant_ref');
      if (isLongLayout(this.header)) this.long = new LongLayout(this.header, this.setting);
      else {
        this.fileError = checkHeader(this.header, this.setting);
        if (!this.fileError) this.wide = new RowChecker(this.header, this.setting, this.errors, this.onRow);
      }
      return;
    }
    for (const i of this.ignored) if (i < cells.length) cells[i] = '';
    if (!cells.some((c) => c.trim() !== '')) return;
    // Checked on every row, so that a file with personnummer is refused whatever else is wrong with it.
    if (this.refColumn >= 0 && looksLikePersonnummer(cells[this.refColumn] ?? '')) this.personnummerRows.push(row);
    this.records++;
    if (this.held) this.checkRecord(this.held, false);
    this.held = { row, cells };
  }

  private checkRecord(record: FileRecord, unfinished: boolean): void {
    if (this.fileError || this.personnummerRows.length) return;
    // A last line without its line break and with fewer cells than the header: the file was cut off.
    const named = this.header!.reduce((last, name, i) => (name === '' ? last : i + 1), 0);
    if (unfinished && record.cells.length < named) return this.errors.add({ row: record.row, column: null, code: 'truncated', params: { cells: record.cells.length, columns: named } });
    if (this.long) return this.long.add(record);
    if (++this.checkedRecords > IMPORT_MAX_ROWS) this.fileError = { row: null, column: null, code: 'tooManyRows', params: { max: IMPORT_MAX_ROWS } };
    else this.wide!.check(record.row, record.cells);
  }
}

/** A file that `end()` found errors in, thrown by an import so that the transaction writing its rows rolls back (services/csvImportFile). */
export class ImportRefused extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super(`the file has ${outcome.errorCount} error(s)`);
    this.name = 'ImportRefused';
  }
}

export interface ImportOutcome {
  /** The first ERRORS_KEPT errors, in the order of the file. */
  errors: ImportError[];
  /** Every error found. */
  errorCount: number;
  summary: ImportSummary;
}

/** The errors of a file, the first ERRORS_KEPT of them kept: nobody reads further, and a file of 100,000 bad rows needs no more memory. */
class ErrorList {
  readonly kept: ImportError[] = [];
  count = 0;
  add(error: ImportError): void {
    if (this.count++ < ERRORS_KEPT) this.kept.push(error);
  }
}

/**
 * The records of a CSV given in chunks of text, each handed on as soon as it is complete: papaparse's
 * parser fed the way its own file streamer feeds it (the unfinished last line kept for the next
 * chunk). The delimiter is told from the header line.
 */
export class CsvRecordReader {
  private partial = '';
  private delimiter: string | null = null;
  private newline: '\n' | '\r\n' | '\r' = '\n';
  private records = 0;
  /** The row (as a spreadsheet numbers it) from which the file could not be read: an unclosed or stray quote. */
  brokenAt: number | null = null;
  endedWithLineBreak = false;

  constructor(private readonly onRecord: (cells: string[], row: number) => void) {}

  push(text: string): void {
    if (text !== '') this.endedWithLineBreak = /[\r\n]$/.test(text);
    this.feed(text, false);
  }

  end(): void {
    this.feed('', true);
  }

  private feed(text: string, last: boolean): void {
    if (this.brokenAt !== null) return;
    const input = this.partial + text;
    this.partial = '';
    if (this.delimiter === null) {
      const lineEnd = input.search(/\r\n|\n|\r/);
      if (lineEnd < 0 && !last) return void (this.partial = input);
      const firstLine = lineEnd < 0 ? input : input.slice(0, lineEnd);
      this.delimiter = delimiterOf(firstLine);
      this.newline = lineEnd < 0 ? '\n' : input.startsWith('\r\n', lineEnd) ? '\r\n' : input[lineEnd] === '\r' ? '\r' : '\n';
    }
    if (input === '') return;
    const parsed = new Papa.Parser({ delimiter: this.delimiter, newline: this.newline }).parse(input, 0, !last) as { data: string[][]; errors: { row?: number }[]; meta: { cursor: number } };
    const broken = parsed.errors[0];
    const good = broken ? parsed.data.slice(0, broken.row ?? 0) : parsed.data;
    for (const cells of good) this.onRecord(cells, ++this.records);
    if (broken) this.brokenAt = this.records + 1;
    else if (!last) this.partial = input.slice(parsed.meta.cursor);
  }
}

/**
 * The response export's long file reads as the long layout: its `participant` (the pseudonym) is
 * the reference, and the other columns that describe a questionnaire are left out (a name for
 * them that nothing reads). So a förbund's export imports into another installation.
 */
export function asImportHeader(header: string[]): string[] {
  const fromExport = header.includes('participant') && !header.includes('participant_ref') && header.includes('item') && header.includes('value');
  if (!fromExport) return header;
  const kept = new Set<string>([...LONG_COLUMNS, 'language']);
  return header.map((name) => (name === 'participant' ? 'participant_ref' : DESCRIBING_COLUMNS.includes(name) && !kept.has(name) ? '' : name));
}

/** A header cell as the import reads it: trimmed, in lower case, the first without a BOM. */
export function headerName(cell: string, i: number): string {
  return (i === 0 ? cell.replace(/^\uFEFF/, '') : cell).trim().toLowerCase();
}

/** A header of the long layout: exactly its columns, and `language` if given. */
export function isLongLayout(header: readonly string[]): boolean {
  const named = header.filter((name) => name !== '');
  return LONG_COLUMNS.every((c) => named.includes(c)) && named.every((c) => (LONG_COLUMNS as readonly string[]).includes(c) || c === 'language');
}

/**
 * The long layout's answers gathered into questionnaires (one per participant, point and date), as
 * the wide layout has them, so both are checked alike. Remembers which row of the file gave each
 * cell, and refuses an item the template does not have or an item given twice for one questionnaire.
 * Held in memory until the file ends: a questionnaire's answers may be anywhere in the file.
 */
class LongLayout {
  private readonly items: string[];
  private readonly wideHeader: string[];
  private readonly errors: ImportError[] = [];
  private readonly byQuestionnaire = new Map<string, FileRecord>();
  private readonly rows = new Map<string, number>();

  constructor(private readonly header: string[], setting: ImportSetting) {
    this.items = templateItems(setting.points).map(({ item }) => item.id);
    this.wideHeader = [...FIXED_COLUMNS, ...this.items];
  }

  add({ row, cells }: FileRecord): void {
    const at = (column: string) => (cells[this.header.indexOf(column)] ?? '').trim();
    const item = at('item').toLowerCase();
    if (!this.items.includes(item)) return void this.errors.push({ row, column: 'item', code: 'itemUnknown', params: { value: shown(item) } });
    const key = [at('participant_ref'), at('point').toLowerCase(), at('submitted_on'), at('language').toLowerCase()].join('\u0000');
    let record = this.byQuestionnaire.get(key);
    if (!record) {
      record = { row, cells: [at('participant_ref'), at('point'), at('submitted_on'), at('language'), ...this.items.map(() => '')] };
      this.byQuestionnaire.set(key, record);
    }
    const first = this.rows.get(`${record.row}\u0000${item}`);
    if (first !== undefined) return void this.errors.push({ row, column: 'item', code: 'itemTwice', params: { item, otherRow: first } });
    this.rows.set(`${record.row}\u0000${item}`, row);
    record.cells[this.wideHeader.indexOf(item)] = at('value');
  }

  end(): { header: string[]; records: FileRecord[]; rowOf: (row: number, column: string) => number | undefined; errors: ImportError[] } {
    return { header: this.wideHeader, records: [...this.byQuestionnaire.values()], rowOf: (row, column) => this.rows.get(`${row}\u0000${column}`), errors: this.errors };
  }
}

/** The delimiter the header row uses: a tab (copied from a spreadsheet, "Text (tab)"), `;` (Excel with Swedish settings) or `,`. */
function delimiterOf(firstLine: string): string {
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

/**
 * Checks rows one by one, remembering what earlier rows used (a participant and point only once);
 * a row that passes goes to `onRow`, a row's errors to the file's list.
 */
class RowChecker {
  private readonly idsByRef = new Map<string, number[]>();
  private readonly submitted = new Map<string, { submittedOn: string; fingerprint: string }[]>();
  private readonly firstRowOf = new Map<string, number>();
  private readonly columns: Map<string, number>;
  /** The items asked at each point, by id (made once, not once a row). */
  private readonly asked = new Map<ImportPoint, Map<string, Item>>();
  readonly counter: SummaryCounter;

  /** `rowOf`: the row of the file that gave a cell, when a row of `header` was gathered from several (the long layout). */
  constructor(
    private readonly header: string[], private readonly setting: ImportSetting, private readonly errors: ErrorList,
    private readonly onRow: (row: ImportRow) => void, private readonly rowOf?: (row: number, column: string) => number | undefined,
  ) {
    for (const p of setting.participants) this.idsByRef.set(p.localRef, [...(this.idsByRef.get(p.localRef) ?? []), p.id]);
    for (const s of setting.submitted) {
      const key = `${s.participantId}\u0000${s.point}`;
      this.submitted.set(key, [...(this.submitted.get(key) ?? []), s]);
    }
    this.columns = new Map(header.map((name, i) => [name, i]));
    this.counter = new SummaryCounter(setting.points);
  }

  private askedAt(at: ImportPoint): Map<string, Item> {
    let items = this.asked.get(at);
    if (!items) this.asked.set(at, (items = new Map(itemsForPoint(at.instrument, at.point).map((item) => [item.id, item]))));
    return items;
  }

  check(row: number, cells: string[]): void {
    const found: ImportError[] = [];
    // A cell's error is named by the row of the file that gave it, a questionnaire's by its first row.
    const error = (column: string | null, code: ImportErrorCode, params: ImportError['params'] = {}) =>
      void found.push({ row: (column !== null ? this.rowOf?.(row, column) : undefined) ?? row, column, code, params });
    const cell = (column: string) => (cells[this.columns.get(column) ?? -1] ?? '').trim();
    const report = () => {
      for (const e of found) this.errors.add(e);
    };

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
    if (!at) {
      error('point', 'pointUnknown', { value: shown(pointText), points: this.setting.points.map((p) => p.point).join(', ') });
      return report();
    }

    const { instrument, point } = at;
    const languageText = cell('language').toLowerCase();
    const language = languageText === '' ? defaultLanguage(instrument) : languageText;
    if (!instrument.languages.includes(language)) error('language', 'languageUnknown', { value: shown(languageText), languages: instrument.languages.join(', ') });

    const asked = this.askedAt(at);
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
    if (answers.length === 0 && found.length === 0) error(null, 'noAnswers');

    const key = `${participantRef}\u0000${point}`;
    const earlier = this.firstRowOf.get(key);
    if (earlier !== undefined) error(null, 'duplicateInFile', { otherRow: earlier });
    else this.firstRowOf.set(key, row);
    const participantId = ids.length === 1 ? ids[0]! : null;
    const stored = participantId === null ? [] : this.submitted.get(`${participantId}\u0000${point}`) ?? [];
    if (found.length === 0 && stored.length > 0) {
      // The same questionnaire again (the file imported twice) is skipped; a different one is reported, never overwritten.
      const fingerprint = answersFingerprint(answers);
      if (stored.some((s) => s.submittedOn === submittedOn && s.fingerprint === fingerprint)) return void this.counter.skipped++;
      error(null, 'alreadySubmitted', { point });
    }

    if (found.length > 0) return report();
    const byItem = new Map(answers.map((a) => [a.itemId, a]));
    const checked: ImportRow = {
      row, participantRef, participantId, point, submittedOn, language, roundId: roundOf(submittedOn, this.setting.rounds),
      instrumentId: instrument.id, instrumentVersion: instrument.version, answers,
      scores: scoreResponse(instrument, point, byItem), dimensions: dimensionsOf(instrument, byItem),
    };
    this.counter.add(checked);
    this.onRow(checked);
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

/** The preview's figures, counted row by row. */
class SummaryCounter {
  private readonly newRefs = new Set<string>();
  private readonly matched = new Set<number>();
  private readonly byPoint = new Map<MeasurementPoint, number>();
  private inRound = 0;
  skipped = 0;

  constructor(private readonly points: readonly ImportPoint[]) {}

  add(row: ImportRow): void {
    if (row.participantId === null) this.newRefs.add(row.participantRef);
    else this.matched.add(row.participantId);
    this.byPoint.set(row.point, (this.byPoint.get(row.point) ?? 0) + 1);
    if (row.roundId !== null) this.inRound++;
  }

  summary(rows: number): ImportSummary {
    return {
      rows,
      newParticipants: this.newRefs.size,
      matchedParticipants: this.matched.size,
      byPoint: this.points.map(({ point }) => ({ point, responses: this.byPoint.get(point) ?? 0 })),
      inRound: this.inRound,
      skipped: this.skipped,
    };
  }
}
