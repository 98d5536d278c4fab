import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { formatAccessCode } from './domain/accessCode.js';
import { InstrumentError, loadInstruments, MissingInstrumentError, requireAnsweredVersions, requireStartedVersions, type StartedVersion } from './domain/instrument.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './demo/seed.js';
import { NATIONAL_DEMO_ACCOUNTS, seedNationalDemo } from './demo/nationalSeed.js';
import { PATHS } from './paths.js';
import { closePdfRenderer } from './pdf.js';
import { asDatabaseError, DatabaseError, openDatabase, SERVING_BUSY_TIMEOUT_MS, STARTUP_LOCK_WAIT_MS, type Db } from './storage/db.js';

/** How long a stop (SIGTERM, SIGINT) waits for requests in flight before it closes their connections. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How long a stop waits for Chromium (the PDF renderer) to close. */
const PDF_CLOSE_MS = 3_000;

function start(): void {
  const config = loadConfig();
  const instruments = loadInstruments(PATHS.indicators);
  // While starting, wait as long for another process (a second server starting on the file, seeding
  // or migrating) as the migrations do; once serving, briefly: a write lock held elsewhere must not
  // stall every request, and participants' saves retry (routes/survey.ts).
  const db = openDatabase(config.dbFile, { busyTimeoutMs: STARTUP_LOCK_WAIT_MS });
  let app: ReturnType<typeof createApp>;
  try {
    requireStartedVersions(instruments, versionsOf(db, 'in_progress'));
    requireAnsweredVersions(instruments, versionsOf(db, 'submitted'));
    if (config.demo && config.mode === 'national') {
      const demo = seedNationalDemo(db, instruments);
      if (demo) {
        console.log(`National demo: ${demo.files} submission files from ${demo.federations} made-up förbund for ${demo.years.join(', ')}.`);
        console.log(`Demo accounts (password ${DEMO_PASSWORD}): ${NATIONAL_DEMO_ACCOUNTS.map((a) => `${a.email} (${a.role})`).join(', ')}`);
      }
    } else if (config.demo) {
      const demo = seedDemo(db, instruments);
      if (demo) {
        console.log(`Demo data: ${demo.participants} participants in ${demo.interventionIds.length} interventions of the first förbund, two more förbund in a regional project, a board questionnaire.`);
        console.log(`Unused demo codes to try at /s: ${demo.openCodes.slice(0, 5).map(formatAccessCode).join(', ')}`);
        console.log(`Demo accounts (password ${DEMO_PASSWORD}): ${DEMO_ACCOUNTS.map((a) => `${a.email} (${a.role})`).join(', ')}`);
      }
    }
    app = createApp({ db, instruments, config });
    db.pragma(`busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`);
  } catch (err) {
    // A full disk or a lost write lock while seeding or setting up is about the database too.
    db.close();
    throw asDatabaseError(config.dbFile, err) ?? err;
  }
  // Express 5 calls back with the error when listening fails (the port taken, no permission).
  const onListening = (err?: Error) => {
    if (err) {
      const code = (err as NodeJS.ErrnoException).code;
      console.error(`Indikator cannot start: ${config.host ? `${config.host} ` : ''}port ${config.port}: ${code === 'EADDRINUSE' ? 'another program listens on it' : code === 'EADDRNOTAVAIL' ? 'this machine has no such address' : err.message}`);
      db.close();
      process.exit(1);
    }
    const { port } = server.address() as AddressInfo;
    console.log(`Indikator listening on port ${port}, ${config.publicUrl} (database ${config.dbFile})`);
  };
  const server = config.host === undefined ? app.listen(config.port, onListening) : app.listen(config.port, config.host, onListening);
  stopOnSignals(server, db);
}

/** The instrument versions that questionnaires still in progress were started with (or sent ones given in), and how many of each. */
function versionsOf(db: Db, status: 'in_progress' | 'submitted'): StartedVersion[] {
  return db.prepare(
    `SELECT instrument_id AS instrumentId, instrument_version AS version, count(*) AS responses
     FROM responses WHERE status = ? GROUP BY instrument_id, instrument_version`,
  ).all(status) as StartedVersion[];
}

/**
 * SIGTERM or SIGINT: stop accepting connections, finish the requests in flight, close keep-alive
 * connections as soon as they are idle (answers given from now on say Connection: close, so a
 * client under load cannot keep one open), close whatever is left after SHUTDOWN_GRACE_MS, then
 * close the database and the PDF renderer and exit 0. A second signal closes every connection at once.
 */
function stopOnSignals(server: Server, db: Db): void {
  let stopping = false;
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal} again: closing every connection now`);
      server.closeAllConnections();
      return;
    }
    stopping = true;
    console.log(`${signal}: Indikator stops; finishing ${inFlight.size} request(s) in flight (at most ${SHUTDOWN_GRACE_MS / 1000} s)`);
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      console.log(`Closing ${inFlight.size} request(s) still open after ${SHUTDOWN_GRACE_MS / 1000} s`);
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      db.close();
      const pdfClosed = closePdfRenderer().catch((err: unknown) => console.error(`Closing the PDF renderer failed: ${String(err)}`));
      void Promise.race([pdfClosed, new Promise((resolve) => setTimeout(resolve, PDF_CLOSE_MS))]).then(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  start();
} catch (err) {
  if (err instanceof ConfigError || err instanceof InstrumentError || err instanceof MissingInstrumentError || err instanceof DatabaseError) {
    console.error(`Indikator cannot start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
