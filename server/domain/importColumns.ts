// The column-mapping step of the CSV import (issue 11): a wide file whose headers are not the
// template's ("Fråga 1", "Förtroende FK") has each such column mapped to an item or a fixed column,
// or ignored, before it is checked. Pure: the file's first rows and the intervention's points come
// in as data; what a förbund chose before comes from storage/importColumns.

import {
  asImportHeader, CsvRecordReader, headerName, IGNORED_COLUMN, isLongLayout, REQUIRED_COLUMNS, templateColumns,
  type ColumnMapping, type ImportPoint,
} from './csvImport.js';

/** How many rows under the header are read to show a column's first values. */
const SAMPLE_ROWS = 5;
const SAMPLES_SHOWN = 3;
const SAMPLE_MAX_LENGTH = 40;

/** A column of the file: its header as written and as read (headerName), and its first values. */
export interface FileColumn { header: string; name: string; samples: string[] }

/** The header and the first values of each column of a file given in chunks of text; reads no further than it needs. */
export function fileColumns(chunks: Iterable<string>): FileColumn[] {
  const records: string[][] = [];
  const reader = new CsvRecordReader((cells) => void records.push(cells));
  for (const text of chunks) {
    reader.push(text);
    if (records.length > SAMPLE_ROWS) break;
  }
  if (records.length <= SAMPLE_ROWS) reader.end();
  const [header = [], ...rows] = records;
  return header.map((cell, i) => ({
    header: cell.replace(/^\uFEFF/, '').trim(),
    name: headerName(cell, i),
    samples: rows.slice(0, SAMPLE_ROWS).map((r) => (r[i] ?? '').trim()).filter((v) => v !== '').slice(0, SAMPLES_SHOWN)
      .map((v) => (v.length > SAMPLE_MAX_LENGTH ? `${v.slice(0, SAMPLE_MAX_LENGTH)}…` : v)),
  }));
}

/**
 * The columns that need mapping: a header that is neither blank nor a template column (each name
 * once). None for the long layout or the response export's long file, which name their items in a column.
 */
export function unmappedColumns(columns: readonly FileColumn[], points: readonly ImportPoint[]): FileColumn[] {
  const read = asImportHeader(columns.map((c) => c.name));
  if (isLongLayout(read)) return [];
  const known = new Set(templateColumns(points));
  return columns.filter((c, i) => read[i] !== '' && !known.has(read[i]!) && columns.findIndex((o) => o.name === c.name) === i);
}

/** Which instruments a mapping is remembered for: the ones the intervention's points ask (an item id means something only in its instrument). */
export function mappingInstrument(points: readonly ImportPoint[]): string {
  return [...new Set(points.map((p) => p.instrument.id))].sort().join(',');
}

export type MappingErrorCode = 'choose' | 'twice' | 'required';
/** A choice that cannot be taken: `column` is the position among the unmapped columns, null for the file as a whole; the text is `import.columnsStep.errors.<code>`. */
export interface MappingError { column: number | null; code: MappingErrorCode; params: Record<string, string> }

/**
 * The choices made for the unmapped columns (one each, in their order: a template column or
 * IGNORED_COLUMN) checked: each column chosen, no template column taken by two of the file's
 * columns, and the required fixed columns there in the end.
 */
export function checkMapping(
  columns: readonly FileColumn[], unmapped: readonly FileColumn[], choices: readonly (string | undefined)[], points: readonly ImportPoint[],
): { ok: true; mapping: ColumnMapping } | { ok: false; errors: MappingError[] } {
  const targets = new Set(templateColumns(points));
  const errors: MappingError[] = [];
  const mapping = new Map<string, string>();
  unmapped.forEach((column, k) => {
    const choice = choices[k] ?? '';
    if (choice === IGNORED_COLUMN || targets.has(choice)) mapping.set(column.name, choice);
    else errors.push({ column: k, code: 'choose', params: { column: column.header } });
  });
  // Which of the file's columns gives each template column, once mapped; a clash is named at the column that was mapped.
  const givenBy = new Map<string, number>();
  const read = asImportHeader(columns.map((c) => c.name));
  const mappedAt = (i: number) => unmapped.findIndex((u) => u.name === read[i]);
  read.forEach((name, i) => {
    const target = mapping.get(name) ?? name;
    if (target === '' || target === IGNORED_COLUMN) return;
    const other = givenBy.get(target);
    if (other === undefined) return void givenBy.set(target, i);
    const [first, second] = mappedAt(i) >= 0 ? [other, i] : [i, other];
    errors.push({ column: mappedAt(second) >= 0 ? mappedAt(second) : null, code: 'twice', params: { column: columns[second]!.header, other: columns[first]!.header, target } });
  });
  for (const required of REQUIRED_COLUMNS) if (!givenBy.has(required)) errors.push({ column: null, code: 'required', params: { target: required } });
  return errors.length ? { ok: false, errors } : { ok: true, mapping };
}

/** The mapping remembered for a förbund's files, kept to what still applies: columns this file has unmapped, targets the template still has. */
export function prefilledChoices(unmapped: readonly FileColumn[], remembered: ReadonlyMap<string, string>, points: readonly ImportPoint[]): string[] {
  const targets = new Set(templateColumns(points));
  return unmapped.map((c) => {
    const target = remembered.get(c.name) ?? '';
    return target === IGNORED_COLUMN || targets.has(target) ? target : '';
  });
}
