// Run by bench/run.ts in a fresh process, so its peak memory is the aggregate's alone (plus Node).
import { nationalAggregate } from '../server/services/nationalAggregate.js';
import { openDatabase } from '../server/storage/db.js';

const db = openDatabase(process.argv[2]!);
const baseline = process.resourceUsage().maxRSS;
const t0 = process.hrtime.bigint();
const cells = nationalAggregate(db);
const first = Number(process.hrtime.bigint() - t0) / 1e6;
const t1 = process.hrtime.bigint();
nationalAggregate(db);
const second = Number(process.hrtime.bigint() - t1) / 1e6;
const sample = cells.find((c) => c.indicatorId === 'health' && c.point === 'exit')!;
console.log(JSON.stringify({ first, second, cells: cells.length, baselineMb: baseline / 1024, peakMb: process.resourceUsage().maxRSS / 1024, n: sample.stats.n, mean: sample.stats.mean, median: sample.stats.median }));
db.close();
