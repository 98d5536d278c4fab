// Run by bench/run.ts in a fresh process, so its peak memory is the aggregate's alone (plus Node):
// the installation's disclosure plan (first call computes it, as after any new answer), then the
// national aggregate through it.
import { loadConfig } from '../server/config.js';
import { loadInstruments } from '../server/domain/instrument.js';
import { PATHS } from '../server/paths.js';
import { disclosurePlan } from '../server/services/figures.js';
import { nationalAggregate } from '../server/services/nationalAggregate.js';
import { openDatabase } from '../server/storage/db.js';

const db = openDatabase(process.argv[2]!);
const ctx = { db, instruments: loadInstruments(PATHS.indicators), config: loadConfig({}) };
const baseline = process.resourceUsage().maxRSS;
const t0 = process.hrtime.bigint();
const plan = disclosurePlan(ctx);
const planMs = Number(process.hrtime.bigint() - t0) / 1e6;
const t1 = process.hrtime.bigint();
const cells = nationalAggregate(db, plan);
const first = Number(process.hrtime.bigint() - t1) / 1e6;
const t2 = process.hrtime.bigint();
nationalAggregate(db, disclosurePlan(ctx));
const second = Number(process.hrtime.bigint() - t2) / 1e6;
const sample = cells.find((c) => c.indicatorId === 'health' && c.point === 'exit')!;
console.log(JSON.stringify({ planMs, first, second, cells: cells.length, baselineMb: baseline / 1024, peakMb: process.resourceUsage().maxRSS / 1024, n: sample.stats.n, mean: sample.stats.mean, median: sample.stats.median }));
db.close();
