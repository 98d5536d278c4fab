import { expect } from 'chai';
import { formatAccessCode } from '../../server/domain/accessCode.js';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import type { Item, Section } from '../../server/domain/instrumentTypes.js';
import type { Db } from '../../server/storage/db.js';
import { EXPECTED_START_SCORES, pageFields, START_ANSWERS } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';

const participant = instruments.get('participant')!;
const SECTIONS: Section[] = sectionsForPoint(participant, 'start');

interface AnswerRow { item_id: string; value_num: number | null; value_text: string | null; dont_know: number }

function storedAnswers(db: Db, code: string): AnswerRow[] {
  return db.prepare(`SELECT a.item_id, a.value_num, a.value_text, a.dont_know FROM answers a JOIN responses r ON r.id = a.response_id
    WHERE r.code = ? ORDER BY a.item_id`).all(code) as AnswerRow[];
}

function responseRow(db: Db, code: string) {
  return db.prepare('SELECT id, status, last_section AS lastSection, language, submitted_at AS submittedAt FROM responses WHERE code = ?').get(code) as
    | { id: number; status: string; lastSection: number; language: string; submittedAt: string | null }
    | undefined;
}

/** Everything a page post could change, to compare before and after a refused post. */
function snapshot(db: Db, code: string) {
  return { answers: storedAnswers(db, code), response: responseRow(db, code) };
}

function isChecked(html: string, item: Item, value: string): boolean {
  return new RegExp(`name="item_${item.id}" value="${value}" checked`).test(html);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('survey flow over HTTP with a real database', function () {
  let server: TestServer;
  let codes: string[];

  before(async () => {
    server = await startTestServer();
    codes = smallIntervention(server.db, 20).startCodes;
  });
  after(() => server.close());

  let nextCode = 0;
  const freshCode = () => codes[nextCode++]!;

  /** Types a code at /s as a participant would; returns the answer to the post. */
  async function enterCode(client: HttpClient, typed: string) {
    await client.get('/s');
    return client.post('/s', { code: typed });
  }

  /** Enters the code and chooses a language; the response exists afterwards. */
  async function begin(code: string, language = 'sv'): Promise<HttpClient> {
    const client = new HttpClient(server.url);
    const entered = await enterCode(client, code);
    expect(entered.status).to.equal(303);
    await client.get(entered.location!);
    const chosen = await client.post(`/s/${code}/language`, { language });
    expect(chosen.status).to.equal(303);
    expect(chosen.location).to.equal(`/s/${code}/1`);
    return client;
  }

  /** Posts page n with the given fields (after loading it for the CSRF token). */
  async function postPage(client: HttpClient, code: string, n: number, fields: Record<string, string | string[]>, action = 'next') {
    await client.get(`/s/${code}/${n}`);
    return client.post(`/s/${code}/${n}`, { ...fields, action });
  }

  describe('basics', () => {
    it('answers GET /healthz with 200 {"status":"ok"}', async () => {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ status: 'ok' });
    });

    it('sends the security headers', async () => {
      const res = await new HttpClient(server.url).get('/s');
      const csp = res.headers.get('content-security-policy') ?? '';
      const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
      expect(directive('script-src')).to.equal("script-src 'self'");
      expect(csp).to.not.include('unsafe-inline');
      expect(csp).to.not.include('unsafe-eval');
      expect(directive('frame-ancestors')).to.equal("frame-ancestors 'none'");
      expect(directive('object-src')).to.equal("object-src 'none'");
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-powered-by')).to.equal(null);
    });

    it('shows the code entry page in Swedish with a labelled field', async () => {
      const res = await new HttpClient(server.url).get('/s');
      expect(res.status).to.equal(200);
      expect(res.text).to.include('<html lang="sv" dir="ltr">');
      expect(res.text).to.include('Skriv in din kod');
      expect(res.text).to.match(/<label class="label" for="code">/);
    });
  });

  describe('code entry', () => {
    it('accepts a code typed in lower case with a dash', async () => {
      const code = freshCode();
      const client = new HttpClient(server.url);
      const res = await enterCode(client, ` ${code.slice(0, 4).toLowerCase()}-${code.slice(4).toLowerCase()} `);
      expect(res.status).to.equal(303);
      // The code moves out of the address into the participant cookie.
      expect(res.location).to.equal('/s/q/language');
      expect(res.headers.get('set-cookie')).to.match(/indikator_s=[^;]+;.*HttpOnly/i);
      const page = await client.get(res.location!);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Vilket språk vill du svara på?');
      expect(responseRow(server.db, code), 'no response before a language is chosen').to.equal(undefined);
    });

    it('answers an unknown code with 404 and a Swedish explanation', async () => {
      const res = await enterCode(new HttpClient(server.url), 'ZZZZ-ZZZZ');
      expect(res.status).to.equal(404);
      expect(res.text).to.include('Vi hittar ingen enkät med den koden');
      expect(res.text).to.include('class="error-summary"');
      expect(res.text).to.include('value="ZZZZ-ZZZZ"');
    });

    it('answers a malformed code with 400 and says what a code looks like', async () => {
      const res = await enterCode(new HttpClient(server.url), 'abc');
      expect(res.status).to.equal(400);
      expect(res.text).to.include('Koden har 10 tecken');
    });

    it('escapes what was typed when showing it again', async () => {
      const res = await enterCode(new HttpClient(server.url), '<b>x</b>"');
      expect(res.status).to.equal(400);
      expect(res.text).to.not.include('<b>x</b>');
      expect(res.text).to.include('&lt;b&gt;x&lt;/b&gt;');
    });

    it('opens a code given in the address, /s/<code>, in any spelling', async () => {
      const code = freshCode();
      const res = await new HttpClient(server.url).get(`/s/${code.toLowerCase()}`);
      expect(res.status).to.equal(303);
      // The code moves out of the address into the participant cookie.
      expect(res.location).to.equal('/s/q/language');
      expect(res.headers.get('set-cookie')).to.match(/indikator_s=[^;]+;.*HttpOnly/i);
    });

    it('carries a language picked on the code page over to the language choice', async () => {
      const code = freshCode();
      const client = new HttpClient(server.url);
      const entry = await client.get('/s?lang=ar');
      expect(entry.text).to.include('<html lang="ar" dir="rtl">');
      expect(entry.text).to.include('action="/s?lang=ar"');
      const res = await client.post('/s?lang=ar', { code });
      expect(res.location).to.equal('/s/q/language?lang=ar');
      const page = await client.get(res.location!);
      expect(page.text).to.include('بأي لغة تريد أن تجيب؟');
      expect(page.text).to.match(/id="language-ar" name="language" value="ar" checked/);
    });

    it('answers a revoked code with 410 and tells the participant to ask for the new one', async () => {
      const code = freshCode();
      server.db.prepare("UPDATE access_codes SET status = 'revoked' WHERE code = ?").run(code);
      const res = await enterCode(new HttpClient(server.url), code);
      expect(res.status).to.equal(410);
      expect(res.text).to.include('Fråga personalen om den nya koden');
    });

    it('refuses an unknown language with 422 and creates no response', async () => {
      const code = freshCode();
      const client = new HttpClient(server.url);
      await client.get(`/s/${code}/language`);
      const res = await client.post(`/s/${code}/language`, { language: 'xx' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Välj vilket språk du vill svara på.');
      expect(responseRow(server.db, code)).to.equal(undefined);
    });

    it('sends a questionnaire page opened before a language is chosen to the language choice, and has no page beyond the last', async () => {
      const code = freshCode();
      const early = await new HttpClient(server.url).get(`/s/${code}/1`);
      expect(early.status).to.equal(303);
      expect(early.location).to.equal(`/s/${code}/language`);
      const client = await begin(code);
      expect((await client.get(`/s/${code}/0`)).status).to.equal(404);
      expect((await client.get(`/s/${code}/${SECTIONS.length + 1}`)).status).to.equal(404);
      expect((await client.get(`/s/${code}/x`)).status).to.equal(404);
    });
  });

  describe('the code kept out of the address (participant cookie)', () => {
    it('continues under /s/q with the cookie, asks for the code again without it, refuses a forged one, and forgets it on pause', async () => {
      const code = freshCode();
      const client = new HttpClient(server.url);
      await enterCode(client, code);
      const language = await client.get('/s/q/language');
      expect(language.status).to.equal(200);
      expect(language.text).to.contain('action="/s/q/language"').and.not.contain(`/s/${code}/`);
      expect((await client.post('/s/q/language', { language: 'sv' })).location).to.equal('/s/q/1');
      // Another browser (no cookie): a GET goes to the code page, a posted page is asked for the code and saves nothing.
      const other = new HttpClient(server.url);
      expect((await other.get('/s/q/1')).location).to.equal('/s');
      await other.get('/s');
      const refused = await other.post('/s/q/1', { ...pageFields(SECTIONS[0]!, { fk_trust: '2' }), action: 'next' });
      expect(refused.status).to.equal(401);
      expect(refused.text).to.contain('Skriv koden från lappen igen');
      // A cookie whose lapse was moved does not open anything.
      const cookie = client.cookieHeaderValue();
      const forged = cookie.replace(/indikator_s=([^.;]+)\.(\d+)\./, (_m, c: string) => `indikator_s=${c}.${Date.now() + 86_400_000 * 365}.`);
      expect(forged).to.not.equal(cookie);
      const res = await fetch(`${server.url}/s/q/1`, { redirect: 'manual', headers: { cookie: forged } });
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/s');
      // Pausing ends the hold: the next page asks for the code.
      await client.get('/s/q/1');
      expect((await client.post('/s/q/1', { ...pageFields(SECTIONS[0]!, { fk_trust: '3' }), action: 'pause' })).location).to.equal('/s/q/paused');
      const paused = await client.get('/s/q/paused');
      expect(paused.headers.get('set-cookie')).to.match(/indikator_s=;/);
      expect((await client.get('/s/q/1')).location).to.equal('/s');
    });
  });

  describe('the whole questionnaire', () => {
    let code: string;
    let client: HttpClient;

    before(async () => {
      code = freshCode();
      client = await begin(code);
    });

    it('asks the start sections, one page each, and saves every page as it is posted', async () => {
      expect(SECTIONS.map((s) => s.id)).to.deep.equal(['agencies', 'your_support', 'yourself', 'health_and_life', 'work_and_study', 'about_you', 'final']);
      for (const [i, section] of SECTIONS.entries()) {
        const n = i + 1;
        const page = await client.get(`/s/${code}/${n}`);
        expect(page.status).to.equal(200);
        expect(page.text).to.include(`Del ${n} av ${SECTIONS.length}`);
        expect(page.text).to.include(escapeHtml(section.title.sv!));
        for (const item of section.items) expect(page.text, item.id).to.include(`name="item_${item.id}"`);
        const res = await client.post(`/s/${code}/${n}`, { ...pageFields(section), action: 'next' });
        expect(res.status).to.equal(303);
        expect(res.location).to.equal(n === SECTIONS.length ? `/s/${code}/review` : `/s/${code}/${n + 1}`);
        // Saved at once: this page's items are in the database, later pages' are not yet.
        const saved = new Set(storedAnswers(server.db, code).map((a) => a.item_id));
        for (const item of section.items) expect(saved.has(item.id), `${item.id} saved after page ${n}`).to.equal(true);
        for (const later of SECTIONS.slice(n).flatMap((s) => s.items)) expect(saved.has(later.id), `${later.id} not yet saved`).to.equal(false);
        expect(responseRow(server.db, code)!.lastSection).to.equal(n + 1);
      }
    });

    it('stores numbers, "vet ej" and texts as they should be', () => {
      const rows = new Map(storedAnswers(server.db, code).map((r) => [r.item_id, r]));
      expect(rows.get('fk_trust')).to.deep.include({ value_num: 6, value_text: null, dont_know: 0 });
      expect(rows.get('af_trust')).to.deep.include({ value_num: null, value_text: null, dont_know: 1 });
      expect(rows.get('gender')).to.deep.include({ value_num: null, value_text: 'woman', dont_know: 0 });
      expect(rows.get('anything_else')).to.deep.include({ value_text: START_ANSWERS.anything_else });
      expect(rows.size).to.equal(Object.keys(START_ANSWERS).length);
    });

    it('keeps the answers when going back a page, and shows them checked', async () => {
      const last = SECTIONS.length;
      const back = await postPage(client, code, last, pageFields(SECTIONS[last - 1]!), 'back');
      expect(back.status).to.equal(303);
      expect(back.location).to.equal(`/s/${code}/${last - 1}`);
      const page = await client.get(back.location!);
      for (const item of SECTIONS[last - 2]!.items) expect(isChecked(page.text, item, START_ANSWERS[item.id]!), item.id).to.equal(true);
      // Back from page 1 leads to the language choice, answers kept.
      const first = await postPage(client, code, 1, pageFields(SECTIONS[0]!), 'back');
      expect(first.location).to.equal(`/s/${code}/language`);
      expect(storedAnswers(server.db, code)).to.have.length(Object.keys(START_ANSWERS).length);
    });

    it('shows every answer on the review page', async () => {
      const page = await client.get(`/s/${code}/review`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Kontrollera dina svar');
      expect(page.text).to.include('6 av 7');
      expect(page.text).to.include('Vet inte / vill inte svara');
      expect(page.text).to.include('30–39 år');
      expect(page.text).to.include('Kvinna');
      expect(page.text).to.include(escapeHtml(START_ANSWERS.anything_else!));
      expect(page.text).to.not.include('<trevlig>');
      expect(page.text).to.not.include('Inte besvarad');
      for (const [i] of SECTIONS.entries()) expect(page.text).to.include(`href="/s/${code}/${i + 1}?review=1"`);
    });

    it('submits: stores the indicator scores, marks the response submitted and spends the code', async () => {
      await client.get(`/s/${code}/review`);
      const res = await client.post(`/s/${code}/submit`, {});
      expect(res.status).to.equal(303);
      expect(res.location).to.equal('/s/thanks?lang=sv');
      const thanks = await client.get(res.location!);
      expect(thanks.text).to.include('Tack för dina svar!');

      const response = responseRow(server.db, code)!;
      expect(response.status).to.equal('submitted');
      expect(response.submittedAt).to.be.a('string');
      const codeRow = server.db.prepare('SELECT status, spent_at AS spentAt FROM access_codes WHERE code = ?').get(code) as { status: string; spentAt: string | null };
      expect(codeRow.status).to.equal('spent');
      expect(codeRow.spentAt).to.be.a('string');

      const scores = server.db.prepare('SELECT indicator_id AS id, score, point FROM response_scores WHERE response_id = ? ORDER BY indicator_id').all(response.id) as Array<{ id: string; score: number; point: string }>;
      expect(scores.map((s) => s.id).sort()).to.deep.equal(Object.keys(EXPECTED_START_SCORES).sort());
      for (const s of scores) {
        expect(s.score, s.id).to.be.closeTo(EXPECTED_START_SCORES[s.id]!, 1e-12);
        expect(s.point).to.equal('start');
      }
    });

    it('answers a second submit with 410 "already sent" and changes nothing', async () => {
      const before = snapshot(server.db, code);
      const scoreCount = () => (server.db.prepare('SELECT count(*) AS n FROM response_scores').get() as { n: number }).n;
      const scoresBefore = scoreCount();
      await client.get('/s'); // a fresh CSRF token, as from a second tab
      const res = await client.post(`/s/${code}/submit`, {});
      expect(res.status).to.equal(410);
      expect(res.text).to.include('Du har redan svarat – tack!');
      expect(snapshot(server.db, code)).to.deep.equal(before);
      expect(scoreCount()).to.equal(scoresBefore);
    });

    it('answers the spent code with 410 "already sent" wherever it is used', async () => {
      const other = new HttpClient(server.url);
      const entered = await enterCode(other, code);
      expect(entered.status).to.equal(410);
      expect(entered.text).to.include('Svaren för den här koden är redan inskickade').and.include('data-spent').and.not.include('error-summary');
      for (const path of [`/s/${code}`, `/s/${code}/1`, `/s/${code}/review`, `/s/${code}/language`]) {
        const res = await other.get(path);
        expect(res.status, path).to.equal(410);
        expect(res.text, path).to.match(/Du har redan svarat – tack!|Svaren för den här koden är redan inskickade/);
      }
      await other.get('/s');
      const page = await other.post(`/s/${code}/1`, { ...pageFields(SECTIONS[0]!, { fk_trust: '1' }), action: 'next' });
      expect(page.status).to.equal(410);
      expect(storedAnswers(server.db, code).find((a) => a.item_id === 'fk_trust')!.value_num).to.equal(6);
    });
  });

  describe('pause and resume', () => {
    it('saves the page on "pause", and a new browser with the same code lands there with the answers checked', async () => {
      const code = freshCode();
      const client = await begin(code);
      await postPage(client, code, 1, pageFields(SECTIONS[0]!));
      await postPage(client, code, 2, pageFields(SECTIONS[1]!));
      const partial = { believe_in_myself: '7', handle_hard_things: 'dk' };
      const paused = await postPage(client, code, 3, pageFields(SECTIONS[2]!, partial), 'pause');
      expect(paused.status).to.equal(303);
      expect(paused.location).to.equal(`/s/${code}/paused`);
      const pausedPage = await client.get(paused.location!);
      expect(pausedPage.text).to.include('Dina svar är sparade');
      expect(pausedPage.text).to.include(formatAccessCode(code));
      expect(responseRow(server.db, code)!.lastSection).to.equal(3);

      const newBrowser = new HttpClient(server.url);
      const entered = await enterCode(newBrowser, code.toLowerCase());
      expect(entered.status).to.equal(303);
      expect(entered.location).to.equal('/s/q/3');
      const page = await newBrowser.get(entered.location!);
      const [believe, handle, failure] = SECTIONS[2]!.items;
      expect(isChecked(page.text, believe!, '7')).to.equal(true);
      expect(isChecked(page.text, handle!, 'dk')).to.equal(true);
      expect(page.text).to.not.match(new RegExp(`name="item_${failure!.id}" value="[^"]+" checked`));
      // Earlier pages are kept too.
      const first = await newBrowser.get(`/s/${code}/1`);
      for (const item of SECTIONS[0]!.items) expect(isChecked(first.text, item, START_ANSWERS[item.id]!), item.id).to.equal(true);
    });

    it('resumes at the review page once every page is saved', async () => {
      const code = freshCode();
      const client = await begin(code);
      for (const [i, section] of SECTIONS.entries()) await postPage(client, code, i + 1, pageFields(section));
      const entered = await enterCode(new HttpClient(server.url), code);
      expect(entered.location).to.equal('/s/q/review');
    });

    it('goes back to the review after "Ändra" and saving a page', async () => {
      const code = freshCode();
      const client = await begin(code);
      for (const [i, section] of SECTIONS.entries()) await postPage(client, code, i + 1, pageFields(section));
      const review = await client.get(`/s/${code}/review`);
      expect(review.text).to.contain(`href="/s/${code}/2?review=1"`);
      const page = await client.get(`/s/${code}/2?review=1`);
      expect(page.text).to.contain('name="review" value="1"');
      const saved = await client.post(`/s/${code}/2`, { ...pageFields(SECTIONS[1]!), review: '1', action: 'next' });
      expect(saved.location).to.equal(`/s/${code}/review`);
    });

    it('accepts a pasted code with an en dash', async () => {
      const code = freshCode();
      const entered = await enterCode(new HttpClient(server.url), `${code.slice(0, 4)}\u2013${code.slice(4)}`);
      expect(entered.status).to.equal(303);
    });

    it('saves a draft on action=autosave: valid answers kept, an invalid one left out, 204, resumes on that page', async () => {
      const code = freshCode();
      const client = await begin(code);
      const section = SECTIONS[0]!;
      const [first, second] = section.items.filter((i) => i.type === 'agree7');
      await client.get(`/s/${code}/1`);
      const res = await client.post(`/s/${code}/1`, { [`item_${first!.id}`]: '5', [`item_${second!.id}`]: '9', action: 'autosave' });
      expect(res.status).to.equal(204);
      const saved = storedAnswers(server.db, code);
      expect(saved.map((a) => [a.item_id, a.value_num])).to.deep.equal([[first!.id, 5]]);
      expect(responseRow(server.db, code)!.lastSection).to.equal(1);
      const noToken = await client.post(`/s/${code}/1`, { [`item_${first!.id}`]: '2', action: 'autosave' }, { csrf: null });
      expect(noToken.status).to.equal(403);
      expect(storedAnswers(server.db, code)[0]!.value_num).to.equal(5);
    });

    it('clears an answer that is emptied on a later visit', async () => {
      const code = freshCode();
      const client = await begin(code);
      await postPage(client, code, 1, pageFields(SECTIONS[0]!));
      await postPage(client, code, 1, pageFields(SECTIONS[0]!, { fk_trust: '2' }));
      expect(storedAnswers(server.db, code).map((a) => [a.item_id, a.value_num])).to.deep.equal([['fk_trust', 2]]);
    });

    it('keeps the answers when the language is changed midway, and continues in the new language', async () => {
      const code = freshCode();
      const client = await begin(code);
      await postPage(client, code, 1, pageFields(SECTIONS[0]!));
      await postPage(client, code, 2, pageFields(SECTIONS[1]!), 'pause');
      await client.get(`/s/${code}/language`);
      const res = await client.post(`/s/${code}/language`, { language: 'en' });
      expect(res.location).to.equal(`/s/${code}/2`);
      const page = await client.get(res.location!);
      expect(page.text).to.include('<html lang="en" dir="ltr">');
      expect(page.text).to.include('The support you get');
      expect(responseRow(server.db, code)!.language).to.equal('en');
      expect(storedAnswers(server.db, code)).to.have.length(SECTIONS[0]!.items.length + SECTIONS[1]!.items.length);
    });
  });

  describe('refused input saves nothing', () => {
    let code: string;
    let client: HttpClient;

    before(async () => {
      code = freshCode();
      client = await begin(code);
      await postPage(client, code, 1, pageFields(SECTIONS[0]!));
    });

    it('answers unknown item ids with 400', async () => {
      const before = snapshot(server.db, code);
      const res = await postPage(client, code, 1, { ...pageFields(SECTIONS[0]!, { fk_trust: '1' }), item_no_such_item: '3' });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('Inget sparades');
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers an item of another page with 400', async () => {
      const before = snapshot(server.db, code);
      const res = await postPage(client, code, 1, { item_fk_trust: '1', item_gender: 'man' });
      expect(res.status).to.equal(400);
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers an agree value out of range with 422, the error summary and the other answers kept on the page', async () => {
      const before = snapshot(server.db, code);
      const res = await postPage(client, code, 1, { ...pageFields(SECTIONS[0]!, { fk_trust: '8', af_trust: '1' }) });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('class="error-summary"');
      expect(res.text).to.include('Något behöver rättas');
      expect(res.text).to.include('href="#item_fk_trust-1"');
      expect(res.text).to.include('Svaret är utanför det som går att välja');
      expect(res.text).to.match(/<title>Fel: /);
      expect(isChecked(res.text, SECTIONS[0]!.items[1]!, '1'), 'af_trust as posted').to.equal(true);
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers a choice that is not an option with 422', async () => {
      await postPage(client, code, 2, pageFields(SECTIONS[1]!), 'next');
      const n = SECTIONS.findIndex((s) => s.id === 'about_you') + 1;
      const before = snapshot(server.db, code);
      const res = await postPage(client, code, n, { item_gender: 'robot' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Välj ett av svaren i listan');
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers a body over 64 kB with 413', async () => {
      const n = SECTIONS.findIndex((s) => s.id === 'final') + 1;
      const before = snapshot(server.db, code);
      const res = await postPage(client, code, n, { item_anything_else: 'x'.repeat(70 * 1024) });
      expect(res.status).to.equal(413);
      expect(res.text).to.include('Det som skickades är för stort');
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers a text over the item limit (but under 64 kB) with 422', async () => {
      const n = SECTIONS.findIndex((s) => s.id === 'final') + 1;
      const before = snapshot(server.db, code);
      const res = await postPage(client, code, n, { item_anything_else: 'x'.repeat(2001) });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('Texten är för lång');
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers a post without a CSRF token with 403', async () => {
      const before = snapshot(server.db, code);
      await client.get(`/s/${code}/1`);
      const res = await client.post(`/s/${code}/1`, { item_fk_trust: '1', action: 'next' }, { csrf: null });
      expect(res.status).to.equal(403);
      // From the participant's own browser the page comes back with the answer, not an error page.
      expect(res.text).to.include('Sidan hade varit öppen länge').and.match(/name="item_fk_trust" value="1"[^>]*checked/);
      const forged = await fetch(`${server.url}/s/${code}/1`, { method: 'POST', redirect: 'manual', body: 'item_fk_trust=1&action=next', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(forged.status).to.equal(403);
      expect(await forged.text(), 'from elsewhere: the error page').to.include('Av säkerhetsskäl sparades inget');
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers a post with a wrong CSRF token with 403', async () => {
      const before = snapshot(server.db, code);
      await client.get(`/s/${code}/1`);
      const token = client.csrfToken();
      const wrong = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
      expect((await client.post(`/s/${code}/1`, { item_fk_trust: '1', action: 'next' }, { csrf: wrong })).status).to.equal(403);
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('gives a page whose token went stale back with the typed answers and a fresh token, saving nothing until it is sent again', async () => {
      const before = snapshot(server.db, code);
      await client.get(`/s/${code}/1`);
      const stale = client.csrfToken().slice(0, -2) + 'ZZ';
      const back = await client.post(`/s/${code}/1`, { item_fk_trust: '6', action: 'next' }, { csrf: stale });
      expect(back.status).to.equal(403);
      expect(back.text).to.contain('Sidan hade varit öppen länge');
      expect(back.text).to.match(/name="item_fk_trust" value="6"[^>]*checked/);
      expect(snapshot(server.db, code)).to.deep.equal(before);
      // The page it returned carries a working token: sending it again saves.
      expect((await client.post(`/s/${code}/1`, { item_fk_trust: '6', action: 'next' })).status).to.equal(303);
      expect(snapshot(server.db, code)).to.not.deep.equal(before);
    });

    it("answers a post with another browser's CSRF token with 403", async () => {
      const before = snapshot(server.db, code);
      const attacker = new HttpClient(server.url);
      await attacker.get('/s');
      await client.get(`/s/${code}/1`);
      const res = await client.post(`/s/${code}/1`, { item_fk_trust: '1', action: 'next' }, { csrf: attacker.csrfToken() });
      expect(res.status).to.equal(403);
      expect(snapshot(server.db, code)).to.deep.equal(before);
    });

    it('answers a submit without a CSRF token with 403 and leaves the code active', async () => {
      await client.get(`/s/${code}/review`);
      const res = await client.post(`/s/${code}/submit`, {}, { csrf: null });
      expect(res.status).to.equal(403);
      expect(responseRow(server.db, code)!.status).to.equal('in_progress');
      const status = server.db.prepare('SELECT status FROM access_codes WHERE code = ?').pluck().get(code);
      expect(status).to.equal('active');
    });
  });

  describe('languages', () => {
    it('renders the questionnaire in English when English is chosen', async () => {
      const code = freshCode();
      const client = await begin(code, 'en');
      const page = await client.get(`/s/${code}/1`);
      expect(page.text).to.include('<html lang="en" dir="ltr">');
      expect(page.text).to.include('Agencies and health care');
      expect(page.text).to.include('I trust Försäkringskassan.');
      expect(page.text).to.include('Save and go on');
      expect(page.text).to.include('Part 1 of 7');
      expect(page.text).to.not.include('Spara och gå vidare');
      const review = await client.get(`/s/${code}/review`);
      expect(review.text).to.include('Check your answers');
    });

    it('renders Arabic right to left, with Arabic questions and buttons', async () => {
      const code = freshCode();
      const client = await begin(code, 'ar');
      const page = await client.get(`/s/${code}/1`);
      expect(page.text).to.include('<html lang="ar" dir="rtl">');
      expect(page.text).to.include('الجهات الحكومية والرعاية الصحية');
      expect(page.text).to.include('احفظ وانتقل');
      expect(page.text).to.include('الجزء 1 من 7');
      expect(page.text).to.not.include('Spara och gå vidare');
      const res = await postPage(client, code, 1, pageFields(SECTIONS[0]!, { fk_trust: '9' }));
      expect(res.status).to.equal(422);
      expect(res.text).to.include('dir="rtl"');
      expect(res.text).to.include('الإجابة خارج الخيارات المتاحة');
    });

    it('shows the language choice in each instrument language by its own name', async () => {
      const client = new HttpClient(server.url);
      const entered = await enterCode(client, freshCode());
      const page = await client.get(entered.location!);
      expect(page.text).to.include('lang="sv">Svenska');
      expect(page.text).to.include('lang="en">English');
      expect(page.text).to.include('lang="ar">العربية');
    });

    it('renders easy-to-read Swedish (Lätt svenska) with the sv-easy texts and <html lang="sv">', async () => {
      const code = freshCode();
      const client = new HttpClient(server.url);
      const entered = await enterCode(client, code);
      const choice = await client.get(entered.location!);
      expect(choice.text).to.match(/id="language-sv-easy" name="language" value="sv-easy"/);
      expect(choice.text).to.include('lang="sv">Lätt svenska');
      expect(choice.text).to.not.include('lang="sv-easy"');
      expect((await client.post(`/s/${code}/language`, { language: 'sv-easy' })).location).to.equal(`/s/${code}/1`);
      expect(responseRow(server.db, code)!.language).to.equal('sv-easy');
      const page = await client.get(`/s/${code}/1`);
      expect(page.text).to.include('<html lang="sv" dir="ltr">');
      expect(page.text).to.include(escapeHtml(SECTIONS[0]!.title['sv-easy']!));
      expect(page.text).to.include('Jag litar på kommunen där jag bor.');
      expect(page.text).to.include('Jag vet inte eller vill inte svara');
      expect(page.text).to.include('Spara. Gå till nästa sida');
      expect(page.text).to.include('Sida 1 av 7');
      expect(page.text).to.not.include('Myndigheter och vård<');
      expect(page.text).to.not.include('Spara och gå vidare');
      const review = await client.get(`/s/${code}/review`);
      expect(review.text).to.include('<html lang="sv"');
      expect(review.text).to.include('Titta på dina svar');
    });

    it('shows the code entry page in Lätt svenska for ?lang=sv-easy', async () => {
      const page = await new HttpClient(server.url).get('/s?lang=sv-easy');
      expect(page.text).to.include('<html lang="sv" dir="ltr">');
      expect(page.text).to.include('Du hittar koden på din lapp.');
      expect(page.text).to.include('action="/s?lang=sv-easy"');
    });
  });
});

describe('code entry rate limit', () => {
  let server: TestServer;
  let codes: string[];

  before(async () => {
    server = await startTestServer({ codeEntryLimit: 3 });
    codes = smallIntervention(server.db, 5).startCodes;
  });
  after(() => server.close());

  it('does not count codes that open, and answers the 4th failed attempt with 429 in Swedish', async () => {
    const client = new HttpClient(server.url);
    await client.get('/s');
    // Successful look-ups (a class entering their codes from one network) are never counted.
    for (const code of codes) expect((await client.post('/s', { code })).status).to.equal(303);
    for (const code of codes) expect((await client.get(`/s/${code}`)).status).to.equal(303);
    await client.get('/s');
    const token = client.csrfToken();
    for (let i = 0; i < 3; i++) {
      expect((await client.post('/s', { code: `ZZZZ-ZZZ${i + 2}` }, { csrf: token })).status, `failed attempt ${i + 1}`).to.equal(404);
    }
    const limited = await client.post('/s', { code: 'ZZZZ-ZZZ9' }, { csrf: token });
    expect(limited.status).to.equal(429);
    expect(limited.text).to.include('För många försök');
    expect(limited.text).to.include('Vänta en kvart');
    expect((await client.get('/s/ZZZZZZZ8')).status, 'guessing through the address is limited too').to.equal(429);
  });
});
