// A Swedish organisation number (organisationsnummer), the key a förbund is known by nationally:
// ten digits, the third at least 2 (so it is never a date of birth), the last a Luhn check digit
// like a personnummer's. Written NNNNNN-NNNN.

/** The number written NNNNNN-NNNN, or null when the text is not an organisation number. */
export function normalizeOrganisationNumber(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits) || Number(digits[2]) < 2) return null;
  let sum = 0;
  for (let k = 0; k < 10; k++) {
    const d = Number(digits[k]) * (k % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0 ? `${digits.slice(0, 6)}-${digits.slice(6)}` : null;
}
