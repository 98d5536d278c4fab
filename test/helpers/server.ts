import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { loadInstruments, type InstrumentRegistry } from '../../server/domain/instrument.js';
import { PATHS } from '../../server/paths.js';
import { openDatabase, type Db } from '../../server/storage/db.js';

export interface TestServer {
  url: string;
  db: Db;
  ctx: AppContext;
  dir: string;
  close(): Promise<void>;
}

const instruments = loadInstruments(PATHS.indicators);

/**
 * The real app on a random port, with a real SQLite file in a fresh temp dir. `config` may depend
 * on the server's own URL (the public URL an identity provider redirects back to).
 *
 * Admins' second factor (INDIKATOR_ADMIN_TWO_FACTOR, on by default in every installation) is off
 * here unless a test turns it on: most tests sign admins in to test something else, with a
 * password alone. The requirement itself is tested with it on (twoFactor.test.ts, the
 * authorisation matrix), where signedIn() sets up and answers the second factor through the real
 * pages (helpers/users.ts).
 */
export async function startTestServer(opts: { codeEntryLimit?: number; loginLimit?: number; prepare?: (db: Db) => void; busyTimeoutMs?: number; config?: Partial<Config> | ((url: string) => Partial<Config>); codeGuessCapPerMinute?: number; instruments?: InstrumentRegistry } = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-test-'));
  // busyTimeoutMs: how long the server's connection waits for another's write lock (server/main.ts sets it short).
  const db = openDatabase(path.join(dir, 'test.sqlite'), { busyTimeoutMs: opts.busyTimeoutMs });
  opts.prepare?.(db);
  const server: Server = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const overrides = typeof opts.config === 'function' ? opts.config(url) : opts.config;
  const config = { ...loadConfig({ INDIKATOR_DB: path.join(dir, 'test.sqlite') }), demo: false, adminTwoFactor: false, ...overrides };
  // instruments: another set than indicators/ (a second version of an instrument beside the first).
  const ctx: AppContext = { db, instruments: opts.instruments ?? instruments, config, codeEntryLimit: opts.codeEntryLimit, loginLimit: opts.loginLimit, codeGuessCapPerMinute: opts.codeGuessCapPerMinute };
  server.on('request', createApp(ctx));
  return {
    url,
    db,
    ctx,
    dir,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          db.close();
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

export { instruments };
