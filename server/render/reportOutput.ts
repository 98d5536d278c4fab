import type { Response } from 'express';
import { changeSentence, hiddenText, type CountFigure, type PairedLine } from '../domain/report.js';
import { barChartLayout } from '../domain/reportChart.js';
import { htmlToPdf } from '../pdf.js';

// Renders board and project reports to the screen and to PDF; the report and project routes share
// it. The figures come from services/boardReport.ts.

/** Helpers the report views use: sentences, counts and why they are hidden, dates and chart geometry in the page's language. */
export function reportHelpers(res: Response) {
  const t = res.locals.t;
  const lang = res.locals.uiLang;
  return {
    sentence: (label: string, line: PairedLine) => changeSentence(t, lang, label, line),
    /** A count, or the words for why it is hidden. */
    count: (figure: CountFigure) => (figure.n === null ? hiddenText(t, figure.reason ?? 'tooFew') : (res.locals.integer as (n: number) => string)(figure.n)),
    barChart: barChartLayout,
  };
}

/** Renders a view to a string with the response's locals, for the PDF (no navigation in it). */
export function renderToString(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.app.render(view, { ...res.locals, ...locals, principal: null, pdf: true }, (err, html) => (err ? reject(err) : resolve(html)));
  });
}

/** An ASCII file name from a title: "Samordningsförbundet Åsby" → "samordningsforbundet-asby". */
export function fileSlug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'rapport';
}

/** Sends a rendered report page as a PDF download. */
export async function sendPdf(res: Response, html: string, opts: { fileName: string; footerText: string }): Promise<void> {
  const t = res.locals.t;
  const pdf = await htmlToPdf(html, { footerText: opts.footerText, pageText: t('reports.pdfPage', { page: '{page}', pages: '{pages}' }) });
  res.set({
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${opts.fileName}"`,
    'Cache-Control': 'no-store',
  });
  res.send(pdf);
}
