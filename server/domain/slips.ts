import QRCode from 'qrcode';

/** Eight slips to an A4 sheet: two columns, four rows. */
export const SLIPS_PER_SHEET = 8;

/** Where a participant types a code, and the address a slip's QR code opens. */
export function surveyEntryUrl(publicUrl: string, code?: string): string {
  return code ? `${publicUrl}/s/${code}` : `${publicUrl}/s`;
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
