import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed.js';
import { InstrumentRegistry, loadInstruments, MissingInstrumentError, sectionsForPoint } from '../../server/domain/instrument.js';
import { PATHS, ROOT } from '../../server/paths.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import { BackupError, backupDatabase, restoreDatabase } from '../../server/storage/backup.js';
import { openDatabase } from '../../server/storage/db.js';
import { startResponse } from '../../server/storage/responses.js';
import { pageFields } from '../helpers/answers.js';
import { runCli } from '../helpers/cli.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { runCliAsync, runServerToEnd, startServerProcess, type ServerProcess } from '../helpers/process.js';
import { signedIn } from '../helpers/users.js';

// Operations (issue 10): shutdown, start-up refusals, two servers on one file, backup, restore and
// instrument files, each against real processes and real SQLite files in a temp dir, loopback only.

const instruments = loadInstruments(PATHS.indicators);
const participant = instruments.get('participant')!;
const startSections = sectionsForPoint(participant, 'start');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Stops every server that started, whatever happened to the others. */
async function stopAll(servers: PromiseSettledResult<ServerProcess>[]): Promise<void> {
  const running = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  await Promise.all(running.map((s) => s.stop('SIGKILL').catch(() => undefined)));
}

/** A participant answering a whole start questionnaire on the web: language, every page, send. */
async function answerAll(client: HttpClient, code: string): Promise<void> {
  await client.get(`/s/${code}/language`);
  await client.post(`/s/${code}/language`, { language: 'sv' });
  for (const [i, section] of startSections.entries()) {
    await client.get(`/s/${code}/${i + 1}`);
    const res = await client.post(`/s/${code}/${i + 1}`, { ...pageFields(section), action: 'next' });
    if (res.status !== 303) throw new Error(`page ${i + 1} of ${code}: ${res.status}`);
  }
  await client.get(`/s/${code}/review`);
  const sent = await client.post(`/s/${code}/submit`, {});
  if (sent.status !== 303) throw new Error(`submit of ${code}: ${sent.status}`);
}

/** A copy of the application in its own folder (its own indicators/), node_modules linked: an installation to break. */
function installCopy(dir: string): string {
  const root = path.join(dir, 'app');
  for (const part of ['server', 'views', 'public', 'indicators', 'package.json', 'tsconfig.json']) fs.cpSync(path.join(ROOT, part), path.join(root, part), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

describe('operations', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-ops-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('shutdown', () => {
    it('SIGTERM under keep-alive load finishes the request in flight, closes the connections and exits 0 within the bound', async () => {
      const dbFile = path.join(dir, 'shutdown.sqlite');
      const db = openDatabase(dbFile);
      const { startCodes } = smallIntervention(db, 1);
      db.close();
      const server = await startServerProcess({ dbFile });
      let gone = false;
      try {
        void server.exited.then(() => (gone = true));
        const page = await fetch(`${server.url}/s/${startCodes[0]}/language`);
        const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
        const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
        const body = `_csrf=${encodeURIComponent(token)}&code=${startCodes[0]}`;

        // Load: keep-alive connections that are busy nearly all the time (each request's headers
        // come in two parts 20 ms apart) and send the next request as soon as an answer comes,
        // until an answer says Connection: close; then a new connection, until the server is gone.
        let answered = 0;
        const client = async () => {
          while (!gone) {
            const socket = net.connect(server.port, '127.0.0.1');
            let buffered = '';
            let closed = false;
            socket.on('data', (chunk: Buffer) => (buffered += chunk.toString()));
            socket.on('close', () => (closed = true));
            socket.on('error', () => undefined);
            while (!closed && !gone) {
              socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
              await sleep(20);
              socket.write('Connection: keep-alive\r\n\r\n');
              const head = await new Promise<string | null>((resolve) => {
                const poll = setInterval(() => {
                  const end = buffered.indexOf('\r\n\r\n');
                  const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
                  if (end >= 0 && buffered.length >= end + 4 + length) {
                    clearInterval(poll);
                    const text = buffered.slice(0, end);
                    buffered = buffered.slice(end + 4 + length);
                    resolve(text);
                  } else if (closed || gone) {
                    clearInterval(poll);
                    resolve(null);
                  }
                }, 1);
              });
              if (head === null) break;
              answered++;
              if (/\r\nconnection: close/i.test(head)) break;
            }
            socket.destroy();
            if (!gone) await sleep(20);
          }
        };
        const load = Array.from({ length: 6 }, client);
        await until(() => answered > 30, 5000, 'the load to run');

        // A request in flight: the headers and half the body now, the rest after the signal.
        const socket = net.connect(server.port, '127.0.0.1');
        await once(socket, 'connect');
        let reply = '';
        socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
        socket.on('error', () => undefined);
        const half = Math.floor(body.length / 2);
        socket.write(`POST /s HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, half)}`);
        await sleep(100);

        const answeredBefore = answered;
        const stopping = server.stop('SIGTERM', 13_000);
        await sleep(500);
        socket.write(body.slice(half));
        const exit = await stopping;
        gone = true;
        await Promise.all(load);
        socket.destroy();

        expect(reply, 'the request in flight was answered in full').to.match(/^HTTP\/1\.1 303 /);
        // The code went into the participant cookie; the questionnaire continues under /s/q.
        expect(reply).to.match(/\r\nLocation: \/s\/q\/language/i);
        expect(reply).to.match(/\r\nSet-Cookie: indikator_s=/i);
        expect(answered, 'the load went on into the stop').to.be.above(answeredBefore);
        expect(exit.code, server.output()).to.equal(0);
        expect(exit.ms, 'ended within the 10 s bound').to.be.below(10_000);
        expect(server.output()).to.contain('SIGTERM: Indikator stops');
      } finally {
        gone = true;
        await server.stop('SIGKILL').catch(() => undefined);
      }
    });
  });

  describe('start-up', () => {
    it('a database that cannot be created, opened or written stops start-up with one line naming the file and the cause', async () => {
      // CI runs as root, for whom chmod stops nothing: the read-only file is tried by a process
      // running as nobody; the other cases fail for root too (a path under a regular file, a path
      // in /proc where no file can be made).
      const inTheWay = path.join(dir, 'in-the-way');
      fs.writeFileSync(inTheWay, '');
      fs.chmodSync(dir, 0o755);
      const readOnlyDir = path.join(dir, 'read-only');
      fs.mkdirSync(readOnlyDir);
      fs.chmodSync(readOnlyDir, 0o777);
      const readOnly = path.join(readOnlyDir, 'indikator.sqlite');
      openDatabase(readOnly).close();
      fs.chmodSync(readOnly, 0o444);
      const cases: { dbFile: string; cause: string; uid?: number; gid?: number }[] = [
        { dbFile: path.join(inTheWay, 'indikator.sqlite'), cause: 'its folder cannot be created: a part of its path is a file, not a folder' },
      ];
      const root = process.getuid?.() === 0;
      // As nobody the process must be able to read the code: every folder above it open to others.
      const readableByOthers = (p: string): boolean => (fs.statSync(p).mode & 0o005) === 0o005 && (path.dirname(p) === p || readableByOthers(path.dirname(p)));
      if (!root || readableByOthers(path.join(ROOT, 'node_modules'))) {
        cases.push({ dbFile: readOnly, cause: 'the file (or its folder) is read-only', ...(root ? { uid: 65534, gid: 65534 } : {}) });
      }
      if (fs.existsSync('/proc/self')) cases.push({ dbFile: '/proc/indikator-test.sqlite', cause: 'the file cannot be opened or created' });
      const results = await Promise.all(cases.map((c) => runServerToEnd(c)));
      for (const [i, c] of cases.entries()) {
        const { code, output } = results[i]!;
        expect(code, output).to.equal(1);
        expect(output.trim().split('\n'), output).to.have.length(1);
        expect(output.trim()).to.contain(`Indikator cannot start: database ${c.dbFile}: ${c.cause}`);
      }
    });
  });

  describe('two servers on one file', () => {
    it('both start at once on an empty file with one set of demo data, and choosing the language for one new code on both at once gives no 500', async () => {
      const dbFile = path.join(dir, 'two.sqlite');
      const started = await Promise.allSettled([startServerProcess({ dbFile, demo: true }), startServerProcess({ dbFile, demo: true })]);
      try {
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        const [a, b] = started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value) as [ServerProcess, ServerProcess];
        for (const s of [a, b]) expect((await fetch(`${s.url}/healthz`)).status).to.equal(200);
        expect(`${a.output()}${b.output()}`.match(/^Demo data:/gm)).to.have.length(1);
        const db = openDatabase(dbFile);
        expect(db.prepare(`SELECT count(*) FROM federations WHERE name = 'Samordningsförbundet Exempeldalen'`).pluck().get()).to.equal(1);
        expect(db.prepare(`SELECT count(*) FROM users WHERE email LIKE '%@demo.example'`).pluck().get()).to.equal(5);
        const { startCodes } = smallIntervention(db, 30);
        db.close();

        // Two clients on each server per new code, their pages open; then, one code after the
        // other, the four choose the language at the same moment.
        const clients = startCodes.map((code) => ({ code, clients: [a, b, a, b].map((s) => new HttpClient(s.url)) }));
        await Promise.all(clients.flatMap(({ code, clients: cs }) => cs.map((c) => c.get(`/s/${code}/language`))));
        const statuses: number[] = [];
        for (const { code, clients: cs } of clients) {
          const answers = await Promise.all(cs.map((c) => c.post(`/s/${code}/language`, { language: 'sv' })));
          statuses.push(...answers.map((r) => r.status));
        }
        expect(statuses.filter((s) => s !== 303)).to.deep.equal([]);
        const check = new Database(dbFile, { readonly: true });
        const perCode = check.prepare(`SELECT code, count(*) AS n FROM responses WHERE code IN (${startCodes.map(() => '?').join(', ')}) GROUP BY code`).all(...startCodes) as { n: number }[];
        check.close();
        expect(perCode).to.have.length(startCodes.length);
        expect(perCode.every((r) => r.n === 1)).to.equal(true);
      } finally {
        await stopAll(started);
      }
    });

    it('a migration another connection is applying is waited for and found done, not applied again', async () => {
      const dbFile = path.join(dir, 'migrating.sqlite');
      // The other connection (a thread of its own): the migrations table committed, then the first
      // migration applied and recorded inside a write transaction it holds for a while.
      const worker = new Worker(`
        const { parentPort, workerData } = require('node:worker_threads');
        const fs = require('node:fs');
        const Database = require(workerData.sqlite);
        const db = new Database(workerData.file);
        db.pragma('journal_mode = WAL');
        db.exec("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))");
        db.exec('BEGIN IMMEDIATE');
        db.exec(fs.readFileSync(workerData.migration, 'utf8'));
        db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(workerData.name);
        parentPort.postMessage('holding');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
        db.exec('COMMIT');
        db.close();
      `, { eval: true, workerData: { file: dbFile, sqlite: path.join(ROOT, 'node_modules', 'better-sqlite3'), migration: path.join(PATHS.migrations, '001_initial.sql'), name: '001_initial.sql' } });
      const ended = once(worker, 'exit');
      await once(worker, 'message');
      const db = openDatabase(dbFile);
      const names = db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all();
      db.close();
      await ended;
      expect(names).to.deep.equal(fs.readdirSync(PATHS.migrations).filter((f) => f.endsWith('.sql')).sort());
    });
  });

  describe('backup', () => {
    /** A database of a few MB (4,000 rows of 1 kB), so a copy takes many pages. */
    function sizeableDatabase(file: string, rows = 4000) {
      const db = openDatabase(file);
      const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
      db.transaction(() => { for (let i = 0; i < rows; i++) insert.run(`fill-${i}`, 'x'.repeat(1000)); })();
      return db;
    }

    it('finishes while other connections write continuously, with a whole copy', async () => {
      const source = path.join(dir, 'live.sqlite');
      const target = path.join(dir, 'copy.sqlite');
      const db = sizeableDatabase(source);
      // One writer in another process, as the server is, and one in this process that writes
      // between every step a backup yields (the online backup restarted after each of them).
      const writer = spawn(process.execPath, ['-e', `
        const db = new (require('better-sqlite3'))(process.argv[1]);
        db.pragma('busy_timeout = 5000');
        const up = db.prepare("INSERT INTO settings (key, value) VALUES ('other-' || ?, hex(randomblob(300))) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        let n = 0;
        const loop = () => { for (let k = 0; k < 20; k++) up.run(n++ % 2000); setImmediate(loop); };
        loop();
      `, source], { cwd: ROOT, stdio: 'ignore' });
      const up = db.prepare(`INSERT INTO settings (key, value) VALUES ('near-' || ?, hex(randomblob(300))) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
      let writing = true;
      let writes = 0;
      const write = () => {
        if (!writing) return;
        up.run(writes++ % 500);
        setImmediate(write);
      };
      let timer: NodeJS.Timeout | undefined;
      try {
        await sleep(200);
        write();
        const bytes = await Promise.race([
          backupDatabase(source, target),
          new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the backup did not finish within 8 s of continuous writes')), 8000); }),
        ]);
        expect(writes).to.be.above(0);
        expect(bytes).to.equal(fs.statSync(target).size);
        const copy = new Database(target, { readonly: true });
        expect(copy.pragma('integrity_check', { simple: true })).to.equal('ok');
        expect(copy.prepare(`SELECT count(*) FROM settings WHERE key LIKE 'fill-%'`).pluck().get()).to.equal(4000);
        expect(copy.pragma('journal_mode', { simple: true })).to.equal('delete');
        copy.close();
        expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-'))).to.deep.equal([]);
      } finally {
        clearTimeout(timer);
        writing = false;
        writer.kill('SIGKILL');
        db.close();
      }
    });

    it('stopped part-way (SIGTERM) or failing its check, leaves no file under the target name and no partial copy', async () => {
      const source = path.join(dir, 'big.sqlite');
      sizeableDatabase(source, 40_000).close();
      const target = path.join(dir, 'stopped.sqlite');
      const { child, done } = runCliAsync(source, ['backup', '--to', target]);
      await until(() => fs.readdirSync(dir).some((f) => f.startsWith('stopped.sqlite.partial-')), 20_000, 'the backup to begin');
      child.kill('SIGTERM');
      const stopped = await done;
      if (stopped.code === 0) {
        // The copy was done before the signal came: then it is whole.
        const copy = new Database(target, { readonly: true });
        expect(copy.pragma('integrity_check', { simple: true })).to.equal('ok');
        copy.close();
      } else {
        expect(stopped.code, stopped.stderr).to.equal(1);
        expect(stopped.stderr).to.contain('the backup was stopped; nothing was written to');
        expect(fs.existsSync(target)).to.equal(false);
      }
      expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-')), 'no partial copy left').to.deep.equal([]);

      // A damaged source: the copy fails (or fails its check) and nothing is left behind.
      const damaged = path.join(dir, 'damaged.sqlite');
      fs.copyFileSync(source, damaged);
      const fd = fs.openSync(damaged, 'r+');
      fs.writeSync(fd, Buffer.alloc(64 * 4096, 0x5a), 0, 64 * 4096, 20 * 4096);
      fs.closeSync(fd);
      const failed = path.join(dir, 'failed.sqlite');
      let error: unknown;
      await backupDatabase(damaged, failed).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(Error);
      expect(fs.existsSync(failed)).to.equal(false);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('failed.sqlite'))).to.deep.equal([]);
    });
  });

  describe('restore', () => {
    it('puts a backup in place of a database with a stale -wal, keeps the old files, and refuses while the database is open', () => {
      const dbFile = path.join(dir, 'indikator.sqlite');
      const backup = path.join(dir, 'backup.sqlite');
      const live = openDatabase(dbFile);
      smallIntervention(live, 3);
      live.close();
      expect(runCli(dbFile, ['backup', '--to', backup]).status).to.equal(0);

      // Later writes, then the server dies: a -wal full of commits the file does not have yet.
      const later = openDatabase(dbFile);
      later.pragma('wal_autocheckpoint = 0');
      later.prepare(`INSERT INTO federations (name) VALUES ('Senare förbundet')`).run();
      fs.copyFileSync(dbFile, `${dbFile}.crash`);
      fs.copyFileSync(`${dbFile}-wal`, `${dbFile}.crash-wal`);
      later.close();
      fs.renameSync(`${dbFile}.crash`, dbFile);
      fs.renameSync(`${dbFile}.crash-wal`, `${dbFile}-wal`);
      const oldWal = fs.readFileSync(`${dbFile}-wal`);
      const oldDb = fs.readFileSync(dbFile);

      // Refused while another process has the database open; nothing is touched.
      const open = new Database(dbFile);
      open.prepare('SELECT count(*) FROM federations').get();
      const refused = runCli(dbFile, ['restore', '--from', backup]);
      open.close();
      expect(refused.status, refused.stderr).to.equal(1);
      expect(refused.stderr.trim()).to.equal(`error: the database ${dbFile} is open in another process (the server or another command); stop it first, then restore`);
      // (Closing that connection checkpointed the -wal; put the crashed files back.)
      fs.writeFileSync(dbFile, oldDb);
      fs.writeFileSync(`${dbFile}-wal`, oldWal);
      fs.rmSync(`${dbFile}-shm`, { force: true });

      const restored = runCli(dbFile, ['restore', '--from', backup]);
      expect(restored.status, restored.stderr).to.equal(0);
      expect(restored.stdout).to.contain(`Restored ${backup} to ${dbFile}`);
      const db = new Database(dbFile, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
      expect(db.prepare('SELECT name FROM federations ORDER BY id').pluck().all()).to.deep.equal(['Testförbundet']);
      expect(db.prepare('SELECT count(*) FROM participants').pluck().get()).to.equal(3);
      db.close();

      // The old database and its -wal are beside it, as they were, and together still open.
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('indikator.sqlite.before-restore-'));
      const oldFile = path.join(dir, aside.find((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))!);
      expect(aside).to.include(`${path.basename(oldFile)}-wal`);
      expect(fs.readFileSync(oldFile).equals(oldDb)).to.equal(true);
      expect(fs.readFileSync(`${oldFile}-wal`).equals(oldWal)).to.equal(true);
      const old = new Database(oldFile, { readonly: true });
      expect(old.prepare('SELECT name FROM federations ORDER BY id').pluck().all()).to.deep.equal(['Testförbundet', 'Senare förbundet']);
      old.close();
      expect(fs.readdirSync(dir).filter((f) => f.includes('.restore-') || f.includes('.probe-'))).to.deep.equal([]);
    });

    it('a backup made under load and restored gives identical analyses (API summary and results page)', async () => {
      const dbFile = path.join(dir, 'indikator.sqlite');
      const backup = path.join(dir, 'under-load.sqlite');
      const db = openDatabase(dbFile);
      const demo = seedDemo(db, instruments)!;
      const { token } = createApiToken(db, { name: 'ops-test', federationId: demo.federationId, role: 'evaluator', createdBy: null });
      const load = smallIntervention(db, 16);
      db.close();
      const interventionId = demo.interventionIds[0]!;
      const analyses = async (server: ServerProcess) => {
        const evaluator = await signedIn(server.url, 'utvarderare@demo.example', DEMO_PASSWORD);
        const results = await evaluator.get(`/f/${demo.federationId}/interventions/${interventionId}/results`);
        const summary = await fetch(`${server.url}/api/v1/interventions/${interventionId}/summary`, { headers: { authorization: `Bearer ${token}` } });
        expect(results.status).to.equal(200);
        expect(summary.status).to.equal(200);
        // Per-request tokens aside, the page is the figures.
        const page = results.text.replace(/name="_csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
        return { summary: await summary.text(), page };
      };

      let server = await startServerProcess({ dbFile });
      try {
        const before = await analyses(server);
        // Participants of another förbund answer and send while the backup is made.
        let sentBeforeBackup = -1;
        let sent = 0;
        const participants = load.startCodes.map(async (code) => {
          await answerAll(new HttpClient(server.url), code);
          sent++;
        });
        await until(() => sent >= 2, 20_000, 'the first answers');
        sentBeforeBackup = sent;
        const made = await runCliAsync(dbFile, ['backup', '--to', backup]).done;
        const sentDuringBackup = sent - sentBeforeBackup;
        await Promise.all(participants);
        expect(made.code, made.stderr).to.equal(0);
        expect(sent).to.equal(16);

        expect(() => restoreDatabase(backup, dbFile)).to.throw(BackupError, 'is open in another process');
        expect((await server.stop('SIGTERM')).code).to.equal(0);
        const restored = runCli(dbFile, ['restore', '--from', backup]);
        expect(restored.status, restored.stderr).to.equal(0);
        server = await startServerProcess({ dbFile });
        const after = await analyses(server);
        expect(after.summary).to.equal(before.summary);
        expect(after.page).to.equal(before.page);

        // The backup holds every questionnaire sent before it began (and perhaps some sent during it).
        const copy = new Database(dbFile, { readonly: true });
        const inBackup = copy.prepare(`SELECT count(*) FROM responses WHERE intervention_id = ? AND status = 'submitted'`).pluck().get(load.intervention.id) as number;
        copy.close();
        expect(inBackup).to.be.within(sentBeforeBackup, sentBeforeBackup + sentDuringBackup + 1);
      } finally {
        await server.stop('SIGKILL').catch(() => undefined);
      }
    });
  });

  describe('instrument files', () => {
    it('a file saved with a UTF-8 byte order mark (as Notepad saves) loads like the same file without', () => {
      const instrumentDir = path.join(dir, 'indicators');
      fs.mkdirSync(instrumentDir);
      const text = fs.readFileSync(path.join(PATHS.indicators, 'participant.json'), 'utf8');
      fs.writeFileSync(path.join(instrumentDir, 'participant.json'), `\uFEFF${text.replace(/\n/g, '\r\n')}`);
      const loaded = loadInstruments(instrumentDir);
      expect(loaded.get('participant')).to.deep.equal(participant);
    });

    it('demo seeding without the participant questionnaire says what is missing in one line and writes nothing', () => {
      const db = openDatabase(path.join(dir, 'demo.sqlite'));
      const withoutParticipant = new InstrumentRegistry(instruments.list().filter((i) => i.respondentGroup !== 'participant'));
      let error: unknown;
      try {
        seedDemo(db, withoutParticipant);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(MissingInstrumentError);
      const message = (error as Error).message;
      expect(message).to.not.contain('\n');
      expect(message).to.contain('the demo data need a participant questionnaire in indicators/');
      expect(db.prepare('SELECT count(*) FROM federations').pluck().get()).to.equal(0);
      db.close();
    });

    it('start-up refuses an installation that lacks the version started questionnaires need, naming how many need which; starts with both versions', async () => {
      const root = installCopy(dir);
      const indicators = path.join(root, 'indicators');

      // No participant questionnaire at all: the demo cannot be seeded.
      const original = fs.readFileSync(path.join(indicators, 'participant.json'), 'utf8');
      fs.rmSync(path.join(indicators, 'participant.json'));
      const noDemo = await runServerToEnd({ root, dbFile: path.join(dir, 'empty.sqlite'), demo: true });
      expect(noDemo.code, noDemo.output).to.equal(1);
      expect(noDemo.output.trim().split('\n')).to.have.length(1);
      expect(noDemo.output.trim()).to.match(/^Indikator cannot start: the demo data need a participant questionnaire in indicators\//);

      // Three questionnaires started with version 1.0 (one more sent); then participant.json is replaced by 1.1.
      const dbFile = path.join(dir, 'started.sqlite');
      const db = openDatabase(dbFile);
      const { intervention, participants, startCodes } = smallIntervention(db, 4);
      for (const [i, code] of startCodes.entries()) {
        startResponse(db, { code, participantId: participants[i]!.id, interventionId: intervention.id, point: 'start', roundId: null, instrumentId: 'participant', instrumentVersion: '1.0', language: 'sv' });
      }
      db.prepare(`UPDATE responses SET status = 'submitted' WHERE code = ?`).run(startCodes[3]);
      db.close();
      const v11 = { ...(JSON.parse(original) as Record<string, unknown>), version: '1.1' };
      fs.writeFileSync(path.join(indicators, 'participant.json'), JSON.stringify(v11, null, 2));
      const refused = await runServerToEnd({ root, dbFile });
      expect(refused.code, refused.output).to.equal(1);
      expect(refused.output.trim().split('\n')).to.have.length(1);
      expect(refused.output.trim()).to.match(/^Indikator cannot start: 3 started responses need instrument "participant" version 1\.0 \(installed: 1\.1\); keep each version/);

      // With the old version beside the new one, those who started continue with theirs.
      fs.writeFileSync(path.join(indicators, 'participant-1.0.json'), original);
      const server = await startServerProcess({ root, dbFile });
      try {
        const client = new HttpClient(server.url);
        const back = await client.follow(`/s/${startCodes[0]}`);
        expect(back.status).to.equal(200);
        expect(back.path).to.equal('/s/q/1');
      } finally {
        await server.stop('SIGKILL');
      }
    });
  });
});
