import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: nothing a participant can misread on a slip. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/**
 * New codes have 10 characters: 31^10 ≈ 8.2·10^14. With the limits on guessing (20 missed guesses
 * per address in 15 minutes, and CODE_GUESSES_PER_MINUTE from all addresses together) 10,000
 * addresses at their limit try about 7·10^9 codes a year if nothing else stopped them, and the
 * shared cap lets through about 6.3·10^7: with 10,000 codes open at once, a first hit is expected
 * after about 12 years at the per-address limits alone, about 1,300 years under the shared cap.
 * Codes printed before have 8 characters (31^8 ≈ 8.5·10^11) and still open.
 */
export const CODE_LENGTH = 10;
export const LEGACY_CODE_LENGTH = 8;
/** Missed code lookups per minute from all clients together before code pages pause (see above). */
export const CODE_GUESSES_PER_MINUTE = 120;

/** A new random code from the CSPRNG (31^8 ≈ 8.5·10^11 possibilities). */
export function generateAccessCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What the participant typed, made comparable: case, spaces and dashes do not matter. Null when it cannot be a code. */
export function normalizeAccessCode(input: string): string | null {
  // Spaces and any dash (a pasted en dash too) are only separators.
  const code = input.toUpperCase().replace(/[\s\-\u2010-\u2015\u2212]/g, '');
  if (code.length !== CODE_LENGTH && code.length !== LEGACY_CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** Printed and shown in two halves, ABCDE-FGHJK (older codes ABCD-EFGH), so it is easy to read aloud and type. */
export function formatAccessCode(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

/** A list of codes as in `?codes=ABCD2345,EFGH6789`: normalised, malformed ones dropped, each once. */
export function normalizeCodeList(text: string): string[] {
  return [...new Set(text.split(',').map((c) => normalizeAccessCode(c)).filter((c): c is string => c !== null))];
}
