import { AxeBuilder } from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { reissueAccessCode } from '../../server/storage/accessCodes.js';
import { launchChromium } from '../helpers/browser.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SERVING_BUSY_TIMEOUT_MS } from '../../server/storage/db.js';

const PENDING = 'Dina senaste svar är inte sparade än. Vi försöker igen.';
const SAVED = 'Dina svar är sparade.';

describe('autosave in a real browser while the database is locked', function () {
  this.timeout(30_000);
  let server: TestServer;
  let browser: Browser;
  let codes: string[];

  before(async () => {
    // The server's short busy timeout while serving (server/main.ts).
    [server, browser] = await Promise.all([startTestServer({ busyTimeoutMs: SERVING_BUSY_TIMEOUT_MS }), launchChromium()]);
    codes = smallIntervention(server.db, 2).startCodes;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A participant's browser tab that entered `code`, chose Swedish and is on page 1. */
  async function onFirstPage(code: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'sv-SE' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${server.url}/s/${code}/language`);
    await page.getByLabel('Svenska', { exact: true }).check();
    await page.getByRole('button', { name: 'Börja', exact: true }).click();
    await page.waitForURL(`${server.url}/s/${code}/1`);
    return { context, page };
  }

  const stored = (code: string, itemId: string) =>
    (server.db.prepare('SELECT a.value_num AS v FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.code = ? AND a.item_id = ?').get(code, itemId) as { v: number } | undefined)?.v;

  it('says the answer is not saved yet, keeps it in the tab over a reload, and saves it when the lock goes', async () => {
    const code = codes[0]!;
    const { context, page } = await onFirstPage(code);
    const statusText = () => page.textContent('#autosave-status');
    expect(await page.getAttribute('#autosave-status', 'aria-live')).to.equal('polite');

    // Another connection holds the write lock (a long write, a backup) while the participant answers.
    const other = new Database(path.join(server.dir, 'test.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      await page.click('label[for="item_fk_trust-5"]');
      await page.waitForFunction((text) => document.getElementById('autosave-status')?.textContent === text, PENDING);
      expect(stored(code, 'fk_trust'), 'nothing stored during the lock').to.equal(undefined);
      const kept = await page.evaluate((key) => sessionStorage.getItem(key), `indikator.unsaved:/s/${code}/1`);
      expect(kept).to.include('item_fk_trust=5');

      // Opened again in the same tab (the server still has nothing): the answer comes back from the tab.
      await page.reload();
      expect(await page.isChecked('#item_fk_trust-5'), 'restored into the form').to.equal(true);
      expect(await statusText()).to.equal(PENDING);
    } finally {
      other.exec('COMMIT');
      other.close();
    }

    await page.waitForFunction((text) => document.getElementById('autosave-status')?.textContent === text, SAVED);
    expect(stored(code, 'fk_trust')).to.equal(5);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), `indikator.unsaved:/s/${code}/1`), 'nothing left to send').to.equal(null);
    await context.close();
  });

  async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${where}`).to.deep.equal([]);
  }

  it('shows the page again with the answer and an accessible message when it cannot be saved, and the typed page when the code was replaced', async () => {
    const code = codes[1]!;
    const { context, page } = await onFirstPage(code);
    await page.click('label[for="item_fk_trust-6"]');
    server.db.pragma('query_only = 1');
    try {
      const [posted] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Spara och gå vidare', exact: true }).click()]);
      expect(posted.status()).to.equal(503);
    } finally {
      server.db.pragma('query_only = 0');
    }
    expect(await page.textContent('[role="alert"] h2')).to.equal('Dina svar är inte sparade än');
    expect(await page.isChecked('#item_fk_trust-6')).to.equal(true);
    await expectNoAxeViolations(page, 'a page that could not be saved');
    await page.getByRole('button', { name: 'Spara och gå vidare', exact: true }).click();
    await page.waitForURL(`${server.url}/s/${code}/2`);
    expect(stored(code, 'fk_trust')).to.equal(6);

    await page.click('label[for="item_listened_to-7"]');
    const reissued = reissueAccessCode(server.db, code);
    if (!reissued.ok) throw new Error('not reissued');
    await page.getByRole('button', { name: 'Spara och gå vidare', exact: true }).click();
    await page.waitForSelector('h1:text("Koden har bytts ut")');
    await expectNoAxeViolations(page, 'the page of a replaced code');
    await page.getByLabel('Din nya kod').fill(reissued.code);
    await page.getByRole('button', { name: 'Spara svaren', exact: true }).click();
    await page.waitForURL(`${server.url}/s/${reissued.code}/3`);
    expect(stored(reissued.code, 'listened_to')).to.equal(7);
    await context.close();
  });
});
