import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { scoreResponse } from '../../server/domain/scoring.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant, recordExit } from '../../server/storage/participants.js';
import { saveAnswers, startResponse, submitResponse } from '../../server/storage/responses.js';
import { axeViolations, launchChromium, signInPage } from '../helpers/browser.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, TEST_PASSWORD } from '../helpers/users.js';

const participantInstrument = instruments.get('participant')!;

describe('a staff member\'s day in a real browser: who is due, exit codes with a confirmation, three paper forms, slips in Arabic', function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  let base: string;
  let federationId: number;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const db = server.db;
    federationId = createFederation(db, 'Samordningsförbundet Dagsljus').id;
    const intervention = createIntervention(db, { federationId, name: 'Arbetsträning', kind: 'individual', schedule: { plannedLengthMonths: 120 } });
    const start = setMeasurementPoint(db, intervention.id, 'start', 'participant');
    setMeasurementPoint(db, intervention.id, 'exit', 'participant');
    base = `/f/${federationId}/interventions/${intervention.id}`;
    const items = sectionsForPoint(participantInstrument, 'start').flatMap((s) => s.items).filter((i) => i.type === 'agree7');
    for (let k = 1; k <= 6; k++) {
      const p = createParticipant(db, { interventionId: intervention.id, localRef: `Nr ${k}`, startedOn: '2026-01-15' });
      const [code] = issueAccessCodes(db, { measurementPointId: start.id, participantIds: [p.id] });
      const r = startResponse(db, { code: code!, participantId: p.id, interventionId: intervention.id, point: 'start', roundId: null, instrumentId: 'participant', instrumentVersion: participantInstrument.version, language: 'sv' });
      const answers = items.map((i) => ({ itemId: i.id, num: 4, text: null, dontKnow: false }));
      saveAnswers(db, r.id, answers, [], 9);
      submitResponse(db, r, scoreResponse(participantInstrument, 'start', new Map(answers.map((a) => [a.itemId, a]))), undefined, '2026-01-20');
      // Three have left the intervention and should answer the exit questionnaire.
      if (k <= 3) recordExit(db, p.id, `2026-11-0${k}`, 'work');
    }
    makeUser(db, 'staff@dagsljus.example', [{ federationId, role: 'staff' }], { assign: [intervention.id] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds who is due, hands out exit codes only to those who left, types in three paper forms, prints Arabic slips; axe clean', async () => {
    const violations: string[] = [];
    const errors: string[] = [];
    const context = await browser.newContext({ locale: 'sv-SE' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const axe = async (name: string) => void violations.push(...(await axeViolations(page, name)));
    await signInPage(page, server.url, 'staff@dagsljus.example', TEST_PASSWORD);
    await page.goto(`${server.url}/f/${federationId}`);
    expect(await page.textContent(`[data-work]`)).to.contain('3 ska svara på avslutsenkäten');
    await axe('dashboard');
    await page.click('[data-work] a');
    expect(await page.$$eval('#worklist tr[data-kind="exit"]', (rows) => rows.length)).to.equal(3);
    await axe('participants with worklist');
    await page.screenshot({ path: '/tmp/staff-worklist.png', fullPage: true });

    await page.selectOption('#point', 'exit');
    await page.click('form[action$="/codes"] button[type="submit"]');
    expect(await page.textContent('h1')).to.contain('Dela ut koder');
    expect(await page.textContent('legend')).to.contain('3 ska svara nu');
    expect(await page.$$eval('input[name="participants"]:checked', (els) => els.length)).to.equal(3);
    expect(await page.$$eval('input[name="participants"]:not(:checked)', (els) => els.length)).to.equal(3);
    await axe('issue confirmation');
    await page.click('main form[action$="/codes"] button[type="submit"]');
    await page.waitForURL(/\/slips\?/);
    const codes = await page.$$eval('.slip-code', (els) => els.map((e) => e.textContent.trim()));
    expect(codes).to.have.length(3);
    expect(await page.textContent('.slip')).to.contain('Nr ');
    expect(server.db.prepare("SELECT count(*) FROM access_codes c JOIN participants p ON p.id = c.participant_id WHERE c.status = 'active' AND p.exited_on IS NULL").pluck().get()).to.equal(0);
    await page.selectOption('#slip-lang', 'ar');
    await page.click('.slips-intro form button[type="submit"]');
    await page.waitForURL(/slipLang=ar/);
    expect(await page.getAttribute('html', 'lang')).to.equal('sv');
    expect(await page.getAttribute('.slip', 'dir')).to.equal('rtl');
    expect(await page.textContent('.slip')).to.contain('اذهب إلى');
    expect(await page.isVisible('[data-print]')).to.equal(true);
    await axe('slips in Arabic');
    await page.screenshot({ path: '/tmp/staff-slips-ar.png', fullPage: true });

    // Three paper forms in a row, each with the date it was filled in.
    const scale = sectionsForPoint(participantInstrument, 'exit').flatMap((s) => s.items).filter((i) => i.type === 'agree7');
    for (const [k, code] of codes.entries()) {
      await page.goto(`${server.url}${base}/participants`);
      await page.fill('#code', code);
      await page.click('form[action$="/paper"] button[type="submit"]');
      await page.waitForURL(/\/paper\//);
      expect(await page.textContent('[data-who]')).to.match(/Nr [123]/);
      if (k === 0) await axe('paper form');
      for (const item of scale) await page.check(`#item_${item.id}-${5 + (k % 2)}`);
      await page.fill('#submittedOn', `2026-11-1${k}`);
      await page.click('main form button[type="submit"]');
      await page.waitForURL(/entered=/);
      expect(await page.textContent('.panel-success')).to.contain(code);
    }
    const sent = server.db.prepare("SELECT submitted_on FROM responses WHERE point = 'exit' AND status = 'submitted' AND source = 'paper' ORDER BY submitted_on").pluck().all();
    expect(sent).to.deep.equal(['2026-11-10', '2026-11-11', '2026-11-12']);
    // Nobody is due for exit any more.
    expect(await page.$$eval('#worklist tr[data-kind="exit"]', (rows) => rows.length)).to.equal(0);
    expect(violations).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
