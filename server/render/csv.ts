import Papa from 'papaparse';

/**
 * How a CSV is written for the program that opens it: the default (comma, decimal point: R,
 * Python, SPSS), or Swedish Excel (semicolon, decimal comma), which opens it with å, ä, ö right.
 */
export type CsvDialect = 'standard' | 'excel-sv';

/**
 * Rows as CSV text, the one way the app writes CSV: UTF-8 with BOM so Excel reads å, ä, ö; a cell
 * starting with = + - @ (or a tab or carriage return) is defused with a ' (papaparse's
 * escapeFormulae) so no spreadsheet runs it.
 */
export function csvText(rows: Record<string, unknown>[], dialect: CsvDialect = 'standard'): string {
  if (dialect === 'standard') return `\uFEFF${Papa.unparse(rows, { escapeFormulae: true })}`;
  // Numbers are written with a decimal comma, so they reach papaparse as text: a negative one
  // ("-9", "-0,5") is a number to Excel, not a formula, and is left as it is.
  const swedish = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? String(v).replace('.', ',') : v])));
  return `\uFEFF${Papa.unparse(swedish, { escapeFormulae: /^[=+@\t\r].*$|^-(?!\d+(,\d+)?$).*$/, delimiter: ';' })}`;
}
