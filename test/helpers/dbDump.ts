import path from 'node:path';
import { ROOT } from '../../server/paths.js';
import type { Db } from '../../server/storage/db.js';

/** The CSV files the import tests read (good ones, and one for each kind of error). */
export const IMPORT_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');

/** Every table's every row: what "the database unchanged" is compared on. */
export function dumpDatabase(db: Db): Record<string, string[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  // Some tables are WITHOUT ROWID: rows are compared as sorted text.
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((row) => JSON.stringify(row)).sort()]));
}
