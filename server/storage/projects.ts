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

/** A federation's subprojects; without a federation, every subproject of the installation. */
export function listSubprojects(db: Db, federationId?: number): Subproject[] {
  return sql<{ federation: number | null }, Subproject>(
    db,
    `SELECT s.id, s.project_id AS projectId, s.federation_id AS federationId, s.name, p.name AS projectName
     FROM subprojects s JOIN projects p ON p.id = s.project_id WHERE @federation IS NULL OR s.federation_id = @federation ORDER BY p.name, s.name`,
  ).all({ federation: federationId ?? null });
}

const PROJECT_COLUMNS = 'id, name, starts_on AS startsOn, ends_on AS endsOn';

export function getProject(db: Db, id: number): Project | undefined {
  return sql<[number], Project>(db, `SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ?`).get(id);
}

export function listProjects(db: Db): Project[] {
  return sql<[], Project>(db, `SELECT ${PROJECT_COLUMNS} FROM projects ORDER BY name`).all();
}

/** The projects whose steering group the user is in. */
export function projectsOfUser(db: Db, userId: number): Project[] {
  return sql<[number], Project>(
    db,
    `SELECT p.id, p.name, p.starts_on AS startsOn, p.ends_on AS endsOn
     FROM projects p JOIN project_members m ON m.project_id = p.id WHERE m.user_id = ? ORDER BY p.name`,
  ).all(userId);
}

export interface ProjectSubproject { id: number; name: string; federationId: number; federationName: string; interventionIds: number[] }

/** A project's subprojects with their federation and the interventions linked to them. */
export function listProjectSubprojects(db: Db, projectId: number): ProjectSubproject[] {
  const rows = sql<[number], Omit<ProjectSubproject, 'interventionIds'> & { interventionIds: string | null }>(
    db,
    `SELECT s.id, s.name, s.federation_id AS federationId, f.name AS federationName, group_concat(i.id) AS interventionIds
     FROM subprojects s JOIN federations f ON f.id = s.federation_id LEFT JOIN interventions i ON i.subproject_id = s.id
     WHERE s.project_id = ? GROUP BY s.id ORDER BY f.name, s.name`,
  ).all(projectId);
  return rows.map((r) => ({ ...r, interventionIds: r.interventionIds ? r.interventionIds.split(',').map(Number).sort((a, b) => a - b) : [] }));
}

export const TARGET_KINDS = ['work_or_studies', 'competence', 'custom'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface ProjectTarget { id: number; projectId: number; label: string; kind: TargetKind; exitStatuses: string[] | null; target: number }

/** A project's targets; without a project, every target of the installation. */
export function listProjectTargets(db: Db, projectId?: number): ProjectTarget[] {
  return sql<{ project: number | null }, Omit<ProjectTarget, 'exitStatuses'> & { exitStatuses: string | null }>(
    db,
    'SELECT id, project_id AS projectId, label, kind, exit_statuses AS exitStatuses, target FROM project_targets WHERE @project IS NULL OR project_id = @project ORDER BY id',
  ).all({ project: projectId ?? null }).map((r) => ({ ...r, exitStatuses: r.exitStatuses === null ? null : (JSON.parse(r.exitStatuses) as string[]) }));
}

/** exitStatuses is the list for kind 'custom' and null for the predefined kinds. */
export function addProjectTarget(db: Db, input: Omit<ProjectTarget, 'id'>): void {
  sql(db, 'INSERT INTO project_targets (project_id, label, kind, exit_statuses, target) VALUES (?, ?, ?, ?, ?)').run(
    input.projectId, input.label, input.kind, input.exitStatuses === null ? null : JSON.stringify(input.exitStatuses), input.target,
  );
}

export function removeProjectTarget(db: Db, projectId: number, targetId: number): boolean {
  return sql(db, 'DELETE FROM project_targets WHERE id = ? AND project_id = ?').run(targetId, projectId).changes > 0;
}

export interface ProjectMember { id: number; email: string; name: string }

export function listProjectMembers(db: Db, projectId: number): ProjectMember[] {
  return sql<[number], ProjectMember>(
    db,
    'SELECT u.id, u.email, u.name FROM users u JOIN project_members m ON m.user_id = u.id WHERE m.project_id = ? ORDER BY u.name',
  ).all(projectId);
}

export function projectMemberIds(db: Db, projectId: number): number[] {
  return sql<[number], number>(db, 'SELECT user_id FROM project_members WHERE project_id = ?').pluck().all(projectId);
}

export function addProjectMember(db: Db, projectId: number, userId: number): void {
  sql(db, 'INSERT INTO project_members (project_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(projectId, userId);
}

export function removeProjectMember(db: Db, projectId: number, userId: number): boolean {
  return sql(db, 'DELETE FROM project_members WHERE project_id = ? AND user_id = ?').run(projectId, userId).changes > 0;
}
