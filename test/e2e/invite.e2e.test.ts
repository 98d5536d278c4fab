import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createFederation } from '../../server/storage/federations.js';
import { axeViolations, launchChromium, signInPage } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { makeUser, TEST_PASSWORD } from '../helpers/users.js';

describe('an admin invites a user by e-mail in a real browser; the mail arrives at a real SMTP server and the person sets a password', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  let federationId: number;

  before(async () => {
    smtp = await startTestSmtp();
    [server, browser] = await Promise.all([startTestServer({ config: { smtpUrl: smtp.url } }), launchChromium()]);
    federationId = createFederation(server.db, 'Samordningsförbundet Inbjudan').id;
    makeUser(server.db, 'chef@inbjudan.example', [{ federationId, role: 'federation_admin' }]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('invites, follows the link from the received mail, creates the account and lands in the förbund', async () => {
    const violations: string[] = [];
    const context = await browser.newContext({ locale: 'sv-SE' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const axe = async (name: string) => void violations.push(...(await axeViolations(page, name)));
    await signInPage(page, server.url, 'chef@inbjudan.example', TEST_PASSWORD);
    await page.goto(`${server.url}/f/${federationId}/users`);
    expect(await page.$eval('#role', (s) => (s as HTMLSelectElement).value)).to.equal('board');
    await page.fill('#email', 'utvarderaren@inbjudan.example');
    await page.selectOption('#role', 'evaluator');
    await page.click('main form[action$="/users"] button[type="submit"]');
    expect(await page.textContent('#invitation-created')).to.contain('skickad till utvarderaren@inbjudan.example');
    expect(await page.$('[data-invitation-link]')).to.equal(null);
    await axe('users after invitation');
    const [mail] = await smtp.waitFor(1);
    const link = linkIn(mail!).replace(/^http:\/\/localhost:\d+/, server.url);

    // The invited person, in their own browser.
    const invited = await browser.newContext({ locale: 'sv-SE' });
    const p = await invited.newPage();
    await p.goto(link);
    expect(await p.textContent('#invitation-role')).to.contain('Utvärderare').and.contain('Samordningsförbundet Inbjudan');
    const q = p;
    await q.fill('#name', 'Ulla Utvärderare');
    await q.fill('#password', 'Ulla-väljer-sitt-eget-2026');
    await q.fill('#confirm', 'Ulla-väljer-sitt-eget-2026');
    await q.click('main form button[type="submit"]');
    await q.waitForURL(/\/login/);
    expect(await q.inputValue('#email')).to.equal('utvarderaren@inbjudan.example');
    await q.fill('#password', 'Ulla-väljer-sitt-eget-2026');
    await q.click('main form[action="/login"] button[type="submit"]');
    await q.waitForURL(new RegExp(`/f/${federationId}$`));
    expect(await q.textContent('h1')).to.contain('Samordningsförbundet Inbjudan');
    expect(violations).to.deep.equal([]);
    await invited.close();
    await context.close();
  });
});
