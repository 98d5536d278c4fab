import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
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

/** The real app on a random port, with a real SQLite file in a fresh temp dir. */
export async function startTestServer(opts: { codeEntryLimit?: number; loginLimit?: number; prepare?: (db: Db) => void; busyTimeoutMs?: number; config?: Partial<Config>; codeGuessCapPerMinute?: number; instruments?: InstrumentRegistry } = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-test-'));
  // busyTimeoutMs: how long the server's connection waits for another's write lock (server/main.ts sets it short).
  const db = openDatabase(path.join(dir, 'test.sqlite'), { busyTimeoutMs: opts.busyTimeoutMs });
  opts.prepare?.(db);
  const config = { ...loadConfig({ INDIKATOR_DB: path.join(dir, 'test.sqlite') }), demo: false, ...opts.config };
  // instruments: another set than indicators/ (a second version of an instrument beside the first).
  const ctx: AppContext = { db, instruments: opts.instruments ?? instruments, config, codeEntryLimit: opts.codeEntryLimit, loginLimit: opts.loginLimit, codeGuessCapPerMinute: opts.codeGuessCapPerMinute };
  const server: Server = await new Promise((resolve) => {
    const s = createApp(ctx).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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
