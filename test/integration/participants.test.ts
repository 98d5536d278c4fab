import { expect } from 'chai';
import { formatAccessCode } from '../../server/domain/accessCode.js';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { issueAccessCodes, reissueAccessCode } from '../../server/storage/accessCodes.js';
import type { Db } from '../../server/storage/db.js';
import { createFederation, type Federation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint, type Intervention } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { startResponse, submitResponse } from '../../server/storage/responses.js';
import { createRound } from '../../server/storage/rounds.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

const participantInstrument = instruments.get('participant')!;
const FIRST_SECTION = sectionsForPoint(participantInstrument, 'start')[0]!;

const count = (db: Db, sqlText: string, ...params: unknown[]) => (db.prepare(sqlText).get(...params) as { n: number }).n;
const codesInLocation = (location: string) => new URL(location, 'http://x').searchParams.get('codes')!.split(',');

/** The text of a table row (tags stripped, spaces collapsed) marked with `marker`, e.g. data-point="start". */
function rowText(html: string, tableId: string, marker: string): string {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const row = new RegExp(`<tr[^>]*${marker}[^>]*>([\\s\\S]*?)</tr>`).exec(table)?.[1] ?? '';
  return row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('staff pages: participants, codes, slips, paper entry, response rates', function () {
  this.timeout(60_000);
  let server: TestServer;
  let db: Db;
  let federation: Federation;
  let intervention: Intervention;
  let base: string;
  let staff: HttpClient;
  let staffId: number;

  before(async () => {
    server = await startTestServer();
    db = server.db;
    federation = createFederation(db, 'Förbund A');
    intervention = createIntervention(db, { federationId: federation.id, name: 'Steget vidare', kind: 'individual' });
    setMeasurementPoint(db, intervention.id, 'start', 'participant');
    setMeasurementPoint(db, intervention.id, 'exit', 'participant');
    base = `/f/${federation.id}/interventions/${intervention.id}`;
    const other = createFederation(db, 'Förbund B');
    const otherIntervention = createIntervention(db, { federationId: other.id, name: 'B1', kind: 'individual' });
    staffId = makeUser(db, 'staff@p.example', [{ federationId: federation.id, role: 'staff' }], { assign: [intervention.id] }).id;
    makeUser(db, 'unassigned@p.example', [{ federationId: federation.id, role: 'staff' }]);
    makeUser(db, 'staff-b@p.example', [{ federationId: other.id, role: 'staff' }], { assign: [otherIntervention.id] });
    staff = await signedIn(server.url, 'staff@p.example');
  });
  after(() => server.close());

  describe('registering participants', () => {
    it('registers one participant with a local reference and start date', async () => {
      await staff.get(`${base}/participants`);
      const res = await staff.post(`${base}/participants`, { localRef: 'Nr 12', startedOn: '2026-03-02' });
      expect(res.status).to.equal(303);
      const row = db.prepare('SELECT id, local_ref AS localRef, started_on AS startedOn FROM participants WHERE intervention_id = ?').get(intervention.id) as { id: number; localRef: string; startedOn: string };
      expect(row).to.include({ localRef: 'Nr 12', startedOn: '2026-03-02' });
      expect(res.location).to.equal(`${base}/participants/${row.id}`);
      const page = await staff.get(res.location!);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Nr 12');
    });

    it('refuses a local reference that looks like a personnummer, at the field, and saves nothing', async () => {
      const before = count(db, 'SELECT count(*) AS n FROM participants');
      await staff.get(`${base}/participants`);
      const res = await staff.post(`${base}/participants`, { localRef: 'Anna 19850312-1234', startedOn: '' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Referensen ser ut som ett personnummer');
      expect(res.text).to.match(/class="error-summary"[\s\S]*href="#localRef"/);
      expect(res.text).to.match(/id="localRef-error"/);
      expect(count(db, 'SELECT count(*) AS n FROM participants')).to.equal(before);
    });

    it('registers several participants at once, and refuses a count outside 1–200', async () => {
      const before = count(db, 'SELECT count(*) AS n FROM participants WHERE intervention_id = ?', intervention.id);
      await staff.get(`${base}/participants`);
      const res = await staff.post(`${base}/participants/bulk`, { count: '4', bulkStartedOn: '2026-03-09' });
      expect(res.status).to.equal(303);
      expect(count(db, 'SELECT count(*) AS n FROM participants WHERE intervention_id = ? AND local_ref IS NULL AND started_on = ?', intervention.id, '2026-03-09')).to.equal(4);
      for (const bad of ['0', '201', 'tio']) {
        const refused = await staff.post(`${base}/participants/bulk`, { count: bad });
        expect(refused.status, bad).to.equal(422);
        expect(refused.text).to.contain('Skriv ett antal mellan 1 och 200');
      }
      expect(count(db, 'SELECT count(*) AS n FROM participants WHERE intervention_id = ?', intervention.id)).to.equal(before + 4);
    });
  });

  describe('access', () => {
    it('audits every view of the participant list', async () => {
      const before = count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'participants.view'");
      const res = await staff.get(`${base}/participants`);
      expect(res.status).to.equal(200);
      const entry = db.prepare("SELECT user_id AS userId, federation_id AS federationId, target FROM audit_log WHERE action = 'participants.view' ORDER BY id DESC LIMIT 1").get();
      expect(entry).to.deep.equal({ userId: staffId, federationId: federation.id, target: `intervention:${intervention.id}` });
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'participants.view'")).to.equal(before + 1);
    });

    it('refuses staff not assigned to the intervention, and staff of another federation, with 403', async () => {
      for (const email of ['unassigned@p.example', 'staff-b@p.example']) {
        const client = await signedIn(server.url, email);
        for (const path of [`${base}/participants`, `${base}/slips?point=start`, `${base}/rates`]) {
          expect((await client.get(path)).status, `${email} ${path}`).to.equal(403);
        }
      }
    });

    it('answers 404 for a participant of another intervention', async () => {
      const sibling = createIntervention(db, { federationId: federation.id, name: 'Annan insats', kind: 'individual' });
      const stranger = createParticipant(db, { interventionId: sibling.id });
      expect((await staff.get(`${base}/participants/${stranger.id}`)).status).to.equal(404);
      await staff.get(`${base}/participants`);
      expect((await staff.post(`${base}/participants/${stranger.id}/exit`, { exitedOn: '2026-05-01', exitStatus: 'work' })).status).to.equal(404);
    });
  });

  describe('codes and slips', () => {
    let bulkCodes: string[];

    it('issues codes in bulk to every participant due, after a confirmation naming them, and shows exactly those slips', async () => {
      const participants = count(db, 'SELECT count(*) AS n FROM participants WHERE intervention_id = ?', intervention.id);
      await staff.get(`${base}/participants`);
      const before = count(db, 'SELECT count(*) AS n FROM access_codes');
      const confirm = await staff.post(`${base}/codes`, { point: 'start', round: '' });
      expect(confirm.status).to.equal(200);
      expect(confirm.text).to.contain(`${participants} ska svara nu och saknar kod`);
      expect(count(db, 'SELECT count(*) AS n FROM access_codes')).to.equal(before);
      const ticked = [...confirm.text.matchAll(/name="participants" value="(\d+)" checked/g)].map((m) => m[1]!);
      expect(ticked).to.have.length(participants);
      const res = await staff.post(`${base}/codes`, [['point', 'start'], ['confirm', '1'], ...ticked.map((id) => ['participants', id] as [string, string])]);
      expect(res.status).to.equal(303);
      expect(res.location).to.match(new RegExp(`^${base}/slips\\?point=start&codes=`));
      bulkCodes = codesInLocation(res.location!);
      expect(bulkCodes).to.have.length(participants);
      const slips = await staff.get(res.location!);
      expect(slips.status).to.equal(200);
      for (const code of bulkCodes) expect(slips.text).to.contain(formatAccessCode(code));
      expect((slips.text.match(/<svg /g) ?? []).length).to.equal(participants);
      expect(slips.text).not.to.match(/style="/);
      expect(slips.text).to.contain('/static/css/slips.css');
      expect(slips.text).to.contain(`${server.ctx.config.publicUrl}/s`);
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'codes.print'")).to.equal(1);
    });

    it('issues nothing the second time, and says so at the field', async () => {
      const before = count(db, 'SELECT count(*) AS n FROM access_codes');
      await staff.get(`${base}/participants`);
      const res = await staff.post(`${base}/codes`, { point: 'start', round: '' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Alla deltagare har redan en kod');
      expect(count(db, 'SELECT count(*) AS n FROM access_codes')).to.equal(before);
    });

    it('prints the staff\'s own reference on per-person slips unless turned off, in the language chosen, with what the slip needs', async () => {
      const plain = await staff.get(`${base}/slips?point=start`);
      expect(plain.text).to.contain('Nr 12').and.contain(federation.name).and.contain('Det tar ungefär').and.contain(`${server.ctx.config.publicUrl}/s`);
      const hidden = await staff.get(`${base}/slips?point=start&hideRef=1`);
      expect(hidden.text).not.to.contain('Nr 12');
      const arabic = await staff.get(`${base}/slips?point=start&slipLang=ar&lastDay=2026-12-24&contact=${encodeURIComponent('Anna, 010-123 45 67')}`);
      expect(arabic.text).to.contain('lang="ar" dir="rtl"').and.contain('اذهب إلى').and.contain('2026-12-24').and.contain('Anna, 010-123 45 67');
      // A language the questionnaire is not in falls back to Swedish.
      expect((await staff.get(`${base}/slips?point=start&slipLang=fi`)).text).to.contain('lang="sv" dir="ltr"');
    });

    it('shows the code status per measurement point in the list', async () => {
      const list = await staff.get(`${base}/participants`);
      expect((list.text.match(/data-point="start">Utdelad</g) ?? []).length).to.equal(bulkCodes.length);
      expect((list.text.match(/data-point="exit">Ingen kod</g) ?? []).length).to.equal(bulkCodes.length);
    });

    it('reissues a lost code: the old code is refused, the new one resumes the saved answers', async () => {
      const oldCode = bulkCodes[0]!;
      const participantId = (db.prepare('SELECT participant_id AS id FROM access_codes WHERE code = ?').get(oldCode) as { id: number }).id;
      const participant = new HttpClient(server.url);
      await participant.get(`/s/${oldCode}/language`);
      await participant.post(`/s/${oldCode}/language`, { language: 'sv' });
      const firstItem = FIRST_SECTION.items.find((i) => i.type === 'agree7')!;
      await participant.get(`/s/${oldCode}/1`);
      expect((await participant.post(`/s/${oldCode}/1`, { [`item_${firstItem.id}`]: '6', action: 'next' })).status).to.equal(303);

      await staff.get(`${base}/participants/${participantId}`);
      const res = await staff.post(`${base}/participants/${participantId}/codes/${oldCode}/reissue`, {});
      expect(res.status).to.equal(303);
      const newCode = new URL(res.location!, server.url).searchParams.get('issued')!;
      expect(newCode).to.match(/^[A-Z2-9]{10}$/).and.not.equal(oldCode);
      expect(db.prepare('SELECT status, replaced_by AS replacedBy FROM access_codes WHERE code = ?').get(oldCode)).to.deep.equal({ status: 'revoked', replacedBy: newCode });
      const page = await staff.get(res.location!);
      expect(page.text).to.contain(formatAccessCode(newCode));

      const refused = await participant.get(`/s/${oldCode}`);
      expect(refused.status).to.equal(410);
      expect(refused.text).to.contain('Koden har ersatts av en ny. Fråga personalen om den nya koden.');
      const resumed = await participant.follow(`/s/${newCode}`);
      expect(resumed.path).to.equal('/s/q/2');
      const first = await participant.get(`/s/${newCode}/1`);
      expect(first.text).to.contain(`name="item_${firstItem.id}" value="6" checked`);
    });

    it('does not reissue a code whose questionnaire is submitted', async () => {
      const code = bulkCodes[1]!;
      const row = db.prepare('SELECT participant_id AS participantId FROM access_codes WHERE code = ?').get(code) as { participantId: number };
      const response = startResponse(db, { code, participantId: row.participantId, interventionId: intervention.id, point: 'start', roundId: null, instrumentId: 'participant', instrumentVersion: participantInstrument.version, language: 'sv' });
      submitResponse(db, response, []);
      await staff.get(`${base}/participants/${row.participantId}`);
      const res = await staff.post(`${base}/participants/${row.participantId}/codes/${code}/reissue`, {});
      expect(res.status).to.equal(422);
      expect(db.prepare('SELECT status FROM access_codes WHERE code = ?').get(code)).to.deep.equal({ status: 'spent' });
    });

    it('records an exit with a status from the fixed list', async () => {
      const participantId = (db.prepare('SELECT participant_id AS id FROM access_codes WHERE code = ?').get(bulkCodes[2]!) as { id: number }).id;
      await staff.get(`${base}/participants/${participantId}`);
      const bad = await staff.post(`${base}/participants/${participantId}/exit`, { exitedOn: '2026-02-30', exitStatus: 'lottery' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.contain('href="#exitedOn"').and.contain('href="#exitStatus"');
      const ok = await staff.post(`${base}/participants/${participantId}/exit`, { exitedOn: '2026-06-01', exitStatus: 'studies' });
      expect(ok.status).to.equal(303);
      expect(db.prepare('SELECT exited_on AS exitedOn, exit_status AS exitStatus FROM participants WHERE id = ?').get(participantId)).to.deep.equal({ exitedOn: '2026-06-01', exitStatus: 'studies' });
      expect((await staff.get(ok.location!)).text).to.contain('Studier');
    });

    it('enters a paper questionnaire on one staff page: every question, the date it was filled in, errors kept, then on to the next', async () => {
      const code = bulkCodes[3]!;
      await staff.get(`${base}/participants`);
      const res = await staff.post(`${base}/paper`, { code: formatAccessCode(code).toLowerCase() });
      expect(res.status).to.equal(303);
      expect(res.location).to.equal(`${base}/paper/${code}`);
      expect(db.prepare('SELECT entered_by_staff AS byStaff, entered_by_user_id AS userId, language FROM responses WHERE code = ?').get(code)).to.deep.equal({ byStaff: 1, userId: staffId, language: 'sv' });
      const page = await staff.get(res.location!);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Pappersenkät – inmatad av personal').and.contain('Kontrollera inmatningen');
      // Every question of the start point on the one page.
      const items = sectionsForPoint(participantInstrument, 'start').flatMap((section) => section.items);
      for (const item of items) expect(page.text, item.id).to.contain(`name="item_${item.id}"`);
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'paper.start' AND user_id = ?", staffId)).to.equal(1);

      const scale = items.filter((i) => i.type === 'agree7');
      const answers = Object.fromEntries(scale.map((i) => [`item_${i.id}`, '5']));
      // A date in the future and a number off the scale: both named, the typed answers kept, nothing sent.
      const bad = await staff.post(`${base}/paper/${code}`, { ...answers, [`item_${scale[0]!.id}`]: '9', submittedOn: '2999-01-01' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.contain('Datumet kan inte vara senare än i dag').and.contain(`href="#item_${scale[0]!.id}-1"`);
      expect(bad.text).to.match(new RegExp(`name="item_${scale[1]!.id}" value="5" checked`));
      expect(db.prepare('SELECT status FROM responses WHERE code = ?').pluck().get(code)).to.equal('in_progress');

      const saved = await staff.post(`${base}/paper/${code}`, { ...answers, submittedOn: '2026-02-03' });
      expect(saved.status).to.equal(303);
      expect(saved.location).to.equal(`${base}/participants?entered=${code}#paper-title`);
      expect(db.prepare('SELECT status, submitted_on AS on_, source FROM responses WHERE code = ?').get(code)).to.deep.equal({ status: 'submitted', on_: '2026-02-03', source: 'paper' });
      expect(count(db, 'SELECT count(*) AS n FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.code = ?', code)).to.equal(scale.length);
      const next = await staff.get(saved.location!.replace(/#.*/, ''));
      expect(next.text).to.contain(`Pappersenkäten med koden ${formatAccessCode(code)} är inmatad`).and.contain('name="code"');
      // The same code cannot be typed in twice.
      expect((await staff.get(`${base}/paper/${code}`)).status).to.equal(404);
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'paper.submit' AND user_id = ?", staffId)).to.equal(1);
    });

    it('refuses paper entry for a code that is unknown here, spent or revoked', async () => {
      const elsewhere = createIntervention(db, { federationId: federation.id, name: 'Tredje', kind: 'individual' });
      const point = setMeasurementPoint(db, elsewhere.id, 'start', 'participant');
      const [foreign] = issueAccessCodes(db, { measurementPointId: point.id, participantIds: [createParticipant(db, { interventionId: elsewhere.id }).id] });
      const revoked = bulkCodes[0]!;
      const before = count(db, 'SELECT count(*) AS n FROM responses');
      for (const [typed, text] of [[foreign!, 'Koden finns inte i den här insatsen'], [bulkCodes[1]!, 'redan inskickad'], [revoked, 'Koden har ersatts'], ['ABC', 'Koden har 10 tecken']] as const) {
        await staff.get(`${base}/participants`);
        const res = await staff.post(`${base}/paper`, { code: typed });
        expect(res.status, typed).to.equal(422);
        expect(res.text).to.contain(text).and.contain('href="#code"');
      }
      expect(count(db, 'SELECT count(*) AS n FROM responses')).to.equal(before);
    });

    it('does not type paper answers over a questionnaire the participant began on the web', async () => {
      const participant = createParticipant(db, { interventionId: intervention.id });
      const point = db.prepare("SELECT id FROM measurement_points WHERE intervention_id = ? AND point = 'exit'").pluck().get(intervention.id) as number;
      const [code] = issueAccessCodes(db, { measurementPointId: point, participantIds: [participant.id] });
      startResponse(db, { code: code!, participantId: participant.id, interventionId: intervention.id, point: 'exit', roundId: null, instrumentId: 'participant', instrumentVersion: participantInstrument.version, language: 'sv' });
      await staff.get(`${base}/participants`);
      const res = await staff.post(`${base}/paper`, { code: code! });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('redan börjat svara på webben');
      expect((await staff.get(`${base}/paper/${code}`)).status).to.equal(404);
    });
  });

  describe('response rates', () => {
    it('counts issued, started and submitted per point and round, and lists the outstanding codes', async () => {
      const rates = createIntervention(db, { federationId: federation.id, name: 'Svarsinsatsen', kind: 'individual' });
      const start = setMeasurementPoint(db, rates.id, 'start', 'participant');
      const exit = setMeasurementPoint(db, rates.id, 'exit', 'participant');
      const round = createRound(db, { federationId: federation.id, name: 'Vår 2026', startsOn: '2026-01-01', endsOn: '2026-06-30' });
      const people = Array.from({ length: 4 }, () => createParticipant(db, { interventionId: rates.id }));
      const startCodes = issueAccessCodes(db, { measurementPointId: start.id, participantIds: people.map((p) => p.id) });
      const exitCodes = issueAccessCodes(db, { measurementPointId: exit.id, participantIds: [people[0]!.id, people[1]!.id], roundId: round.id });
      const respond = (code: string, participantId: number, point: 'start' | 'exit', roundId: number | null, submit: boolean) => {
        const r = startResponse(db, { code, participantId, interventionId: rates.id, point, roundId, instrumentId: 'participant', instrumentVersion: participantInstrument.version, language: 'sv' });
        if (submit) submitResponse(db, r, []);
      };
      respond(startCodes[0]!, people[0]!.id, 'start', null, true);
      respond(startCodes[1]!, people[1]!.id, 'start', null, false);
      respond(exitCodes[0]!, people[0]!.id, 'exit', round.id, true);
      const replaced = reissueAccessCode(db, startCodes[3]!);
      expect(replaced.ok).to.equal(true);
      makeUser(db, 'rates@p.example', [{ federationId: federation.id, role: 'staff' }], { assign: [rates.id] });
      const client = await signedIn(server.url, 'rates@p.example');

      const res = await client.get(`/f/${federation.id}/interventions/${rates.id}/rates`);
      expect(res.status).to.equal(200);
      // Issued, started, answered on the web, entered from paper, rate, imported.
      expect(rowText(res.text, 'rates-by-point', 'data-point="start"')).to.equal('Start 4 2 1 0 25 % 0');
      expect(rowText(res.text, 'rates-by-point', 'data-point="exit"')).to.equal('Avslut 2 1 1 0 50 % 0');
      expect(rowText(res.text, 'rates-by-round', `data-point="exit" data-round="${round.id}"`)).to.equal('Vår 2026 Avslut 2 1 1 0 50 % 0');
      expect(rowText(res.text, 'rates-by-round', 'data-point="start" data-round=""')).to.equal('Utan mätomgång Start 4 2 1 0 25 % 0');

      const outstanding = /<table id="outstanding">([\s\S]*?)<\/table>/.exec(res.text)![1]!;
      const shown = [startCodes[1]!, startCodes[2]!, replaced.ok ? replaced.code : '', exitCodes[1]!];
      for (const code of shown) expect(outstanding).to.contain(formatAccessCode(code));
      for (const code of [startCodes[0]!, startCodes[3]!, exitCodes[0]!]) expect(outstanding).not.to.contain(formatAccessCode(code));
      expect((outstanding.match(/<tr>/g) ?? []).length - 1).to.equal(4);
      for (const p of [people[1]!, people[2]!, people[3]!]) expect(outstanding).to.contain(p.pseudonym);
    });
  });
});

describe('anonymous yearly questionnaires: a structural intervention answered with anonymous codes', function () {
  this.timeout(60_000);
  const board = instruments.get('board')!;
  /** Each respondent answers every agreement item with the same value, so each indicator score is that value. */
  const VALUES = ['4', '5', '6', '4', '5'];
  let server: TestServer;
  let db: Db;
  let federation: Federation;
  let admin: HttpClient;
  let base: string;
  let interventionId: number;
  let roundId: number;
  let codes: string[];

  before(async () => {
    server = await startTestServer();
    db = server.db;
    federation = createFederation(db, 'Förbund Y');
    roundId = createRound(db, { federationId: federation.id, name: 'Vår 2026', startsOn: '2026-01-01', endsOn: '2026-06-30' }).id;
    makeUser(db, 'admin@y.example', [{ federationId: federation.id, role: 'federation_admin' }]);
    admin = await signedIn(server.url, 'admin@y.example');
  });
  after(() => server.close());

  /** A respondent types the code at /s, answers every page of the yearly questionnaire and submits. */
  async function answerAll(code: string, value: string): Promise<void> {
    const respondent = new HttpClient(server.url);
    await respondent.get('/s');
    const entered = await respondent.post('/s', { code: formatAccessCode(code).toLowerCase() });
    expect(entered.location).to.equal('/s/q/language');
    await respondent.get(entered.location!);
    expect((await respondent.post(`/s/${code}/language`, { language: 'sv' })).location).to.equal(`/s/${code}/1`);
    for (const [k, section] of sectionsForPoint(board, 'yearly').entries()) {
      const fields = Object.fromEntries(section.items.flatMap((item) =>
        item.type === 'agree7' ? [[`item_${item.id}`, value]] : item.type === 'single' ? [[`item_${item.id}`, item.options![0]!.value]] : []));
      await respondent.get(`/s/${code}/${k + 1}`);
      expect((await respondent.post(`/s/${code}/${k + 1}`, { ...fields, action: 'next' })).status).to.equal(303);
    }
    await respondent.get(`/s/${code}/review`);
    const submitted = await respondent.post(`/s/${code}/submit`, {});
    expect(submitted.location).to.match(/^\/s\/thanks/);
  }

  it('offers the yearly questionnaires in the form, and refuses the participant one (or none) for a structural intervention', async () => {
    const form = await admin.get(`/f/${federation.id}/interventions/new`);
    for (const id of ['staff', 'board', 'managers', 'referrers']) expect(form.text).to.contain(`id="instrumentId-${id}"`);
    expect(form.text).not.to.contain('id="instrumentId-participant"');
    expect(form.text).to.contain('Enkät till styrelsen').and.contain('Styrelseenkät 2026');
    const before = count(db, 'SELECT count(*) AS n FROM interventions');
    for (const [instrumentId, text] of [['participant', 'Värdet är inte giltigt'], ['', 'Välj vilken enkät den strukturella insatsen använder']] as const) {
      const res = await admin.post(`/f/${federation.id}/interventions`, { name: 'Fel enkät', kind: 'structural', instrumentId });
      expect(res.status, instrumentId).to.equal(422);
      expect(res.text).to.contain(text).and.contain('href="#instrumentId"').and.contain('id="instrumentId-error"');
    }
    expect(count(db, 'SELECT count(*) AS n FROM interventions')).to.equal(before);
  });

  it('creates a structural intervention with the board questionnaire through the form, and shows the choice when edited', async () => {
    await admin.get(`/f/${federation.id}/interventions/new`);
    const res = await admin.post(`/f/${federation.id}/interventions`, { name: 'Styrelseenkät 2026', kind: 'structural', instrumentId: 'board' });
    expect(res.status).to.equal(303);
    interventionId = Number(/\/interventions\/(\d+)\/participants$/.exec(res.location!)![1]);
    base = `/f/${federation.id}/interventions/${interventionId}`;
    expect(db.prepare('SELECT point, instrument_id AS instrumentId FROM measurement_points WHERE intervention_id = ?').all(interventionId)).to.deep.equal([{ point: 'yearly', instrumentId: 'board' }]);
    const edit = await admin.get(`${base}/edit`);
    expect(edit.text).to.contain('id="instrumentId-board" name="instrumentId" value="board" checked');
    expect(edit.text).not.to.match(/id="instrumentId-(staff|managers|referrers)"[^>]*checked/);
  });

  it('shows anonymous codes instead of participant registration on the staff page', async () => {
    const page = await admin.get(`${base}/participants`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Anonyma koder').and.contain('Enkät till styrelsen').and.contain('inga deltagar-id');
    expect(page.text).to.contain(`action="${base}/codes/anonymous"`).and.contain('Inga koder är utdelade ännu.');
    expect(page.text).not.to.contain('<table id="participants">').and.not.contain(`action="${base}/participants/bulk"`).and.not.contain(`action="${base}/participants"`);
  });

  it('refuses a number of codes outside 1–500 and issues nothing', async () => {
    await admin.get(`${base}/participants`);
    for (const bad of ['0', '501', 'sex']) {
      const res = await admin.post(`${base}/codes/anonymous`, { count: bad, round: String(roundId) });
      expect(res.status, bad).to.equal(422);
      expect(res.text).to.contain('Skriv ett antal mellan 1 och 500').and.contain('href="#count"');
    }
    expect(count(db, 'SELECT count(*) AS n FROM access_codes')).to.equal(0);
  });

  it('issues 6 anonymous codes for the yearly point and round, and shows exactly those slips', async () => {
    await admin.get(`${base}/participants`);
    const res = await admin.post(`${base}/codes/anonymous`, { count: '6', round: String(roundId) });
    expect(res.status).to.equal(303);
    expect(res.location).to.match(new RegExp(`^${base}/slips\\?point=yearly&codes=`));
    codes = codesInLocation(res.location!);
    expect(codes).to.have.length(6);
    const rows = db.prepare(`SELECT c.participant_id AS participantId, c.round_id AS roundId, mp.point FROM access_codes c
      JOIN measurement_points mp ON mp.id = c.measurement_point_id WHERE c.code IN (SELECT value FROM json_each(?))`).all(JSON.stringify(codes));
    expect(rows).to.deep.equal(codes.map(() => ({ participantId: null, roundId, point: 'yearly' })));
    const slips = await admin.get(res.location!);
    expect(slips.status).to.equal(200);
    for (const code of codes) expect(slips.text).to.contain(formatAccessCode(code));
    expect((slips.text.match(/class="slip-code"/g) ?? []).length).to.equal(6);
    expect((slips.text.match(/<svg /g) ?? []).length).to.equal(6);
    expect(slips.text).to.contain('Styrelseenkät 2026').and.not.contain('id="showRef"');
  });

  it('takes five answers through the questionnaire pages, none tied to a participant', async () => {
    for (const [k, code] of codes.slice(0, 5).entries()) await answerAll(code, VALUES[k]!);
    expect(count(db, `SELECT count(*) AS n FROM responses WHERE intervention_id = ? AND status = 'submitted' AND participant_id IS NULL AND point = 'yearly' AND round_id = ? AND instrument_id = 'board'`, interventionId, roundId)).to.equal(5);
    expect(count(db, 'SELECT count(*) AS n FROM responses WHERE intervention_id = ? AND participant_id IS NOT NULL', interventionId)).to.equal(0);
    expect(count(db, 'SELECT count(*) AS n FROM response_scores WHERE intervention_id = ? AND participant_id IS NOT NULL', interventionId)).to.equal(0);
    expect(count(db, 'SELECT count(*) AS n FROM participants')).to.equal(0);
  });

  it('shows the board indicators at "yearly" with n = 5, and no change or gender tables', async () => {
    const res = await admin.get(`${base}/results`);
    expect(res.status).to.equal(200);
    const row = new RegExp(`<tr data-indicator="mandate_knowledge">\\s*<th scope="row"><a href="${base}/results/indicators/mandate_knowledge"[\\s\\S]*?</tr>`).exec(res.text)?.[0] ?? '';
    expect(row).to.match(/data-cell="s:mandate_knowledge@yearly\|i\d+\|all\|all" data-n="5" data-mean="[\d.]+">4,8 <span class="hint">\([^)]*; n=5\)/);
    expect(res.text).not.to.contain('class="change-table"').and.not.contain('id="equality-table"');
    const drill = await admin.get(`${base}/results/indicators/mandate_knowledge`);
    expect(drill.status).to.equal(200);
  });

  it('counts issued, started and submitted codes per round on the staff page', async () => {
    const page = await admin.get(`${base}/participants`);
    expect(rowText(page.text, 'anonymous-codes', `data-round="${roundId}"`)).to.equal('Vår 2026 Årlig 6 5 5 0 83 % 0');
  });

  it('lets staff type in a paper questionnaire with an anonymous code of the yearly point', async () => {
    await admin.get(`${base}/participants`);
    const res = await admin.post(`${base}/paper`, { code: codes[5]! });
    expect(res.status).to.equal(303);
    expect(res.location).to.equal(`${base}/paper/${codes[5]}`);
    expect(db.prepare('SELECT participant_id AS participantId, entered_by_staff AS byStaff, point FROM responses WHERE code = ?').get(codes[5]!)).to.deep.equal({ participantId: null, byStaff: 1, point: 'yearly' });
    const page = await admin.get(res.location!);
    expect(page.text).to.contain('Anonym enkät (ingen deltagare)');
  });

  it('keeps the questionnaire once codes are out, and answers 404 for anonymous codes of an individual intervention', async () => {
    await admin.get(`${base}/edit`);
    const res = await admin.post(base, { name: 'Styrelseenkät 2026', kind: 'structural', instrumentId: 'managers' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Enkäten kan inte bytas');
    expect(db.prepare("SELECT instrument_id AS id FROM measurement_points WHERE intervention_id = ? AND point = 'yearly'").get(interventionId)).to.deep.equal({ id: 'board' });
    const individual = createIntervention(db, { federationId: federation.id, name: 'Individ', kind: 'individual' });
    setMeasurementPoint(db, individual.id, 'start', 'participant');
    await admin.get(`${base}/participants`);
    expect((await admin.post(`/f/${federation.id}/interventions/${individual.id}/codes/anonymous`, { count: '3' })).status).to.equal(404);
  });
});
