// Run by bench/run.ts in a fresh process, so its peak memory is the aggregate's alone (plus Node):
// the installation's disclosure plan (the first call computes every förbund's), the national
// aggregate through it, then one new answer and the plan again (only that förbund's is made anew).
import { loadConfig } from '../server/config.js';
import { loadInstruments } from '../server/domain/instrument.js';
import { PATHS } from '../server/paths.js';
import { disclosurePlan } from '../server/services/figures.js';
import { nationalAggregate } from '../server/services/nationalAggregate.js';
import { openDatabase } from '../server/storage/db.js';
import { startResponse, submitResponse } from '../server/storage/responses.js';

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
// A participant answers at exit, through the same storage call as the survey.
const someone = db.prepare('SELECT id, intervention_id AS interventionId FROM participants ORDER BY id LIMIT 1').get() as { id: number; interventionId: number };
const response = startResponse(db, { code: null, participantId: someone.id, interventionId: someone.interventionId, point: 'exit', roundId: null, instrumentId: 'participant', instrumentVersion: '1', language: 'sv' });
submitResponse(db, response, [{ indicatorId: 'health', score: 5 }]);
const t3 = process.hrtime.bigint();
disclosurePlan(ctx);
const afterAnswerMs = Number(process.hrtime.bigint() - t3) / 1e6;
const sample = cells.find((c) => c.indicatorId === 'health' && c.point === 'exit')!;
console.log(JSON.stringify({ planMs, afterAnswerMs, first, second, cells: cells.length, baselineMb: baseline / 1024, peakMb: process.resourceUsage().maxRSS / 1024, n: sample.stats.n, mean: sample.stats.mean, median: sample.stats.median }));
db.close();
