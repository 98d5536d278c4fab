import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatAccessCode } from '../../server/domain/accessCode.js';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { translator } from '../../server/i18n/index.js';
import { axeViolations, launchChromium } from '../helpers/browser.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';

const participant = instruments.get('participant')!;
const SECTIONS = sectionsForPoint(participant, 'start');

interface Spoken { text?: string; lang?: string; voice?: string; cancelled?: boolean }

/**
 * Replaces the browser's speech synthesis (a browser API, not ours) with one that has the given
 * voices and records what it is asked to say; window.__speech.finish() ends the utterance. Given as
 * source text: tsx would add helpers to a function that do not exist in the page.
 */
async function stubSpeech(context: BrowserContext, voiceLangs: string[]): Promise<void> {
  await context.addInitScript({
    content: `(function () {
      var spoken = [];
      var current = null;
      var voices = ${JSON.stringify(voiceLangs)}.map(function (lang) { return { lang: lang, name: 'Test ' + lang, voiceURI: 'test-' + lang, localService: true, default: false }; });
      var end = function () { var u = current; current = null; if (u && u.onend) u.onend(); };
      var synth = {
        getVoices: function () { return voices; },
        speak: function (u) { spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name }); current = u; },
        cancel: function () { spoken.push({ cancelled: true }); end(); },
        addEventListener: function () {},
        speaking: false, pending: false, paused: false
      };
      Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
      Object.defineProperty(window, 'SpeechSynthesisUtterance', { configurable: true, value: function (text) { this.text = text; } });
      Object.defineProperty(window, '__speech', { value: { spoken: spoken, finish: end } });
    })();`,
  });
}

const spoken = (page: Page) => page.evaluate(() => (window as unknown as { __speech: { spoken: Spoken[] } }).__speech.spoken);

describe('Persian and Tigrinya in a real browser, with read aloud where a voice exists', function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  let codes: string[];

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    codes = smallIntervention(server.db, 4).startCodes;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const axeOf = async (page: Page, name: string, into: string[]) => void into.push(...(await axeViolations(page, name)));

  /** From the code entry page in `lang` to the first section, checking the language page on the way. */
  async function startIn(page: Page, lang: string, code: string, violations: string[]) {
    const t = translator(lang);
    await page.goto(`${server.url}/s?lang=${lang}`);
    await page.fill('#code', formatAccessCode(code));
    await page.getByRole('button', { name: t('survey.enterCode.submit'), exact: true }).click();
    await page.waitForURL(/\/language(\?|$)/);
    expect(await page.isChecked(`#language-${lang}`)).to.equal(true);
    await axeOf(page, `language page (${lang})`, violations);
    await page.getByRole('button', { name: t('survey.language.submit'), exact: true }).click();
    await page.waitForURL(/\/s\/\w+\/1(\?|$)/);
    expect(await page.getAttribute('html', 'lang')).to.equal(lang);
    expect(await page.textContent('h1')).to.equal(SECTIONS[0]!.title[lang]);
  }

  /** Answers every agree7 question of the page by clicking its labels (5 each), then saves and goes on. */
  async function answerPage(page: Page, lang: string) {
    const radios = await page.$$eval('.scale input[type="radio"][value="5"]', (els) => els.map((e) => e.id));
    expect(radios.length).to.be.greaterThan(0);
    for (const id of radios) await page.click(`label[for="${id}"]`);
    for (const id of radios) expect(await page.isChecked(`#${id}`), id).to.equal(true);
    await page.getByRole('button', { name: translator(lang)('survey.next'), exact: true }).click();
    await page.waitForURL(/\/s\/\w+\/2(\?|$)/);
    expect(await page.textContent('h1')).to.equal(SECTIONS[1]!.title[lang]);
  }

  it('answers a page in Persian right to left; no read-aloud button without a Persian voice; axe clean', async () => {
    const violations: string[] = [];
    const context = await browser.newContext({ locale: 'fa-IR' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${server.url}/s?lang=fa`);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await axeOf(page, 'code entry (fa)', violations);
    await startIn(page, 'fa', codes[0]!, violations);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    // Chromium headless: whatever voices it has, the buttons are there only if one speaks Persian.
    await page.waitForTimeout(300);
    const persianVoices = await page.evaluate(() => (window.speechSynthesis?.getVoices() ?? []).filter((v) => v.lang.toLowerCase().startsWith('fa')).length);
    expect(await page.locator('.read-aloud').count()).to.equal(persianVoices === 0 ? 0 : SECTIONS[0]!.items.length);
    await page.screenshot({ path: '/tmp/indikator-fa-section1.png', fullPage: true });
    await axeOf(page, 'first section (fa)', violations);
    await answerPage(page, 'fa');
    await axeOf(page, 'second section (fa)', violations);
    expect(violations).to.deep.equal([]);
    await context.close();
  });

  it('shows no read-aloud button when the browser\'s voices speak other languages only', async () => {
    const context = await browser.newContext({ locale: 'fa-IR' });
    await stubSpeech(context, ['en-GB', 'sv-SE', 'ar-SA']);
    const page = await context.newPage();
    await startIn(page, 'fa', codes[1]!, []);
    expect(await page.locator('.read-aloud').count()).to.equal(0);
    await context.close();
  });

  it('answers a page in Tigrinya with a stubbed Tigrinya voice: a labelled button per question reads it and its options, by keyboard; axe clean', async () => {
    const violations: string[] = [];
    const t = translator('ti');
    const context = await browser.newContext({ locale: 'ti-ER' });
    context.setDefaultTimeout(10_000);
    await stubSpeech(context, ['en-GB', 'ti-ER']);
    const page = await context.newPage();
    await startIn(page, 'ti', codes[2]!, violations);
    const items = SECTIONS[0]!.items;
    const buttons = page.getByRole('button', { name: t('survey.readAloud'), exact: true });
    expect(await buttons.count()).to.equal(items.length);
    // Each button is described by its question, so a screen reader tells them apart.
    const described = await page.$$eval('.read-aloud', (els) => els.map((b) => document.getElementById(b.getAttribute('aria-describedby')!)?.textContent?.trim()));
    expect(described).to.deep.equal(items.map((item) => item.text.ti));
    await axeOf(page, 'first section with read-aloud buttons (ti)', violations);
    await page.screenshot({ path: '/tmp/indikator-ti-section1.png', fullPage: true });

    // Keyboard: Enter on the focused button reads its question, Space on it again stops.
    await page.locator('.read-aloud').first().focus();
    await page.keyboard.press('Enter');
    const first = (await spoken(page)).filter((s) => s.text !== undefined);
    expect(first).to.have.length(1);
    expect(first[0]!.voice).to.equal('Test ti-ER');
    expect(first[0]!.lang).to.equal('ti-ER');
    expect(first[0]!.text).to.include(items[0]!.text.ti!).and.include(items[0]!.hint!.ti!)
      .and.include(participant.scale.low.ti!).and.include(participant.scale.high.ti!).and.include(participant.scale.dontKnow.ti!);
    expect(await page.locator('.read-aloud').first().textContent()).to.contain(t('survey.readAloudStop'));
    await axeOf(page, 'first section while reading (ti)', violations);
    // Pressed again it stops; the utterance ending puts the label back.
    await page.keyboard.press('Space');
    expect((await spoken(page)).at(-1)!.cancelled).to.equal(true);
    expect(await page.locator('.read-aloud').first().textContent()).to.contain(t('survey.readAloud'));
    // Another question's button starts that one; when it is done its label comes back.
    await page.locator('.read-aloud').nth(1).click();
    expect((await spoken(page)).at(-1)!.text).to.include(items[1]!.text.ti!);
    await page.evaluate(() => (window as unknown as { __speech: { finish: () => void } }).__speech.finish());
    expect(await page.locator('.read-aloud').nth(1).textContent()).to.contain(t('survey.readAloud'));

    await answerPage(page, 'ti');
    expect(await page.locator('.read-aloud').count()).to.equal(SECTIONS[1]!.items.length);
    await axeOf(page, 'second section (ti)', violations);
    expect(violations).to.deep.equal([]);
    await context.close();
  });

  it('reads Persian right to left with a stubbed Persian voice, the buttons clean under axe', async () => {
    const violations: string[] = [];
    const context = await browser.newContext({ locale: 'fa-IR', viewport: { width: 320, height: 700 } });
    context.setDefaultTimeout(10_000);
    await stubSpeech(context, ['fa-IR']);
    const page = await context.newPage();
    await startIn(page, 'fa', codes[3]!, violations);
    expect(await page.getByRole('button', { name: translator('fa')('survey.readAloud'), exact: true }).count()).to.equal(SECTIONS[0]!.items.length);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(true);
    await page.screenshot({ path: '/tmp/indikator-fa-320-voice.png', fullPage: true });
    await axeOf(page, 'first section with read-aloud buttons (fa, 320 px)', violations);
    expect(violations).to.deep.equal([]);
    await context.close();
  });
});
