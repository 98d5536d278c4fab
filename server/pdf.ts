// Reports as PDF: the report's own HTML printed by Chromium (Debian's package, driven by
// playwright-core), so the PDF has exactly the print CSS, the SVG charts and the tables a browser
// prints, with embedded fonts that keep å, ä and ö. One browser is launched on first use and
// reused; every PDF gets its own throw-away context with JavaScript off and no network: the page
// and its stylesheets are answered from memory and disk, any other request is aborted.

import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Route } from 'playwright-core';
import { PATHS } from './paths.js';
import { Problem } from './problem.js';

/** A made-up origin: nothing is ever fetched from it, every request is answered by routeRequest. */
const ORIGIN = 'http://report.indikator.invalid';
const PAGE_PATH = '/report';
const MAX_PARALLEL = 2;
const TIMEOUT_MS = 30_000;

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

let browser: Promise<Browser> | null = null;

function launch(): Promise<Browser> {
  if (!browser) {
    const launching = chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: ARGS });
    browser = launching;
    launching.then(
      (b) => b.on('disconnected', () => { if (browser === launching) browser = null; }),
      () => { if (browser === launching) browser = null; },
    );
  }
  return browser;
}

// Two PDFs at a time at most: Chromium is the heaviest thing this server runs. A bounded queue
// behind them; past it the caller is asked to try again rather than piling up memory.
const MAX_WAITING = 20;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) {
    if (waiting.length >= MAX_WAITING) throw new Problem('busy');
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A file under public/ for a /static/ URL, never outside it. */
function staticFile(pathname: string): string | null {
  if (!pathname.startsWith('/static/')) return null;
  const file = path.resolve(PATHS.public, decodeURIComponent(pathname.slice('/static/'.length)));
  return file.startsWith(PATHS.public + path.sep) && fs.existsSync(file) ? file : null;
}

function routeRequest(html: string) {
  return (route: Route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === PAGE_PATH) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    const file = staticFile(url.pathname);
    return file ? route.fulfill({ path: file }) : route.abort();
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PdfOptions {
  /** Left part of every page's footer (e.g. the report's title and period). */
  footerText: string;
  /** Right part, with {page} and {pages} where the page number and count go. */
  pageText: string;
}

/** Prints a report page's HTML (rendered by the app, with /static/ links) to an A4 PDF. */
export function htmlToPdf(html: string, opts: PdfOptions): Promise<Buffer> {
  return slot(async () => {
    const context = await (await launch()).newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      await page.route('**/*', routeRequest(html));
      await page.goto(ORIGIN + PAGE_PATH, { waitUntil: 'load' });
      const pageText = escapeHtml(opts.pageText).replace('{page}', '<span class="pageNumber"></span>').replace('{pages}', '<span class="totalPages"></span>');
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7.5pt; color: #484949; width: 100%; margin: 0 16mm; display: flex; justify-content: space-between;"><span>${escapeHtml(opts.footerText)}</span><span>${pageText}</span></div>`,
        margin: { top: '16mm', bottom: '18mm', left: '16mm', right: '16mm' },
      });
    } finally {
      await context.close();
    }
  });
}

/** Closes the shared browser (server shutdown, test teardown); the next PDF launches a new one. */
export async function closePdfRenderer(): Promise<void> {
  const current = browser;
  browser = null;
  if (current) await (await current.catch(() => null))?.close();
}
