import type { ColumnMapping } from '../domain/csvImport.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

/** What the förbund's earlier files mapped these headers (as read) to, for these instruments (domain/importColumns.mappingInstrument). */
export function rememberedColumns(db: Db, federationId: number, instrument: string, headers: readonly string[]): ColumnMapping {
  const target = sql<[number, string, string], string>(db, 'SELECT target FROM import_columns WHERE federation_id = ? AND instrument = ? AND header = ?').pluck();
  const found = new Map<string, string>();
  for (const header of headers) {
    const t = target.get(federationId, instrument, header);
    if (t !== undefined) found.set(header, t);
  }
  return found;
}

/** Remembers a mapping chosen for a file, each header replacing what it was mapped to before. */
export function rememberColumns(db: Db, federationId: number, instrument: string, mapping: ColumnMapping): void {
  const upsert = sql(
    db,
    `INSERT INTO import_columns (federation_id, instrument, header, target) VALUES (?, ?, ?, ?)
     ON CONFLICT (federation_id, instrument, header) DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at`,
  );
  for (const [header, target] of mapping) upsert.run(federationId, instrument, header, target);
}
