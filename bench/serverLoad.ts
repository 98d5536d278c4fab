// The server under load: page saves and submits by 50 simulated participants at once, against the
// compiled app (node dist/server/main.js, as `npm start` runs it) and, in the same run with the same
// client, against bench/bareServer.ts. Also the cold start of the compiled app on a large database.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { DONT_KNOW, FIELD_PREFIX, parseSectionForm } from '../server/domain/answerForm.js';
import { sectionsForPoint, type InstrumentRegistry } from '../server/domain/instrument.js';
import type { Item } from '../server/domain/instrumentTypes.js';
import { ROOT } from '../server/paths.js';
import { findAccessCode, issueAccessCodes } from '../server/storage/accessCodes.js';
import { openDatabase } from '../server/storage/db.js';
import { createFederation } from '../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../server/storage/interventions.js';
import { createParticipants } from '../server/storage/participants.js';
import { saveAnswers, startResponse } from '../server/storage/responses.js';
import { Client, drive, keepCookies, type LoadFigures } from './loadClient.js';

export interface LoadOptions {
  participants: number;
  durationMs: number;
  warmupMs: number;
  /** How many answered questionnaires a second to prepare for the submit run. */
  submitsPerSecond: number;
}

export interface Served { url: URL; child: ChildProcess; stop(): Promise<void> }

/** Starts a server process and resolves once it prints the port it listens on. */
export function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      const port = /listening on port (\d+)/.exec(output)?.[1];
      if (!port) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const stop = () => new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
      resolve({ url: new URL(`http://127.0.0.1:${port}`), child, stop });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} ended (${code}) before it listened:\n${output}`)));
  });
}

/** The compiled app on `dbFile`, on loopback, without demo data. */
export function serveApp(dbFile: string): Promise<Served> {
  // BENCH_PROFILE=<dir>: the app writes a CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return serve([...profile, path.join(ROOT, 'dist', 'server', 'main.js')], { INDIKATOR_DB: dbFile, INDIKATOR_DEMO: '0', INDIKATOR_HOST: '127.0.0.1', PORT: '0' });
}

/** A value a participant could give to an item, as the form posts it. */
function typicalValue(item: Item, rng: () => number): string {
  switch (item.type) {
    case 'agree7': return rng() < 0.1 && item.dontKnow ? DONT_KNOW : String(1 + Math.floor(rng() * 7));
    case 'single':
    case 'multi': return item.options![Math.floor(rng() * item.options!.length)]!.value;
    case 'number': return String(item.min ?? 1);
    default: return 'Bra stöd';
  }
}

interface Setup { saveCodes: string[]; submitCodes: string[][]; pageFields: (rng: () => number) => Record<string, string> }

/**
 * An intervention whose participants have chosen their language: one code per simulated participant
 * who saves page 1 over and over, and `perSubmitter` fully answered codes for each one who submits.
 */

export function prepare(dbFile: string, instruments: InstrumentRegistry, participants: number, perSubmitter: number): Setup {
  const db = openDatabase(dbFile);
  const instrument = instruments.get('participant')!;
  const sections = sectionsForPoint(instrument, 'start');
  const rng = seedrandom('load');
  const fieldsOf = (items: Item[], r: () => number) => Object.fromEntries(items.map((item) => [FIELD_PREFIX + item.id, typicalValue(item, r)]));
  const federation = createFederation(db, 'Lastförbundet');
  const intervention = createIntervention(db, { federationId: federation.id, name: 'Lastinsatsen', kind: 'individual' });
  const point = setMeasurementPoint(db, intervention.id, 'start', instrument.id);
  const issue = (count: number) => {
    const people = createParticipants(db, intervention.id, count, '2026-09-01');
    return issueAccessCodes(db, { measurementPointId: point.id, participantIds: people.map((p) => p.id) });
  };
  const open = (code: string) => startResponse(db, {
    code, participantId: findAccessCode(db, code)!.participantId, interventionId: intervention.id, point: 'start', roundId: null,
    instrumentId: instrument.id, instrumentVersion: instrument.version, language: 'sv',
  });
  const setup = db.transaction(() => {
    const saveCodes = issue(participants);
    for (const code of saveCodes) open(code);
    const submitCodes = Array.from({ length: participants }, () => issue(perSubmitter));
    for (const code of submitCodes.flat()) {
      const response = open(code);
      sections.forEach((section, i) => {
        const parsed = parseSectionForm(section.items, fieldsOf(section.items, rng));
        saveAnswers(db, response.id, parsed.answers, [], i + 2);
      });
    }
    return { saveCodes, submitCodes };
  })();
  db.close();
  return { ...setup, pageFields: (r) => fieldsOf(sections[0]!.items, r) };
}

/**
 * A simulated participant's browser as participants use the app: the code link puts the code in
 * the participant cookie, and page 1 is /s/q/1; its cookies and the CSRF token of that page.
 */
async function openPage(client: Client, code: string): Promise<{ cookie: string; token: string }> {
  const jar = new Map<string, string>();
  const entered = await client.send({ method: 'GET', path: `/s/${code}` });
  if (entered.status !== 303) throw new Error(`the link of ${code} answered ${entered.status}`);
  const page = await client.send({ method: 'GET', path: '/s/q/1', headers: { cookie: keepCookies(jar, entered) } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || !token) throw new Error(`page 1 of ${code} answered ${page.status}`);
  return { cookie: keepCookies(jar, page), token };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export interface LoadResults {
  save: { app: LoadFigures; bare: LoadFigures };
  submit: { app: LoadFigures; bare: LoadFigures };
}

/** Page saves, then submits, each against the app and then the bare endpoint, with `participants` at once. */
export async function serverLoad(dir: string, instruments: InstrumentRegistry, opts: LoadOptions): Promise<LoadResults> {
  // Answered questionnaires for the submitters: should they run out, the run ends there and its
  // figures are over the time until then (loadClient.drive).
  const perSubmitter = Math.ceil((opts.submitsPerSecond * (opts.durationMs + opts.warmupMs)) / 1000 / opts.participants);
  const appFile = path.join(dir, 'load-app.sqlite');
  const setup = prepare(appFile, instruments, opts.participants, perSubmitter);
  const rngs = setup.saveCodes.map((_, i) => seedrandom(`participant ${i}`));

  const app = await serveApp(appFile);
  const bare = await serve(['--import', 'tsx', path.join(ROOT, 'bench', 'bareServer.ts'), path.join(dir, 'load-bare.sqlite')]);
  const appClient = new Client(app.url, opts.participants);
  const bareClient = new Client(bare.url, opts.participants);
  try {
    const browsers = await Promise.all(setup.saveCodes.map((code) => openPage(appClient, code)));
    const appSave = await drive(setup.saveCodes.map((_, i) => async () => {
      const { cookie, token } = browsers[i]!;
      const reply = await appClient.send({ method: 'POST', path: '/s/q/1', headers: { cookie }, body: form({ _csrf: token, action: 'pause', ...setup.pageFields(rngs[i]!) }) });
      return reply.status === 303;
    }), opts.durationMs, opts.warmupMs);
    const bareSave = await drive(setup.saveCodes.map((_, i) => async () => {
      const reply = await bareClient.send({ method: 'POST', path: `/save/${i + 1}`, body: form({ _csrf: browsers[i]!.token, action: 'pause', ...setup.pageFields(rngs[i]!) }) });
      return reply.status === 303;
    }), opts.durationMs, opts.warmupMs);

    const appSubmit = await drive(setup.submitCodes.map((codes, i) => {
      let next = 0;
      return async () => {
        const code = codes[next++];
        if (!code) return 'exhausted';
        const reply = await appClient.send({ method: 'POST', path: `/s/${code}/submit`, headers: { cookie: browsers[i]!.cookie }, body: form({ _csrf: browsers[i]!.token }) });
        return reply.status === 303;
      };
    }), opts.durationMs, opts.warmupMs);
    let sent = 0;
    const bareSubmit = await drive(setup.submitCodes.map((_, i) => async () => {
      const reply = await bareClient.send({ method: 'POST', path: `/submit/${++sent}`, body: form({ _csrf: browsers[i]!.token }) });
      return reply.status === 303;
    }), opts.durationMs, opts.warmupMs);
    return { save: { app: appSave, bare: bareSave }, submit: { app: appSubmit, bare: bareSubmit } };
  } finally {
    appClient.close();
    bareClient.close();
    await Promise.all([app.stop(), bare.stop()]);
  }
}

/**
 * Milliseconds from starting the compiled app on `dbFile` (already migrated) to its first answered
 * GET /healthz, polled every 10 ms; the median of `runs` starts.
 */
export async function coldStart(dbFile: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const app = await serveApp(dbFile);
    const client = new Client(app.url, 1);
    for (;;) {
      const ok = await client.send({ method: 'GET', path: '/healthz' }).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    times.push(performance.now() - t0);
    client.close();
    await app.stop();
  }
  return times;
}
