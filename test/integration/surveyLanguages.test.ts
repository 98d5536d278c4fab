import { expect } from 'chai';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { languageName } from '../../server/domain/languages.js';
import { translator } from '../../server/i18n/index.js';
import type { Db } from '../../server/storage/db.js';
import { pageFields } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

const participant = instruments.get('participant')!;
const SECTIONS = sectionsForPoint(participant, 'start');

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
/** The action of the page's main form (the survey's addresses are the server's to choose). */
const formAction = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
const responseLanguage = (db: Db, code: string) => db.prepare('SELECT language FROM responses WHERE code = ?').pluck().get(code) as string | undefined;

const NEW_LANGUAGES = [
  { lang: 'fa', dir: 'rtl', name: 'فارسی' },
  { lang: 'so', dir: 'ltr', name: 'Soomaali' },
  { lang: 'ti', dir: 'ltr', name: 'ትግርኛ' },
] as const;

describe('Persian, Somali and Tigrinya for participants', function () {
  this.timeout(60_000);
  let server: TestServer;
  let codes: string[];
  let base: string;

  before(async () => {
    server = await startTestServer();
    const setup = smallIntervention(server.db, 12);
    codes = setup.startCodes;
    base = `/f/${setup.federation.id}/interventions/${setup.intervention.id}`;
    makeUser(server.db, 'staff@languages.example', [{ federationId: setup.federation.id, role: 'staff' }], { assign: [setup.intervention.id] });
  });
  after(() => server.close());

  /** Types the code at /s, chooses `lang` on the language page; returns the client and the first section's page. */
  async function begin(code: string, lang: string) {
    const client = new HttpClient(server.url);
    await client.get('/s');
    const entered = await client.post('/s', { code });
    expect(entered.status).to.equal(303);
    const choice = await client.get(entered.location!);
    expect(choice.status).to.equal(200);
    const chosen = await client.post(formAction(choice.text), { language: lang });
    expect(chosen.status).to.equal(303);
    const page = await client.get(chosen.location!);
    expect(page.status).to.equal(200);
    return { client, choice, page, pageUrl: chosen.location! };
  }

  it('offers every instrument language on the language page, each by its own name and language tag', async () => {
    const { choice } = await begin(codes[0]!, 'sv');
    for (const { lang, name } of NEW_LANGUAGES) {
      expect(choice.text).to.match(new RegExp(`id="language-${lang}" name="language" value="${lang}"`));
      expect(choice.text).to.include(`lang="${lang}">${name}`);
      expect(languageName(lang)).to.equal(name);
    }
  });

  for (const [k, { lang, dir }] of NEW_LANGUAGES.entries()) {
    it(`renders the questionnaire in ${lang} (${dir}): <html lang dir>, the questions, the scale, the buttons and the read-aloud labels`, async () => {
      const code = codes[1 + k]!;
      const t = translator(lang);
      const { page } = await begin(code, lang);
      expect(responseLanguage(server.db, code)).to.equal(lang);
      expect(page.text).to.include(`<html lang="${lang}" dir="${dir}">`);
      const first = SECTIONS[0]!;
      expect(page.text).to.include(escapeHtml(first.title[lang]!));
      for (const item of first.items) expect(page.text, item.id).to.include(escapeHtml(item.text[lang]!));
      expect(page.text).to.include(escapeHtml(participant.scale.low[lang]!)).and.include(escapeHtml(participant.scale.dontKnow[lang]!));
      expect(page.text).to.include(escapeHtml(t('survey.next'))).and.include(escapeHtml(t('survey.progress', { n: 1, total: SECTIONS.length })));
      expect(page.text).to.include(`data-read-aloud="${escapeHtml(t('survey.readAloud'))}"`);
      expect(page.text).to.include(`data-read-aloud-stop="${escapeHtml(t('survey.readAloudStop'))}"`);
      expect(page.text).to.include('/static/js/readAloud.js');
      // Nothing of the Swedish questionnaire or buttons is left on the page.
      expect(page.text).to.not.include('Spara och gå vidare').and.not.include(escapeHtml(first.items[0]!.text.sv!));
    });
  }

  it('keeps Persian right to left on an answer refused, with the error in Persian', async () => {
    const code = codes[4]!;
    const { client, page } = await begin(code, 'fa');
    const res = await client.post(formAction(page.text), { ...pageFields(SECTIONS[0]!, { fk_trust: '9' }), action: 'next' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('<html lang="fa" dir="rtl">');
    expect(res.text).to.include(escapeHtml(translator('fa')('errors.answer.outOfRange')));
    expect(res.text).to.include(escapeHtml(translator('fa')('errors.titlePrefix')));
  });

  it('answers every page in Tigrinya, shows the review and sends, with the answers stored as in any language', async () => {
    const code = codes[5]!;
    const { client, page: first } = await begin(code, 'ti');
    let page = first;
    for (const section of SECTIONS) {
      expect(page.text).to.include(escapeHtml(section.title.ti!));
      const saved = await client.post(formAction(page.text), { ...pageFields(section), action: 'next' });
      expect(saved.status, section.id).to.equal(303);
      page = await client.get(saved.location!);
    }
    expect(page.text).to.include('<html lang="ti" dir="ltr">').and.include(escapeHtml(translator('ti')('survey.review.title')));
    const sent = await client.post(formAction(page.text), {});
    expect(sent.status).to.equal(303);
    const thanks = await client.get(sent.location!);
    expect(thanks.text).to.include(escapeHtml(translator('ti')('survey.thanks.title')));
    expect(server.db.prepare("SELECT status FROM responses WHERE code = ?").pluck().get(code)).to.equal('submitted');
    expect(server.db.prepare('SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.code = ?').pluck().get(code)).to.be.greaterThan(10);
  });

  it('shows the code entry page, the home page and the privacy notice in the chosen language', async () => {
    const entry = await new HttpClient(server.url).get('/s?lang=fa');
    expect(entry.text).to.include('<html lang="fa" dir="rtl">').and.include(escapeHtml(translator('fa')('survey.enterCode.hint')));
    const home = await new HttpClient(server.url).get('/?lang=so');
    expect(home.text).to.include('<html lang="so" dir="ltr">').and.include(escapeHtml(translator('so')('home.participantTitle')));
    for (const { lang, name } of NEW_LANGUAGES) expect(home.text).to.include(`lang="${lang}"`).and.include(name);
    const { choice } = await begin(codes[6]!, 'ti');
    const privacyHref = /href="([^"]*\/privacy\/[^"]+)"/.exec(choice.text)![1]!.replace(/&amp;/g, '&').replace(/lang=[^&]+/, 'lang=ti');
    const privacy = await new HttpClient(server.url).get(privacyHref);
    expect(privacy.text).to.include('<html lang="ti" dir="ltr">').and.include(escapeHtml(translator('ti')('participantNotice.privacyTitle')));
    expect(privacy.text).to.include(escapeHtml('Testförbundet'));
  });

  it('prints code slips in Persian, Somali and Tigrinya, right to left for Persian', async () => {
    const staff = await signedIn(server.url, 'staff@languages.example');
    for (const { lang, dir } of NEW_LANGUAGES) {
      const t = translator(lang);
      const slips = await staff.get(`${base}/slips?point=start&slipLang=${lang}&lastDay=2026-12-24&contact=${encodeURIComponent('Anna, 010-123 45 67')}`);
      expect(slips.status, lang).to.equal(200);
      expect(slips.text, lang).to.include(`lang="${lang}" dir="${dir}"`);
      expect(slips.text, lang).to.include(escapeHtml(participant.title[lang]!));
      for (const key of ['slip.purpose', 'slip.scan']) expect(slips.text, `${lang} ${key}`).to.include(escapeHtml(t(key)));
      expect(slips.text, lang).to.include(escapeHtml(t('slip.lastDay', { date: '2026-12-24' })));
      expect(slips.text, lang).to.include(escapeHtml(t('slip.contact', { contact: 'Anna, 010-123 45 67' })));
      expect(slips.text, lang).to.match(new RegExp(`<option value="${lang}" selected>`));
    }
  });
});
