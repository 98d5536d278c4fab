import { expect } from 'chai';
import { parseSectionForm } from '../../server/domain/answerForm.js';
import { dimensionsOf } from '../../server/domain/dimensions.js';
import { itemsForPoint } from '../../server/domain/instrument.js';
import type { MeasurementPoint } from '../../server/domain/instrumentTypes.js';
import { scoreResponse } from '../../server/domain/scoring.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import type { Db } from '../../server/storage/db.js';
import { createFederation, type Federation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint, type Intervention } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { saveAnswers, startPaperResponse, startResponse, submitResponse } from '../../server/storage/responses.js';
import { START_ANSWERS } from '../helpers/answers.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

const instrument = instruments.get('participant')!;
const POINTS: MeasurementPoint[] = ['start', 'exit'];
const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const WRITTEN = ['participants', 'responses', 'answers', 'response_scores'];

/** Per point, the answers of one questionnaire as form values ("dk" is "vet ej"); `k` varies them between people. */
function answersFor(point: MeasurementPoint, k: number): Record<string, string> {
  if (point === 'start') return { ...START_ANSWERS, fk_trust: String(2 + (k % 4)), gender: k % 2 ? 'man' : 'woman', anything_else: k === 0 ? 'Bra; "tydligt"\nstöd' : '' };
  return Object.fromEntries(itemsForPoint(instrument, 'exit').filter((i) => i.type === 'agree7').map((item, i) => [item.id, String(((i + k) % 7) + 1)]));
}

/** The answers, indicator scores and dimensions the web questionnaire would store for the same values. */
function asTheWebWould(point: MeasurementPoint, values: Record<string, string>) {
  const fields = Object.fromEntries(Object.entries(values).map(([id, v]) => [`item_${id}`, v]));
  const parsed = parseSectionForm(itemsForPoint(instrument, point), fields);
  expect(parsed.errors).to.deep.equal([]);
  const byItem = new Map(parsed.answers.map((a) => [a.itemId, a]));
  return { answers: parsed.answers, scores: scoreResponse(instrument, point, byItem), dims: dimensionsOf(instrument, byItem) };
}

/** A `;`-separated CSV as Excel writes it: BOM, CRLF, quotes where a cell needs them. */
function toCsv(columns: string[], rows: Record<string, string>[]): string {
  const quote = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `\uFEFF${[columns.join(';'), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(';'))].join('\r\n')}\r\n`;
}

describe('CSV import of earlier questionnaires', function () {
  this.timeout(60_000);
  let server: TestServer;
  let db: Db;
  let federation: Federation;
  let intervention: Intervention;
  let base: string;
  let staff: HttpClient;
  let staffId: number;
  let columns: string[];
  let existingId: number;
  /** Five new people at start and exit, and one registered person (answered start on the web) at exit. */
  let rows: { participant_ref: string; point: MeasurementPoint; submitted_on: string; values: Record<string, string> }[];
  let goodCsv: string;

  const snapshot = () => WRITTEN.map((t) => count(db, t));

  before(async () => {
    server = await startTestServer();
    db = server.db;
    federation = createFederation(db, 'Förbund I');
    intervention = createIntervention(db, { federationId: federation.id, name: 'Steget före', kind: 'individual' });
    for (const p of POINTS) setMeasurementPoint(db, intervention.id, p, 'participant');
    base = `/f/${federation.id}/interventions/${intervention.id}`;
    staffId = makeUser(db, 'staff@i.example', [{ federationId: federation.id, role: 'staff' }], { assign: [intervention.id] }).id;
    makeUser(db, 'unassigned@i.example', [{ federationId: federation.id, role: 'staff' }]);
    makeUser(db, 'admin@i.example', [{ federationId: federation.id, role: 'federation_admin' }]);
    staff = await signedIn(server.url, 'staff@i.example');

    const existing = createParticipant(db, { interventionId: intervention.id, localRef: 'Gammal 1' });
    existingId = existing.id;
    const web = asTheWebWould('start', answersFor('start', 9));
    const response = startResponse(db, { code: null, participantId: existing.id, interventionId: intervention.id, point: 'start', roundId: null, instrumentId: instrument.id, instrumentVersion: instrument.version, language: 'sv' });
    saveAnswers(db, response.id, web.answers, [], 1);
    submitResponse(db, response, web.scores, web.dims);

    rows = [];
    for (let k = 0; k < 5; k++) {
      rows.push({ participant_ref: `Löpnr ${k + 1}`, point: 'start', submitted_on: `2023-0${k + 1}-10`, values: answersFor('start', k) });
      rows.push({ participant_ref: `Löpnr ${k + 1}`, point: 'exit', submitted_on: `2024-0${k + 1}-20`, values: answersFor('exit', k) });
    }
    rows.push({ participant_ref: 'Gammal 1', point: 'exit', submitted_on: '2024-06-01', values: answersFor('exit', 9) });
  });
  after(() => server.close());

  it('offers a template whose header is the fixed columns and every item the intervention asks, once', async () => {
    const page = await staff.get(`${base}/import`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Importera tidigare enkätsvar (CSV)').and.contain(`href="${base}/import/template.csv"`).and.contain('name="csv"');
    const list = await staff.get(`${base}/participants`);
    expect(list.text).to.contain(`href="${base}/import"`);

    const res = await staff.download(`${base}/import/template.csv`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="?indikator-import-\d+\.csv"?$/);
    expect([...res.bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = res.bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines.slice(1)).to.deep.equal(['']);
    columns = lines[0]!.split(';');
    const asked = [...new Set(POINTS.flatMap((p) => itemsForPoint(instrument, p).map((i) => i.id)))];
    expect(columns).to.deep.equal(['participant_ref', 'point', 'submitted_on', 'language', ...asked]);
    expect(columns).to.include.members(['gender', 'satisfied_with_support', 'anything_else']);
    goodCsv = toCsv(columns, rows.map((r) => ({ participant_ref: r.participant_ref, point: r.point, submitted_on: r.submitted_on, language: 'sv', ...r.values })));
  });

  it('previews a good file, with counts per point and participants new and matched, and writes nothing', async () => {
    const before = snapshot();
    await staff.get(`${base}/import`);
    const res = await staff.post(`${base}/import`, { csv: goodCsv });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Förhandsgranskning').and.contain('Inget har sparats ännu');
    expect(res.text).to.contain('<dd data-count="rows">11</dd>').and.contain('<dd data-count="new">5</dd>').and.contain('<dd data-count="matched">1</dd>');
    expect(res.text).to.match(/data-point="start"><th scope="row">Start<\/th><td class="num">5</);
    expect(res.text).to.match(/data-point="exit"><th scope="row">Avslut<\/th><td class="num">6</);
    expect(res.text).to.contain('name="confirm" value="1"').and.contain('Importera 11 svar');
    expect(snapshot()).to.deep.equal(before);
    expect(count(db, "audit_log WHERE action = 'import.csv'")).to.equal(0);
  });

  it('imports every row in one go, scored exactly as web answers, and audits it', async () => {
    await staff.get(`${base}/import`);
    const preview = await staff.post(`${base}/import`, { csv: goodCsv });
    // The confirm form carries the file in a hidden field: read it back as a browser would.
    const hidden = /name="csv" value="([^"]*)"/.exec(preview.text)![1]!;
    const carried = hidden.replace(/&#(\d+);|&amp;|&lt;|&gt;/g, (m, code: string | undefined) => (code ? String.fromCharCode(Number(code)) : { '&amp;': '&', '&lt;': '<', '&gt;': '>' }[m]!)).replace(/\r\n?/g, '\n');
    expect(carried).to.equal(goodCsv.replace(/\r\n/g, '\n'));
    const res = await staff.post(`${base}/import`, { csv: carried, confirm: '1' });
    expect(res.status).to.equal(303);
    expect(res.location).to.equal(`${base}/import?imported=11`);
    expect((await staff.get(res.location!)).text).to.contain('11 svar har importerats');

    const imported = db.prepare(`SELECT r.id, r.point, r.code, r.status, r.source, r.entered_by_staff AS byStaff, r.entered_by_user_id AS userId, r.language,
        substr(r.submitted_at, 1, 10) AS submittedOn, p.local_ref AS ref, p.pseudonym
      FROM responses r JOIN participants p ON p.id = r.participant_id WHERE r.source = 'import' ORDER BY r.id`).all() as
      { id: number; point: MeasurementPoint; code: null; status: string; source: string; byStaff: number; userId: number; language: string; submittedOn: string; ref: string; pseudonym: string }[];
    expect(imported).to.have.length(rows.length);
    for (const [i, r] of imported.entries()) {
      const row = rows[i]!;
      expect(r).to.include({ point: row.point, code: null, status: 'submitted', byStaff: 1, userId: staffId, language: 'sv', submittedOn: row.submitted_on, ref: row.participant_ref });
      expect(r.pseudonym).to.match(/^P-[0-9a-f]{10}$/);
      const web = asTheWebWould(row.point, row.values);
      const stored = db.prepare('SELECT indicator_id AS indicatorId, score FROM response_scores WHERE response_id = ? ORDER BY indicator_id').all(r.id);
      expect(stored, `scores of row ${i + 2}`).to.deep.equal([...web.scores].sort((a, b) => a.indicatorId.localeCompare(b.indicatorId)));
      expect(stored).to.have.length.greaterThan(0);
      const answers = db.prepare('SELECT item_id AS itemId, value_num AS num, value_text AS text, dont_know AS dontKnow FROM answers WHERE response_id = ? ORDER BY item_id').all(r.id) as { itemId: string; num: number | null; text: string | null; dontKnow: number }[];
      expect(answers.map((a) => ({ ...a, dontKnow: a.dontKnow === 1 }))).to.deep.equal([...web.answers].sort((a, b) => a.itemId.localeCompare(b.itemId)));
    }
    expect(imported.find((r) => r.ref === 'Gammal 1')).to.have.property('pseudonym', (db.prepare('SELECT pseudonym FROM participants WHERE id = ?').get(existingId) as { pseudonym: string }).pseudonym);
    expect(count(db, `participants WHERE intervention_id = ${intervention.id}`)).to.equal(6);
    // The gender given at start rides on each person's exit scores too, as for web answers.
    const exitGenders = db.prepare("SELECT DISTINCT p.local_ref AS ref, rs.gender FROM response_scores rs JOIN participants p ON p.id = rs.participant_id WHERE rs.point = 'exit' ORDER BY ref").all();
    expect(exitGenders).to.deep.include({ ref: 'Löpnr 2', gender: 'man' }).and.deep.include({ ref: 'Löpnr 1', gender: 'woman' });
    const text = db.prepare("SELECT value_text AS text FROM answers WHERE item_id = 'anything_else'").pluck().all();
    expect(text).to.deep.equal(['Bra; "tydligt"\nstöd']);

    const audit = db.prepare("SELECT user_id AS userId, federation_id AS federationId, target, detail FROM audit_log WHERE action = 'import.csv'").all() as { userId: number; federationId: number; target: string; detail: string }[];
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ userId: staffId, federationId: federation.id, target: `intervention:${intervention.id}` });
    expect(JSON.parse(audit[0]!.detail)).to.deep.equal({ responses: 11, participantsCreated: 5, participantsMatched: 1, byPoint: { start: 5, exit: 6 }, skipped: 0 });
  });

  it('counts the imported answers in the results page and the summary API like any others', async () => {
    const admin = await signedIn(server.url, 'admin@i.example');
    const page = await admin.get(`${base}/results`);
    expect(page.status).to.equal(200);
    // Imported answers have no code: issued / started / answered stay 0, and they are counted in a column of their own.
    const row = (point: string) => {
      const tr = new RegExp(`<tr data-point="${point}">([\\s\\S]*?)</tr>`).exec(page.text)![1]!;
      return Object.fromEntries([...tr.matchAll(/data-count="(\w+)"[^>]*>([^<]*)</g)].map((m) => [m[1]!, m[2]!.trim()])) as Record<string, string>;
    };
    // At start 5 were imported; the sixth start answer is the fixture's web answer (given without a code, so no process column counts it).
    expect(row('start')).to.deep.equal({ issued: '0', started: '0', web: '0', paper: '0', rate: '–', imported: '5' });
    expect(row('exit')).to.deep.equal({ issued: '0', started: '0', web: '0', paper: '0', rate: '–', imported: '6' });

    const res = await admin.get(`/api/v1/interventions/${intervention.id}/summary`);
    expect(res.status).to.equal(200);
    const summary = JSON.parse(res.text) as { indicators: { id: string; points: { point: string; n: number; mean: number }[]; change: { pairs: number } | null }[] };
    const trust = summary.indicators.find((i) => i.id === 'trust_fk')!;
    expect(trust.points.map((p) => [p.point, p.n])).to.deep.equal([['start', 6], ['exit', 6]]);
    const expectedStart = [...[0, 1, 2, 3, 4].map((k) => 2 + (k % 4)), 2 + (9 % 4)];
    expect(trust.points[0]!.mean).to.be.closeTo(expectedStart.reduce((a, b) => a + b, 0) / 6, 1e-9);
    expect(trust.change?.pairs).to.equal(6);
  });

  it('imports the same file again without changing anything (every row skipped and counted), and refuses rows that differ, naming each', async () => {
    const before = snapshot();
    await staff.get(`${base}/import`);
    const preview = await staff.post(`${base}/import`, { csv: goodCsv });
    expect(preview.status).to.equal(200);
    expect(preview.text).to.match(/data-count="skipped">11</);
    const again = await staff.post(`${base}/import`, { csv: goodCsv, confirm: '1' });
    expect(again.status).to.equal(303);
    expect(again.location).to.match(/imported=0$/);
    expect(snapshot()).to.deep.equal(before);
    // The same rows dated a year earlier: reported, never overwritten.
    const changed = goodCsv.replace(/;(20\d\d)-(\d\d-\d\d);/g, (_m, year: string, day: string) => `;${Number(year) - 1}-${day};`);
    const res = await staff.post(`${base}/import`, { csv: changed, confirm: '1' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Rad 2: Deltagaren har redan ett inskickat svar vid mätpunkten start.');
    expect(res.text).to.contain('Filen har 11 fel');
    expect(snapshot()).to.deep.equal(before);
  });

  it('answers a bad file with 422 and Swedish errors by row and column, writing nothing', async () => {
    const before = snapshot();
    const bad = toCsv(columns, [
      { participant_ref: 'Ny 1', point: 'start', submitted_on: '2024-02-30', fk_trust: '9' },
      { participant_ref: 'Ny 2', point: 'halvvägs', submitted_on: '2024-03-01', fk_trust: '5' },
      { participant_ref: 'Ny 3', point: 'start', submitted_on: '2099-01-01', gender: 'kvinna', satisfied_with_support: '5' },
    ]);
    await staff.get(`${base}/import`);
    for (const confirm of [undefined, '1']) {
      const res = await staff.post(`${base}/import`, confirm ? { csv: bad, confirm } : { csv: bad });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/class="error-summary"[\s\S]*href="#import-errors"/);
      for (const message of [
        'Rad 2, kolumn submitted_on: ”2024-02-30” är inget giltigt datum.',
        'Rad 2, kolumn fk_trust: ”9” är inget giltigt svar. Skriv en siffra 1–7, ”vet ej” eller lämna tomt.',
        'Rad 3, kolumn point: ”halvvägs” är ingen mätpunkt i insatsen. Skriv en av: start, exit.',
        'Rad 4, kolumn submitted_on: Datumet 2099-01-01 har inte varit ännu.',
        'Rad 4, kolumn gender: ”kvinna” är inget av svarsalternativen.',
        'Rad 4, kolumn satisfied_with_support: Frågan ställs inte vid mätpunkten start.',
      ]) expect(res.text).to.contain(message.replaceAll('"', '&#34;'));
      expect(res.text).to.contain('Ny 1');
    }
    // Columns the template does not have are mapped first (importColumns.test.ts): nothing is checked or stored before.
    const unknown = await staff.post(`${base}/import`, { csv: 'participant_ref;point;submitted_on;personnr;namn\nA;start;2024-01-01;;' });
    expect(unknown.location).to.match(/\/import\/jobs\/[A-Za-z0-9_-]{22}\/columns$/);
    expect((await staff.get(unknown.location!)).text).to.contain('Kolumnen ”personnr”').and.contain('Kolumnen ”namn”');
    await staff.post(`${unknown.location!.replace(/\/columns$/, '')}/cancel`, {});
    const empty = await staff.post(`${base}/import`, {});
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Klistra in innehållet i CSV-filen');
    expect(snapshot()).to.deep.equal(before);
  });

  it('refuses the whole file when a reference looks like a personnummer, and does not show the file again', async () => {
    const before = snapshot();
    const csv = toCsv(columns, [
      { participant_ref: 'Ny 1', point: 'start', submitted_on: '2024-01-10', fk_trust: '5' },
      { participant_ref: '19850312-1234', point: 'start', submitted_on: '2024-01-10', fk_trust: '5' },
    ]);
    await staff.get(`${base}/import`);
    const res = await staff.post(`${base}/import`, { csv, confirm: '1' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('participant_ref ser ut som ett personnummer på rad 3');
    expect(res.text).not.to.contain('1234').and.not.to.contain('Ny 1');
    expect(snapshot()).to.deep.equal(before);
  });

  it('takes a file of up to 2 MB through its own parser with the CSRF check still on, and says when a file is larger', async () => {
    const longText = 'x'.repeat(1_500_000);
    await staff.get(`${base}/import`);
    const big = await staff.post(`${base}/import`, { csv: toCsv(columns, [{ participant_ref: 'Ny 1', point: 'start', submitted_on: '2024-01-10', anything_else: longText }]) });
    expect(big.status).to.equal(422);
    expect(big.text).to.contain('Texten är längre än 2000 tecken.');
    const tooBig = await staff.post(`${base}/import`, { csv: `${columns.join(';')}\n${'å'.repeat(1_100_000)}` });
    expect(tooBig.status).to.equal(422);
    expect(tooBig.text).to.contain('Filen är större än 2 MB.');
    const noToken = await staff.post(`${base}/import`, { csv: toCsv(columns, [{ participant_ref: 'Ny 1', point: 'start', submitted_on: '2024-01-10', anything_else: longText }]) }, { csrf: null });
    expect(noToken.status).to.equal(403);
    // Elsewhere the app's 64 kB limit stands; someone who may not import here is refused before the big body is read.
    const anonymous = new HttpClient(server.url);
    expect((await anonymous.post(`${base}/participants`, { csv: 'x'.repeat(70_000) }, { csrf: null })).status).to.equal(413);
    expect((await anonymous.post(`${base}/import`, { csv: 'x'.repeat(70_000) }, { csrf: null })).status).to.equal(401);
  });

  it('refuses a post without the CSRF token with 403 and writes nothing', async () => {
    const before = snapshot();
    const fresh = toCsv(columns, [{ participant_ref: 'Ny 9', point: 'start', submitted_on: '2024-01-10', fk_trust: '5' }]);
    await staff.get(`${base}/import`);
    const res = await staff.post(`${base}/import`, { csv: fresh, confirm: '1' }, { csrf: null });
    expect(res.status).to.equal(403);
    const forged = await staff.post(`${base}/import`, { csv: fresh, confirm: '1' }, { csrf: 'not-the-token' });
    expect(forged.status).to.equal(403);
    expect(snapshot()).to.deep.equal(before);
  });

  it('refuses staff not assigned to the intervention with 403, and has no import for yearly questionnaires', async () => {
    const before = snapshot();
    const other = await signedIn(server.url, 'unassigned@i.example');
    expect((await other.get(`${base}/import`)).status).to.equal(403);
    expect((await other.get(`${base}/import/template.csv`)).status).to.equal(403);
    await other.get('/account');
    expect((await other.post(`${base}/import`, { csv: goodCsv, confirm: '1' })).status).to.equal(403);
    expect(snapshot()).to.deep.equal(before);

    const yearly = createIntervention(db, { federationId: federation.id, name: 'Styrelseenkät', kind: 'structural' });
    setMeasurementPoint(db, yearly.id, 'yearly', 'board');
    const admin = await signedIn(server.url, 'admin@i.example');
    expect((await admin.get(`/f/${federation.id}/interventions/${yearly.id}/import`)).status).to.equal(404);
  });

  it('marks paper entry as source "paper" and web answers as "web"', () => {
    const point = setMeasurementPoint(db, intervention.id, 'start', 'participant');
    const person = createParticipant(db, { interventionId: intervention.id });
    const [paperCode, webCode] = issueAccessCodes(db, { measurementPointId: point.id, participantIds: [person.id, person.id] });
    const common = { participantId: person.id, interventionId: intervention.id, point: 'start' as const, roundId: null, instrumentId: instrument.id, instrumentVersion: instrument.version, language: 'sv' };
    const { response: paper } = startPaperResponse(db, { ...common, code: paperCode! }, staffId);
    const web = startResponse(db, { ...common, code: webCode! });
    const source = (id: number) => db.prepare('SELECT source FROM responses WHERE id = ?').pluck().get(id);
    expect([source(paper.id), source(web.id)]).to.deep.equal(['paper', 'web']);
  });
});
