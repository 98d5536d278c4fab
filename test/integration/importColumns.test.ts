import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { decodeBytes } from '../../server/domain/textEncoding.js';
import { runCli } from '../helpers/cli.js';
import type { Db } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { dumpDatabase, IMPORT_FIXTURES } from '../helpers/dbDump.js';
import type { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// The column-mapping step (issue 11): swedish-headers.csv is excel-sv-windows-1252.csv with
// "Löpnummer", "Mätpunkt", "Datum", "Språk", "Förtroende FK" and "Fråga 2" for the template's
// names, and a column "Handläggare" of its own.
const MAPPING: Record<string, string> = {
  Löpnummer: 'participant_ref', Mätpunkt: 'point', Datum: 'submitted_on', Språk: 'language', 'Förtroende FK': 'fk_trust', 'Fråga 2': 'af_trust', Handläggare: '-',
};
const HEADERS = Object.keys(MAPPING);
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(IMPORT_FIXTURES, name)));

/** What an intervention's imported questionnaires say, by reference: the rows, their answers and scores. */
function imported(db: Db, interventionId: number): unknown[] {
  return db.prepare(
    `SELECT p.local_ref, r.point, r.submitted_on, r.language, r.gender, r.age_band,
       (SELECT group_concat(a.item_id || '=' || coalesce(a.value_num, a.value_text, '') || ':' || a.dont_know, ';') FROM (SELECT * FROM answers WHERE response_id = r.id ORDER BY item_id) a) AS answers,
       (SELECT group_concat(s.indicator_id || '=' || s.score, ';') FROM (SELECT * FROM response_scores WHERE response_id = r.id ORDER BY indicator_id) s) AS scores
     FROM responses r JOIN participants p ON p.id = r.participant_id WHERE r.intervention_id = ? AND r.source = 'import' ORDER BY p.local_ref, r.point`,
  ).all(interventionId);
}

describe('CSV import: columns named otherwise than the template are mapped first', function () {
  this.timeout(60_000);
  let server: TestServer;
  let db: Db;
  let federationId: number;
  const interventions: Record<'mapped' | 'itemIds' | 'again' | 'pasted', number> = { mapped: 0, itemIds: 0, again: 0, pasted: 0 };
  let admin: HttpClient;
  const base = (id: number) => `/f/${federationId}/interventions/${id}`;
  const upload = async (id: number, name: string) => {
    await admin.get(`${base(id)}/import`);
    return admin.postFile(`${base(id)}/import/upload`, {}, { field: 'file', name, bytes: fixture(name) });
  };
  /** The selects of the mapping page: each column's label and the value selected. */
  const selects = (html: string) => [...html.matchAll(/<label class="label" for="column-(\d+)">Kolumnen ”([^”]+)”<\/label>[\s\S]*?<select[^>]*name="column"[^>]*>([\s\S]*?)<\/select>/g)]
    .map((m) => ({ column: m[2]!, selected: /<option value="([^"]*)" selected>/.exec(m[3]!)?.[1] ?? null }));
  const checked = async (jobPath: string) => {
    for (let i = 0; i < 200; i++) {
      const page = await admin.get(jobPath);
      if (!page.text.includes('id="import-progress"')) return page;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the check did not end');
  };

  before(async () => {
    server = await startTestServer();
    db = server.db;
    federationId = createFederation(db, 'Förbund K').id;
    for (const key of Object.keys(interventions) as (keyof typeof interventions)[]) {
      const intervention = createIntervention(db, { federationId, name: `Insats ${key}`, kind: 'individual' });
      for (const p of ['start', 'exit'] as const) setMeasurementPoint(db, intervention.id, p, 'participant');
      interventions[key] = intervention.id;
    }
    makeUser(db, 'admin@k.example', [{ federationId, role: 'federation_admin' }]);
    admin = await signedIn(server.url, 'admin@k.example');
  });
  after(() => server.close());

  it('asks what each unknown column holds, showing its first values, before anything is checked', async () => {
    const sent = await upload(interventions.mapped, 'swedish-headers.csv');
    expect(sent.location).to.match(/\/import\/jobs\/[A-Za-z0-9_-]{22}\/columns$/);
    const page = await admin.get(sent.location!);
    expect(page.status).to.equal(200);
    expect(selects(page.text).map((s) => s.column)).to.deep.equal(HEADERS);
    expect(selects(page.text).every((s) => s.selected === '')).to.equal(true);
    expect(page.text).to.contain('Första värdena: ”Åsa-01”, ”Åsa-01”, ”Örjan-02”').and.contain('Första värdena: ”Eva S”, ”Eva S”, ”Per L”');
    expect(page.text).to.contain('<option value="-" >Importera inte kolumnen</option>').and.contain('<option value="fk_trust" >fk_trust – ');
    expect(page.text).to.match(/<form method="post" action="[^"]+\/columns"[^>]*>\s*<input type="hidden" name="_csrf"/).and.not.contain('columns-remembered');
    // The job page sends back to this step while the columns are not mapped.
    expect((await admin.get(sent.location!.replace(/\/columns$/, ''))).location).to.equal(sent.location);
    expect(db.prepare("SELECT count(*) FROM responses WHERE source = 'import'").pluck().get()).to.equal(0);
  });

  it('names a column left unchosen and a required column nobody chose, in Swedish, and keeps the choices made', async () => {
    const sent = await upload(interventions.mapped, 'swedish-headers.csv');
    await admin.get(sent.location!);
    const before = dumpDatabase(db).import_columns;
    const choices = HEADERS.map((h) => (h === 'Löpnummer' ? '-' : h === 'Fråga 2' ? '' : MAPPING[h]!));
    const page = await admin.post(sent.location!, { column: choices });
    expect(page.status).to.equal(422);
    expect(page.text).to.contain('Välj vad kolumnen ”Fråga 2” innehåller, eller att den inte ska importeras.');
    expect(page.text).to.contain('Ingen kolumn är vald som participant_ref, och filen behöver en.');
    expect(page.text).to.contain('href="#column-5"');
    expect(selects(page.text).map((s) => s.selected)).to.deep.equal(choices);
    const twice = await admin.post(sent.location!, { column: HEADERS.map((h) => (h === 'Fråga 2' ? 'fk_trust' : MAPPING[h]!)) });
    expect(twice.text).to.contain('Både ”Förtroende FK” och ”Fråga 2” är valda som fk_trust.');
    expect(dumpDatabase(db).import_columns, 'nothing remembered').to.deep.equal(before);
    expect((await admin.post(sent.location!, { column: HEADERS.map((h) => MAPPING[h]!) }, { csrf: 'not-the-token' })).status).to.equal(403);
    await admin.get(sent.location!);
    await admin.post(`${sent.location!.replace(/\/columns$/, '')}/cancel`, {});
  });

  it('imports the mapped file exactly as the same file with item ids, audited with the mapping', async () => {
    const sent = await upload(interventions.mapped, 'swedish-headers.csv');
    await admin.get(sent.location!);
    const chosen = await admin.post(sent.location!, { column: HEADERS.map((h) => MAPPING[h]!) });
    expect(chosen.status).to.equal(303);
    const jobPath = chosen.location!;
    const preview = await checked(jobPath);
    expect(preview.status, preview.text.slice(0, 3000)).to.equal(200);
    expect(preview.text).to.match(/data-count="rows">5</).and.match(/data-count="new">3</);
    expect(preview.text).to.contain('”Förtroende FK” importeras som fk_trust').and.contain('”Handläggare” importeras inte').and.contain(`${jobPath}/columns`);
    expect((await admin.post(jobPath, {})).location).to.equal(`${base(interventions.mapped)}/import?imported=5`);

    const plain = await upload(interventions.itemIds, 'excel-sv-windows-1252.csv');
    expect(plain.location, 'no mapping step for the template\'s headers').to.not.match(/columns$/);
    await checked(plain.location!);
    expect((await admin.post(plain.location!, {})).status).to.equal(303);

    const mapped = imported(db, interventions.mapped);
    expect(mapped).to.have.length(5);
    expect(mapped).to.deep.equal(imported(db, interventions.itemIds));
    const audits = db.prepare("SELECT action, detail FROM audit_log WHERE action IN ('import.columns', 'import.csv') ORDER BY id").all() as { action: string; detail: string }[];
    expect(audits.map((a) => a.action)).to.deep.equal(['import.columns', 'import.csv', 'import.csv']);
    const columns = Object.fromEntries(HEADERS.map((h) => [h.toLowerCase(), MAPPING[h]]));
    expect(JSON.parse(audits[0]!.detail)).to.deep.equal({ columns });
    expect(JSON.parse(audits[1]!.detail)).to.include({ responses: 5 }).and.deep.include({ columns });
  });

  it('fills the remembered mapping in when the förbund\'s next file has the same headers, pasted or chosen', async () => {
    const sent = await upload(interventions.again, 'swedish-headers.csv');
    const page = await admin.get(sent.location!);
    expect(page.text).to.contain('id="columns-remembered"');
    expect(selects(page.text)).to.deep.equal(HEADERS.map((h) => ({ column: h, selected: MAPPING[h] })));

    const { text } = decodeBytes(fixture('swedish-headers.csv'));
    const pasted = await admin.post(`${base(interventions.pasted)}/import`, { csv: text });
    expect(pasted.location).to.match(/\/columns$/);
    const step = await admin.get(pasted.location!);
    expect(step.text).to.contain('Fil: inklistrad text');
    expect(selects(step.text).map((s) => s.selected)).to.deep.equal(HEADERS.map((h) => MAPPING[h]));
    const chosen = await admin.post(pasted.location!, { column: HEADERS.map((h) => MAPPING[h]!) });
    await checked(chosen.location!);
    expect((await admin.post(chosen.location!, {})).location).to.equal(`${base(interventions.pasted)}/import?imported=5`);
    expect(imported(db, interventions.pasted)).to.deep.equal(imported(db, interventions.itemIds));
  });

  describe('from the command line', () => {
    const cli = (...args: string[]) => runCli(path.join(server.dir, 'test.sqlite'), ['import', '--intervention', String(interventions.again), ...args, path.join(IMPORT_FIXTURES, 'swedish-headers.csv')]);

    it('says it needs --map for columns not named as in the template, and checks the mapping as the page does', () => {
      const bare = cli();
      expect(bare.status).to.equal(1);
      expect(bare.stderr).to.contain('the file\'s columns "Löpnummer", "Mätpunkt", "Datum", "Språk", "Förtroende FK", "Fråga 2", "Handläggare" are not the template\'s');
      expect(bare.stderr).to.contain('--map "<column>=<item id>"');
      const maps = HEADERS.map((h) => `--map=${h}=${h === 'Löpnummer' ? '-' : MAPPING[h]}`);
      expect(cli(...maps).stderr).to.contain('Ingen kolumn är vald som participant_ref');
      expect(cli('--map=Namn=fk_trust').stderr).to.contain('--map names the column "Namn", which the file\'s header does not have');
    });

    it('imports with --map as the page imports with its mapping', () => {
      const run = cli(...HEADERS.map((h) => `--map=${h}=${MAPPING[h]}`));
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.contain('Imported 5 questionnaire(s)');
      expect(imported(db, interventions.again)).to.deep.equal(imported(db, interventions.itemIds));
    });
  });
});
