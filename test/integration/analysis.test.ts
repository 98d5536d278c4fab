import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import jStat from 'jstat';
import { seedDemo } from '../../server/demo/seed.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention } from '../../server/storage/interventions.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

describe('evaluator analysis and the summary API', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  let otherToken: string;
  let ajv: Ajv;
  let schemas: Record<string, object>;

  before(async () => {
    server = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
    token = createApiToken(server.db, { name: 'test', federationId: 1, role: 'evaluator', createdBy: null }).token;
    const other = createFederation(server.db, 'Annat förbund');
    createIntervention(server.db, { federationId: other.id, name: 'Annan insats', kind: 'individual' });
    otherToken = createApiToken(server.db, { name: 'other', federationId: other.id, role: 'evaluator', createdBy: null }).token;
    makeUser(server.db, 'eval@a.example', [{ federationId: 1, role: 'evaluator' }]);
    makeUser(server.db, 'board@a.example', [{ federationId: 1, role: 'board' }]);
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Parameters<typeof SwaggerParser.dereference>[0];
    const deref = (await SwaggerParser.dereference(structuredClone(doc))) as unknown as { components: { schemas: Record<string, object> } };
    schemas = deref.components.schemas;
    ajv = new Ajv({ strict: false, allErrors: true });
  });
  after(() => server.close());

  const api = (path: string, bearer = token) => fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  const conforms = (schema: string, body: unknown) => {
    const validate = ajv.compile(schemas[schema]!);
    const ok = validate(body);
    expect(ok, JSON.stringify(validate.errors)).to.equal(true);
  };

  it('serves a valid OpenAPI 3 document', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Parameters<typeof SwaggerParser.validate>[0];
    const api = await SwaggerParser.validate(structuredClone(doc));
    expect((api as { openapi: string }).openapi).to.match(/^3\./);
  });

  it('returns per point and indicator the figures of the stored scores, conforming to the OpenAPI schema', async () => {
    const res = await api('/interventions/1/summary');
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { indicators: { id: string; points: { point: string; n: number; mean: number; sd: number; ci95: [number, number]; median: number; sharePositive: number; suppressed: boolean }[]; change: { pairs: number; meanDiff: number; ci95: [number, number]; improved: number; unchanged: number; worse: number; suppressed: boolean } }[] };
    conforms('Summary', body);
    const trust = body.indicators.find((i) => i.id === 'trust_fk')!;
    const start = trust.points.find((p) => p.point === 'start')!;
    // Independent route: SQLite's own aggregates and jStat's t quantile (the app uses @stdlib).
    const sqlStats = server.db.prepare(`SELECT count(*) AS n, avg(score) AS mean, sum(score >= 5) AS positive FROM response_scores WHERE intervention_id = 1 AND point = 'start' AND indicator_id = 'trust_fk'`).get() as { n: number; mean: number; positive: number };
    const scores = server.db.prepare(`SELECT score FROM response_scores WHERE intervention_id = 1 AND point = 'start' AND indicator_id = 'trust_fk'`).pluck().all() as number[];
    expect(start.suppressed).to.equal(false);
    expect(start.n).to.equal(sqlStats.n);
    expect(start.mean).to.be.closeTo(sqlStats.mean, 1e-9);
    expect(start.sharePositive).to.be.closeTo(sqlStats.positive / sqlStats.n, 1e-9);
    const sd = jStat.stdev(scores, true);
    expect(start.sd).to.be.closeTo(sd, 1e-9);
    const half = jStat.studentt.inv(0.975, scores.length - 1) * (sd / Math.sqrt(scores.length));
    // jStat inverts the t CDF iteratively (about 1e-8), @stdlib to machine precision.
    expect(start.ci95[0]).to.be.closeTo(sqlStats.mean - half, 1e-6);
    expect(start.ci95[1]).to.be.closeTo(sqlStats.mean + half, 1e-6);
    expect(start.median).to.be.closeTo(jStat.median(scores), 1e-9);

    const pairs = server.db.prepare(`SELECT s.score AS before, e.score AS after FROM response_scores s JOIN response_scores e
      ON e.participant_id = s.participant_id AND e.intervention_id = 1 AND e.point = 'exit' AND e.indicator_id = 'trust_fk'
      WHERE s.intervention_id = 1 AND s.point = 'start' AND s.indicator_id = 'trust_fk'`).all() as { before: number; after: number }[];
    const diffs = pairs.map((p) => p.after - p.before);
    expect(trust.change.pairs).to.equal(pairs.length);
    expect(trust.change.meanDiff).to.be.closeTo(jStat.mean(diffs), 1e-9);
    expect(trust.change.improved).to.equal(diffs.filter((d) => d > 0).length);
    expect(trust.change.worse).to.equal(diffs.filter((d) => d < 0).length);
    expect(trust.change.unchanged).to.equal(diffs.filter((d) => d === 0).length);
  });

  it('filters by gender and round, and hides small groups', async () => {
    type Cell = { point: string; n: number | null; suppressed: boolean; reason: string | null };
    const women = (await (await api('/interventions/1/summary?gender=woman&points=start,exit')).json()) as { points: string[]; indicators: { id: string; points: Cell[] }[] };
    conforms('Summary', women);
    expect(women.points).to.deep.equal(['start', 'exit']);
    const n = (server.db.prepare(`SELECT count(*) AS n FROM response_scores WHERE intervention_id = 1 AND point = 'start' AND indicator_id = 'health' AND gender = 'woman'`).get() as { n: number }).n;
    const cell = women.indicators.find((i) => i.id === 'health')!.points.find((p) => p.point === 'start')!;
    // Shown with the count of the rows, or hidden: too few below 5, else to protect another group.
    const shownOrHidden = (c: Cell, rows: number) => {
      if (rows > 0 && rows < 5) expect(c).to.include({ suppressed: true, reason: 'tooFew' });
      else if (c.suppressed) expect(c.reason).to.equal('complementary');
      else expect(c.n).to.equal(rows);
    };
    shownOrHidden(cell, n);

    const round = (await (await api('/interventions/1/summary?round=1')).json()) as { indicators: { id: string; points: Cell[] }[] };
    const roundN = (server.db.prepare(`SELECT count(*) AS n FROM response_scores WHERE intervention_id = 1 AND point = 'start' AND indicator_id = 'health' AND round_id = 1`).get() as { n: number }).n;
    shownOrHidden(round.indicators.find((i) => i.id === 'health')!.points.find((p) => p.point === 'start')!, roundN);

    // The satisfaction indicator is asked at exit only: at start it is "not asked", not "too few".
    const all = (await (await api('/interventions/1/summary')).json()) as { indicators: { id: string; points: (Cell & { mean: number | null })[] }[] };
    const satisfactionStart = all.indicators.find((i) => i.id === 'satisfaction')!.points.find((p) => p.point === 'start')!;
    expect(satisfactionStart).to.include({ suppressed: true, n: null, mean: null, reason: 'notAsked' });
  });

  it('refuses bad queries, other förbund and missing tokens with errors that conform', async () => {
    const bad = await api('/interventions/1/summary?points=sometimes');
    expect(bad.status).to.equal(400);
    conforms('Error', await bad.json());
    const foreign = await api('/interventions/1/summary', otherToken);
    expect(foreign.status).to.equal(403);
    conforms('Error', await foreign.json());
    const missing = await api('/interventions/9999/summary');
    expect(missing.status).to.equal(404);
    const list = await api('/interventions');
    conforms('InterventionList', await list.json());
  });

  it('shows the analysis screens and exports CSV for evaluators only, audited', async () => {
    const evaluator = await signedIn(server.url, 'eval@a.example');
    const page = await evaluator.get('/f/1/interventions/1/results');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('förbättrades');
    expect(page.text).to.contain('data-change="start-exit"');
    expect(page.text).to.contain('Jämställdhet');
    const drill = await evaluator.get('/f/1/interventions/1/results/indicators/self_efficacy');
    expect(drill.status).to.equal(200);
    expect(drill.text).to.contain('omvänd fråga');
    const compare = await evaluator.get('/f/1/compare?indicator=health&point=exit&intervention=1');
    expect(compare.text).to.contain('id="side-by-side"');
    expect(compare.text).to.contain('id="trend"');
    const csv = await evaluator.get('/f/1/interventions/1/results?format=csv&table=change');
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.contain('text/csv');
    expect(csv.text.split('\n')[0]).to.contain('indicator,from,to,pairs,before,after,meanDiff,ciLow,ciHigh,verdict,wilcoxonP,wilcoxonMethod');
    const audited = server.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'export.csv'`).get() as { n: number };
    expect(audited.n).to.equal(1);
    const board = await signedIn(server.url, 'board@a.example');
    expect((await board.get('/f/1/interventions/1/results')).status).to.equal(200);
    expect((await board.get('/f/1/interventions/1/results?format=csv')).status).to.equal(403);
    expect((await evaluator.get('/f/1/interventions/1/results?round=abc')).status).to.equal(400);
  });

  it('compares förbund and delprojekt only across förbund the caller may read, with a protected total', async () => {
    const regional = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
    try {
      const federations = regional.db.prepare('SELECT id FROM federations ORDER BY id').pluck().all() as number[];
      makeUser(regional.db, 'two@region.example', [{ federationId: federations[0]!, role: 'evaluator' }, { federationId: federations[1]!, role: 'evaluator' }]);
      const client = await signedIn(regional.url, 'two@region.example');
      const page = await client.get('/analysis/region?indicator=health&point=exit');
      expect(page.status).to.equal(200);
      const names = regional.db.prepare('SELECT name FROM federations ORDER BY id').pluck().all() as string[];
      expect(page.text).to.contain(names[0]!);
      expect(page.text).to.contain(names[1]!);
      expect(page.text, 'a förbund the evaluator has no role in').not.to.contain(names[2]!);
      const n = (fid: number) => (regional.db.prepare(`SELECT count(*) AS n FROM response_scores s JOIN interventions i ON i.id = s.intervention_id
        WHERE i.federation_id = ? AND s.point = 'exit' AND s.indicator_id = 'health' AND s.latest = 1`).get(fid) as { n: number }).n;
      const csv = await client.get(`/analysis/region?indicator=health&point=exit&format=csv`);
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).to.contain('federation');
      expect(lines[1]).to.contain(`,${n(federations[0]!)},`);
      expect(lines.at(-1)).to.match(new RegExp(`^total,.*,${n(federations[0]!) + n(federations[1]!)},`));
      expect((await client.get(`/analysis/region?federations=${federations[2]}`)).status).to.equal(403);
      const subproject = regional.db.prepare('SELECT id FROM subprojects WHERE federation_id = ?').pluck().get(federations[0]!) as number;
      expect((await client.get(`/analysis/region?subproject=${subproject}&federations=${federations[0]}`)).status).to.equal(200);
      const board = makeUser(regional.db, 'board@region.example', [{ federationId: federations[0]!, role: 'board' }]);
      expect(board.id).to.be.greaterThan(0);
      const boardClient = await signedIn(regional.url, 'board@region.example');
      expect((await boardClient.get('/analysis/region?format=csv')).status, 'board members may not export').to.equal(403);
    } finally {
      await regional.close();
    }
  });
});
