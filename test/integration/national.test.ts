import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { createApp } from '../../server/app.js';
import { seedDemoFederations } from '../../server/demo/nationalSeed.js';
import type { SubmissionDocument } from '../../server/domain/nationalSubmission.js';
import { readSubmissionFile } from '../../server/forms/submissionFile.js';
import { closePdfRenderer } from '../../server/pdf.js';
import { hashPasswordSync } from '../../server/security/password.js';
import { nationalSubmission } from '../../server/services/nationalSubmission.js';
import { createFederation, getFederation, listFederations } from '../../server/storage/federations.js';
import { createUser } from '../../server/storage/users.js';
import { HttpClient } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn, TEST_PASSWORD } from '../helpers/users.js';
import { runCli } from '../helpers/cli.js';

const YEARS = [2024, 2025];

/** Every shown figure of a national report page: the n in data-n. */
const shownSizes = (html: string) => [...html.matchAll(/data-n="(\d+)"/g)].map((m) => Number(m[1]));

describe('the national report: förbund send protected aggregates, NNS reads them', function () {
  this.timeout(120_000);
  let local: TestServer;
  let national: TestServer;
  let admin: HttpClient;
  let nns: HttpClient;
  const files = new Map<string, SubmissionDocument>();

  before(async () => {
    local = await startTestServer({ prepare: (db) => void seedDemoFederations(db, instruments, 'national-test', YEARS) });
    makeUser(local.db, 'admin@norr.example', [{ federationId: 1, role: 'federation_admin' }]);
    makeUser(local.db, 'eval@norr.example', [{ federationId: 1, role: 'evaluator' }]);
    admin = await signedIn(local.url, 'admin@norr.example');
    national = await startTestServer({ config: { mode: 'national' } });
    createUser(national.db, { email: 'nns@nns.example', name: 'NNS', passwordHash: hashPasswordSync(TEST_PASSWORD), isNational: true });
    createUser(national.db, { email: 'plain@nns.example', name: 'Plain', passwordHash: hashPasswordSync(TEST_PASSWORD) });
    nns = await signedIn(national.url, 'nns@nns.example');
  });

  after(async () => {
    await closePdfRenderer();
    await local.close();
    await national.close();
  });

  it('shows a förbund admin what the file holds and gives it as JSON that passes its schema, audited', async () => {
    const page = await admin.get('/f/1/national?year=2025');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Inrapportering till NNS').and.include('222010-0107');
    const res = await admin.get('/f/1/national/2025.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.include('nns-222010-0107-2025.json');
    const checked = readSubmissionFile(res.text);
    expect(checked.ok, JSON.stringify(!checked.ok && checked.errors)).to.equal(true);
    const doc = checked.ok ? checked.document : null!;
    expect(doc.federation.name).to.equal(getFederation(local.db, 1)!.name);
    expect(doc.year).to.equal(2025);
    // The file's questionnaires are the förbund's questionnaires sent in 2025, counted in the database.
    const sent = local.db.prepare(`SELECT count(*) FROM responses r JOIN interventions i ON i.id = r.intervention_id
      WHERE i.federation_id = 1 AND r.status = 'submitted' AND r.submitted_on >= '2025-01-01' AND r.submitted_on < '2026-01-01'`).pluck().get();
    expect(doc.total.questionnaires).to.equal(sent);
    for (const c of doc.cells) if (!c.suppressed) expect(c.n, `${c.indicator} ${c.gender}`).to.be.at.least(5);
    const audited = local.db.prepare("SELECT detail FROM audit_log WHERE action = 'national.submission'").pluck().all() as string[];
    expect(audited).to.have.length(1);
    expect(JSON.parse(audited[0]!)).to.include({ year: 2025, format: 'json', cells: doc.cells.length });
    const csv = await admin.get('/f/1/national/2025.csv');
    const rows = Papa.parse<Record<string, string>>(csv.text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    expect(rows).to.have.length(doc.cells.length);
    expect(rows.filter((r) => r.hidden === '').map((r) => Number(r.n))).to.deep.equal(doc.cells.filter((c) => !c.suppressed).map((c) => c.n));
  });

  it('is for förbund admins only, and needs the organisation number', async () => {
    const evaluator = await signedIn(local.url, 'eval@norr.example');
    expect((await evaluator.get('/f/1/national')).status).to.equal(403);
    const bare = createFederation(local.db, 'Förbund utan nummer');
    makeUser(local.db, 'admin@bare.example', [{ federationId: bare.id, role: 'federation_admin' }]);
    const bareAdmin = await signedIn(local.url, 'admin@bare.example');
    const page = await bareAdmin.get(`/f/${bare.id}/national`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('organisationsnummer');
    expect((await bareAdmin.get(`/f/${bare.id}/national/2025.json`)).status).to.equal(404);
    // The number is set in the förbund's settings, checked (a wrong check digit is refused) and unique.
    await bareAdmin.get(`/f/${bare.id}/settings`);
    const wrong = await bareAdmin.post(`/f/${bare.id}/settings`, { name: bare.name, organisationNumber: '222000-1231' });
    expect(wrong.status).to.equal(422);
    // Every page with an error says so first in its title.
    expect(wrong.text).to.match(/<title>Fel: Förbundets uppgifter/);
    expect((await bareAdmin.post(`/f/${bare.id}/settings`, { name: bare.name, organisationNumber: '222010-0107' })).status).to.equal(422);
    expect((await bareAdmin.post(`/f/${bare.id}/settings`, { name: bare.name, organisationNumber: '2220001230' })).status).to.equal(303);
    expect(getFederation(local.db, bare.id)!.organisationNumber).to.equal('222000-1230');
  });

  it('receives the files of twelve förbund, refuses a file with a small cell or microdata, and replaces one only when asked', async () => {
    for (const f of listFederations(local.db).filter((x) => x.organisationNumber !== null && x.organisationNumber !== '222000-1230')) {
      for (const year of YEARS) {
        const doc = nationalSubmission(local.ctx, { ...f, organisationNumber: f.organisationNumber! }, year);
        files.set(`${f.organisationNumber}/${year}`, doc);
        await nns.get('/national/submissions');
        const res = await nns.post('/national/submissions', { document: JSON.stringify(doc) });
        expect(res.status, `${f.name} ${year}`).to.equal(303);
      }
    }
    expect(national.db.prepare('SELECT count(*) FROM national_submissions').pluck().get()).to.equal(24);

    const first = files.get('222010-0107/2025')!;
    await nns.get('/national/submissions');
    const again = await nns.post('/national/submissions', { document: JSON.stringify(first) });
    expect(again.status).to.equal(409);
    expect(again.text).to.include('name="replace"');
    const replaced = await nns.post('/national/submissions', { document: JSON.stringify({ ...first, producedAt: '2026-03-01T10:00:00.000Z' }), replace: '1' });
    expect(replaced.status).to.equal(303);
    expect(national.db.prepare("SELECT replaced_count, produced_at FROM national_submissions WHERE organisation_number = '222010-0107' AND year = 2025").get())
      .to.deep.equal({ replaced_count: 1, produced_at: '2026-03-01T10:00:00.000Z' });

    const before = national.db.prepare('SELECT count(*), sum(replaced_count) FROM national_submissions').raw().get();
    const small = structuredClone(first);
    const hidden = small.cells.find((c) => c.suppressed && c.reason === 'tooFew') ?? small.cells.find((c) => c.suppressed)!;
    Object.assign(hidden, { suppressed: false, reason: null, n: 3, mean: 4, sd: 1, sharePositive: 0.33, distribution: [0, 0, 1, 1, 1, 0, 0] });
    await nns.get('/national/submissions');
    const refused = await nns.post('/national/submissions', { document: JSON.stringify(small), replace: '1' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.include('färre än 5 personer');
    await nns.get('/national/submissions');
    const microdata = await nns.post('/national/submissions', { document: JSON.stringify({ ...first, responses: [{ participant: 'P-1', trust_fk: 2 }] }), replace: '1' });
    expect(microdata.status).to.equal(422);
    expect(microdata.text).to.include('följer inte filformatet');
    expect(national.db.prepare('SELECT count(*), sum(replaced_count) FROM national_submissions').raw().get()).to.deep.equal(before);
    const refusals = national.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'national.refuse'").pluck().get();
    expect(refusals).to.equal(2);
  });

  it('shows the national report: every förbund side by side, totals of the figures sent, no small cell, CSV and PDF', async () => {
    const page = await nns.get('/national?year=2025&group=participant&kind=individual&point=start');
    expect(page.status).to.equal(200);
    const docs = [...files.entries()].filter(([k]) => k.endsWith('/2025')).map(([, d]) => d);
    for (const d of docs) expect(page.text).to.include(d.federation.name);
    const sizes = shownSizes(page.text);
    expect(sizes.length).to.be.greaterThan(20);
    expect(Math.min(...sizes)).to.be.at.least(5);
    // The whole country's n of an indicator is the sum of the förbund's figures that were sent with numbers.
    const sent = docs.flatMap((d) => d.cells).filter((c) => c.respondentGroup === 'participant' && c.point === 'start' && c.indicator === 'trust_fk' && c.gender === null);
    const total = sent.filter((c) => !c.suppressed).reduce((s, c) => s + c.n!, 0);
    const row = /<tr data-indicator="trust_fk">\s*<th[^>]*>[^<]*<\/th>\s*<td class="num">([\d\s\u00a0]+)<\/td>/.exec(page.text);
    expect(Number(row![1]!.replace(/\D/g, ''))).to.equal(total);
    expect(page.text).to.include('id="trend"').and.include('2024');

    const csv = await nns.get('/national/report.csv?year=2025&group=participant&kind=individual&point=start');
    const rows = Papa.parse<Record<string, string>>(csv.text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    const totalRow = rows.find((r) => r.indicator === 'trust_fk' && r.federation === 'total' && r.gender === 'all')!;
    expect(Number(totalRow.n)).to.equal(total);
    for (const r of rows) if (r.n !== '' && r.federation !== 'total') expect(Number(r.n)).to.be.at.least(5);

    const pdf = await nns.download('/national/report.pdf?year=2025');
    expect(pdf.status).to.equal(200);
    expect(pdf.bytes.subarray(0, 4).toString()).to.equal('%PDF');
    const actions = national.db.prepare("SELECT action FROM audit_log WHERE action IN ('national.view', 'national.export')").pluck().all();
    expect(actions).to.include.members(['national.view', 'national.export']);
  });

  it('works from the command line too: a förbund writes its file, the national installation receives it, both audited', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-nns-'));
    try {
      const file = path.join(dir, 'nns-2024.json');
      const made = runCli(path.join(local.dir, 'test.sqlite'), ['national-submission', '--federation', '1', '--year', '2024', '--out', file]);
      expect(made.status, made.stderr).to.equal(0);
      const checked = readSubmissionFile(fs.readFileSync(file, 'utf8'));
      expect(checked.ok && checked.document.year).to.equal(2024);
      const nationalFile = path.join(national.dir, 'test.sqlite');
      // The web upload above received this förbund's 2024 already: the command line says so, and replaces it only when told.
      const again = runCli(nationalFile, ['national-receive', file], '', { INDIKATOR_MODE: 'national' });
      expect(again.status).to.equal(1);
      expect(again.stdout).to.include('222010-0107').and.include('--replace');
      const replaced = runCli(nationalFile, ['national-receive', '--replace', file], '', { INDIKATOR_MODE: 'national' });
      expect(replaced.status, replaced.stderr).to.equal(0);
      expect(replaced.stdout).to.include('replaced');
      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(broken, fs.readFileSync(file, 'utf8').replace('"minGroupSize": 5', '"minGroupSize": 2'));
      const refused = runCli(nationalFile, ['national-receive', broken], '', { INDIKATOR_MODE: 'national' });
      expect(refused.status).to.equal(1);
      expect(refused.stderr).to.include('schema /minGroupSize');
      // A local installation does not receive files.
      expect(runCli(path.join(local.dir, 'test.sqlite'), ['national-receive', file]).status).to.equal(1);
      expect(local.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'national.submission' AND actor = 'cli'").pluck().get()).to.equal(1);
      expect(national.db.prepare("SELECT action FROM audit_log WHERE actor = 'cli' ORDER BY id").pluck().all()).to.deep.equal(['national.replace', 'national.refuse']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds no microdata and answers nothing of a local installation', async () => {
    for (const table of ['federations', 'interventions', 'participants', 'responses', 'answers', 'response_scores', 'access_codes']) {
      expect(national.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).to.equal(0);
    }
    const routes = listRoutes(createApp(national.ctx));
    expect(routes.filter((r) => /\/s\b|\/f\/|\/api\//.test(r))).to.deep.equal([]);
    const anonymous = new HttpClient(national.url);
    expect((await anonymous.get('/s')).status).to.equal(404);
    expect((await anonymous.get('/national')).status).to.equal(303);
    const plain = await signedIn(national.url, 'plain@nns.example');
    expect((await plain.get('/national')).status).to.equal(403);
    expect((await plain.get('/national/submissions')).status).to.equal(403);
    await plain.get('/account');
    expect((await plain.post('/national/submissions', { document: '{}' })).status).to.equal(403);
  });
});
