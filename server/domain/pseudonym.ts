import { randomBytes } from 'node:crypto';

/** A random pseudonymous participant id, e.g. "P-7f3a9c21e0"; it carries no information about the person. */
export function generatePseudonym(): string {
  for (;;) {
    const id = `P-${randomBytes(5).toString('hex')}`;
    // About 1 id in 1,500 is ten digits shaped like a personnummer (P-8501011234); exports must never hold one.
    if (!looksLikePersonnummer(id)) return id;
  }
}

// YYMMDD-XXXX, YYMMDD+XXXX, YYYYMMDDXXXX, YYYYMMDD-XXXX and YYMMDDXXXX, also inside a longer text.
// Days 01–31, or 61–91 for a samordningsnummer; no other day can occur.
const PERSONNUMMER = /(?<!\d)(?:(?:19|20)?\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+ ]?\d{4}(?!\d)/;

/** A participant's local reference (staff's own note, never an identity) is at most this long. */
export const LOCAL_REF_MAX_LENGTH = 40;

/** True when a text contains something shaped like a Swedish personal identity number (incl. samordningsnummer, day + 60). */
export function looksLikePersonnummer(text: string): boolean {
  return PERSONNUMMER.test(text);
}
