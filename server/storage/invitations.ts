import { linkTokenHash, newLinkToken } from '../domain/linkToken.js';
import type { Db } from './db.js';
import { sql } from './statements.js';
import { grantRole, type FederationRole } from './users.js';

/** How long an invitation link opens. */
export const INVITATION_DAYS = 7;

export interface Invitation {
  id: number;
  email: string;
  federationId: number;
  federationName: string;
  role: FederationRole;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

const COLUMNS = `i.id, i.email, i.federation_id AS federationId, f.name AS federationName, i.role, i.created_at AS createdAt,
  i.expires_at AS expiresAt, i.accepted_at AS acceptedAt`;

/** A new invitation; the token (the link's secret) is returned once and stored only as its hash. */
export function createInvitation(db: Db, input: { email: string; federationId: number; role: FederationRole; createdBy: number | null }, now = new Date()): { token: string; invitation: Invitation } {
  const token = newLinkToken();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
  const id = Number(sql(db, 'INSERT INTO invitations (token_hash, email, federation_id, role, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(linkTokenHash(token), input.email.trim().toLowerCase(), input.federationId, input.role, input.createdBy, expiresAt).lastInsertRowid);
  return { token, invitation: sql<[number], Invitation>(db, `SELECT ${COLUMNS} FROM invitations i JOIN federations f ON f.id = i.federation_id WHERE i.id = ?`).get(id)! };
}

/** The open invitation a link names: not used, not expired; else undefined. */
export function openInvitation(db: Db, token: string, now = new Date()): Invitation | undefined {
  return sql<[string, string], Invitation>(
    db,
    `SELECT ${COLUMNS} FROM invitations i JOIN federations f ON f.id = i.federation_id WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.expires_at > ?`,
  ).get(linkTokenHash(token), now.toISOString());
}

/** Marks the invitation used by this account and grants its role, once: false when it was already used. */
export function acceptInvitation(db: Db, invitationId: number, userId: number): boolean {
  return db.transaction(() => {
    const row = sql<[number, number], { federationId: number; role: FederationRole }>(
      db,
      `UPDATE invitations SET accepted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), accepted_by = ? WHERE id = ? AND accepted_at IS NULL
       RETURNING federation_id AS federationId, role`,
    ).get(userId, invitationId);
    if (!row) return false;
    grantRole(db, userId, row.federationId, row.role);
    return true;
  })();
}

/** A förbund's invitations not yet used (expired ones included, so the admin sees them lapse). */
export function pendingInvitations(db: Db, federationId: number): Invitation[] {
  return sql<[number], Invitation>(db, `SELECT ${COLUMNS} FROM invitations i JOIN federations f ON f.id = i.federation_id WHERE i.federation_id = ? AND i.accepted_at IS NULL ORDER BY i.id DESC`).all(federationId);
}
