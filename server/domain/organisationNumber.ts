// A Swedish organisation number (organisationsnummer), the key a förbund is known by nationally:
// ten digits, the third at least 2 (so it is never a date of birth), the last a Luhn check digit
// like a personnummer's. Written NNNNNN-NNNN.

/** The Luhn check digit of nine digits (weights 2, 1, 2, …). */
export function luhnCheckDigit(nine: string): number {
  let sum = 0;
  for (let k = 0; k < nine.length; k++) {
    const d = Number(nine[k]) * (k % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The number written NNNNNN-NNNN, or null when the text is not an organisation number. */
export function normalizeOrganisationNumber(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits) || Number(digits[2]) < 2) return null;
  return luhnCheckDigit(digits.slice(0, 9)) === Number(digits[9]) ? `${digits.slice(0, 6)}-${digits.slice(6)}` : null;
}
