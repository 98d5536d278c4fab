import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { formatAccessCode } from './domain/accessCode.js';
import { InstrumentError, loadInstruments } from './domain/instrument.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './demo/seed.js';
import { PATHS } from './paths.js';
import { closePdfRenderer } from './pdf.js';
import { openDatabase } from './storage/db.js';

function start(): void {
  const config = loadConfig();
  const instruments = loadInstruments(PATHS.indicators);
  const db = openDatabase(config.dbFile, { busyTimeoutMs: 150 }); // short: a write lock held elsewhere must not stall every request; participants' saves retry (routes/survey.ts)
  if (config.demo) {
    const demo = seedDemo(db, instruments);
    if (demo) {
      console.log(`Demo data: ${demo.participants} participants in ${demo.interventionIds.length} interventions of the first förbund, two more förbund in a regional project, a board questionnaire.`);
      console.log(`Unused demo codes to try at /s: ${demo.openCodes.slice(0, 5).map(formatAccessCode).join(', ')}`);
      console.log(`Demo accounts (password ${DEMO_PASSWORD}): ${DEMO_ACCOUNTS.map((a) => `${a.email} (${a.role})`).join(', ')}`);
    }
  }
  const app = createApp({ db, instruments, config });
  const server = app.listen(config.port, () => console.log(`Indikator listening on ${config.publicUrl} (database ${config.dbFile})`));
  const stop = () => server.close(() => { db.close(); void closePdfRenderer().finally(() => process.exit(0)); });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  start();
} catch (err) {
  if (err instanceof ConfigError || err instanceof InstrumentError) {
    console.error(`Indikator cannot start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
