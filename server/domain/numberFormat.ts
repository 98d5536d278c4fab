// Numbers as a reader sees them, in the page's language: one home for decimals, signs, shares,
// p-values and counts ("3,9" and "< 0,001" in Swedish, "3.9" and "< 0.001" in English). Pure.

/** The Intl locale for a UI language: Swedish decimal comma, English decimal point. */
export function numberLocale(lang: string): string {
  return lang === 'en' ? 'en-GB' : 'sv-SE';
}

const DASH = '–';

/** A number with a fixed count of decimals; `signed` writes + and − except on what rounds to zero ("+0,4", "−0,1", "0,0"). */
export function formatDecimal(value: number | null | undefined, lang: string, digits = 1, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value
    .toLocaleString(numberLocale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: signed ? 'exceptZero' : 'auto' })
    .replace('-', '−');
}

export function formatInteger(value: number | null | undefined, lang: string): string {
  return value === null || value === undefined ? DASH : value.toLocaleString(numberLocale(lang));
}

/** A share 0..1 as a whole percentage: "43 %" (Swedish and English both put the space). */
export function formatPercent(share: number | null | undefined, lang: string): string {
  return share === null || share === undefined || !Number.isFinite(share) ? DASH : `${Math.round(share * 100).toLocaleString(numberLocale(lang))} %`;
}

/** A p-value with three decimals, or "< 0,001". */
export function formatP(p: number | null | undefined, lang: string): string {
  if (p === null || p === undefined) return DASH;
  return p < 0.001 ? `< ${formatDecimal(0.001, lang, 3)}` : formatDecimal(p, lang, 3);
}
