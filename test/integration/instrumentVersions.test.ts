import { expect } from 'chai';
import Papa from 'papaparse';
import seedrandom from 'seedrandom';
import { answerQuestionnaire, seedDemo } from '../../server/demo/seed.js';
import { InstrumentRegistry } from '../../server/domain/instrument.js';
import type { Codebook } from '../../server/domain/responseExport.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import { listMeasurementPoints } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { startResponse } from '../../server/storage/responses.js';
import { listRounds } from '../../server/storage/rounds.js';
import { indicatorsWithVersion2 } from '../helpers/instrumentVersions.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

type Row = Record<string, string>;
const readCsv = (text: string) => Papa.parse<Row>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;

/** The data-reason of every hidden cell of an indicator in the results page's tables (id="indicator-table" and the change table). */
const reasonsIn = (html: string, attribute: string, value: string) => [...html.matchAll(new RegExp(`${attribute}="[^"]*${value}[^"]*"[^>]*data-reason="([a-zA-Z]+)"`, 'g'))].map((m) => m[1]);

const CHANGED = ['coordination', 'self_efficacy', 'health'];
const NEW_PEOPLE = 30;

interface ApiCell { point: string; n: number | null; suppressed: boolean; reason: string | null }
interface ApiSummary { indicators: { id: string; points: ApiCell[]; changes: { from: string; to: string; pairs: number | null; suppressed: boolean; reason: string | null }[] }[] }

describe('instrument versions: a second version installed beside the first', function () {
  this.timeout(120_000);
  const fixture = indicatorsWithVersion2();
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer({
      instruments: fixture.instruments,
      prepare: (db) => {
        // The demo answered in 1.0 (indicators/ as shipped); then 2.0 is installed, and 30 more
        // people of the first intervention start in 1.0 and leave in 2.0.
        seedDemo(db, instruments);
        const rng = seedrandom('versions');
        const [start, exit] = ['start', 'exit'].map((p) => listMeasurementPoints(db, 1).find((m) => m.point === p)!);
        const round = listRounds(db, 1).at(-1)!;
        const only = (version: string) => new InstrumentRegistry([fixture.instruments.get('participant', version)!]);
        for (let i = 0; i < NEW_PEOPLE; i++) {
          const person = createParticipant(db, { interventionId: 1, startedOn: round.startsOn });
          answerQuestionnaire(db, only('1.0'), start!, person.id, round.id, 3.5, rng, true);
          answerQuestionnaire(db, only('2.0'), exit!, person.id, round.id, 5, rng, true);
        }
      },
    });
    token = createApiToken(server.db, { name: 'versions', federationId: 1, role: 'evaluator', createdBy: null }).token;
    makeUser(server.db, 'eval@versions.example', [{ federationId: 1, role: 'evaluator' }]);
    makeUser(server.db, 'admin@versions.example', [{ federationId: 1, role: 'federation_admin' }]);
  });
  after(async () => {
    await server.close();
    fixture.remove();
  });

  it('loads both versions from indicators/; a new questionnaire is answered in 2.0, one begun in 1.0 goes on in 1.0', async () => {
    expect(fixture.instruments.list().filter((i) => i.id === 'participant').map((i) => i.version)).to.deep.equal(['1.0', '2.0']);
    const startPoint = listMeasurementPoints(server.db, 1).find((m) => m.point === 'start')!;
    const [fresh, begun] = [0, 1].map(() => issueAccessCodes(server.db, { measurementPointId: startPoint.id, participantIds: [createParticipant(server.db, { interventionId: 1 }).id] })[0]!);
    const person = server.db.prepare('SELECT participant_id FROM access_codes WHERE code = ?').pluck().get(begun) as number;
    startResponse(server.db, { code: begun!, participantId: person, interventionId: 1, point: 'start', roundId: null, instrumentId: 'participant', instrumentVersion: '1.0', language: 'sv' });

    const client = new HttpClient(server.url);
    await client.get(`/s/${fresh}/language`);
    expect((await client.post(`/s/${fresh}/language`, { language: 'sv' })).status).to.equal(303);
    expect(server.db.prepare('SELECT instrument_version FROM responses WHERE code = ?').pluck().get(fresh)).to.equal('2.0');
    const freshPage = (await client.get(`/s/${fresh}/1`)).text;
    expect(freshPage).to.contain('name="item_one_plan"').and.not.contain('name="item_no_repeat_story"');
    expect(freshPage).to.contain('Jag har förtroende för Försäkringskassan.');

    const returning = new HttpClient(server.url);
    const page = (await returning.get(`/s/${begun}/1`)).text;
    expect(page).to.contain('name="item_no_repeat_story"').and.not.contain('name="item_one_plan"');
    expect(server.db.prepare('SELECT instrument_version FROM responses WHERE code = ?').pluck().get(begun)).to.equal('1.0');
  });

  it('the results of an intervention answered in both versions say so in Swedish and hide only the changed indicators', async () => {
    const evaluator = await signedIn(server.url, 'eval@versions.example');
    const html = (await evaluator.get('/f/1/interventions/1/results')).text;
    const notice = /<div class="notice" id="instrument-versions"[^>]*data-versions="([^"]*)" data-changed="([^"]*)"[\s\S]*?<\/div>/.exec(html);
    expect(notice, 'the notice').to.not.equal(null);
    expect(notice![1]).to.equal('1.0 2.0');
    expect(notice![2]!.split(' ')).to.deep.equal(CHANGED);
    const words = notice![0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(words).to.contain('Enkäten har ändrats: svaren här är givna i version 1.0 och 2.0 av enkäten.');
    expect(words).to.contain('Resultaten jämförs bara för indikatorer vars frågor inte har ändrats mellan versionerna.');
    expect(words).to.contain('Visas inte, eftersom frågorna har ändrats: Samordnat stöd (andra frågor), Tilltro till egen förmåga (annan svarsskala) och Hälsa (annan beräkning).');

    for (const id of CHANGED) {
      const reasons = reasonsIn(html, 'data-hidden', `s:${id}@`);
      expect(reasons.length, id).to.be.greaterThan(0);
      expect(new Set(reasons), id).to.deep.equal(new Set(['versionChanged']));
    }
    expect(reasonsIn(html, 'data-hidden', 's:trust_fk@'), 'trust_fk is compared').to.not.include('versionChanged');
    expect(html).to.match(/data-cell="s:trust_fk@exit\|i1\|all\|all" data-n="\d+"/);
    expect(html).to.contain('frågorna har ändrats mellan enkätversionerna');
  });

  it('the API and the CSV give the same: changed indicators hidden as versionChanged, the others over both versions', async () => {
    const summary = await (await fetch(`${server.url}/api/v1/interventions/1/summary`, { headers: { authorization: `Bearer ${token}` } })).json() as ApiSummary;
    for (const id of CHANGED) {
      const indicator = summary.indicators.find((i) => i.id === id)!;
      expect(indicator.points.every((c) => c.suppressed && c.n === null && (c.reason === 'versionChanged' || c.reason === 'notAsked')), id).to.equal(true);
      expect(indicator.changes.every((c) => c.suppressed && c.pairs === null && c.reason === 'versionChanged'), id).to.equal(true);
    }
    const trustExit = summary.indicators.find((i) => i.id === 'trust_fk')!.points.find((c) => c.point === 'exit')!;
    const counted = server.db.prepare(
      `SELECT r.instrument_version AS version, count(*) AS n FROM response_scores s JOIN responses r ON r.id = s.response_id
       WHERE r.intervention_id = 1 AND r.point = 'exit' AND s.indicator_id = 'trust_fk' AND r.latest = 1 GROUP BY 1 ORDER BY 1`,
    ).all() as { version: string; n: number }[];
    expect(counted.map((c) => c.version)).to.deep.equal(['1.0', '2.0']);
    expect(trustExit).to.include({ suppressed: false, n: counted.reduce((s, c) => s + c.n, 0) });
    const trustChange = summary.indicators.find((i) => i.id === 'trust_fk')!.changes.find((c) => c.from === 'start' && c.to === 'exit')!;
    expect(trustChange.suppressed).to.equal(false);

    const evaluator = await signedIn(server.url, 'eval@versions.example');
    const csv = readCsv((await evaluator.get('/f/1/interventions/1/results?format=csv')).text);
    expect(csv.filter((r) => r.indicator === 'coordination').map((r) => r.reason)).to.deep.equal(csv.filter((r) => r.indicator === 'coordination').map(() => 'versionChanged'));
    expect(csv.find((r) => r.indicator === 'trust_fk' && r.point === 'exit')).to.include({ suppressed: 'false', n: String(trustExit.n) });
  });

  it('an intervention answered in one version only shows every indicator and says nothing of versions', async () => {
    const evaluator = await signedIn(server.url, 'eval@versions.example');
    const html = (await evaluator.get('/f/1/interventions/2/results')).text;
    expect(html).to.not.contain('id="instrument-versions"');
    expect(html).to.not.contain('versionChanged');
    expect(reasonsIn(html, 'data-hidden', 's:coordination@').filter((r) => r !== 'tooFew' && r !== 'complementary')).to.deep.equal([]);
  });

  it('the item page, the comparison of interventions and the regional page follow the same rule', async () => {
    const evaluator = await signedIn(server.url, 'eval@versions.example');
    const items = (await evaluator.get('/f/1/interventions/1/results/indicators/coordination')).text;
    expect(items).to.contain('id="instrument-versions"');
    const itemReasons = [...items.matchAll(/data-reason="([a-zA-Z]+)"/g)].map((m) => m[1]);
    expect(itemReasons.length).to.be.greaterThan(0);
    expect(new Set(itemReasons)).to.deep.equal(new Set(['versionChanged']));
    const trustItems = (await evaluator.get('/f/1/interventions/1/results/indicators/trust_fk')).text;
    expect([...trustItems.matchAll(/data-reason="versionChanged"/g)]).to.have.length(0);

    // Intervention 2 has answers of 1.0 only, but the page compares it with intervention 1.
    const compare = (await evaluator.get('/f/1/compare?indicator=coordination&point=exit')).text;
    expect(compare).to.contain('id="instrument-versions"');
    const sideBySide = /<table id="side-by-side">[\s\S]*?<\/table>/.exec(compare)![0];
    expect(new Set([...sideBySide.matchAll(/data-reason="([a-zA-Z]+)"/g)].map((m) => m[1]))).to.deep.equal(new Set(['versionChanged']));
    const trust = (await evaluator.get('/f/1/compare?indicator=trust_fk&point=exit')).text;
    expect(/<table id="side-by-side">[\s\S]*?<\/table>/.exec(trust)![0]).to.not.contain('versionChanged');

    const region = (await evaluator.get('/analysis/region?indicator=health&point=exit')).text;
    expect(region).to.contain('id="instrument-versions"');
    expect(/<table id="region">[\s\S]*?<\/table>/.exec(region)![0]).to.contain('frågorna har ändrats mellan enkätversionerna');
  });

  it('the board report says so and leaves the changed indicators out of its changes and comparisons', async () => {
    const admin = await signedIn(server.url, 'admin@versions.example');
    const report = (await admin.get('/f/1/report?round=all')).text;
    expect(report).to.contain('id="instrument-versions"').and.contain('Enkäten har ändrats:');
    const hidden = [...report.matchAll(/data-hidden="c:coordination[^"]*"[^>]*data-reason="([a-zA-Z]+)"/g)].map((m) => m[1]);
    expect(hidden.length, 'coordination start → exit lines').to.be.greaterThan(0);
    expect(new Set(hidden)).to.deep.equal(new Set(['versionChanged']));
    expect([...report.matchAll(/data-hidden="c:trust_fk[^"]*"[^>]*data-reason="versionChanged"/g)]).to.have.length(0);
  });

  it('the codebook carries both versions: their items and texts, and what changed', async () => {
    const evaluator = await signedIn(server.url, 'eval@versions.example');
    const book = JSON.parse((await evaluator.get('/f/1/interventions/1/export/codebook.json')).text) as Codebook;
    expect(book.instrument.version).to.equal('2.0');
    expect(book.versions.map((v) => v.version)).to.deep.equal(['1.0', '2.0']);
    expect(book.items.find((i) => i.id === 'no_repeat_story')!.versions).to.deep.equal(['1.0']);
    expect(book.items.find((i) => i.id === 'one_plan')!.versions).to.deep.equal(['2.0']);
    expect(book.items.find((i) => i.id === 'fk_trust')!.versions).to.deep.equal(['1.0', '2.0']);
    const fk = (version: string) => book.versions.find((v) => v.version === version)!.items.find((i) => i.id === 'fk_trust')!.text.sv;
    expect(fk('1.0')).to.equal(fixture.v1.sections[0]!.items.find((i) => i.id === 'fk_trust')!.text.sv);
    expect(fk('2.0')).to.equal('Jag har förtroende för Försäkringskassan.');
    expect(book.versions.find((v) => v.version === '1.0')!.items.find((i) => i.id === 'feel_failure')!.reversed).to.equal(true);
    expect(book.versions.find((v) => v.version === '2.0')!.items.find((i) => i.id === 'feel_failure')!.reversed).to.equal(false);
    expect(book.versions[0]!.changedFromPrevious).to.deep.equal([]);
    expect(book.versions[1]!.changedFromPrevious).to.deep.equal([
      { indicator: 'coordination', changes: ['items'] }, { indicator: 'self_efficacy', changes: ['scale'] }, { indicator: 'health', changes: ['scoring'] },
    ]);
    expect(book.notComparable.map((c) => c.indicator)).to.deep.equal(CHANGED);

    const sheet = readCsv((await evaluator.get('/f/1/interventions/1/export/codebook.csv')).text);
    expect(sheet.filter((r) => r.item === 'fk_trust').map((r) => [r.version, r.text_sv])).to.deep.equal([['1.0', fk('1.0')], ['2.0', fk('2.0')]]);
    expect(sheet.filter((r) => r.item === 'one_plan').map((r) => r.version)).to.deep.equal(['2.0']);
  });

  it('the export has a column for every item of both versions, each row answered in its own', async () => {
    const evaluator = await signedIn(server.url, 'eval@versions.example');
    const page = (await evaluator.get('/f/1/interventions/1/export')).text;
    expect(page).to.contain('Svaren är givna i version 1.0 och 2.0 av enkäten.');
    const rows = readCsv((await evaluator.get('/f/1/interventions/1/export/responses.csv')).text);
    const header = Object.keys(rows[0]!);
    expect(header).to.include.members(['item_no_repeat_story', 'item_one_plan', 'score_coordination']);
    const exitOf = (version: string) => rows.filter((r) => r.point === 'exit' && r.instrument_version === version);
    expect(exitOf('2.0')).to.have.length(NEW_PEOPLE);
    expect(exitOf('2.0').every((r) => r.item_no_repeat_story === '')).to.equal(true);
    expect(exitOf('2.0').some((r) => r.item_one_plan !== '')).to.equal(true);
    expect(exitOf('1.0').every((r) => r.item_one_plan === '')).to.equal(true);
    expect(exitOf('1.0').some((r) => r.item_no_repeat_story !== '')).to.equal(true);
  });
});
