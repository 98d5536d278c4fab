import type { Db } from './db.js';
import { fromBit, sql, toBit } from './statements.js';

export const FEDERATION_ROLES = ['federation_admin', 'staff', 'evaluator', 'board'] as const;
export type FederationRole = (typeof FEDERATION_ROLES)[number];

export interface User {
  id: number;
  email: string;
  name: string;
  passwordHash: string;
  isSystemAdmin: boolean;
  /** NNS staff in a national installation: reads the national report, receives submissions. */
  isNational: boolean;
  disabled: boolean;
}

export interface RoleGrant { federationId: number; role: FederationRole }

type Row = Omit<User, 'isSystemAdmin' | 'isNational' | 'disabled'> & { isSystemAdmin: number; isNational: number; disabled: number };
const fromRow = (r: Row | undefined): User | undefined => r && { ...r, isSystemAdmin: fromBit(r.isSystemAdmin), isNational: fromBit(r.isNational), disabled: fromBit(r.disabled) };

const COLUMNS = 'id, email, name, password_hash AS passwordHash, is_system_admin AS isSystemAdmin, is_national AS isNational, disabled';

export function createUser(db: Db, input: { email: string; name: string; passwordHash: string; isSystemAdmin?: boolean; isNational?: boolean }): User {
  return fromRow(
    sql<[string, string, string, number, number], Row>(db, `INSERT INTO users (email, name, password_hash, is_system_admin, is_national) VALUES (?, ?, ?, ?, ?) RETURNING ${COLUMNS}`).get(
      input.email.trim(), input.name.trim(), input.passwordHash, toBit(input.isSystemAdmin ?? false), toBit(input.isNational ?? false),
    ),
  )!;
}

export function getUser(db: Db, id: number): User | undefined {
  return fromRow(sql<[number], Row>(db, `SELECT ${COLUMNS} FROM users WHERE id = ?`).get(id));
}

export function findUserByEmail(db: Db, email: string): User | undefined {
  return fromRow(sql<[string], Row>(db, `SELECT ${COLUMNS} FROM users WHERE email = ?`).get(email.trim()));
}

export function setPassword(db: Db, userId: number, passwordHash: string): void {
  sql(db, 'UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
}

export function rolesOf(db: Db, userId: number): RoleGrant[] {
  return sql<[number], RoleGrant>(db, 'SELECT federation_id AS federationId, role FROM user_roles WHERE user_id = ? ORDER BY federation_id, role').all(userId);
}

export function grantRole(db: Db, userId: number, federationId: number, role: FederationRole): void {
  sql(db, 'INSERT INTO user_roles (user_id, federation_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(userId, federationId, role);
}

/** Whether the person had the role (and now has not). */
export function revokeRole(db: Db, userId: number, federationId: number, role: FederationRole): boolean {
  return sql(db, 'DELETE FROM user_roles WHERE user_id = ? AND federation_id = ? AND role = ?').run(userId, federationId, role).changes > 0;
}

export interface FederationMember { id: number; email: string; name: string; roles: FederationRole[] }

export function listFederationMembers(db: Db, federationId: number): FederationMember[] {
  const rows = sql<[number], { id: number; email: string; name: string; roles: string }>(
    db,
    `SELECT u.id, u.email, u.name, group_concat(r.role) AS roles FROM users u JOIN user_roles r ON r.user_id = u.id
     WHERE r.federation_id = ? GROUP BY u.id ORDER BY u.name`,
  ).all(federationId);
  return rows.map((r) => ({ ...r, roles: r.roles.split(',') as FederationRole[] }));
}

export function assignStaff(db: Db, userId: number, interventionId: number): void {
  sql(db, 'INSERT INTO staff_assignments (user_id, intervention_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(userId, interventionId);
}

export function unassignStaff(db: Db, userId: number, interventionId: number): void {
  sql(db, 'DELETE FROM staff_assignments WHERE user_id = ? AND intervention_id = ?').run(userId, interventionId);
}

export function assignedInterventions(db: Db, userId: number): number[] {
  return sql<[number], number>(db, 'SELECT intervention_id FROM staff_assignments WHERE user_id = ?').pluck().all(userId);
}

export function staffOfIntervention(db: Db, interventionId: number): { id: number; name: string }[] {
  return sql<[number], { id: number; name: string }>(db, 'SELECT u.id, u.name FROM users u JOIN staff_assignments s ON s.user_id = u.id WHERE s.intervention_id = ? ORDER BY u.name').all(interventionId);
}
