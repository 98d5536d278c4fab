import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed.js';
import { closePdfRenderer } from '../../server/pdf.js';
import type { Db } from '../../server/storage/db.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// Figures are computed here straight from the rows, by other means than the app (SQL and plain
// arithmetic), and compared with what the report shows.

const utcDate = (d: Date) => d.toISOString().slice(0, 10);
/** The default report period: the twelve months up to today. */
function defaultPeriod() {
  const today = new Date();
  const from = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate() + 1));
  return { from: utcDate(from), to: utcDate(today) };
}

const dec = (x: number) => x.toFixed(1).replace('.', ',');
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#8594;|&rarr;/g, '→').replace(/\s+/g, ' ');

/** The HTML of the element that has the attribute, up to its closing tag name. */
function element(html: string, attribute: string, tag: string): string {
  const start = html.indexOf(attribute);
  if (start < 0) throw new Error(`no ${attribute}`);
  const open = html.lastIndexOf(`<${tag}`, start);
  const close = html.indexOf(`</${tag}>`, start);
  return html.slice(open, close + tag.length + 3);
}

interface Pair { before: number; after: number }

/** Start and exit score of each participant of an intervention for an indicator, exits submitted in the period. */
function pairsOf(db: Db, interventionId: number, indicatorId: string, p: { from: string; to: string }): Pair[] {
  const rows = db.prepare(
    `SELECT rs.participant_id AS pid, rs.point, rs.score FROM response_scores rs JOIN responses r ON r.id = rs.response_id
     WHERE rs.intervention_id = ? AND rs.indicator_id = ? AND r.status = 'submitted' AND rs.participant_id IS NOT NULL
       AND ((rs.point = 'start' AND substr(r.submitted_at, 1, 10) <= ?) OR (rs.point = 'exit' AND substr(r.submitted_at, 1, 10) BETWEEN ? AND ?))
     ORDER BY r.submitted_at, r.id`,
  ).all(interventionId, indicatorId, p.to, p.from, p.to) as { pid: number; point: string; score: number }[];
  const start = new Map<number, number>();
  const exit = new Map<number, number>();
  for (const r of rows) (r.point === 'start' ? start : exit).set(r.pid, r.score);
  return [...exit].filter(([pid]) => start.has(pid)).map(([pid, after]) => ({ before: start.get(pid)!, after }));
}

function sentenceFor(label: string, pairs: Pair[]): string {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const improved = pairs.filter((p) => Math.round((p.after - p.before) * 1e9) > 0).length;
  return `${label}: ${dec(mean(pairs.map((p) => p.before)))} → ${dec(mean(pairs.map((p) => p.after)))}, ${improved} av ${pairs.length} förbättrades`;
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

function insertResponse(db: Db, interventionId: number, participantId: number, point: string, scores: Record<string, number>): void {
  const rid = Number(db.prepare(
    `INSERT INTO responses (participant_id, intervention_id, point, instrument_id, instrument_version, language, status, submitted_at)
     VALUES (?, ?, ?, 'participant', '1', 'sv', 'submitted', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  ).run(participantId, interventionId, point).lastInsertRowid);
  for (const [indicator, score] of Object.entries(scores)) {
    db.prepare('INSERT INTO response_scores (intervention_id, point, indicator_id, response_id, participant_id, score) VALUES (?, ?, ?, ?, ?, ?)').run(interventionId, point, indicator, rid, participantId, score);
  }
}

describe('board reports and regional projects', function () {
  this.timeout(60_000);
  let server: TestServer;
  let board: HttpClient;
  let admin: HttpClient;
  let smallId: number;
  const period = defaultPeriod();

  before(async () => {
    server = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
    smallId = addSmallIntervention(server.db);
    makeUser(server.db, 'styrelse2@test.example', [{ federationId: 2, role: 'board' }]);
    board = await signedIn(server.url, 'styrelse@demo.example', DEMO_PASSWORD);
    admin = await signedIn(server.url, 'admin@demo.example', DEMO_PASSWORD);
  });

  after(async () => {
    await closePdfRenderer();
    await server.close();
  });

  it('shows each indicator start → exit with the paired change computed from the rows', async () => {
    const res = await board.get('/f/1/report');
    expect(res.status).to.equal(200);
    const interventions = server.db.prepare(`SELECT id FROM interventions WHERE federation_id = 1 AND kind = 'individual' ORDER BY id`).pluck().all() as number[];
    expect(interventions).to.have.length(3);
    for (const iid of interventions) {
      const section = element(res.text, `data-intervention="${iid}" aria-label`, 'section');
      for (const [id, label] of [['trust_fk', 'Förtroende för Försäkringskassan'], ['health', 'Hälsa'], ['self_efficacy', 'Tilltro till egen förmåga']] as const) {
        const pairs = pairsOf(server.db, iid, id, period);
        expect(pairs.length, `${iid} ${id}`).to.be.greaterThanOrEqual(5);
        expect(text(element(section, `<li data-indicator="${id}"`, 'li')).trim()).to.equal(sentenceFor(label, pairs));
      }
    }
  });

  it('shows participant figures and exit statuses equal to the rows, small counts hidden', async () => {
    const res = await board.get(`/f/1/report?from=${period.from}&to=${period.to}`);
    const figures = server.db.prepare(
      `SELECT intervention_id AS iid, count(*) AS active,
         sum(started_on BETWEEN @from AND @to) AS started, sum(exited_on BETWEEN @from AND @to) AS ended
       FROM participants WHERE started_on <= @to AND (exited_on IS NULL OR exited_on >= @from) AND intervention_id IN (SELECT id FROM interventions WHERE federation_id = 1)
       GROUP BY intervention_id`,
    ).all(period) as { iid: number; active: number; started: number; ended: number }[];
    const summary = element(res.text, 'id="summary-table"', 'table');
    for (const f of figures) {
      const row = element(summary, `<tr data-intervention="${f.iid}"`, 'tr');
      expect(text(element(row, 'data-figure="active"', 'td')).trim()).to.equal(String(f.active));
      expect(text(element(row, 'data-figure="ended"', 'td')).trim()).to.equal(String(f.ended));
    }
    expect(text(element(res.text, '<dd data-figure="active"', 'dd')).trim()).to.equal(String(figures.reduce((s, f) => s + f.active, 0)));

    let hidden = 0;
    for (const f of figures) {
      const counts = server.db.prepare(`SELECT exit_status AS status, count(*) AS n FROM participants WHERE intervention_id = ? AND exited_on BETWEEN ? AND ? GROUP BY exit_status`)
        .all(f.iid, period.from, period.to) as { status: string; n: number }[];
      const table = element(element(res.text, `data-intervention="${f.iid}" aria-label`, 'section'), 'class="report-table exit-table"', 'table');
      for (const c of counts) {
        const cell = text(element(element(table, `data-status="${c.status}"`, 'tr'), '<td', 'td')).trim();
        if (c.n < 5) {
          expect(cell, `${f.iid} ${c.status}`).to.equal('visas inte');
          hidden++;
        } else {
          expect(cell, `${f.iid} ${c.status}`).to.be.oneOf([String(c.n), 'visas inte']);
        }
      }
    }
    expect(hidden, 'the demo has small exit groups').to.be.greaterThan(0);
  });

  it('hides a group of three everywhere: change, figures, exit statuses, comparison', async () => {
    const other = await signedIn(server.url, 'styrelse2@test.example');
    const res = await other.get(`/f/2/interventions/${smallId}/report`);
    expect(res.status).to.equal(200);
    const page = text(res.text);
    expect(page).to.contain('Förtroende för Försäkringskassan: för få svar för att visa förändringen');
    expect(text(element(res.text, '<dd data-figure="ended"', 'dd')).trim()).to.equal('visas inte');
    expect(text(element(res.text, 'data-status="work"', 'tr'))).to.contain('visas inte');
    const comparison = element(res.text, 'id="comparison-table"', 'table');
    expect(text(element(comparison, `data-column="intervention-${smallId}"`, 'td')).trim()).to.equal('för få svar');
    expect(res.text).to.not.match(/data-figure="(active|started|ended)"[^>]*>3</);
  });

  it('compares with all förbund from aggregates only when the others have 5 answers or more', async () => {
    const res = await board.get('/f/1/report');
    const row = element(element(res.text, 'id="comparison-table"', 'table'), '<tr data-indicator="trust_fk"', 'tr');
    const all = server.db.prepare(
      `SELECT count(*) AS n, avg(rs.score) AS mean FROM response_scores rs JOIN responses r ON r.id = rs.response_id
       WHERE rs.point = 'exit' AND rs.indicator_id = 'trust_fk' AND r.status = 'submitted' AND substr(r.submitted_at, 1, 10) BETWEEN ? AND ?`,
    ).get(period.from, period.to) as { n: number; mean: number };
    expect(text(element(row, 'data-column="installation"', 'td')).trim()).to.equal(`${dec(all.mean)} (${all.n})`);
  });

  it('refuses a board member of another förbund, and the anonymous', async () => {
    const other = await signedIn(server.url, 'styrelse2@test.example');
    for (const url of ['/f/1/report', '/f/1/report.pdf', '/f/1/interventions/1/report', '/f/1/interventions/1/report.pdf']) {
      expect((await other.get(url)).status, url).to.equal(403);
    }
    expect((await new HttpClient(server.url).get('/f/1/report.pdf')).status).to.equal(303);
    expect((await board.get('/f/1/report?from=2026-02-30')).status).to.equal(400);
  });

  it('downloads a PDF with the headings, Swedish characters and the figures', async () => {
    const res = await board.download('/f/1/report.pdf');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="rapport-samordningsforbundet-exempeldalen-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(res.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const pdf = pdfText(res.bytes, server.dir);
    for (const heading of ['Rapport till styrelsen', 'Samordningsförbundet Exempeldalen', 'Nyckeltal', 'Insatserna i korthet', 'Förändring från start till avslut', 'Vad gör deltagarna efter insatsen?', 'Jämförelse', 'Regionala projekt']) {
      expect(pdf, heading).to.contain(heading);
    }
    expect(pdf).to.contain('Förtroende').and.contain('förbättrades').and.contain('å').and.contain('ä').and.contain('ö');
    expect(pdf).to.contain(sentenceFor('Förtroende för Försäkringskassan', pairsOf(server.db, 1, 'trust_fk', period)));
    const active = server.db.prepare(`SELECT count(*) FROM participants WHERE intervention_id = 1 AND started_on <= ? AND (exited_on IS NULL OR exited_on >= ?)`).pluck().get(period.to, period.from) as number;
    expect(pdf).to.match(new RegExp(`Steg till arbete \\(IPS\\) ${active} `));
  });

  it('freezes a report whose figures do not move when new answers come in', async () => {
    await admin.get('/f/1/interventions/1/report');
    const frozen = await admin.post('/f/1/interventions/1/report/freeze', { from: period.from, to: period.to });
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

    const live = await board.get('/f/1/interventions/1/report');
    const sentenceLive = text(element(live.text, '<li data-indicator="trust_fk"', 'li')).trim();
    expect(sentenceLive).to.equal(sentenceFor('Förtroende för Försäkringskassan', pairsOf(server.db, 1, 'trust_fk', period)));
    expect(sentenceLive).to.not.equal(sentenceBefore);
    const after = await board.get(snapshotUrl);
    expect(text(element(after.text, '<li data-indicator="trust_fk"', 'li')).trim()).to.equal(sentenceBefore);
    expect(after.text).to.contain('id="snapshot-table"');

    const pdf = await board.download(`${snapshotUrl}.pdf`);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    const pdfPlain = pdfText(pdf.bytes, server.dir);
    expect(pdfPlain).to.contain('Fryst rapport, siffror per').and.contain(sentenceBefore);

    const other = await signedIn(server.url, 'styrelse2@test.example');
    expect((await other.get(snapshotUrl)).status).to.equal(403);
    expect((await other.get(snapshotUrl.replace('/f/1/', '/f/2/'))).status).to.equal(404);
    expect((await board.post('/f/1/report/freeze', {})).status, 'board members cannot freeze').to.equal(403);
  });

  it('counts project targets from participants exit statuses, per delprojekt and in total', async () => {
    const res = await board.get('/projects/1');
    expect(res.status).to.equal(200);
    const project = server.db.prepare('SELECT starts_on AS startsOn, ends_on AS endsOn FROM projects WHERE id = 1').get() as { startsOn: string; endsOn: string };
    const subprojects = server.db.prepare('SELECT id FROM subprojects WHERE project_id = 1 ORDER BY id').pluck().all() as number[];
    expect(subprojects).to.have.length(3);
    const targets = { 1: ['work', 'studies'], 2: ['studies', 'other_intervention'] } as Record<number, string[]>;
    for (const [targetId, statuses] of Object.entries(targets)) {
      const block = element(res.text, `data-target="${targetId}"`, 'div');
      let total = 0;
      for (const sid of subprojects) {
        const n = server.db.prepare(
          `SELECT count(*) FROM participants p JOIN interventions i ON i.id = p.intervention_id
           WHERE i.subproject_id = ? AND p.exited_on BETWEEN ? AND ? AND p.exit_status IN (${statuses.map(() => '?').join(',')})`,
        ).pluck().get(sid, project.startsOn, project.endsOn, ...statuses) as number;
        total += n;
        expect(n, `target ${targetId} subproject ${sid}`).to.be.greaterThanOrEqual(5);
        expect(element(block, `<tr data-subproject="${sid}"`, 'tr')).to.contain(`data-count="${n}"`);
      }
      expect(element(block, '<tr data-subproject="total"', 'tr')).to.contain(`data-count="${total}"`);
    }
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
