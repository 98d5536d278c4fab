import type { Db } from './db.js';
import { sql } from './statements.js';

export type FederationTextKind = 'privacy' | 'contact';

/** A förbund's own texts of one kind, by language. */
export function federationTexts(db: Db, federationId: number, kind: FederationTextKind): Map<string, string> {
  return new Map(sql<[number, string], { language: string; text: string }>(db, 'SELECT language, text FROM federation_texts WHERE federation_id = ? AND kind = ?')
    .all(federationId, kind).map((r) => [r.language, r.text]));
}

/** Replaces a förbund's texts of one kind: a language left empty goes back to the default. */
export function setFederationTexts(db: Db, federationId: number, kind: FederationTextKind, texts: ReadonlyMap<string, string>): void {
  db.transaction(() => {
    sql(db, 'DELETE FROM federation_texts WHERE federation_id = ? AND kind = ?').run(federationId, kind);
    const insert = sql(db, 'INSERT INTO federation_texts (federation_id, kind, language, text) VALUES (?, ?, ?, ?)');
    for (const [language, text] of texts) if (text.trim() !== '') insert.run(federationId, kind, language, text.trim());
  })();
}
