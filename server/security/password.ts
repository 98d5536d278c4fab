import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PATHS } from '../paths.js';

// scrypt from node:crypto: memory-hard, no native add-on to build. N=2^15, r=8 uses 32 MiB per hash.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, parameters stored so they can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** The same hash, computed synchronously: for the CLI and the demo seed, never in a request. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { N, r: R, p: P, maxmem: MAX_MEM });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let common: Set<string> | undefined;

/**
 * Whether a password long enough is still guessed at once: only digits (a number, a date, a
 * personnummer), only spaces, fewer than five different characters, or mostly one run of
 * neighbouring characters (123456789012, abcdefghijkl, 987654321098).
 */
function isTooSimple(password: string): boolean {
  const chars = [...password];
  if (password.trim() === '' || /^\d+$/.test(password) || new Set(chars).size < 5) return true;
  let longest = 1;
  let run = 1;
  for (let k = 1; k < chars.length; k++) {
    const step = chars[k]!.codePointAt(0)! - chars[k - 1]!.codePointAt(0)!;
    const previous = k > 1 ? chars[k - 1]!.codePointAt(0)! - chars[k - 2]!.codePointAt(0)! : step;
    run = Math.abs(step) === 1 && step === previous ? run + 1 : Math.abs(step) === 1 ? 2 : 1;
    longest = Math.max(longest, run);
  }
  return longest >= chars.length - 2;
}

/** Null when acceptable, else the translation key of the reason (errors.password.*). */
export function passwordProblem(password: string, email?: string): 'tooShort' | 'tooCommon' | 'tooSimple' | 'containsEmail' | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'tooShort';
  if (isTooSimple(password)) return 'tooSimple';
  common ??= new Set(
    fs.readFileSync(path.join(PATHS.root, 'server', 'security', 'common-passwords.txt'), 'utf8').split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean),
  );
  const lower = password.toLowerCase();
  if (common.has(lower) || common.has(lower.replace(/[\d!?.]+$/, ''))) return 'tooCommon';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'containsEmail';
  return null;
}
