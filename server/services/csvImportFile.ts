// A CSV file of earlier questionnaires on disk (an upload or the command line's file), checked and
// imported without ever being held whole: read in chunks, its encoding told from its bytes, its
// rows checked as they are read (domain/csvImport) and, on import, written as they are checked in
// one transaction by a worker thread (importWriter.ts), the server answering meanwhile. The web
// page, the command line and the bench all come through here.

import fs from 'node:fs';
import type { AppContext } from '../context.js';
import { swedishDate } from '../domain/calendarDate.js';
import { auditTarget } from '../domain/auditEvent.js';
import { ImportCheck, ImportRefused, planImport, type ColumnMapping, type ImportOutcome, type ImportPoint, type ImportRow, type ImportSetting, type ImportSummary } from '../domain/csvImport.js';
import { fileColumns, type FileColumn } from '../domain/importColumns.js';
import { decodeChunks, EncodingSniffer, type TextEncoding } from '../domain/textEncoding.js';
import { Problem } from '../problem.js';
import { importExisting, type ImportResult } from '../storage/csvImport.js';
import { ImportWriter, type AuditActor } from './importWriter.js';
import { listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { listRounds } from '../storage/rounds.js';

const CHUNK_BYTES = 256 * 1024;

/** The intervention's points, each with its instrument. */
export function importPoints(ctx: Pick<AppContext, 'db' | 'instruments'>, interventionId: number): ImportPoint[] {
  return listMeasurementPoints(ctx.db, interventionId).map((p) => {
    const instrument = ctx.instruments.get(p.instrumentId);
    if (!instrument) throw new Problem('serverError', `instrument ${p.instrumentId} is not installed`);
    return { point: p.point, instrument };
  });
}

/** What a file is checked against: the intervention as it is now (read again inside the import's transaction). */
export function importSetting(ctx: Pick<AppContext, 'db' | 'instruments'>, intervention: Pick<Intervention, 'id' | 'federationId'>): ImportSetting {
  return { points: importPoints(ctx, intervention.id), rounds: listRounds(ctx.db, intervention.federationId), today: swedishDate(), ...importExisting(ctx.db, intervention.id) };
}

/** A file's bytes in chunks, read synchronously. */
export function* fileChunks(file: string, onBytes: (bytes: number) => void = () => {}): Generator<Uint8Array> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) {
      onBytes(n);
      yield buffer.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The file's encoding, told from all its bytes (an upload tells it as the bytes arrive instead: forms/upload.ts). */
export function fileEncoding(file: string): TextEncoding {
  const sniffer = new EncodingSniffer();
  for (const chunk of fileChunks(file)) sniffer.push(chunk);
  return sniffer.result();
}

/** The file's header and each column's first values (the column-mapping step), from its first chunk or so. */
export function fileColumnsOf(file: string, encoding: TextEncoding): FileColumn[] {
  return fileColumns(decodeChunks(fileChunks(file), encoding));
}

export interface CheckProgress { rows: number; bytes: number }

/**
 * Checks the file without writing anything (the preview), letting other requests run between its
 * chunks; `progress` hears how far it has come.
 */
export async function checkFile(
  file: string, encoding: TextEncoding, setting: ImportSetting, progress: (p: CheckProgress) => void = () => {}, mapping?: ColumnMapping,
): Promise<ImportOutcome> {
  const check = new ImportCheck(setting, () => {}, mapping);
  let bytes = 0;
  for (const text of decodeChunks(fileChunks(file, (n) => (bytes += n)), encoding)) {
    check.push(text);
    progress({ rows: check.rowsRead, bytes });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return check.end();
}

/** The rows handed to the writer at a time from a pasted file (a file's come a chunk at a time). */
const PASTED_BATCH = 2000;

/** What an import needs besides its rows: where, by whom (entered_by_user_id; null from the command line), whom the audit row names. */
export interface ImportInput { intervention: Pick<Intervention, 'id' | 'federationId'>; userId: number | null; actor: AuditActor; mapping?: ColumnMapping }

/**
 * An import, all or nothing, in one transaction on the import writer's connection (importWriter.ts)
 * with its audit row: once the writer holds the write lock, `check` checks the rows against the
 * intervention as it is then and hands them to `write` as they pass; throws ImportRefused
 * (nothing written) when they have errors.
 */
async function importChecked(
  ctx: Pick<AppContext, 'db' | 'instruments'>, input: ImportInput,
  check: (setting: ImportSetting, write: (rows: ImportRow[]) => Promise<void>) => Promise<ImportOutcome>,
): Promise<ImportResult & { outcome: ImportOutcome }> {
  const writer = await ImportWriter.open({ dbFile: ctx.db.name, intervention: input.intervention, userId: input.userId, actor: input.actor });
  try {
    const outcome = await check(importSetting(ctx, input.intervention), (rows) => writer.write(rows));
    if (outcome.errors.length) throw new ImportRefused(outcome);
    return { ...(await writer.end(outcome.summary, input.mapping)), outcome };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** Imports a file on disk, read and checked a chunk at a time while the writer writes the rows before. */
export function importFile(ctx: Pick<AppContext, 'db' | 'instruments'>, input: ImportInput & { file: string; encoding: TextEncoding }): Promise<ImportResult & { outcome: ImportOutcome }> {
  return importChecked(ctx, input, async (setting, write) => {
    const passed: ImportRow[] = [];
    const check = new ImportCheck(setting, (row) => passed.push(row), input.mapping);
    for (const text of decodeChunks(fileChunks(input.file), input.encoding)) {
      check.push(text);
      await write(passed.splice(0));
      // Other requests run between chunks even while the writer keeps up.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcome = check.end();
    await write(passed.splice(0));
    return outcome;
  });
}

/** Imports a pasted file (at most CSV_MAX_BYTES), checked whole. */
export function importPasted(ctx: Pick<AppContext, 'db' | 'instruments'>, input: ImportInput & { csv: string }): Promise<ImportResult & { outcome: ImportOutcome }> {
  return importChecked(ctx, input, async (setting, write) => {
    const { rows, ...outcome } = planImport(input.csv, setting, input.mapping);
    for (let k = 0; k < rows.length; k += PASTED_BATCH) await write(rows.slice(k, k + PASTED_BATCH));
    return outcome;
  });
}

/** The audit row of an import, from the web page or the command line alike. */
export function importAuditEvent(intervention: Pick<Intervention, 'id' | 'federationId'>, done: ImportResult, summary: ImportSummary, mapping?: ColumnMapping) {
  return {
    action: 'import.csv' as const, federationId: intervention.federationId, target: auditTarget.intervention(intervention.id),
    detail: {
      responses: done.responses, participantsCreated: done.participantsCreated, participantsMatched: summary.matchedParticipants,
      byPoint: Object.fromEntries(summary.byPoint.map((p) => [p.point, p.responses])), skipped: summary.skipped,
      ...(mapping?.size ? { columns: Object.fromEntries(mapping) } : {}),
    },
  };
}
