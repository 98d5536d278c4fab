import type { TFunction } from 'i18next';
import type { ImportError } from '../domain/csvImport.js';

/** Where in the file an import error is: "Filen", "Rad 3", "Rad 3, kolumn fk_trust". */
export function importErrorPlace(t: TFunction, e: ImportError): string {
  if (e.row === null) return t('import.where.file');
  return e.column ? t('import.where.cell', { row: e.row, column: e.column }) : t('import.where.row', { row: e.row });
}

/** What is wrong, in the reader's language. */
export function importErrorText(t: TFunction, e: ImportError): string {
  return t(`import.errors.${e.code}`, e.params);
}
