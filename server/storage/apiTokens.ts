import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import { sql } from './statements.js';
import type { FederationRole } from './users.js';

export interface ApiToken { id: number; prefix: string; name: string; federationId: number; role: FederationRole; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

const COLUMNS = 'id, prefix, name, federation_id AS federationId, role, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt';

// Tokens are 32 random bytes, so a fast hash suffices: there is nothing to brute-force.
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a token and returns its secret once; only its hash is stored. */
export function createApiToken(db: Db, input: { name: string; federationId: number; role: FederationRole; createdBy: number | null }): { token: string; record: ApiToken } {
  const token = `ik_${randomBytes(32).toString('base64url')}`;
  const record = sql<unknown[], ApiToken>(
    db,
    `INSERT INTO api_tokens (token_hash, prefix, name, federation_id, role, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
  ).get(hashToken(token), token.slice(0, 8), input.name, input.federationId, input.role, input.createdBy)!;
  return { token, record };
}

/** The live token for a presented secret, marking it used. */
export function useApiToken(db: Db, token: string): ApiToken | undefined {
  return sql<[string], ApiToken>(
    db,
    `UPDATE api_tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE token_hash = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`,
  ).get(hashToken(token));
}

export function listApiTokens(db: Db, federationId: number): ApiToken[] {
  return sql<[number], ApiToken>(db, `SELECT ${COLUMNS} FROM api_tokens WHERE federation_id = ? ORDER BY id DESC`).all(federationId);
}

export function revokeApiToken(db: Db, federationId: number, id: number): boolean {
  return sql(db, `UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND federation_id = ? AND revoked_at IS NULL`).run(id, federationId).changes === 1;
}
