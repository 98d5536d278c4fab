// The confirmed import's write, off the server's thread: a worker_thread (importWriterThread.ts)
// with its own better-sqlite3 connection takes the write lock (BEGIN IMMEDIATE), this thread then
// checks the file against the intervention as it is at that moment and feeds it the checked rows,
// and the worker writes them, the counted cells and the audit row in that one transaction, or rolls
// it all back. Meanwhile the server answers: readers (WAL) see the database as it was before the
// import; a write waits for the lock (participants' saves retry, routes/survey.ts).
// The rows come scored: the worker needs no instruments, only the database file.

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ColumnMapping, ImportRow, ImportSummary } from '../domain/csvImport.js';
import type { Intervention } from '../storage/interventions.js';
import type { ImportResult } from '../storage/csvImport.js';

/** Who the audit row names: the request's user, token and address, or the command line. */
export interface AuditActor { userId?: number | null; tokenId?: number | null; ip?: string | null; actor?: string | null }

/** What the worker is started with. */
export interface WriterData {
  dbFile: string;
  intervention: Pick<Intervention, 'id' | 'federationId'>;
  /** Who imported (entered_by_user_id; null from the command line). */
  userId: number | null;
  actor: AuditActor;
  port: MessagePort;
  /** Raised after each message sent, so the worker, waiting synchronously inside its transaction, wakes. */
  signal: Int32Array;
}

/** Rows travel as JSON text: cloning a string costs a copy, cloning many small objects costs far more on both threads. */
export type ToWriter = { rows: string; count: number } | { end: { summary: ImportSummary; mapping: [string, string][] } } | { abort: true };
export type FromWriter = { locked: true } | { written: number } | { done: ImportResult } | { failed: { message: string; code: string | null } };

/** How far the check may run ahead of the writes: the rows in between wait in the worker's queue. */
const MAX_AHEAD_ROWS = 6000;

const WORKER_FILE = new URL(`./importWriterThread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * The worker, compiled (node dist/…) or, under tsx (npm run cli, the tests, the bench), as
 * TypeScript: a worker does not inherit tsx's loader (Node 20), so it registers it itself.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!WORKER_FILE.pathname.endsWith('.ts')) return new Worker(WORKER_FILE, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_FILE.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export class ImportWriter {
  private sent = 0;
  private written = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly finished: Promise<ImportResult>;
  private settle!: { resolve: (r: ImportResult) => void; reject: (e: Error) => void };

  private constructor(private readonly worker: Worker, private readonly port: MessagePort, private readonly signal: Int32Array, locked: () => void) {
    this.finished = new Promise<ImportResult>((resolve, reject) => (this.settle = { resolve, reject }));
    this.finished.catch(() => {});
    const fail = (err: Error) => {
      this.failure ??= err;
      this.settle.reject(this.failure);
      this.wake?.();
      locked();
    };
    worker.on('message', (m: FromWriter) => {
      if ('locked' in m) locked();
      else if ('written' in m) {
        this.written = m.written;
        this.wake?.();
      } else if ('done' in m) this.settle.resolve(m.done);
      else fail(m.failed.code ? new Database.SqliteError(m.failed.message, m.failed.code) : new Error(`the import's writer failed: ${m.failed.message}`));
    });
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the import\'s writer stopped before it was done')));
  }

  /** Starts a writer on the database file; resolves once it holds the write lock. */
  static async open(input: Omit<WriterData, 'port' | 'signal'>): Promise<ImportWriter> {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = startWorker({ workerData: { ...input, port: port2, signal } satisfies WriterData, transferList: [port2] });
    let writer!: ImportWriter;
    await new Promise<void>((locked) => (writer = new ImportWriter(worker, port1, signal, locked)));
    if (writer.failure) throw writer.failure;
    return writer;
  }

  /** Hands rows to the worker; waits while it is more than MAX_AHEAD_ROWS behind. */
  async write(rows: ImportRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.send({ rows: JSON.stringify(rows), count: rows.length });
    this.sent += rows.length;
    while (!this.failure && this.sent - this.written > MAX_AHEAD_ROWS) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  /** No more rows: the worker finishes the import, writes the audit row and commits. */
  end(summary: ImportSummary, mapping: ColumnMapping = new Map()): Promise<ImportResult> {
    this.send({ end: { summary, mapping: [...mapping] } });
    return this.finished;
  }

  /** The worker rolls everything back. */
  async abort(): Promise<void> {
    if (!this.failure) this.send({ abort: true });
    await this.finished.catch(() => {});
  }

  private send(message: ToWriter): void {
    this.port.postMessage(message);
    Atomics.add(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }
}
