// The secret of a single-use link (an invitation, a password reset): 24 random bytes from the
// CSPRNG in base64url, stored only as its SHA-256 hash; a link whose secret cannot be one is
// refused before the database is asked.
import { createHash, randomBytes } from 'node:crypto';

export function newLinkToken(): string {
  return randomBytes(24).toString('base64url');
}

export function linkTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a link's text can be such a secret. */
export const isLinkToken = (text: string): boolean => /^[A-Za-z0-9_-]{20,64}$/.test(text);
