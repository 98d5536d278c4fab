import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { formatAccessCode } from '../../server/domain/accessCode.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { setFederationTexts } from '../../server/storage/federationTexts.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { axeViolations, launchChromium } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('a participant\'s first minute in a real browser: who is asking, the privacy notice, a language that sticks, nothing left behind', function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  const codes: string[] = [];

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const db = server.db;
    const federation = createFederation(db, 'Samordningsförbundet Tillit');
    const intervention = createIntervention(db, { federationId: federation.id, name: 'Vägen framåt', kind: 'individual' });
    const start = setMeasurementPoint(db, intervention.id, 'start', 'participant');
    for (let k = 0; k < 2; k++) codes.push(...issueAccessCodes(db, { measurementPointId: start.id, participantIds: [createParticipant(db, { interventionId: intervention.id }).id] }));
    setFederationTexts(db, federation.id, 'privacy', new Map([['sv-easy', 'Tillit sparar dina svar i två år.\n\nDu kan sluta när du vill.']]));
    setFederationTexts(db, federation.id, 'contact', new Map([['sv', 'Kim på Tillit, 010-111 22 33']]));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const axeOf = async (page: Page, name: string, into: string[]) => void into.push(...(await axeViolations(page, name)));

  it('keeps Lätt svenska from the home page to the thank-you page, shows the förbund\'s notice, and Back after sending shows no answers', async () => {
    const violations: string[] = [];
    const context = await browser.newContext({ locale: 'sv-SE' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) visited.push(frame.url()); });
    await page.goto(`${server.url}/`);
    await page.click('.language-links a[lang="sv"]:has-text("Lätt svenska")');
    await page.click('a[href="/s"]');
    expect(await page.getAttribute('html', 'lang')).to.equal('sv');
    expect(await page.textContent('h1')).to.not.equal('');
    // The page without ?lang= is still in lätt svenska: the choice is kept.
    expect(page.url()).to.not.contain('lang=');
    await axeOf(page, 'code entry (sv-easy)', violations);
    await page.fill('#code', formatAccessCode(codes[0]!));
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/language(\?|$)/);
    expect(await page.isChecked('#language-sv-easy')).to.equal(true);
    expect(await page.textContent('[data-asked-by]')).to.contain('Samordningsförbundet Tillit').and.contain('Vägen framåt');
    expect(await page.textContent('.contact-box')).to.contain('Kim på Tillit');
    await axeOf(page, 'language page', violations);
    await page.click('[data-privacy-link]');
    expect(await page.textContent('[data-privacy]')).to.contain('Tillit sparar dina svar i två år.');
    await axeOf(page, 'privacy notice', violations);
    await page.click('main a.button');
    await page.waitForURL(/\/language(\?|$)/);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/s\/\w+\/1(\?|$)/);
    for (let n = 1; n < 20 && /\/s\/\w+\/\d+(\?|$)/.test(page.url()); n++) {
      if (n === 1) await axeOf(page, 'first section (sv-easy)', violations);
      await page.click('button[value="next"]');
      await page.waitForLoadState('load');
    }
    expect(page.url()).to.match(/\/review(\?|$)/);
    await page.click('form[action$="/submit"] button[type="submit"]');
    await page.waitForURL(/\/s\/thanks/);
    expect(await page.getAttribute('html', 'lang')).to.equal('sv');
    const thanks = await page.textContent('main');
    await page.goBack();
    await page.waitForLoadState('load');
    // Back shows no answers: sending ended the browser's hold on the code, so the page asks for a code.
    expect(await page.$$eval('input[type="radio"]:checked', (els) => els.length)).to.equal(0);
    expect(new URL(page.url()).pathname).to.equal('/s');
    expect(await page.textContent('main')).to.not.contain(formatAccessCode(codes[0]!));
    // Typing the code again says it is already answered: a friendly panel, not an error.
    await page.fill('#code', codes[0]!);
    await page.click('main form button[type="submit"]');
    expect(await page.textContent('[data-spent]')).to.contain('Du har redan svarat – tack!');
    expect(thanks).to.not.equal('');
    await axeOf(page, 'spent code', violations);
    // No address the browser visited after the code was typed holds it (the history has none).
    const code = codes[0]!;
    expect(visited.filter((u) => u.toUpperCase().includes(code) || u.toUpperCase().includes(formatAccessCode(code)))).to.deep.equal([]);
    expect(violations).to.deep.equal([]);
    await context.close();
  });

  it('is accessible right to left in Arabic: the first page, a section and the accessibility statement', async () => {
    const violations: string[] = [];
    const context = await browser.newContext({ locale: 'ar' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${server.url}/s?lang=ar`);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await page.fill('#code', codes[1]!);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/language(\?|$)/);
    expect(await page.isChecked('#language-ar')).to.equal(true);
    await axeOf(page, 'language page (ar)', violations);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/s\/\w+\/1(\?|$)/);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await axeOf(page, 'first section (ar)', violations);
    await page.click('.site-footer a[href^="/accessibility"]');
    expect(await page.textContent('h1')).to.contain('بيان');
    expect(await page.textContent('main')).to.contain('DIGG');
    await axeOf(page, 'accessibility statement (ar)', violations);
    expect(violations).to.deep.equal([]);
    await context.close();
  });
});
