import QRCode from 'qrcode';

/** Six slips to an A4 sheet (two columns, three rows): room for the text at a size people can read. */
export const SLIPS_PER_SHEET = 6;

/** Where a participant types a code, and the address a slip's QR code opens. */
export function surveyEntryUrl(publicUrl: string, code?: string): string {
  return code ? `${publicUrl}/s/${code}` : `${publicUrl}/s`;
}

/** The address as printed for people to type: without "https://" (browsers add it), with "http://" kept (they would not). */
export function printedUrl(url: string): string {
  return url.replace(/^https:\/\//, '');
}

/** About how long a questionnaire takes, in whole 5 minutes (at least 5): some 12 seconds a question. */
export function estimatedMinutes(questions: number): number {
  return Math.max(5, Math.ceil((questions * 12) / 60 / 5) * 5);
}

/**
 * The QR code as inline SVG. Our CSP has no 'unsafe-inline' for styles, so any style attribute is
 * removed; the SVG is hidden from screen readers because the code is printed beside it as text.
 */
export async function qrSvg(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\sstyle="[^"]*"/g, '')
    .replace('<svg ', '<svg class="slip-qr" aria-hidden="true" focusable="false" ');
}

/** Splits slips into printed sheets. */
export function toSheets<T>(slips: readonly T[], perSheet = SLIPS_PER_SHEET): T[][] {
  const sheets: T[][] = [];
  for (let i = 0; i < slips.length; i += perSheet) sheets.push(slips.slice(i, i + perSheet));
  return sheets;
}
