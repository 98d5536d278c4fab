import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { seedDemoFederations } from '../../server/demo/nationalSeed.js';
import { hashPasswordSync } from '../../server/security/password.js';
import { createUser } from '../../server/storage/users.js';
import { axeViolations, launchChromium, signInPage } from '../helpers/browser.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, TEST_PASSWORD } from '../helpers/users.js';

describe('the national report in a real browser: a förbund downloads its file, NNS receives it and reads the report', function () {
  this.timeout(90_000);
  let local: TestServer;
  let national: TestServer;
  let browser: Browser;

  before(async () => {
    [local, national, browser] = await Promise.all([
      startTestServer({ prepare: (db) => void seedDemoFederations(db, instruments, 'national-e2e', [2025]) }),
      startTestServer({ config: { mode: 'national' } }),
      launchChromium(),
    ]);
    makeUser(local.db, 'admin@norr.example', [{ federationId: 1, role: 'federation_admin' }]);
    createUser(national.db, { email: 'nns@nns.example', name: 'Nina NNS', passwordHash: hashPasswordSync(TEST_PASSWORD), isNational: true });
  });
  after(async () => {
    await browser?.close();
    await local?.close();
    await national?.close();
  });

  const signIn = (page: Page, url: string, email: string) => signInPage(page, url, email, TEST_PASSWORD);
  const axe = axeViolations;

  it('goes from the förbund\'s page to the national report without a small figure, accessible on every page', async () => {
    const violations: string[] = [];
    const errors: string[] = [];
    const context = await browser.newContext({ locale: 'sv-SE', acceptDownloads: true });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

    await signIn(page, local.url, 'admin@norr.example');
    await page.goto(`${local.url}/f/1`);
    await page.click('a[href="/f/1/national"]');
    await page.selectOption('#n-year', '2025');
    await page.click('main form[method="get"] button');
    await page.waitForURL(/national\?year=2025/);
    expect(await page.textContent('h1')).to.include('2025');
    violations.push(...(await axe(page, 'submission preview')));
    await page.screenshot({ path: '/tmp/national-submission.png', fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/f/1/national/2025.json"]')]);
    const file = await download.path();

    const nns = await context.newPage();
    nns.on('pageerror', (e) => errors.push(e.message));
    await signIn(nns, national.url, 'nns@nns.example');
    expect(new URL(nns.url()).pathname).to.equal('/national');
    await nns.click('a[href="/national/submissions"]');
    violations.push(...(await axe(nns, 'submissions (empty)')));
    const { readFileSync } = await import('node:fs');
    await nns.fill('#document', readFileSync(file, 'utf8'));
    await nns.click('main form[method="post"] button[type="submit"]');
    await nns.waitForURL(/stored=created/);
    expect(await nns.textContent('#received')).to.include('222010-0107');
    violations.push(...(await axe(nns, 'submissions')));
    // The same file again: told it is there, offered to replace it.
    await nns.fill('#document', readFileSync(file, 'utf8'));
    await nns.click('main form[method="post"] button[type="submit"]');
    expect(await nns.isVisible('#replace')).to.equal(true);
    violations.push(...(await axe(nns, 'submission already received')));
    // Not JSON: an error summary, nothing stored.
    await nns.fill('#document', 'förbundsnamn;n\nNorrdalen;3');
    await nns.click('main form[method="post"] button[type="submit"]');
    expect(await nns.textContent('.error-summary')).to.include('ingen JSON-fil');
    expect(await nns.title()).to.match(/^Fel:/);
    violations.push(...(await axe(nns, 'submission refused')));

    await nns.goto(`${national.url}/national`);
    const sizes = await nns.$$eval('[data-n]', (cells) => cells.map((c) => Number(c.getAttribute('data-n'))));
    expect(sizes.length).to.be.greaterThan(5);
    expect(Math.min(...sizes)).to.be.at.least(5);
    expect(await nns.textContent('#per-federation')).to.include('Norrdalen');
    violations.push(...(await axe(nns, 'national report')));
    await nns.screenshot({ path: '/tmp/national-report.png', fullPage: true });
    await nns.setViewportSize({ width: 360, height: 800 });
    await nns.screenshot({ path: '/tmp/national-report-narrow.png', fullPage: true });
    expect(violations).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
