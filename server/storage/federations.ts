import type { Db } from './db.js';
import { sql, toBit } from './statements.js';

export interface Federation {
  id: number;
  name: string;
  /** The key the national report knows the förbund by (domain/organisationNumber.ts), once set. */
  organisationNumber: string | null;
  createdAt: string;
}

const COLUMNS = 'id, name, organisation_number AS organisationNumber, created_at AS createdAt';

export function createFederation(db: Db, name: string): Federation {
  return sql<[string], Federation>(db, `INSERT INTO federations (name) VALUES (?) RETURNING ${COLUMNS}`).get(name)!;
}

export function getFederation(db: Db, id: number): Federation | undefined {
  return sql<[number], Federation>(db, `SELECT ${COLUMNS} FROM federations WHERE id = ?`).get(id);
}

export function listFederations(db: Db): Federation[] {
  return sql<[], Federation>(db, `SELECT ${COLUMNS} FROM federations ORDER BY name`).all();
}

export type PartyKind = 'fk' | 'af' | 'region' | 'municipality';
export interface Party { id: number; kind: PartyKind; name: string }

export function renameFederation(db: Db, id: number, name: string): void {
  sql(db, 'UPDATE federations SET name = ? WHERE id = ?').run(name, id);
}

/** Sets (or with null clears) the organisation number; false when another förbund has it. */
export function setOrganisationNumber(db: Db, id: number, organisationNumber: string | null): boolean {
  const taken = organisationNumber !== null && sql<[string, number], number>(db, 'SELECT 1 FROM federations WHERE organisation_number = ? AND id <> ?').pluck().get(organisationNumber, id) !== undefined;
  if (!taken) sql(db, 'UPDATE federations SET organisation_number = ? WHERE id = ?').run(organisationNumber, id);
  return !taken;
}

/** Whether a förbund lets its users in only through single sign-on (password sign-in refused). */
export function setSsoRequired(db: Db, id: number, required: boolean): void {
  sql(db, 'UPDATE federations SET sso_required = ? WHERE id = ?').run(toBit(required), id);
}

export function ssoRequired(db: Db, id: number): boolean {
  return sql<[number], number>(db, 'SELECT sso_required FROM federations WHERE id = ?').pluck().get(id) === 1;
}

/** Whether a förbund the user has a role in lets its users in only through single sign-on. */
export function ssoRequiredForUser(db: Db, userId: number): boolean {
  return sql<[number], number>(db, 'SELECT 1 FROM user_roles r JOIN federations f ON f.id = r.federation_id WHERE r.user_id = ? AND f.sso_required = 1').pluck().get(userId) !== undefined;
}

export function listParties(db: Db, federationId: number): Party[] {
  return sql<[number], Party>(db, `SELECT id, kind, name FROM federation_parties WHERE federation_id = ?
    ORDER BY CASE kind WHEN 'fk' THEN 1 WHEN 'af' THEN 2 WHEN 'region' THEN 3 ELSE 4 END, name`).all(federationId);
}

/** Replaces the member parties in one transaction. */
export function setParties(db: Db, federationId: number, parties: { kind: PartyKind; name: string }[]): void {
  db.transaction(() => {
    sql(db, 'DELETE FROM federation_parties WHERE federation_id = ?').run(federationId);
    const insert = sql(db, 'INSERT INTO federation_parties (federation_id, kind, name) VALUES (?, ?, ?)');
    for (const p of parties) insert.run(federationId, p.kind, p.name);
  })();
}
