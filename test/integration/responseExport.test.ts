import { expect } from 'chai';
import path from 'node:path';
import Papa from 'papaparse';
import { seedDemo } from '../../server/demo/seed.js';
import type { Codebook } from '../../server/domain/responseExport.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, listMeasurementPoints, setMeasurementPoint } from '../../server/storage/interventions.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';
import { runCli } from '../helpers/cli.js';

type Row = Record<string, string | number | null>;

/** A CSV as R's read.csv (or readr) reads it: header row, numbers as numbers, empty cells as missing. */
function readCsv(text: string, delimiter = ','): Row[] {
  const parsed = Papa.parse<Row>(text.replace(/^\uFEFF/, ''), {
    header: true, delimiter, skipEmptyLines: true,
    transform: (value) => (delimiter === ';' && /^-?\d+,\d+$/.test(value) ? value.replace(',', '.') : value),
    dynamicTyping: true,
  });
  expect(parsed.errors, JSON.stringify(parsed.errors.slice(0, 3))).to.deep.equal([]);
  return parsed.data.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === '' || v === undefined ? null : v])));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface ApiCell { n: number | null; mean: number | null; suppressed: boolean; point: string }
interface ApiChange { from: string; to: string; pairs: number | null; meanDiff: number | null; suppressed: boolean }
interface ApiSummary { indicators: { id: string; points: ApiCell[]; changes: ApiChange[] }[] }

describe('response-level export and codebook', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
    token = createApiToken(server.db, { name: 'test', federationId: 1, role: 'evaluator', createdBy: null }).token;
    makeUser(server.db, 'eval@export.example', [{ federationId: 1, role: 'evaluator' }]);
    makeUser(server.db, 'staff@export.example', [{ federationId: 1, role: 'staff' }], { assign: [1] });
  });
  after(() => server.close());

  it('gives a file R reads without cleaning, whose recounted summary equals the API\'s', async () => {
    const evaluator = await signedIn(server.url, 'eval@export.example');
    const csv = await evaluator.get('/f/1/interventions/1/export/responses.csv');
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.contain('text/csv');
    const rows = readCsv(csv.text);
    const submitted = server.db.prepare("SELECT count(*) FROM responses WHERE intervention_id = 1 AND status = 'submitted'").pluck().get() as number;
    expect(rows).to.have.length(submitted);

    const summary = await (await fetch(`${server.url}/api/v1/interventions/1/summary`, { headers: { authorization: `Bearer ${token}` } })).json() as ApiSummary;
    let compared = 0;
    for (const indicator of summary.indicators) {
      for (const cell of indicator.points.filter((c) => !c.suppressed && c.n !== null)) {
        const scores = rows.filter((r) => r.point === cell.point && r.counted_so_far === 1 && typeof r[`score_${indicator.id}`] === 'number').map((r) => r[`score_${indicator.id}`] as number);
        expect(scores.length, `${indicator.id} at ${cell.point}: n`).to.equal(cell.n);
        expect(mean(scores), `${indicator.id} at ${cell.point}: mean`).to.be.closeTo(cell.mean!, 1e-9);
        compared++;
      }
      for (const change of indicator.changes.filter((c) => !c.suppressed && c.pairs !== null)) {
        const before = new Map(rows.filter((r) => r.point === change.from && r.counted_so_far === 1 && typeof r[`score_${indicator.id}`] === 'number').map((r) => [r.participant, r[`score_${indicator.id}`] as number]));
        const diffs = rows.filter((r) => r.point === change.to && r.counted_so_far === 1 && typeof r[`score_${indicator.id}`] === 'number' && before.has(r.participant))
          .map((r) => (r[`score_${indicator.id}`] as number) - before.get(r.participant)!);
        expect(diffs.length, `${indicator.id} ${change.from}→${change.to}: pairs`).to.equal(change.pairs);
        expect(mean(diffs), `${indicator.id} ${change.from}→${change.to}: mean change`).to.be.closeTo(change.meanDiff!, 1e-9);
        compared++;
      }
    }
    expect(compared, 'figures compared').to.be.greaterThan(10);
  });

  it('describes every column and code in the codebook, with the texts in every language', async () => {
    const evaluator = await signedIn(server.url, 'eval@export.example');
    const header = (await evaluator.get('/f/1/interventions/1/export/responses.csv')).text.replace(/^\uFEFF/, '').split('\r\n')[0]!.split(',');
    const book = JSON.parse((await evaluator.get('/f/1/interventions/1/export/codebook.json')).text) as Codebook;
    expect(book.columns.map((c) => c.name)).to.deep.equal(header);
    const participant = instruments.get('participant')!;
    expect(book.instrument).to.include({ id: participant.id, version: participant.version });
    expect(book.codes.dontKnow).to.equal(-9);
    const trust = book.items.find((i) => i.id === 'fk_trust')!;
    expect(trust.text).to.have.all.keys(participant.languages);
    expect(book.items.find((i) => i.id === 'feel_failure')!.reversed).to.equal(true);
    expect(book.indicators.map((i) => i.id)).to.deep.equal(participant.indicators.map((i) => i.id));
    const sheet = readCsv((await evaluator.get('/f/1/interventions/1/export/codebook.csv')).text);
    expect(sheet.map((r) => r.column)).to.deep.equal(book.items.map((i) => i.column));
    expect(sheet.find((r) => r.item === 'fk_trust')!.text_en).to.equal(trust.text.en);
  });

  it('writes "vet ej" as −9, one row per answer in the long layout, and free text only when asked for', async () => {
    const evaluator = await signedIn(server.url, 'eval@export.example');
    const long = readCsv((await evaluator.get('/f/1/interventions/1/export/responses.csv?layout=long')).text);
    const answers = server.db.prepare(
      "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.intervention_id = 1 AND r.status = 'submitted' AND a.item_id <> 'anything_else'",
    ).pluck().get() as number;
    expect(long).to.have.length(answers);
    const dontKnow = server.db.prepare("SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.intervention_id = 1 AND r.status = 'submitted' AND a.dont_know = 1").pluck().get() as number;
    expect(long.filter((r) => r.value === -9)).to.have.length(dontKnow);
    expect(long.some((r) => r.item === 'anything_else')).to.equal(false);

    const wide = (await evaluator.get('/f/1/interventions/1/export/responses.csv')).text;
    expect(wide).not.to.contain('item_anything_else');
    const withText = readCsv((await evaluator.get('/f/1/interventions/1/export/responses.csv?freeText=1')).text);
    expect(Object.keys(withText[0]!)).to.include('item_anything_else');

    // Swedish Excel: semicolons and decimal commas, the same figures.
    const excel = readCsv((await evaluator.get('/f/1/interventions/1/export/responses.csv?dialect=excel-sv')).text, ';');
    const standard = readCsv(wide);
    expect(excel.map((r) => r.score_health)).to.deep.equal(standard.map((r) => r.score_health));
  });

  it('keeps to the filter, shows pseudonyms only, is refused to staff and is audited with its row count', async () => {
    const evaluator = await signedIn(server.url, 'eval@export.example');
    const rows = readCsv((await evaluator.get('/f/1/interventions/1/export/responses.csv?points=exit&gender=woman')).text);
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.every((r) => r.point === 'exit' && r.gender === 'woman')).to.equal(true);
    const people = server.db.prepare('SELECT pseudonym, local_ref AS localRef FROM participants WHERE intervention_id = 1').all() as { pseudonym: string; localRef: string | null }[];
    const pseudonyms = new Set(people.map((p) => p.pseudonym));
    expect(rows.every((r) => pseudonyms.has(String(r.participant)))).to.equal(true);
    const text = (await evaluator.get('/f/1/interventions/1/export/responses.csv')).text;
    for (const ref of people.map((p) => p.localRef).filter((r): r is string => !!r)) expect(text).not.to.contain(ref);

    const audited = server.db.prepare("SELECT detail FROM audit_log WHERE action = 'export.responses' ORDER BY id DESC LIMIT 2").pluck().all() as string[];
    expect(JSON.parse(audited[1]!)).to.deep.include({ responses: rows.length, rows: rows.length, query: { points: ['exit'], gender: 'woman' } });

    const staff = await signedIn(server.url, 'staff@export.example');
    expect((await staff.get('/f/1/interventions/1/export/responses.csv')).status).to.equal(403);
    expect((await evaluator.get('/f/1/interventions/1/export/responses.csv?layout=tall')).status).to.equal(400);
    const page = await evaluator.get('/f/1/interventions/1/export');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Exportera svar');
  });

  it('writes the same file from the command line, audited, and refuses an unknown intervention', async () => {
    const evaluator = await signedIn(server.url, 'eval@export.example');
    const web = (await evaluator.get('/f/1/interventions/1/export/responses.csv?layout=long')).text.replace(/^\uFEFF/, '');
    const out = runCli(path.join(server.dir, 'test.sqlite'), ['export', '--intervention', '1', '--layout', 'long']);
    expect(out.status, out.stderr).to.equal(0);
    expect(out.stdout.replace(/^\uFEFF/, '')).to.equal(web);
    const book = runCli(path.join(server.dir, 'test.sqlite'), ['export', '--intervention', '1', '--codebook']);
    expect((JSON.parse(book.stdout) as Codebook).instrument.id).to.equal('participant');
    expect(server.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'export.responses' AND actor = 'cli'").pluck().get()).to.equal(1);
    const wrong = runCli(path.join(server.dir, 'test.sqlite'), ['export', '--intervention', '999']);
    expect(wrong.status).to.not.equal(0);
    expect(wrong.stderr).to.contain('--intervention must name an existing intervention id');
  });

  it('imports its long file into an empty installation, whose analyses then equal the first one\'s', async () => {
    const evaluator = await signedIn(server.url, 'eval@export.example');
    const file = (await evaluator.get('/f/1/interventions/1/export/responses.csv?layout=long&freeText=1')).text;
    const points = listMeasurementPoints(server.db, 1);
    const empty = await startTestServer();
    try {
      const federation = createFederation(empty.db, 'Tomma förbundet');
      const intervention = createIntervention(empty.db, { federationId: federation.id, name: 'Kopian', kind: 'individual' });
      for (const p of points) setMeasurementPoint(empty.db, intervention.id, p.point, p.instrumentId);
      makeUser(empty.db, 'admin@tom.example', [{ federationId: federation.id, role: 'federation_admin' }]);
      const admin = await signedIn(empty.url, 'admin@tom.example');
      const imported = await admin.post(`/f/${federation.id}/interventions/${intervention.id}/import`, { csv: file, confirm: '1' });
      expect(imported.status, imported.text.slice(0, 2000)).to.equal(303);
      const submitted = server.db.prepare("SELECT count(*) FROM responses WHERE intervention_id = 1 AND status = 'submitted'").pluck().get();
      expect(empty.db.prepare("SELECT count(*) FROM responses WHERE status = 'submitted'").pluck().get()).to.equal(submitted);

      const copyToken = createApiToken(empty.db, { name: 'copy', federationId: federation.id, role: 'evaluator', createdBy: null }).token;
      const original = await (await fetch(`${server.url}/api/v1/interventions/1/summary`, { headers: { authorization: `Bearer ${token}` } })).json() as ApiSummary;
      const copy = await (await fetch(`${empty.url}/api/v1/interventions/${intervention.id}/summary`, { headers: { authorization: `Bearer ${copyToken}` } })).json() as ApiSummary;
      let compared = 0;
      original.indicators.forEach((indicator, i) => {
        indicator.points.forEach((cell, k) => {
          const other = copy.indicators[i]!.points[k]!;
          if (cell.suppressed || other.suppressed) return;
          expect([other.n, other.mean], `${indicator.id} at ${cell.point}`).to.deep.equal([cell.n, cell.mean]);
          compared++;
        });
        indicator.changes.forEach((change, k) => {
          const other = copy.indicators[i]!.changes[k]!;
          if (change.suppressed || other.suppressed) return;
          expect([other.pairs, other.meanDiff], `${indicator.id} ${change.from}→${change.to}`).to.deep.equal([change.pairs, change.meanDiff]);
          compared++;
        });
      });
      expect(compared).to.be.greaterThan(10);
    } finally {
      await empty.close();
    }
  });
});
