import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { UPLOAD_MAX_BYTES } from '../../server/domain/csvImport.js';
import type { Db } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { dumpDatabase, IMPORT_FIXTURES } from '../helpers/dbDump.js';
import type { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

/** Every table but the sessions (a page view touches its session). */
const data = (db: Db) => {
  const { sessions: _sessions, ...rest } = dumpDatabase(db);
  return rest;
};
const uploads = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('indikator-upload-'));
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(IMPORT_FIXTURES, name)));

describe('CSV import: a chosen file uploaded, checked with progress, then confirmed', function () {
  this.timeout(60_000);
  let server: TestServer;
  let db: Db;
  let base: string;
  let staff: HttpClient;
  let other: HttpClient;

  const upload = async (client: HttpClient, name: string, bytes = fixture(name), opts: { csrf?: string | null } = {}) => {
    await client.get(`${base}/import`);
    return client.postFile(`${base}/import/upload`, {}, { field: 'file', name, bytes }, opts);
  };
  /** The job's page once its check is done (the progress page refreshes until then). */
  const checked = async (client: HttpClient, jobPath: string) => {
    for (let i = 0; i < 200; i++) {
      const page = await client.get(jobPath);
      if (!page.text.includes('id="import-progress"')) return page;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the check did not end');
  };

  before(async () => {
    server = await startTestServer();
    db = server.db;
    const federation = createFederation(db, 'Förbund U');
    const intervention = createIntervention(db, { federationId: federation.id, name: 'Uppladdningen', kind: 'individual' });
    for (const p of ['start', 'exit'] as const) setMeasurementPoint(db, intervention.id, p, 'participant');
    base = `/f/${federation.id}/interventions/${intervention.id}`;
    makeUser(db, 'staff@u.example', [{ federationId: federation.id, role: 'staff' }], { assign: [intervention.id] });
    makeUser(db, 'admin@u.example', [{ federationId: federation.id, role: 'federation_admin' }]);
    staff = await signedIn(server.url, 'staff@u.example');
    other = await signedIn(server.url, 'admin@u.example');
  });
  after(() => server.close());

  it('offers a plain multipart form with the token before the file, working without JavaScript', async () => {
    const page = await staff.get(`${base}/import`);
    const form = /<form method="post" action="[^"]+\/import\/upload" enctype="multipart\/form-data"[^>]*>([\s\S]*?)<\/form>/.exec(page.text);
    expect(form, 'upload form').to.not.equal(null);
    expect(form![1]!.indexOf('name="_csrf"')).to.be.lessThan(form![1]!.indexOf('name="file"'));
    expect(form![1]).to.not.contain('hidden>');
    expect(page.text).to.contain('Högst 64 MB och 200000 enkäter.');
  });

  it('checks a Swedish Excel file (Windows-1252) in the background, previews it, imports it on confirmation and deletes the file', async () => {
    const before = uploads().length;
    const sent = await upload(staff, 'excel-sv-windows-1252.csv');
    expect(sent.status).to.equal(303);
    const jobPath = sent.location!;
    expect(jobPath).to.match(new RegExp(`^${base}/import/jobs/[A-Za-z0-9_-]{22}$`));
    expect(uploads()).to.have.length(before + 1);
    const progress = await staff.get(`${jobPath}/progress`);
    expect(JSON.parse(progress.text)).to.have.keys(['state', 'rows', 'percent']);
    const preview = await checked(staff, jobPath);
    expect(preview.status).to.equal(200);
    expect(preview.text).to.match(/data-count="rows">5</).and.match(/data-count="new">3</).and.contain('Fil: excel-sv-windows-1252.csv');
    expect(dumpDatabase(db).responses).to.have.length(0);
    // Someone else (even an admin of the förbund) does not see or confirm another's upload.
    await other.get(`${base}/import`);
    expect((await other.get(jobPath)).status).to.equal(404);
    expect((await other.post(jobPath, {})).status).to.equal(404);

    const done = await staff.post(jobPath, {});
    expect(done.status).to.equal(303);
    expect(done.location).to.equal(`${base}/import?imported=5`);
    const texts = db.prepare("SELECT a.value_text FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.source = 'import' AND a.item_id = 'anything_else' ORDER BY 1").pluck().all();
    expect(texts).to.include('Bra stöd; "tydligt" och lugnt');
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'import.csv'").pluck().get()).to.equal(1);
    expect(uploads()).to.have.length(before);
    expect((await staff.get(jobPath)).status, 'the job is gone').to.equal(404);
  });

  it('shows a bad file\'s errors by row in Swedish, imports nothing, and cancelling deletes the file', async () => {
    const before = data(db);
    const files = uploads().length;
    const sent = await upload(staff, 'bad-value.csv');
    const page = await checked(staff, sent.location!);
    expect(page.status).to.equal(422);
    expect(page.text).to.contain('Rad 3, kolumn fk_trust: ”9” är inget giltigt svar.').and.contain('Rad 5, kolumn submitted_on:');
    expect((await staff.post(sent.location!, {})).status, 'no confirmation of a file with errors').to.equal(303);
    expect((await staff.post(`${sent.location!}/cancel`, {})).location).to.equal(`${base}/import`);
    expect(uploads()).to.have.length(files);
    expect(data(db)).to.deep.equal(before);
  });

  it('shows progress while a large file is checked: a self-refreshing page without JavaScript, a JSON poll with it', async () => {
    const header = fs.readFileSync(path.join(IMPORT_FIXTURES, 'utf8-bom.csv'), 'utf8').split('\n')[0]!;
    const cells = header.split(',').length;
    const rows = Array.from({ length: 60_000 }, (_, k) => [`Stor ${k}`, 'start', '2024-01-10', 'sv', '5', ...Array.from({ length: cells - 5 }, () => '')].join(','));
    const sent = await upload(staff, 'stor.csv', new TextEncoder().encode(`${header}\n${rows.join('\n')}\n`));
    const first = await staff.get(sent.location!);
    expect(first.text).to.contain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
    expect(first.text).to.match(/<progress id="import-progress" max="100" value="\d+"/).and.contain('/static/js/importProgress.js').and.not.match(/<script>(?!<\/script>)/);
    const polled = JSON.parse((await staff.get(`${sent.location!}/progress`)).text) as { state: string; rows: number; percent: number };
    expect(polled.state).to.be.oneOf(['checking', 'checked']);
    const page = await checked(staff, sent.location!);
    expect(page.text).to.match(/data-count="rows">60000</);
    expect(JSON.parse((await staff.get(`${sent.location!}/progress`)).text)).to.deep.equal({ state: 'checked', rows: 60_000, percent: 100 });
    await staff.post(`${sent.location!}/cancel`, {});
  });

  it('refuses an upload without a valid token before storing it, and says when no file was chosen or it is too large', async () => {
    const files = uploads().length;
    const before = data(db);
    expect((await upload(staff, 'long.csv', fixture('long.csv'), { csrf: null })).status).to.equal(403);
    expect((await upload(staff, 'long.csv', fixture('long.csv'), { csrf: 'not-the-token' })).status).to.equal(403);
    expect(uploads()).to.have.length(files);
    await staff.get(`${base}/import`);
    const none = await staff.postFile(`${base}/import/upload`, {}, null);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Välj CSV-filen.');
    const big = await upload(staff, 'stor.csv', new Uint8Array(UPLOAD_MAX_BYTES + 1).fill(0x41));
    expect(big.status).to.equal(422);
    expect(big.text).to.contain('Filen är större än 64 MB.');
    expect(uploads()).to.have.length(files);
    expect(data(db)).to.deep.equal(before);
  });
});

describe('CSV import: the server answers while a large import is written', function () {
  this.timeout(120_000);
  let server: TestServer;
  after(() => server.close());

  it('answers /healthz and reads the state before the import while the import\'s worker holds the write lock, then has every row', async () => {
    server = await startTestServer();
    const federation = createFederation(server.db, 'Förbund S');
    const intervention = createIntervention(server.db, { federationId: federation.id, name: 'Stora filen', kind: 'individual' });
    for (const p of ['start', 'exit'] as const) setMeasurementPoint(server.db, intervention.id, p, 'participant');
    const base = `/f/${federation.id}/interventions/${intervention.id}`;
    makeUser(server.db, 'staff@s.example', [{ federationId: federation.id, role: 'staff' }], { assign: [intervention.id] });
    const staff = await signedIn(server.url, 'staff@s.example');
    const header = fs.readFileSync(path.join(IMPORT_FIXTURES, 'utf8-bom.csv'), 'utf8').split('\n')[0]!;
    const ROWS = 40_000;
    const rows = Array.from({ length: ROWS }, (_, k) => `Stor ${k},start,2024-01-10,sv,${1 + (k % 7)},${1 + ((k + 3) % 7)},4,5,3,2,6,7,5,4,3,2,4,5,6,3,2,5,vet ej,4,30_39,woman,salary,working_now,,,,`);
    await staff.get(`${base}/import`);
    const sent = await staff.postFile(`${base}/import/upload`, {}, { field: 'file', name: 'stor.csv', bytes: new TextEncoder().encode(`${header}\n${rows.join('\n')}\n`) });
    for (let i = 0; i < 600 && (await staff.get(sent.location!)).text.includes('id="import-progress"'); i++) await new Promise((resolve) => setTimeout(resolve, 50));

    // A connection of the test's own that never waits: BEGIN IMMEDIATE fails while another holds the write lock.
    const probe = new Database(path.join(server.dir, 'test.sqlite'), { timeout: 0 });
    const locked = () => {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return false;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        return true;
      }
    };
    let confirmed = false;
    const confirm = staff.post(sent.location!, {}).finally(() => (confirmed = true));
    for (let i = 0; i < 400 && !locked(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const seen: { status: number; ms: number; stored: unknown; locked: boolean; pending: boolean }[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/healthz`);
      seen.push({ status: res.status, ms: performance.now() - t0, stored: server.db.prepare("SELECT count(*) FROM responses WHERE source = 'import'").pluck().get(), locked: locked(), pending: !confirmed });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const done = await confirm;
    probe.close();
    const during = seen.filter((s) => s.locked && s.pending);
    expect(during.length, JSON.stringify(seen)).to.be.greaterThan(2);
    for (const s of during) expect(s).to.include({ status: 200, stored: 0 }).and.satisfy((x: { ms: number }) => x.ms < 1000);
    expect(done.location).to.equal(`${base}/import?imported=${ROWS}`);
    expect(server.db.prepare("SELECT count(*) FROM responses WHERE source = 'import'").pluck().get()).to.equal(ROWS);
  });
});
