import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed.js';
import { closePdfRenderer } from '../../server/pdf.js';
import type { MeasurementPoint } from '../../server/domain/instrumentTypes.js';
import type { Db } from '../../server/storage/db.js';
import { recountLatest } from '../../server/storage/population.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// Figures are computed here straight from the rows, by other means than the app (SQL, plain
// arithmetic and jStat), and compared with what the report shows.

const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: { studentt: { inv(p: number, df: number): number } } };
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#8594;|&rarr;/g, '→').replace(/\s+/g, ' ');
const num = (s: string) => Number(s.replace('\u2212', '-').replace(',', '.'));

/** The HTML of the element that has the attribute, up to its closing tag name. */
function element(html: string, attribute: string, tag: string): string {
  const start = html.indexOf(attribute);
  if (start < 0) throw new Error(`no ${attribute}`);
  const open = html.lastIndexOf(`<${tag}`, start);
  const close = html.indexOf(`</${tag}>`, start);
  return html.slice(open, close + tag.length + 3);
}

/**
 * Each participant's latest submitted answer at a point (by the date it counts on, then the time it
 * was sent), only answers of one round when given, and that answer's score of the indicator.
 */
function latestScores(db: Db, interventionId: number, indicatorId: string, point: string, roundId: number | null): Map<number, number> {
  const rows = db.prepare(
    `SELECT r.participant_id AS pid, rs.score FROM responses r LEFT JOIN response_scores rs ON rs.response_id = r.id AND rs.indicator_id = ?
     WHERE r.intervention_id = ? AND r.point = ? AND r.status = 'submitted' AND r.participant_id IS NOT NULL AND (? IS NULL OR r.round_id = ?)
     ORDER BY r.submitted_on, r.submitted_at, r.id`,
  ).all(indicatorId, interventionId, point, roundId, roundId) as { pid: number; score: number | null }[];
  const latest = new Map<number, number | null>();
  for (const r of rows) latest.set(r.pid, r.score);
  return new Map([...latest].filter((e): e is [number, number] => e[1] !== null));
}

interface Pair { before: number; after: number }

/** The pairs of a change start → exit in a round: the latest exit answer in the round, the latest start answer so far. */
function pairsOf(db: Db, interventionId: number, indicatorId: string, roundId: number | null): Pair[] {
  const start = latestScores(db, interventionId, indicatorId, 'start', null);
  return [...latestScores(db, interventionId, indicatorId, 'exit', roundId)].filter(([pid]) => start.has(pid)).map(([pid, after]) => ({ before: start.get(pid)!, after }));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Checks a change sentence of the report against the pairs: counts, verdict from the t CI, and the rounded numbers agreeing with each other. */
function checkSentence(sentence: string, label: string, pairs: Pair[]): void {
  const m = new RegExp(`^${label}: (?:(\\S+) → (\\S+) \\((\\S+)\\)|förändring (\\S+))\\. (Tydlig förbättring|Ingen säker förändring|Tydlig försämring): (\\S+) av (\\S+) förbättrades, (\\S+) försämrades\\.$`).exec(sentence);
  expect(m, sentence).to.not.equal(null);
  const diffs = pairs.map((p) => p.after - p.before);
  const d = mean(diffs);
  const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - d) ** 2, 0) / (diffs.length - 1));
  const half = jStat.studentt.inv(0.975, diffs.length - 1) * sd / Math.sqrt(diffs.length);
  const verdict = d - half > 0 ? 'Tydlig förbättring' : d + half < 0 ? 'Tydlig försämring' : 'Ingen säker förändring';
  expect(m![5], sentence).to.equal(verdict);
  expect(num(m![7]!), sentence).to.equal(pairs.length);
  expect(num(m![6]!), sentence).to.equal(diffs.filter((x) => Math.round(x * 1e9) > 0).length);
  expect(num(m![8]!), sentence).to.equal(diffs.filter((x) => Math.round(x * 1e9) < 0).length);
  const diffText = m![3] ?? m![4]!;
  const digits = diffText.split(',')[1]?.length ?? 0;
  expect(Math.abs(num(diffText) - d), sentence).to.be.at.most(0.5 / 10 ** digits + 1e-9);
  if (m![1] !== undefined) {
    expect(Math.abs(num(m![1]) - mean(pairs.map((p) => p.before))), sentence).to.be.at.most(0.5 / 10 ** digits + 1e-9);
    expect(Math.abs(num(m![2]!) - mean(pairs.map((p) => p.after))), sentence).to.be.at.most(0.5 / 10 ** digits + 1e-9);
    // The rule of changeReading.ts: the written change is the written after minus the written before.
    expect(Math.round((num(m![2]!) - num(m![1])) * 10 ** digits)).to.equal(Math.round(num(diffText) * 10 ** digits));
  }
}

function pdfText(bytes: Buffer, dir: string): string {
  const file = path.join(dir, `report-${Date.now()}.pdf`);
  fs.writeFileSync(file, bytes);
  // -layout keeps each table row on one line; whitespace is then folded to single spaces.
  return execFileSync('/usr/bin/pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

/** A tiny intervention in federation 2: three participants who answered at start and exit, all gone to work. */
function addSmallIntervention(db: Db): number {
  const iid = Number(db.prepare(`INSERT INTO interventions (federation_id, name, kind) VALUES (2, 'Liten insats', 'individual')`).run().lastInsertRowid);
  for (const point of ['start', 'exit']) db.prepare(`INSERT INTO measurement_points (intervention_id, point, instrument_id) VALUES (?, ?, 'participant')`).run(iid, point);
  for (let k = 0; k < 3; k++) {
    const pid = Number(db.prepare(`INSERT INTO participants (pseudonym, intervention_id, started_on, exited_on, exit_status) VALUES (?, ?, date('now', '-30 days'), date('now'), 'work')`).run(`small-${k}`, iid).lastInsertRowid);
    for (const [point, score] of [['start', 2], ['exit', 6]] as const) insertResponse(db, iid, pid, point, { trust_fk: score });
  }
  return iid;
}

/** A submitted answer written straight into the tables (no code), counted by the read model like any other. */
function insertResponse(db: Db, interventionId: number, participantId: number, point: MeasurementPoint, scores: Record<string, number>, roundId: number | null = null): void {
  const rid = Number(db.prepare(
    `INSERT INTO responses (participant_id, intervention_id, point, round_id, instrument_id, instrument_version, language, status, submitted_at, submitted_on)
     VALUES (?, ?, ?, ?, 'participant', '1', 'sv', 'submitted', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), date('now'))`,
  ).run(participantId, interventionId, point, roundId).lastInsertRowid);
  for (const [indicator, score] of Object.entries(scores)) {
    db.prepare('INSERT INTO response_scores (intervention_id, point, indicator_id, response_id, participant_id, round_id, score) VALUES (?, ?, ?, ?, ?, ?, ?)').run(interventionId, point, indicator, rid, participantId, roundId, score);
  }
  recountLatest(db, { participantId, point });
}

describe('board reports and regional projects', function () {
  this.timeout(60_000);
  let server: TestServer;
  let board: HttpClient;
  let admin: HttpClient;
  let smallId: number;
  /** The newer demo round of Exempeldalen: the report's default (the latest round that has begun). */
  let round: { id: number; name: string; startsOn: string; endsOn: string };

  before(async () => {
    server = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
    smallId = addSmallIntervention(server.db);
    makeUser(server.db, 'styrelse2@test.example', [{ federationId: 2, role: 'board' }]);
    board = await signedIn(server.url, 'styrelse@demo.example', DEMO_PASSWORD);
    admin = await signedIn(server.url, 'admin@demo.example', DEMO_PASSWORD);
    round = server.db.prepare(`SELECT id, name, starts_on AS startsOn, ends_on AS endsOn FROM measurement_rounds WHERE federation_id = 1 ORDER BY starts_on DESC LIMIT 1`).get() as typeof round;
  });

  after(async () => {
    await closePdfRenderer();
    await server.close();
  });

  it('shows each indicator start → exit with the paired change of the round, computed from the rows', async () => {
    const res = await board.get('/f/1/report');
    expect(res.status).to.equal(200);
    expect(text(element(res.text, 'id="report-time"', 'p')).trim()).to.match(new RegExp(`^Mätomgång ${round.name} \\(`));
    const interventions = server.db.prepare(`SELECT id FROM interventions WHERE federation_id = 1 AND kind = 'individual' ORDER BY id`).pluck().all() as number[];
    expect(interventions).to.have.length(3);
    let checked = 0;
    for (const iid of interventions) {
      const section = element(res.text, `data-intervention="${iid}" aria-label`, 'section');
      for (const [id, label] of [['trust_fk', 'Förtroende för Försäkringskassan'], ['health', 'Hälsa'], ['self_efficacy', 'Tilltro till egen förmåga']] as const) {
        const pairs = pairsOf(server.db, iid, id, round.id);
        const sentence = text(element(section, `<li data-indicator="${id}"`, 'li')).trim();
        if (pairs.length < 5) expect(sentence).to.equal(`${label}: för få svar`);
        else if (!sentence.endsWith('dold för att skydda en annan grupp')) {
          checkSentence(sentence, label, pairs);
          checked++;
        }
      }
    }
    expect(checked, 'most lines are shown').to.be.greaterThanOrEqual(6);
    // The same change for everything so far uses every exit answer.
    const all = await board.get('/f/1/interventions/1/report?round=all');
    checkSentence(text(element(all.text, '<li data-indicator="health"', 'li')).trim(), 'Hälsa', pairsOf(server.db, 1, 'health', null));
  });

  it('shows participant figures of the round\'s dates and exit statuses equal to the rows, small counts hidden with the reason', async () => {
    const res = await board.get(`/f/1/report?round=${round.id}`);
    const to = new Date(`${round.endsOn}T00:00:00Z`);
    to.setUTCDate(to.getUTCDate() + 1);
    const period = { from: round.startsOn, to: to.toISOString().slice(0, 10) };
    const figures = server.db.prepare(
      `SELECT intervention_id AS iid, count(*) AS active,
         sum(started_on >= @from AND started_on < @to) AS started, sum(exited_on >= @from AND exited_on < @to) AS ended
       FROM participants WHERE started_on < @to AND (exited_on IS NULL OR exited_on >= @from) AND intervention_id IN (SELECT id FROM interventions WHERE federation_id = 1 AND kind = 'individual')
       GROUP BY intervention_id`,
    ).all(period) as { iid: number; active: number; started: number; ended: number }[];
    const summary = element(res.text, 'id="summary-table"', 'table');
    const shownOrHidden = (cell: string, n: number, what: string) => {
      if (n > 0 && n < 5) expect(cell, what).to.equal('för få svar');
      else expect(cell, what).to.be.oneOf([String(n), 'dold för att skydda en annan grupp']);
    };
    for (const f of figures) {
      const row = element(summary, `<tr data-intervention="${f.iid}"`, 'tr');
      shownOrHidden(text(element(row, 'data-figure="active"', 'td')).trim(), f.active, `active ${f.iid}`);
      shownOrHidden(text(element(row, 'data-figure="ended"', 'td')).trim(), f.ended, `ended ${f.iid}`);
    }
    shownOrHidden(text(element(res.text, '<dd class="num" data-figure="active"', 'dd')).trim(), figures.reduce((s, f) => s + f.active, 0), 'active in total');

    let hidden = 0;
    for (const f of figures) {
      const counts = server.db.prepare(`SELECT exit_status AS status, count(*) AS n FROM participants WHERE intervention_id = ? AND exited_on >= ? AND exited_on < ? GROUP BY exit_status`)
        .all(f.iid, period.from, period.to) as { status: string; n: number }[];
      const table = element(element(res.text, `data-intervention="${f.iid}" aria-label`, 'section'), 'class="report-table exit-table"', 'table');
      for (const c of counts) {
        const cell = text(element(element(table, `data-status="${c.status}"`, 'tr'), '<td', 'td')).trim();
        shownOrHidden(cell, c.n, `${f.iid} ${c.status}`);
        if (cell !== String(c.n)) hidden++;
      }
    }
    expect(hidden, 'the demo has small exit groups').to.be.greaterThan(0);
  });

  it('hides a group of three everywhere: change, figures, exit statuses, comparison', async () => {
    const other = await signedIn(server.url, 'styrelse2@test.example');
    const res = await other.get(`/f/2/interventions/${smallId}/report?round=all`);
    expect(res.status).to.equal(200);
    const page = text(res.text);
    expect(page).to.contain('Förtroende för Försäkringskassan: för få svar');
    expect(text(element(res.text, 'data-figure="ended"', 'dd')).trim()).to.equal('för få svar');
    expect(text(element(res.text, 'data-status="work"', 'tr'))).to.contain('för få svar');
    const comparison = element(res.text, 'id="comparison-table"', 'table');
    expect(text(element(comparison, `data-column="intervention-${smallId}"`, 'td')).trim()).to.equal('för få svar');
    expect(res.text).to.not.match(/data-figure="(active|started|ended)"[^>]*>3</);
    // The whole förbund minus its other intervention would give the three: that one is hidden too
    // (the total may stay: 1–4 plus 5 or more does not pin the small one).
    const fed = await other.get('/f/2/report?round=all');
    const otherId = server.db.prepare(`SELECT id FROM interventions WHERE federation_id = 2 AND kind = 'individual' AND id != ?`).pluck().get(smallId) as number;
    const summaryRow = element(element(fed.text, 'id="summary-table"', 'table'), `<tr data-intervention="${otherId}"`, 'tr');
    expect(text(element(summaryRow, 'data-figure="ended"', 'td')).trim()).to.equal('dold för att skydda en annan grupp');
  });

  it('compares with all förbund (every answer so far), from the rows of every förbund', async () => {
    const res = await board.get('/f/1/report?round=all');
    const row = element(element(res.text, 'id="comparison-table"', 'table'), '<tr data-indicator="trust_fk"', 'tr');
    const ids = server.db.prepare(`SELECT id FROM interventions WHERE kind = 'individual'`).pluck().all() as number[];
    const exitScores = ids.flatMap((iid) => [...latestScores(server.db, iid, 'trust_fk', 'exit', null).values()]);
    expect(text(element(row, 'data-column="installation"', 'td')).trim()).to.equal(`${mean(exitScores).toFixed(1).replace('.', ',')} (${exitScores.length})`);
  });

  it('refuses a board member of another förbund, the anonymous, and a round of another förbund', async () => {
    const other = await signedIn(server.url, 'styrelse2@test.example');
    for (const url of ['/f/1/report', '/f/1/report.pdf', '/f/1/interventions/1/report', '/f/1/interventions/1/report.pdf']) {
      expect((await other.get(url)).status, url).to.equal(403);
    }
    expect((await new HttpClient(server.url).get('/f/1/report.pdf')).status).to.equal(303);
    const foreignRound = server.db.prepare('SELECT id FROM measurement_rounds WHERE federation_id = 2 LIMIT 1').pluck().get() as number;
    expect((await board.get(`/f/1/report?round=${foreignRound}`)).status).to.equal(404);
    expect((await board.get('/f/1/report?round=2026-02-30')).status).to.equal(404);
  });

  it('downloads a PDF with the headings, Swedish characters and the figures', async () => {
    const res = await board.download('/f/1/report.pdf');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="rapport-samordningsforbundet-exempeldalen-(var|host)-\d{4}\.pdf"$/);
    expect(res.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const pdf = pdfText(res.bytes, server.dir);
    for (const heading of ['Rapport till styrelsen', 'Samordningsförbundet Exempeldalen', 'Nyckeltal', 'Insatserna i korthet', 'Förändring från start till avslut', 'Vad gör deltagarna efter insatsen?', 'Jämförelse', 'Regionala projekt', `Mätomgång ${round.name}`]) {
      expect(pdf, heading).to.contain(heading);
    }
    expect(pdf).to.contain('Förtroende').and.contain('förbättrades').and.contain('å').and.contain('ä').and.contain('ö');
    const page = await board.get('/f/1/report');
    expect(pdf).to.contain(text(element(page.text, '<li data-indicator="trust_fk"', 'li')).trim());
  });

  it('freezes a report whose figures do not move when new answers come in', async () => {
    await admin.get('/f/1/interventions/1/report?round=all');
    const frozen = await admin.post('/f/1/interventions/1/report/freeze', { round: 'all' });
    expect(frozen.status).to.equal(303);
    const snapshotUrl = frozen.location!;
    expect(snapshotUrl).to.match(/^\/f\/1\/reports\/snapshots\/\d+$/);
    const before = await board.get(snapshotUrl);
    expect(before.status).to.equal(200);
    expect(text(before.text)).to.match(/Fryst rapport, siffror per \d{1,2} \w+ \d{4}\./);
    const sentenceBefore = text(element(before.text, '<li data-indicator="trust_fk"', 'li')).trim();

    // Five participants without an exit answer answer now, all with the top score.
    const waiting = server.db.prepare(
      `SELECT p.id FROM participants p WHERE p.intervention_id = 1 AND NOT EXISTS (SELECT 1 FROM response_scores s WHERE s.participant_id = p.id AND s.point = 'exit')
         AND EXISTS (SELECT 1 FROM response_scores s WHERE s.participant_id = p.id AND s.point = 'start' AND s.indicator_id = 'trust_fk') LIMIT 5`,
    ).pluck().all() as number[];
    expect(waiting).to.have.length(5);
    for (const pid of waiting) insertResponse(server.db, 1, pid, 'exit', { trust_fk: 7 });

    const live = await board.get('/f/1/interventions/1/report?round=all');
    const sentenceLive = text(element(live.text, '<li data-indicator="trust_fk"', 'li')).trim();
    checkSentence(sentenceLive, 'Förtroende för Försäkringskassan', pairsOf(server.db, 1, 'trust_fk', null));
    expect(sentenceLive).to.not.equal(sentenceBefore);
    const after = await board.get(snapshotUrl);
    expect(text(element(after.text, '<li data-indicator="trust_fk"', 'li')).trim()).to.equal(sentenceBefore);
    expect(after.text).to.contain('id="snapshot-table"').and.contain('Hela tiden, till och med');

    const pdf = await board.download(`${snapshotUrl}.pdf`);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    const pdfPlain = pdfText(pdf.bytes, server.dir);
    expect(pdfPlain).to.contain('Fryst rapport, siffror per').and.contain(sentenceBefore);

    const other = await signedIn(server.url, 'styrelse2@test.example');
    expect((await other.get(snapshotUrl)).status).to.equal(403);
    expect((await other.get(snapshotUrl.replace('/f/1/', '/f/2/'))).status).to.equal(404);
    expect((await board.post('/f/1/report/freeze', {})).status, 'board members cannot freeze').to.equal(403);
  });

  it('still shows a report frozen in the first version, with its dates and figures as they were', async () => {
    const v1 = {
      version: 1, scope: 'federation', federation: { id: 1, name: 'Samordningsförbundet Exempeldalen' }, intervention: null,
      period: { from: '2025-01-01', to: '2025-12-31' }, generatedAt: '2026-01-05T10:00:00Z',
      figures: { interventions: 1, active: 40, started: 20, ended: null },
      sections: [{
        id: 1, name: 'Steg till arbete (IPS)', targetGroup: null, figures: { active: 40, started: 20, ended: null, workOrStudies: null },
        rates: [{ point: 'exit', issued: 12, answered: 10, rate: 10 / 12 }], change: { from: 'start', to: 'exit' },
        indicators: [{ indicatorId: 'health', text: { sv: 'Hälsa' }, endOnly: false, suppressed: false, n: 10, before: 3.1, after: 3.9, meanDiff: 0.8, improved: 7, unchanged: 1, worse: 2 }],
        exitStatuses: { counts: { work: 6, studies: null }, total: null },
      }],
      comparison: { point: 'exit', columns: [{ kind: 'intervention', id: 1, name: 'Steg till arbete (IPS)' }], rows: [{ indicatorId: 'health', text: { sv: 'Hälsa' }, cells: [{ suppressed: false, n: 10, mean: 3.9 }] }] },
      projects: [],
    };
    const id = Number(server.db.prepare(`INSERT INTO report_snapshots (federation_id, period_from, period_to, data) VALUES (1, '2025-01-01', '2025-12-31', ?)`).run(JSON.stringify(v1)).lastInsertRowid);
    const res = await board.get(`/f/1/reports/snapshots/${id}`);
    expect(res.status).to.equal(200);
    const page = text(res.text);
    expect(page).to.contain('Period: 1 januari 2025 – 31 december 2025').and.contain('Hälsa: 3,1 → 3,9 (+0,8). 7 av 10 förbättrades, 2 försämrades.');
    expect(text(element(res.text, 'data-figure="ended"', 'dd')).trim()).to.equal('för få svar');
  });

  it('counts project targets from participants exit statuses, per delprojekt and in total', async () => {
    const res = await board.get('/projects/1');
    expect(res.status).to.equal(200);
    const subprojects = server.db.prepare('SELECT id FROM subprojects WHERE project_id = 1 ORDER BY id').pluck().all() as number[];
    expect(subprojects).to.have.length(3);
    const targets = { 1: ['work', 'studies'], 2: ['studies', 'other_intervention'] } as Record<number, string[]>;
    let shown = 0;
    for (const [targetId, statuses] of Object.entries(targets)) {
      const block = element(res.text, `data-target="${targetId}"`, 'div');
      let total = 0;
      for (const sid of subprojects) {
        // Every participant of the delprojekt's interventions who ended with a status of the target.
        const n = server.db.prepare(
          `SELECT count(*) FROM participants p JOIN interventions i ON i.id = p.intervention_id
           WHERE i.subproject_id = ? AND p.exited_on IS NOT NULL AND p.exit_status IN (${statuses.map(() => '?').join(',')})`,
        ).pluck().get(sid, ...statuses) as number;
        total += n;
        const row = element(block, `<tr data-subproject="${sid}"`, 'tr');
        if (row.includes(`data-count="${n}"`)) shown++;
        else expect(row, `target ${targetId} subproject ${sid}`).to.contain('dold för att skydda en annan grupp');
      }
      expect(element(block, '<tr data-subproject="total"', 'tr')).to.contain(`data-count="${total}"`);
    }
    expect(shown, 'most delprojekt counts are shown').to.be.greaterThanOrEqual(4);
    const fedReport = await admin.get('/f/1/report');
    expect(text(fedReport.text)).to.contain('Vägen vidare (ESF): Delprojekt Exempeldalen');
    expect((await admin.get('/projects/1')).status, 'not in the steering group').to.equal(403);
  });

  it('gives the steering group the project report as a PDF', async () => {
    const page = await board.get('/projects/1/report');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('id="indicator-table"');
    const res = await board.download('/projects/1/report.pdf');
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    const pdf = pdfText(res.bytes, server.dir);
    expect(pdf).to.contain('Vägen vidare (ESF)').and.contain('Måluppfyllelse').and.contain('Delprojekt Åsby').and.contain('Resultat per delprojekt');
  });

  it('lets a system admin set up a project: delprojekt, targets, steering group', async () => {
    const system = await signedIn(server.url, 'system@demo.example', DEMO_PASSWORD);
    await system.get('/admin/projects');
    const created = await system.post('/admin/projects', { name: 'Nytt länsprojekt', startsOn: '2026-01-01', endsOn: '2026-12-31' });
    expect(created.status).to.equal(303);
    const base = created.location!;
    await system.get(base);
    expect((await system.post(`${base}/subprojects`, { federationId: '2', name: 'Delprojekt Åsby' })).status).to.equal(303);
    const noStatuses = await system.post(`${base}/targets`, { label: '10 flyttar', kind: 'custom', target: '10' });
    expect(noStatuses.status).to.equal(422);
    expect(noStatuses.text).to.contain('href="#exitStatuses"');
    expect((await system.post(`${base}/targets`, { label: '10 flyttar', kind: 'custom', target: '10', exitStatuses: 'moved' })).status).to.equal(303);
    const unknown = await system.post(`${base}/members`, { email: 'ingen@example.se' });
    expect(unknown.status).to.equal(422);
    expect(text(unknown.text)).to.contain('Det finns inget konto med den e-postadressen');
    expect((await system.post(`${base}/members`, { email: 'styrelse2@test.example' })).status).to.equal(303);
    const member = await signedIn(server.url, 'styrelse2@test.example');
    const page = await member.get(base.replace('/admin', ''));
    expect(page.status).to.equal(200);
    expect(text(page.text)).to.contain('10 flyttar').and.contain('Räknas: flyttat.');
  });

  it('writes every view, download and freeze to the audit log', () => {
    const actions = server.db.prepare(`SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'report.%' OR action LIKE 'project.%' GROUP BY action`).all() as { action: string; n: number }[];
    const by = Object.fromEntries(actions.map((a) => [a.action, a.n]));
    expect(by).to.include.keys('report.view', 'report.pdf', 'report.freeze', 'project.view', 'project.pdf');
    const pdfRow = server.db.prepare(`SELECT a.federation_id AS federationId, u.email FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'report.pdf' ORDER BY a.id LIMIT 1`).get() as { federationId: number; email: string };
    expect(pdfRow).to.deep.equal({ federationId: 1, email: 'styrelse@demo.example' });
  });
});
