import type { Db } from './db.js';
import { sql } from './statements.js';

export interface Project { id: number; name: string; startsOn: string | null; endsOn: string | null }
export interface Subproject { id: number; projectId: number; federationId: number; name: string; projectName: string }

export function createProject(db: Db, input: { name: string; startsOn?: string | null; endsOn?: string | null }): Project {
  return sql<unknown[], Project>(db, 'INSERT INTO projects (name, starts_on, ends_on) VALUES (?, ?, ?) RETURNING id, name, starts_on AS startsOn, ends_on AS endsOn')
    .get(input.name, input.startsOn ?? null, input.endsOn ?? null)!;
}

export function createSubproject(db: Db, input: { projectId: number; federationId: number; name: string }): Subproject {
  const id = sql(db, 'INSERT INTO subprojects (project_id, federation_id, name) VALUES (?, ?, ?)').run(input.projectId, input.federationId, input.name).lastInsertRowid;
  return listSubprojects(db, input.federationId).find((s) => s.id === Number(id))!;
}

export function listSubprojects(db: Db, federationId: number): Subproject[] {
  return sql<[number], Subproject>(
    db,
    `SELECT s.id, s.project_id AS projectId, s.federation_id AS federationId, s.name, p.name AS projectName
     FROM subprojects s JOIN projects p ON p.id = s.project_id WHERE s.federation_id = ? ORDER BY p.name, s.name`,
  ).all(federationId);
}
