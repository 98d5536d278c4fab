import type { FederationRole, RoleGrant } from '../storage/users.js';

/** What a role may do inside one federation. System admins manage federations, not their data. */
export const PERMISSIONS = [
  'federation.view', // the federation's start page
  'federation.manage', // name, parties, rounds, interventions
  'users.manage',
  'tokens.manage',
  'audit.read',
  'participants.manage', // register, exit, codes, slips, paper entry (staff: assigned interventions only)
  'participants.privacy', // GDPR requests on one participant: export their data, erase them (förbund admins only)
  'rates.read',
  'results.read',
  'export',
  'freeText.read', // the participants' free-text answers, and hiding one that identifies someone (never boards)
  'reports.read', // board reports of the federation and its interventions, and their PDFs
  'reports.freeze', // save a report as a frozen snapshot
  'national.submit', // the yearly submission to the national report (NNS): preview and produce the file
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<FederationRole, readonly Permission[]> = {
  federation_admin: PERMISSIONS,
  staff: ['federation.view', 'participants.manage', 'rates.read'],
  evaluator: ['federation.view', 'results.read', 'export', 'freeText.read', 'reports.read'],
  board: ['federation.view', 'results.read', 'reports.read'],
};

/** The roles from the least to the most privileged: forms offer them in this order and preselect the first. */
export const ROLES_LEAST_FIRST: readonly FederationRole[] = ['board', 'evaluator', 'staff', 'federation_admin'];

/** Permissions that staff hold only for the interventions they are assigned to. */
const ASSIGNMENT_BOUND: ReadonlySet<Permission> = new Set(['participants.manage', 'rates.read']);

/** Who is asking: a signed-in user or an API token. */
export interface Principal {
  userId: number | null;
  tokenId: number | null;
  name: string;
  isSystemAdmin: boolean;
  /** NNS staff of a national installation (no federation role reaches the national report). */
  isNational: boolean;
  grants: RoleGrant[];
  assignedInterventions: ReadonlySet<number>;
}

export function rolesIn(p: Principal, federationId: number): FederationRole[] {
  return p.grants.filter((g) => g.federationId === federationId).map((g) => g.role);
}

/** The one place that decides access: permission in a federation, and for staff, the intervention. */
export function can(p: Principal, permission: Permission, federationId: number, interventionId?: number): boolean {
  return rolesIn(p, federationId).some((role) => {
    if (!ROLE_PERMISSIONS[role].includes(permission)) return false;
    if (role === 'staff' && ASSIGNMENT_BOUND.has(permission)) return interventionId !== undefined && p.assignedInterventions.has(interventionId);
    return true;
  });
}

/** Federations where the principal holds any role. */
export function federationsOf(p: Principal): number[] {
  return [...new Set(p.grants.map((g) => g.federationId))];
}

/**
 * Who reads a regional project (its progress and report): system admins, who set projects up, and
 * the members of its steering group. A project spans federations, so no federation role grants it.
 */
export function canReadProject(p: Principal, projectMemberIds: readonly number[]): boolean {
  return p.isSystemAdmin || (p.userId !== null && projectMemberIds.includes(p.userId));
}

/**
 * Who must give a second factor after a password (when the installation asks it of admins,
 * INDIKATOR_ADMIN_TWO_FACTOR): system admins and förbund admins, who manage accounts and can read
 * everything of a förbund. Everyone else may turn it on.
 */
export function isAdministrator(p: Principal): boolean {
  return p.isSystemAdmin || p.grants.some((g) => g.role === 'federation_admin');
}
