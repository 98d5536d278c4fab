import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createFederation } from '../../server/storage/federations.js';
import { axeViolations, launchChromium, signInPage } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, TEST_PASSWORD, totpCode } from '../helpers/users.js';

describe('an admin sets up the second factor in a real browser and signs in with it; the pages are accessible', function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  let federationId: number;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer({ config: { adminTwoFactor: true } }), launchChromium()]);
    federationId = createFederation(server.db, 'Samordningsförbundet Tvåsteg').id;
    makeUser(server.db, 'chef@tvasteg.example', [{ federationId, role: 'federation_admin' }]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is sent to set it up before anything else, sees the recovery codes once, and next time is asked for a code', async () => {
    const violations: string[] = [];
    const context = await browser.newContext({ locale: 'sv-SE' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInPage(page, server.url, 'chef@tvasteg.example', TEST_PASSWORD);
    expect(new URL(page.url()).pathname).to.equal('/login/second-factor');
    // Nothing else opens before it is set up.
    await page.goto(`${server.url}/f/${federationId}`);
    expect(new URL(page.url()).pathname).to.not.equal(`/f/${federationId}`);
    await page.goto(`${server.url}/login/second-factor`);
    violations.push(...(await axeViolations(page, 'set-up')));
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
    const step = Math.floor(Date.now() / 30_000);
    await page.fill('#code', '000000');
    await page.click('main form button[type="submit"]');
    expect(await page.isVisible('.error-summary')).to.equal(true);
    violations.push(...(await axeViolations(page, 'set-up, wrong code')));
    await page.fill('#code', await totpCode(secret, step * 30));
    await page.click('main form button[type="submit"]');
    const codes = await page.textContent('main');
    expect(codes).to.match(/[A-Z0-9]{4,}/);
    violations.push(...(await axeViolations(page, 'recovery codes')));
    await context.close();

    // Next time: password, then a code from the same secret (the next time step: a code works once).
    const again = await browser.newContext({ locale: 'sv-SE' });
    const p = await again.newPage();
    await signInPage(p, server.url, 'chef@tvasteg.example', TEST_PASSWORD);
    expect(new URL(p.url()).pathname).to.equal('/login/second-factor');
    violations.push(...(await axeViolations(p, 'second factor')));
    const next = step + 1;
    const wait = (next - 1) * 30_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 200));
    await p.fill('#code', await totpCode(secret, next * 30));
    await p.click('main form button[type="submit"]');
    await p.waitForLoadState('load');
    await p.goto(`${server.url}/f/${federationId}`);
    expect(await p.textContent('h1')).to.contain('Samordningsförbundet Tvåsteg');
    expect(violations).to.deep.equal([]);
    await again.close();
  });
});
