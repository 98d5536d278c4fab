import { hashPasswordSync } from '../../server/security/password.js';
import type { Db } from '../../server/storage/db.js';
import { assignStaff, createUser, grantRole, type FederationRole } from '../../server/storage/users.js';
import { HttpClient } from './http.js';

export const TEST_PASSWORD = 'Testlösen-för-prov-42';
let hashed: string | undefined;

/** A user with the given roles (hashing once per test run: scrypt is deliberately slow). */
export function makeUser(db: Db, email: string, grants: { federationId: number; role: FederationRole }[] = [], opts: { systemAdmin?: boolean; assign?: number[] } = {}) {
  hashed ??= hashPasswordSync(TEST_PASSWORD);
  const user = createUser(db, { email, name: email.split('@')[0]!, passwordHash: hashed, isSystemAdmin: opts.systemAdmin });
  for (const g of grants) grantRole(db, user.id, g.federationId, g.role);
  for (const iid of opts.assign ?? []) assignStaff(db, user.id, iid);
  return user;
}

/** A client signed in through the real login form. */
export async function signedIn(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  await client.get('/login');
  const res = await client.post('/login', { email, password, next: '/' });
  if (res.status !== 303) throw new Error(`login of ${email} failed with ${res.status}`);
  return client;
}
