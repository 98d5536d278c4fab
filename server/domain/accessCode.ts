import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: nothing a participant can misread on a slip. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;

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
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** Printed and shown as ABCD-EFGH so it is easy to read aloud and type. */
export function formatAccessCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A list of codes as in `?codes=ABCD2345,EFGH6789`: normalised, malformed ones dropped, each once. */
export function normalizeCodeList(text: string): string[] {
  return [...new Set(text.split(',').map((c) => normalizeAccessCode(c)).filter((c): c is string => c !== null))];
}
