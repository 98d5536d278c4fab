// npm run bench: every speed figure the issues name, measured in one run on real SQLite files in a
// temp dir, printed as one table with its target and written to bench/results.json.
//   1. the summary of one intervention over 10,000 responses (target < 20 ms, also filtered)
//   2. the national aggregate over 1,000,000 responses (target < 3 s, < 500 MB)
//   3. page saves and submits by 50 participants at once: the app beside bare Express + SQLite
//      (target ≥ 0.8 of bare, p99 < 50 ms)
//   4. cold start of the compiled app on a migrated 100 MB database to its first /healthz (< 1 s)
//   5. the board report as HTML and as PDF
//   6. the CSV import of 100,000 questionnaires: checked (the preview) and imported in one
//      transaction, in a process of its own for its peak memory (target < 15 s in all)
// BENCH_RESPONSES overrides the national size (e.g. 100000 for a quick run); BENCH_SECONDS the
// length of each load run (default 10). The app under load is the compiled one: run `npm run build`
// first (npm run bench does).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';
import type { AppContext } from '../server/context.js';
import { loadInstruments } from '../server/domain/instrument.js';
import { PATHS } from '../server/paths.js';
import { hashPasswordSync } from '../server/security/password.js';
import { interventionSummary } from '../server/services/interventionSummary.js';
import { openDatabase } from '../server/storage/db.js';
import { getIntervention } from '../server/storage/interventions.js';
import { startResponse, submitResponse } from '../server/storage/responses.js';
import { createUser, grantRole } from '../server/storage/users.js';
import { fill } from './fill.js';
import { Client, keepCookies } from './loadClient.js';
import { coldStart, serveApp, serverLoad } from './serverLoad.js';

const instruments = loadInstruments(PATHS.indicators);

interface Figure {
  measure: string;
  value: number;
  unit: 'ms' | 'MB' | '/s' | '×';
  /** The target as the issue gives it, and whether it was met (null: no target). */
  target: string | null;
  met: boolean | null;
}

const figures: Figure[] = [];
function record(measure: string, value: number, unit: Figure['unit'], target?: { text: string; met: boolean }): void {
  figures.push({ measure, value, unit, target: target?.text ?? null, met: target?.met ?? null });
  console.error(`  ${measure}: ${value.toFixed(unit === '×' ? 2 : 1)} ${unit}`);
}
const below = (limit: number, unit: string) => (value: number) => ({ text: `< ${limit.toLocaleString('en')} ${unit}`, met: value < limit });
const atLeast = (limit: number) => (value: number) => ({ text: `≥ ${limit}`, met: value >= limit });

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One new submitted answer at exit from a participant of the intervention, through the survey's storage calls. */
function answerOnce(ctx: AppContext, interventionId: number, k: number): void {
  const someone = ctx.db.prepare('SELECT id FROM participants WHERE intervention_id = ? ORDER BY id LIMIT 1 OFFSET ?').get(interventionId, k) as { id: number };
  const response = startResponse(ctx.db, { code: null, participantId: someone.id, interventionId, point: 'exit', roundId: null, instrumentId: 'participant', instrumentVersion: instruments.get('participant')!.version, language: 'sv' });
  submitResponse(ctx.db, response, [{ indicatorId: 'health', score: 5 }]);
}

async function signIn(client: Client, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const page = await client.send({ method: 'GET', path: '/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const cookie = keepCookies(jar, page);
  const reply = await client.send({ method: 'POST', path: '/login', headers: { cookie }, body: new URLSearchParams({ _csrf: token, email, password, next: '/' }).toString() });
  if (reply.status !== 303) throw new Error(`sign-in answered ${reply.status}`);
  return keepCookies(jar, reply);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-bench-'));
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 10);
try {
  // 1. One intervention with 10,000 responses.
  console.error('summary of one intervention, 10,000 responses');
  const summaryFile = path.join(dir, 'summary.sqlite');
  const db1 = openDatabase(summaryFile);
  const interventionId = fill(db1, instruments, 10_000, 1, 'summary')[0]!;
  const ctx: AppContext = { db: db1, instruments, config: loadConfig({}) };
  const intervention = getIntervention(db1, interventionId)!;
  record('summary, first view (disclosure plan made)', time(() => interventionSummary(ctx, intervention, {})).ms, 'ms');
  const unchanged = Array.from({ length: 20 }, () => time(() => interventionSummary(ctx, intervention, {})).ms);
  const unchangedFiltered = [time(() => interventionSummary(ctx, intervention, { gender: 'woman' })).ms]
    .concat(Array.from({ length: 20 }, () => time(() => interventionSummary(ctx, intervention, { gender: 'woman' })).ms)).slice(1);
  record('summary, answers unchanged since last view (median)', median(unchanged), 'ms', below(20, 'ms')(median(unchanged)));
  record('summary, one gender, unchanged (median)', median(unchangedFiltered), 'ms', below(20, 'ms')(median(unchangedFiltered)));
  const afterAnswer: number[] = [];
  const afterAnswerFiltered: number[] = [];
  for (let k = 0; k < 5; k++) {
    answerOnce(ctx, interventionId, k);
    afterAnswer.push(time(() => interventionSummary(ctx, intervention, {})).ms);
    answerOnce(ctx, interventionId, 100 + k);
    afterAnswerFiltered.push(time(() => interventionSummary(ctx, intervention, { gender: 'woman' })).ms);
  }
  record('summary, first view after a new answer (median of 5)', median(afterAnswer), 'ms', below(20, 'ms')(median(afterAnswer)));
  record('summary, one gender, after a new answer (median of 5)', median(afterAnswerFiltered), 'ms', below(20, 'ms')(median(afterAnswerFiltered)));
  // The board report's reader: a board member (an admin would first be sent to set up a second factor).
  const reader = createUser(db1, { email: 'bench@example.se', name: 'Bench', passwordHash: hashPasswordSync('Bänkprov-för-mätning-1') });
  grantRole(db1, reader.id, intervention.federationId, 'board');
  db1.close();

  // 2. National aggregate over 1,000,000 responses.
  const total = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
  console.error(`national aggregate, ${total.toLocaleString('en')} responses`);
  const nationalFile = path.join(dir, 'national.sqlite');
  const db2 = openDatabase(nationalFile);
  fill(db2, instruments, total, 80, 'national', 16);
  db2.pragma('wal_checkpoint(TRUNCATE)');
  db2.close();
  const probe = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'nationalProbe.ts'), nationalFile], { encoding: 'utf8' }),
  ) as { planMs: number; afterAnswerMs: number; first: number; second: number; peakMb: number };
  record('national: disclosure plan, first (every förbund)', probe.planMs, 'ms');
  record('national: disclosure plan after one new answer', probe.afterAnswerMs, 'ms');
  record('national aggregate, first run', probe.first, 'ms', below(3000, 'ms')(probe.first));
  record('national aggregate, second run', probe.second, 'ms', below(3000, 'ms')(probe.second));
  record('national aggregate, peak memory of its process', probe.peakMb, 'MB', below(500, 'MB')(probe.peakMb));
  fs.rmSync(nationalFile, { force: true });

  // 3. Page saves and submits under load, the app beside the bare endpoint.
  console.error(`50 participants at once, ${loadSeconds} s per run`);
  const load = await serverLoad(dir, instruments, { participants: 50, durationMs: loadSeconds * 1000, warmupMs: 2000, submitsPerSecond: 1500 });
  for (const [name, run] of [['page save', load.save], ['submit', load.submit]] as const) {
    record(`${name}: app, per second (over ${run.app.seconds.toFixed(1)} s)`, run.app.perSecond, '/s');
    record(`${name}: bare Express + SQLite, per second (over ${run.bare.seconds.toFixed(1)} s)`, run.bare.perSecond, '/s');
    const ratio = run.app.perSecond / run.bare.perSecond;
    record(`${name}: app / bare`, ratio, '×', atLeast(0.8)(ratio));
    record(`${name}: app p50`, run.app.p50Ms, 'ms');
    record(`${name}: app p99`, run.app.p99Ms, 'ms', below(50, 'ms')(run.app.p99Ms));
    record(`${name}: bare p99`, run.bare.p99Ms, 'ms');
    if (run.app.failures + run.bare.failures > 0) throw new Error(`${name}: ${run.app.failures} app and ${run.bare.failures} bare answers were not the expected redirect`);
  }

  // 4. Cold start on a migrated 100 MB database.
  console.error('cold start on a 100 MB database');
  const bigFile = path.join(dir, 'big.sqlite');
  const db3 = openDatabase(bigFile);
  fill(db3, instruments, 48_000, 10, 'big', 2);
  db3.pragma('wal_checkpoint(TRUNCATE)');
  db3.close();
  const mb = fs.statSync(bigFile).size / 1e6;
  const starts = await coldStart(bigFile, 5);
  record(`cold start to first /healthz, ${mb.toFixed(0)} MB database (median of 5)`, median(starts), 'ms', below(1000, 'ms')(median(starts)));

  // 5. The board report of the förbund with 10,000 responses, through the compiled server.
  console.error('board report');
  const app = await serveApp(summaryFile);
  const client = new Client(app.url, 1);
  try {
    const cookie = await signIn(client, 'bench@example.se', 'Bänkprov-för-mätning-1');
    const get = async (p: string) => {
      const t0 = performance.now();
      const reply = await client.send({ method: 'GET', path: p, headers: { cookie } });
      if (reply.status !== 200) throw new Error(`${p} answered ${reply.status}`);
      return performance.now() - t0;
    };
    const html = `/f/${intervention.federationId}/report`;
    record('board report HTML, first', await get(html), 'ms');
    const htmlRuns: number[] = [];
    for (let i = 0; i < 10; i++) htmlRuns.push(await get(html));
    record('board report HTML (median of 10)', median(htmlRuns), 'ms');
    record('board report PDF, first (Chromium started)', await get(`${html}.pdf`), 'ms');
    const pdfRuns: number[] = [];
    for (let i = 0; i < 5; i++) pdfRuns.push(await get(`${html}.pdf`));
    record('board report PDF (median of 5)', median(pdfRuns), 'ms');
  } finally {
    client.close();
    await app.stop();
  }

  // 6. The CSV import of 100,000 questionnaires (BENCH_IMPORT_ROWS overrides).
  const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
  console.error(`CSV import, ${importRows.toLocaleString('en')} questionnaires`);
  const imported = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'importProbe.ts'), String(importRows)], { encoding: 'utf8' }),
  ) as { megabytes: number; checkMs: number; importMs: number; totalSeconds: number; rowsPerSecond: number; peakMb: number };
  record(`CSV import: check of ${importRows.toLocaleString('en')} rows (${imported.megabytes.toFixed(0)} MB, the preview)`, imported.checkMs, 'ms');
  record('CSV import: the import, one transaction', imported.importMs, 'ms');
  record('CSV import: check and import', imported.totalSeconds * 1000, 'ms', below(15_000, 'ms')(imported.totalSeconds * 1000));
  record('CSV import: rows imported per second', imported.rowsPerSecond, '/s');
  record('CSV import: peak memory of its process', imported.peakMb, 'MB');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const cell = (f: Figure) => (f.unit === '×' ? f.value.toFixed(2) : f.value.toFixed(f.value < 100 ? 1 : 0)) + (f.unit === '×' ? '' : ` ${f.unit}`);
const rows = figures.map((f) => [f.measure, cell(f), f.target ?? '', f.met === null ? '' : f.met ? 'met' : 'NOT met']);
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['measure', 'value', 'target', ''][c]!.length));
const line = (r: string[]) => `| ${r.map((v, c) => (c === 1 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join(' | ')} |`;
console.log(line(['measure', 'value', 'target', '']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));

const results = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  nationalResponses: Number(process.env.BENCH_RESPONSES ?? 1_000_000),
  loadSecondsPerRun: loadSeconds,
  figures,
};
fs.writeFileSync(path.join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to bench/results.json`);
