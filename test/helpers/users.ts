import { generate } from 'otplib';
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

/** The code of a TOTP secret at a moment (seconds since 1970), as an authenticator app computes it. */
export const totpCode = (secret: string, epochSeconds: number): Promise<string> => generate({ secret, epoch: epochSeconds });

/** The second factors signedIn() set up through the real pages: per server and e-mail, the secret and the last time step it gave. */
const authenticators = new Map<string, { secret: string; lastStep: number }>();

/** The authenticator app signedIn() set up for this account on this server. */
export function authenticatorOf(baseUrl: string, email: string): { secret: string; lastStep: number } | undefined {
  return authenticators.get(`${baseUrl} ${email.toLowerCase()}`);
}

/**
 * A code for the next time step after `lastStep` (each code works once), waiting when that step is
 * more than one ahead of the clock (the server takes the step before and after this one).
 */
async function nextCode(secret: string, lastStep: number): Promise<{ code: string; step: number }> {
  const step = Math.max(Math.floor(Date.now() / 30_000), lastStep + 1);
  const wait = (step - 1) * 30_000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 200));
  return { code: await totpCode(secret, step * 30), step };
}

/**
 * Answers the second factor the way a person with an authenticator app does: on the set-up page
 * reads the secret shown there and types a code from it (the recovery codes page follows), on the
 * second-factor page types the next code of the secret set up before.
 */
export async function answerSecondFactor(client: HttpClient, email: string): Promise<void> {
  const key = `${client.baseUrl} ${email.toLowerCase()}`;
  const page = await client.get('/login/second-factor');
  const shown = /id="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(page.text)?.[1];
  const known = authenticators.get(key);
  const secret = shown?.replace(/ /g, '') ?? known?.secret;
  if (!secret) throw new Error(`${email}: asked for a second factor that was never set up here`);
  const { code, step } = await nextCode(secret, shown ? 0 : known!.lastStep);
  const res = await client.post('/login/second-factor', { code });
  if (res.status !== (shown ? 200 : 303)) throw new Error(`second factor of ${email} refused with ${res.status}`);
  authenticators.set(key, { secret, lastStep: step });
}

/** A client signed in through the real login form (and the second factor, when the server asks for it). */
export async function signedIn(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  await client.get('/login');
  const res = await client.post('/login', { email, password, next: '/' });
  if (res.status !== 303) throw new Error(`login of ${email} failed with ${res.status}`);
  if (res.location === '/login/second-factor') await answerSecondFactor(client, email);
  return client;
}
