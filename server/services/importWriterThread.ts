// The worker of services/importWriter.ts: one import's transaction on a connection of its own.
// It waits for the next message synchronously (the transaction cannot span turns of an event loop
// it would share with nothing else anyway): the sender raises `signal` after each one.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ImportRow, ImportSummary } from '../domain/csvImport.js';
import { writeAudit } from '../storage/audit.js';
import { importResponses } from '../storage/csvImport.js';
import { openDatabase, type Db } from '../storage/db.js';
import { importAuditEvent } from './csvImportFile.js';
import type { FromWriter, ToWriter, WriterData } from './importWriter.js';

const data = workerData as WriterData;
const post = (message: FromWriter) => parentPort!.postMessage(message);

class Aborted extends Error {}

function next(): ToWriter {
  for (;;) {
    const seen = Atomics.load(data.signal, 0);
    const received = receiveMessageOnPort(data.port);
    if (received) return received.message as ToWriter;
    Atomics.wait(data.signal, 0, seen);
  }
}

let end: { summary: ImportSummary; mapping: [string, string][] } | null = null;

/** The rows as they come; ends at `end`, throws at `abort` (so the transaction rolls back). */
function* rows(): Generator<ImportRow> {
  let written = 0;
  for (;;) {
    const message = next();
    if ('abort' in message) throw new Aborted('the import was refused or cancelled');
    if ('end' in message) return void (end = message.end);
    yield* JSON.parse(message.rows) as ImportRow[];
    post({ written: (written += message.count) });
  }
}

let db: Db | null = null;
try {
  db = openDatabase(data.dbFile);
  db.exec('BEGIN IMMEDIATE');
  post({ locked: true });
  const result = importResponses(db, { interventionId: data.intervention.id, userId: data.userId, rows: rows() });
  writeAudit(db, { ...data.actor, ...importAuditEvent(data.intervention, result, end!.summary, new Map(end!.mapping)) });
  db.exec('COMMIT');
  post({ done: result });
} catch (err) {
  if (db?.inTransaction) db.exec('ROLLBACK');
  post({ failed: { message: err instanceof Error ? err.message : String(err), code: err instanceof Database.SqliteError ? err.code : null } });
} finally {
  db?.close();
}
