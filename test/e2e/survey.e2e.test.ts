import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import type { Section } from '../../server/domain/instrumentTypes.js';
import { formatAccessCode } from '../../server/domain/accessCode.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { launchChromium } from '../helpers/browser.js';
import { EXPECTED_START_SCORES, START_ANSWERS } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, TEST_PASSWORD } from '../helpers/users.js';

const participant = instruments.get('participant')!;
const SECTIONS: Section[] = sectionsForPoint(participant, 'start');
const PAUSE_AFTER = 4; // pages answered before "Spara och ta en paus" is used on page 4

const SELF_EFFICACY = EXPECTED_START_SCORES.self_efficacy!;

interface ScoreRow { indicatorId: string; score: number }

describe('survey in a real browser', function () {
  this.timeout(30_000);
  let server: TestServer;
  let browser: Browser;
  let codes: string[];
  let startPointId: number;
  let federationId: number;
  let interventionId: number;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const fixture = smallIntervention(server.db, 8);
    codes = fixture.startCodes;
    startPointId = fixture.measurementPoints.start!.id;
    federationId = fixture.federation.id;
    interventionId = fixture.intervention.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => server.url + path;

  /** Each person's stored score of an indicator at a point (the later answer of a person wins), read straight from the rows. */
  function storedScores(interventionId: number, point: string, indicatorId: string): number[] {
    const rows = server.db.prepare(`SELECT participant_id AS participantId, score FROM response_scores
      WHERE intervention_id = ? AND point = ? AND indicator_id = ? ORDER BY response_id`).all(interventionId, point, indicatorId) as { participantId: number; score: number }[];
    return [...new Map(rows.map((r) => [r.participantId, r.score])).values()];
  }

  /** A fresh browser profile that asks for Swedish, failing fast instead of waiting out the test timeout. */
  async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: 'sv-SE', ...options });
    context.setDefaultTimeout(5_000);
    return context;
  }

  function responseOf(code: string) {
    return server.db.prepare('SELECT id, status, last_section AS lastSection FROM responses WHERE code = ?').get(code) as { id: number; status: string; lastSection: number };
  }
  function scoresOf(code: string): Record<string, number> {
    const rows = server.db.prepare('SELECT s.indicator_id AS indicatorId, s.score FROM response_scores s JOIN responses r ON r.id = s.response_id WHERE r.code = ?').all(code) as ScoreRow[];
    return Object.fromEntries(rows.map((r) => [r.indicatorId, r.score]));
  }

  /** Answers one page by clicking the labels (the way most people do), or typing into text fields. */
  async function answerByClicking(page: Page, section: Section, answers = START_ANSWERS): Promise<void> {
    for (const item of section.items) {
      const value = answers[item.id];
      if (value === undefined) continue;
      if (item.type === 'text' || item.type === 'number') {
        await page.fill(`#item_${item.id}`, value);
        continue;
      }
      const suffix = item.type === 'agree7' || value === 'dk' ? value : `o${item.options!.findIndex((o) => o.value === value)}`;
      await page.click(`label[for="item_${item.id}-${suffix}"]`);
      expect(await page.isChecked(`#item_${item.id}-${suffix}`), `${item.id} checked after clicking its label`).to.equal(true);
    }
  }

  async function expectAnswersChecked(page: Page, section: Section): Promise<void> {
    for (const item of section.items) {
      const value = START_ANSWERS[item.id]!;
      if (item.type === 'text') {
        expect(await page.inputValue(`#item_${item.id}`)).to.equal(value);
        continue;
      }
      const suffix = item.type === 'agree7' || value === 'dk' ? value : `o${item.options!.findIndex((o) => o.value === value)}`;
      expect(await page.isChecked(`#item_${item.id}-${suffix}`), `${item.id} still checked`).to.equal(true);
    }
  }

  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

  async function enterCode(page: Page, code: string): Promise<void> {
    await page.goto(url('/s'));
    await page.getByLabel('Din kod').fill(formatAccessCode(code).toLowerCase());
    await button(page, 'Fortsätt').click();
  }

  /** Code, then Swedish on the language page (after `onLanguagePage`, for checks there), then page 1. */
  async function startInSwedish(page: Page, code: string, onLanguagePage?: () => Promise<void>): Promise<void> {
    await enterCode(page, code);
    await page.waitForURL(url(`/s/q/language?lang=sv`));
    await onLanguagePage?.();
    await page.getByLabel('Svenska', { exact: true }).check();
    await button(page, 'Börja').click();
    await page.waitForURL(url(`/s/q/1`));
  }

  async function expectNoHorizontalScroll(page: Page, where: string): Promise<void> {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `horizontal scroll on ${where}`).to.be.at.most(320);
  }

  async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const described = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(described, `axe on ${where}`).to.deep.equal([]);
  }

  it('(a) works without JavaScript: code, language, pause half-way, resume in a new browser, submit', async () => {
    const code = codes[0]!;
    const first: BrowserContext = await newContext({ javaScriptEnabled: false });
    let page = await first.newPage();
    await startInSwedish(page, code);

    for (let n = 1; n <= PAUSE_AFTER; n++) {
      expect(await page.textContent('h1')).to.equal(SECTIONS[n - 1]!.title.sv);
      expect(await page.textContent('.progress-text')).to.equal(`Del ${n} av ${SECTIONS.length}`);
      await answerByClicking(page, SECTIONS[n - 1]!);
      if (n < PAUSE_AFTER) {
        await button(page, 'Spara och gå vidare').click();
        await page.waitForURL(url(`/s/q/${n + 1}`));
      }
    }
    await button(page, 'Spara och ta en paus').click();
    await page.waitForURL(url(`/s/q/paused`));
    expect(await page.textContent('h1')).to.equal('Dina svar är sparade');
    expect(await page.textContent('.code-display')).to.equal(formatAccessCode(code));
    await first.close();
    expect(responseOf(code)).to.deep.include({ status: 'in_progress', lastSection: PAUSE_AFTER });

    const second = await newContext({ javaScriptEnabled: false });
    page = await second.newPage();
    await enterCode(page, code);
    await page.waitForURL(url(`/s/q/${PAUSE_AFTER}`));
    await expectAnswersChecked(page, SECTIONS[PAUSE_AFTER - 1]!);
    for (let n = PAUSE_AFTER; n <= SECTIONS.length; n++) {
      if (n > PAUSE_AFTER) await answerByClicking(page, SECTIONS[n - 1]!);
      await button(page, n === SECTIONS.length ? 'Spara och granska svaren' : 'Spara och gå vidare').click();
      await page.waitForURL(url(n === SECTIONS.length ? '/s/q/review' : `/s/q/${n + 1}`));
    }
    expect(await page.textContent('h1')).to.equal('Kontrollera dina svar');
    const review = await page.textContent('main');
    expect(review).to.include('6 av 7');
    expect(review).to.include(START_ANSWERS.anything_else);
    expect(review).to.not.include('Inte besvarad');
    await button(page, 'Skicka in svaren').click();
    await page.waitForURL(/\/s\/thanks/);
    expect(await page.textContent('h1')).to.equal('Tack för dina svar!');
    await second.close();

    expect(responseOf(code).status).to.equal('submitted');
    const scores = scoresOf(code);
    expect(Object.keys(scores).sort()).to.deep.equal(Object.keys(EXPECTED_START_SCORES).sort());
    for (const [id, score] of Object.entries(EXPECTED_START_SCORES)) expect(scores[id], id).to.be.closeTo(score, 1e-12);
  });

  it('(b) works with JavaScript and the keyboard at 320 px without horizontal scrolling', async () => {
    const code = codes[1]!;
    const context = await newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await startInSwedish(page, code, () => expectNoHorizontalScroll(page, 'the language page'));
    await expectNoHorizontalScroll(page, 'page 1');
    await page.screenshot({ path: '/tmp/section-320.png', fullPage: true });
    await answerByClicking(page, SECTIONS[0]!);
    await button(page, 'Spara och gå vidare').click();
    await page.waitForURL(url(`/s/q/2`));

    // Page 2 by keyboard only: Tab into each question's group, Space picks 1, arrows move on.
    const keyboardAnswers = { listened_to: 7, seen_as_person: 6, plan_together: 3 };
    const items = SECTIONS[1]!.items;
    expect(items.map((i) => i.id)).to.deep.equal(Object.keys(keyboardAnswers));
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let tabs = 0; (await focusedId()) !== `item_${items[0]!.id}-1`; tabs++) {
      expect(tabs, 'reaching the first question with Tab').to.be.below(15);
      await page.keyboard.press('Tab');
    }
    for (const [i, item] of items.entries()) {
      if (i > 0) await page.keyboard.press('Tab');
      expect(await focusedId()).to.equal(`item_${item.id}-1`);
      await page.keyboard.press('Space');
      for (let v = 1; v < keyboardAnswers[item.id as keyof typeof keyboardAnswers]; v++) await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).to.equal('Spara och gå vidare');
    await page.keyboard.press('Space');
    await page.waitForURL(url(`/s/q/3`));

    for (let n = 3; n <= SECTIONS.length; n++) {
      await expectNoHorizontalScroll(page, `page ${n}`);
      await answerByClicking(page, SECTIONS[n - 1]!);
      await button(page, n === SECTIONS.length ? 'Spara och granska svaren' : 'Spara och gå vidare').click();
    }
    await page.waitForURL(url(`/s/q/review`));
    await expectNoHorizontalScroll(page, 'the review page');
    await button(page, 'Skicka in svaren').click();
    await page.waitForURL(/\/s\/thanks/);
    await expectNoHorizontalScroll(page, 'the thank-you page');
    await context.close();

    const scores = scoresOf(code);
    expect(scores.participation).to.be.closeTo((7 + 6 + 3) / 3, 1e-12);
    expect(scores.self_efficacy).to.be.closeTo(SELF_EFFICACY, 1e-12);
  });

  it('(c) has no axe (WCAG 2.1 A/AA) violations on code entry, an error summary page and review', async () => {
    const code = codes[2]!;
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(url('/s'));
    await expectNoAxeViolations(page, 'the code entry page');
    await button(page, 'Fortsätt').click();
    await page.waitForSelector('.error-summary');
    await expectNoAxeViolations(page, 'the code entry page with an error');

    await startInSwedish(page, code, () => expectNoAxeViolations(page, 'the language page'));
    await expectNoAxeViolations(page, 'a section page');

    // A value no radio offers, as a tampered or stale form would send: the page comes back with 422.
    await page.evaluate(() => {
      const radio = document.querySelector<HTMLInputElement>('#item_fk_trust-7')!;
      radio.value = '8';
      radio.checked = true;
    });
    const [posted] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), button(page, 'Spara och gå vidare').click()]);
    expect(posted.status()).to.equal(422);
    await page.waitForSelector('.error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), 'focus on the error summary').to.equal(true);
    await expectNoAxeViolations(page, 'a section page with an error summary');

    await page.click('label[for="item_fk_trust-6"]');
    await button(page, 'Spara och gå vidare').click();
    await page.waitForURL(url(`/s/q/2`));
    await button(page, 'Spara och ta en paus').click();
    await page.waitForURL(url(`/s/q/paused`));
    await expectNoAxeViolations(page, 'the paused page');

    await page.goto(url(`/s/${code}/review`));
    await expectNoAxeViolations(page, 'the review page');
    await page.goto(url('/s/thanks?lang=sv'));
    await expectNoAxeViolations(page, 'the thank-you page');
    await context.close();
  });

  it('runs Arabic right to left at 320 px without horizontal scrolling', async () => {
    const code = codes[7]!;
    const context = await newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(url('/s?lang=ar'));
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await expectNoHorizontalScroll(page, 'the Arabic code entry page');
    await page.fill('#code', code);
    await page.getByRole('button', { name: 'متابعة', exact: true }).click();
    // The language picked on the code page carries over: the choice is shown in Arabic, Arabic preselected.
    await page.waitForURL(url(`/s/q/language?lang=ar`));
    expect(await page.isChecked('#language-ar')).to.equal(true);
    await page.getByRole('button', { name: 'ابدأ', exact: true }).click();
    await page.waitForURL(url(`/s/q/1`));
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    expect(await page.getAttribute('html', 'lang')).to.equal('ar');
    expect(await page.textContent('h1')).to.equal(SECTIONS[0]!.title.ar);
    await expectNoHorizontalScroll(page, 'an Arabic section page');
    await expectNoAxeViolations(page, 'an Arabic section page');
    await context.close();
  });

  it('(d) counts the browser responses in the results, with the right n at start', async () => {
    // Four more participants answer page 3 ("Du själv") over HTTP and submit, as quickly as possible.
    const selfPage = SECTIONS.findIndex((s) => s.id === 'yourself') + 1;
    const httpAnswers = [
      { believe_in_myself: '7', handle_hard_things: '6', feel_failure: '1' },
      { believe_in_myself: '4', handle_hard_things: '4', feel_failure: '4' },
      { believe_in_myself: '2', handle_hard_things: 'dk', feel_failure: '6' },
      { believe_in_myself: '6', handle_hard_things: '5', feel_failure: 'dk' },
    ];
    await Promise.all(httpAnswers.map(async (answers, i) => {
      const code = codes[3 + i]!;
      const client = new HttpClient(server.url);
      await client.get('/s');
      await client.post('/s', { code });
      await client.get(`/s/${code}/language`);
      await client.post(`/s/${code}/language`, { language: 'sv' });
      await client.get(`/s/${code}/${selfPage}`);
      const fields = Object.fromEntries(Object.entries(answers).map(([id, v]) => [`item_${id}`, v]));
      expect((await client.post(`/s/${code}/${selfPage}`, { ...fields, action: 'next' })).status).to.equal(303);
      await client.get(`/s/${code}/review`);
      expect((await client.post(`/s/${code}/submit`, {})).status).to.equal(303);
    }));
    // (7 + 6 + 7) / 3, (4 + 4 + 4) / 3, (2 + 2) / 2, (6 + 5) / 2, and the two browser responses.
    const expected = [20 / 3, 4, 2, 5.5, SELF_EFFICACY, SELF_EFFICACY];
    const expectedMean = expected.reduce((a, b) => a + b, 0) / expected.length;

    // The stored scores agree with the answers given before anything is rendered.
    const selfEfficacy = storedScores(interventionId, 'start', 'self_efficacy');
    expect(selfEfficacy.length).to.equal(6);
    expect(selfEfficacy.reduce((a, b) => a + b, 0) / 6).to.be.closeTo(expectedMean, 1e-12);
    expect(storedScores(interventionId, 'start', 'trust_fk').length, 'trust_fk: only the 2 browser responses').to.equal(2);

    // The page, as an evaluator of the federation sees it after signing in.
    makeUser(server.db, 'utvarderare@example.se', [{ federationId, role: 'evaluator' }]);
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(url('/login'));
    await page.fill('#email', 'utvarderare@example.se');
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: /Logga in/ }).click();
    await page.waitForLoadState();
    await page.goto(url(`/f/${federationId}/interventions/${interventionId}/results`));
    const row = (indicatorId: string) => {
      const name = participant.indicators.find((i) => i.id === indicatorId)!.text.sv!;
      return page.locator('#indicator-table tbody tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    };
    const startCell = (await row('self_efficacy').locator('td').nth(0).textContent())!.trim();
    expect(startCell).to.match(/\bn=6\b/);
    expect(startCell.startsWith(expectedMean.toLocaleString('sv-SE', { minimumFractionDigits: 1, maximumFractionDigits: 1 })), startCell).to.equal(true);
    expect((await row('trust_fk').locator('td').nth(0).textContent())?.trim()).to.equal('för få svar');
    expect((await row('self_efficacy').locator('td').nth(1).textContent())?.trim(), 'nobody at exit yet').to.equal('inga svar');
    const counts = page.locator('#process tbody tr').first();
    // Codes issued 8; started: (a), (b), (c), the Arabic one and the 4 over HTTP; answered on the web: (a), (b) and the 4; none on paper or imported.
    expect((await counts.locator('td').allTextContents()).map((s) => s.trim())).to.deep.equal(['8', '8', '6', '0', '75 %', '0']);
    await context.close();
  });

  it('(e) with JavaScript, saves answers as they are given: a closed tab loses nothing', async () => {
    const [code] = issueAccessCodes(server.db, { measurementPointId: startPointId, count: 1 });
    const first = await newContext();
    const page = await first.newPage();
    await startInSwedish(page, code!);
    const item = SECTIONS[0]!.items.find((i) => i.type === 'agree7')!;
    await page.click(`label[for="item_${item.id}-3"]`);
    await page.waitForFunction(() => (document.getElementById('autosave-status')?.textContent ?? '') !== '');
    expect(await page.textContent('#autosave-status')).to.equal('Dina svar är sparade.');
    await first.close();
    const stored = server.db.prepare(`SELECT a.value_num AS v FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.code = ? AND a.item_id = ?`).get(code!, item.id) as { v: number };
    expect(stored.v).to.equal(3);
    const second = await newContext();
    const again = await second.newPage();
    await enterCode(again, code!);
    await again.waitForURL(url(`/s/q/1`));
    expect(await again.isChecked(`#item_${item.id}-3`)).to.equal(true);
    await second.close();
  });
});
