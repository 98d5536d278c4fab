// npm run bench: the speed figures issue 4 names, measured on real SQLite files in a temp dir.
//   1. the summary of one intervention with 10,000 responses (target < 100 ms)
//   2. the national aggregate over 1,000,000 responses (target < 3 s, memory < 500 MB)
// BENCH_RESPONSES overrides the national size (e.g. 100000 for a quick run).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';
import type { AppContext } from '../server/context.js';
import { loadInstruments } from '../server/domain/instrument.js';
import { PATHS } from '../server/paths.js';
import { interventionSummary } from '../server/services/interventionSummary.js';
import { openDatabase } from '../server/storage/db.js';
import { getIntervention } from '../server/storage/interventions.js';
import { fill } from './fill.js';

const instruments = loadInstruments(PATHS.indicators);

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-bench-'));
try {
  // 1. One intervention with 10,000 responses.
  const db1 = openDatabase(path.join(dir, 'summary.sqlite'));
  const filled1 = time(() => fill(db1, instruments, 10_000, 1, 'summary'));
  const ctx: AppContext = { db: db1, instruments, config: loadConfig({}) };
  const intervention = getIntervention(db1, filled1.value[0]!)!;
  // The first summary computes the installation's disclosure plan (as after any new answer); the rest reuse it.
  const cold = time(() => interventionSummary(ctx, intervention, {})).ms;
  const runs = Array.from({ length: 20 }, () => time(() => interventionSummary(ctx, intervention, {})).ms);
  const filtered = Array.from({ length: 20 }, () => time(() => interventionSummary(ctx, intervention, { gender: 'woman' })).ms);
  console.log(`summary, 10,000 responses (${filled1.ms.toFixed(0)} ms to fill):`);
  console.log(`  first, with the disclosure plan computed: ${cold.toFixed(1)} ms`);
  console.log(`  unfiltered: median ${median(runs).toFixed(1)} ms, max ${Math.max(...runs).toFixed(1)} ms (target < 100 ms)`);
  console.log(`  one gender: median ${median(filtered).toFixed(1)} ms, max ${Math.max(...filtered).toFixed(1)} ms`);
  db1.close();

  // 2. National aggregate over 1,000,000 responses.
  const total = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
  const db2 = openDatabase(path.join(dir, 'national.sqlite'));
  const filled2 = time(() => fill(db2, instruments, total, 80, 'national', 16));
  db2.pragma('wal_checkpoint(TRUNCATE)');
  const rows = (db2.prepare('SELECT count(*) AS n FROM response_scores').get() as { n: number }).n;
  console.log(`national aggregate, ${total.toLocaleString('en')} responses / ${rows.toLocaleString('en')} score rows (${(filled2.ms / 1000).toFixed(1)} s to fill):`);
  db2.close();
  const probe = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'nationalProbe.ts'), path.join(dir, 'national.sqlite')], { encoding: 'utf8' }),
  ) as { planMs: number; afterAnswerMs: number; first: number; second: number; cells: number; baselineMb: number; peakMb: number; n: number; mean: number; median: number };
  console.log(`  disclosure plan of the installation ${probe.planMs.toFixed(0)} ms the first time (every förbund's);`);
  console.log(`  after one new answer ${probe.afterAnswerMs.toFixed(0)} ms (that förbund's plan and the installation's on top)`);
  console.log(`  aggregate: first run ${probe.first.toFixed(0)} ms, second run ${probe.second.toFixed(0)} ms (target < 3,000 ms); ${probe.cells} cells`);
  console.log(`  peak RSS of the process that ran it ${probe.peakMb.toFixed(0)} MB (${probe.baselineMb.toFixed(0)} MB before the aggregate; target < 500 MB)`);
  console.log(`  e.g. health at exit: n ${probe.n}, mean ${probe.mean.toFixed(3)}, median ${probe.median.toFixed(3)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
