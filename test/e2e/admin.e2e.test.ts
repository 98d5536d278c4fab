import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemo } from '../../server/demo/seed.js';
import { createFederation } from '../../server/storage/federations.js';
import { launchChromium } from '../helpers/browser.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, TEST_PASSWORD } from '../helpers/users.js';

const XSS = `<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">`;

describe('staff and evaluators in a real browser', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let federationId: number;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    federationId = createFederation(server.db, 'Samordningsförbundet Prov').id;
    makeUser(server.db, 'chef@prov.example', [{ federationId, role: 'federation_admin' }]);
    makeUser(server.db, 'staff@prov.example', [{ federationId, role: 'staff' }]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedInPage(email: string): Promise<{ context: BrowserContext; page: Page; dialogs: string[]; consoleErrors: string[] }> {
    const context = await browser.newContext({ locale: 'sv-SE' });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    const dialogs: string[] = [];
    const consoleErrors: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    // The refused personnummer answers 422 on purpose; what must never appear is a CSP refusal or a script error.
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 422/.test(m.text())) consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${server.url}/login`);
    await page.fill('#email', email);
    await page.fill('#password', TEST_PASSWORD);
    await page.click('main form[action="/login"] button[type="submit"]');
    await page.waitForURL(`${server.url}/`);
    return { context, page, dialogs, consoleErrors };
  }

  it('a förbund admin creates an intervention, registers participants, prints slips, and a participant answers with a printed code', async () => {
    const { context, page, dialogs, consoleErrors } = await signedInPage('chef@prov.example');
    await page.click(`a[href="/f/${federationId}"]`);
    await page.click(`a[href="/f/${federationId}/interventions/new"]`);
    await page.fill('#name', `Jobbspåret ${XSS}`);
    await page.check('#kind-individual');
    await page.fill('#targetGroup', 'Unga vuxna');
    await page.check('#points-start');
    await page.check('#points-exit');
    await page.check('#staff-2');
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/interventions\/\d+\/participants$/);
    const interventionId = Number(/interventions\/(\d+)/.exec(page.url())![1]);
    // The name is shown exactly as typed, escaped: no script ran and no dialog opened.
    expect(await page.textContent('main')).to.contain('<script>window.__pwned=1</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);

    await page.fill('#localRef', '850101-1234');
    await page.click('form[method="post"][action$="/participants"] button[type="submit"]');
    expect(await page.textContent('.error-summary')).to.match(/personnummer/i);
    expect(server.db.prepare('SELECT count(*) AS n FROM participants').get()).to.deep.equal({ n: 0 });

    await page.fill('#count', '3');
    await page.click('form[action$="/participants/bulk"] button[type="submit"]');
    await page.waitForSelector('#participants tbody tr:nth-child(3)');
    await page.selectOption('#point', 'start');
    await page.click('form[action$="/codes"] button[type="submit"]');
    // The confirmation names who is due (all three lack a start questionnaire), ticked.
    expect(await page.textContent('legend')).to.contain('3 ska svara nu');
    expect(await page.$$eval('input[name="participants"]:checked', (els) => els.length)).to.equal(3);
    await page.click('main form[action$="/codes"] button[type="submit"]');
    await page.waitForURL(/\/slips\?/);
    const slipCodes = await page.$$eval('.slip-code', (els) => els.map((e) => e.textContent.trim()));
    expect(slipCodes).to.have.length(3);
    expect(await page.$$eval('.slip svg', (els) => els.length)).to.equal(3);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('.site-header nav')).to.equal(false);
    await page.emulateMedia({ media: 'screen' });
    expect(dialogs).to.deep.equal([]);
    expect(consoleErrors, 'no CSP violations or script errors').to.deep.equal([]);
    await context.close();

    // A participant types the first printed code, with JavaScript off, and answers the first page.
    const participantContext = await browser.newContext({ locale: 'sv-SE', javaScriptEnabled: false });
    const p = await participantContext.newPage();
    await p.goto(`${server.url}/s`);
    await p.fill('#code', slipCodes[0]!.toLowerCase());
    await p.click('main form button[type="submit"]');
    await p.check('#language-sv');
    await p.click('main form button[type="submit"]');
    await p.click('label[for="item_fk_trust-6"]');
    await p.click('button[value="pause"]');
    expect(await p.textContent('h1')).to.contain('sparade');
    const saved = server.db.prepare(`SELECT a.value_num AS v FROM answers a JOIN responses r ON r.id = a.response_id
      WHERE r.code = ? AND a.item_id = 'fk_trust'`).get(slipCodes[0]!.replace('-', '')) as { v: number };
    expect(saved.v).to.equal(6);
    expect(server.db.prepare('SELECT intervention_id AS i FROM responses').get()).to.deep.equal({ i: interventionId });
    await participantContext.close();
  });

  it('the staff and admin pages have no accessibility violations (axe, WCAG 2.1 AA)', async () => {
    const { context, page } = await signedInPage('chef@prov.example');
    const interventionId = (server.db.prepare('SELECT id FROM interventions ORDER BY id LIMIT 1').get() as { id: number }).id;
    const base = `/f/${federationId}/interventions/${interventionId}`;
    const participantId = (server.db.prepare('SELECT id FROM participants WHERE intervention_id = ? LIMIT 1').get(interventionId) as { id: number }).id;
    const pages = ['/', `/f/${federationId}`, `/f/${federationId}/preview?lang=ar`, `/f/${federationId}/texts`, `/f/${federationId}/audit`, `/f/${federationId}/national`, `/f/${federationId}/interventions/new`, `${base}/edit`, `/f/${federationId}/users`, `/f/${federationId}/tokens`,
      `/f/${federationId}/audit`, `/f/${federationId}/rounds`, `/f/${federationId}/settings`, `${base}/participants`, `${base}/participants/${participantId}`,
      `${base}/rates`, `${base}/slips?point=start`, `${base}/export`, `${base}/free-text`, '/account'];
    const violations: string[] = [];
    for (const path of pages) {
      await page.goto(server.url + path);
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      violations.push(...axe.violations.map((v) => `${path}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    }
    // An error summary on a form page too.
    await page.goto(`${server.url}/f/${federationId}/rounds`);
    await page.click('main form button[type="submit"]');
    expect(await page.isVisible('.error-summary')).to.equal(true);
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    violations.push(...axe.violations.map((v) => `rounds with errors: ${v.id}`));
    expect(violations).to.deep.equal([]);
    await context.close();
  });

  it('an evaluator sees the analysis with drawn charts, no console errors and no accessibility violations', async () => {
    const seeded = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
    try {
      makeUser(seeded.db, 'eval@prov.example', [{ federationId: 1, role: 'evaluator' }]);
      const context = await browser.newContext({ locale: 'sv-SE' });
      context.setDefaultTimeout(8_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${seeded.url}/login`);
      await page.fill('#email', 'eval@prov.example');
      await page.fill('#password', TEST_PASSWORD);
      await page.click('main form[action="/login"] button[type="submit"]');
      await page.waitForURL(`${seeded.url}/`);
      for (const path of ['/f/1/interventions/1/results', '/f/1/interventions/1/results/indicators/self_efficacy', '/f/1/compare?indicator=health&point=exit', '/analysis/region?indicator=health&point=exit']) {
        await page.goto(seeded.url + path);
        await page.waitForSelector('html[data-charts-ready="true"]');
        const drawn = await page.$$eval('canvas[data-chart]', (cs) => cs.map((c) => (c as HTMLCanvasElement).width > 0 && c.getAttribute('data-chart-ready') === 'true'));
        expect(drawn.length, path).to.be.greaterThan(0);
        expect(drawn.every(Boolean), path).to.equal(true);
        const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        expect(axe.violations.map((v) => `${path}: ${v.id} ${JSON.stringify(v.nodes[0]?.target)}`)).to.deep.equal([]);
      }
      // Filters work without JavaScript: a GET form whose result is a shareable URL.
      await page.goto(`${seeded.url}/f/1/interventions/1/results`);
      await page.selectOption('#f-group', 'gender:woman');
      await page.click('.filters button[type="submit"]');
      expect(page.url()).to.contain('group=gender%3Awoman');
      expect(await page.locator('#f-group').inputValue(), 'the chosen group stays chosen').to.equal('gender:woman');
      expect(errors).to.deep.equal([]);
      await context.close();
    } finally {
      await seeded.close();
    }
  });
});
