import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PATHS } from '../paths.js';
import { openDatabase } from './db.js';

/** A backup or restore that cannot be done; the message is one line saying why. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface BackupOptions {
  /** Aborting stops the backup at its next step; the partial copy is removed and the target left alone. */
  signal?: AbortSignal;
}

/**
 * Copies the database at `sourceFile` to `targetFile` in one step with `VACUUM INTO`, which reads
 * one consistent snapshot while the server keeps writing (WAL) and, unlike the page-by-page online
 * backup, is never restarted by those writes. The copy is written under a temporary name next to
 * the target (a single file, no -wal), checked with `PRAGMA integrity_check`, synced, and only
 * then renamed into place, so a failed or stopped backup never leaves a file under the target's
 * name; the temporary file is removed. Returns the size in bytes.
 */
export async function backupDatabase(sourceFile: string, targetFile: string, opts: BackupOptions = {}): Promise<number> {
  const partial = `${targetFile}.partial-${process.pid}`;
  const stopped = () => {
    if (opts.signal?.aborted) throw new BackupError(`the backup was stopped; nothing was written to ${targetFile}`);
  };
  const source = new Database(sourceFile, { fileMustExist: true, timeout: 5000 });
  try {
    fs.rmSync(partial, { force: true });
    source.prepare('VACUUM INTO ?').run(partial);
    // VACUUM INTO runs synchronously; a stop asked for meanwhile is seen here.
    await nextTurn();
    stopped();
    verifyDatabase(partial, 'the backup');
    syncFile(partial);
    await nextTurn();
    stopped();
    fs.renameSync(partial, targetFile);
    syncFile(path.dirname(targetFile));
    return fs.statSync(targetFile).size;
  } catch (err) {
    removeDatabaseFiles(partial);
    throw err;
  } finally {
    source.close();
  }
}

/**
 * Whether another process has the database open: the server, a command, a sqlite3 shell. Every
 * connection to a WAL database holds a shared lock on the file for as long as it is open, and the
 * kernel drops it when the process ends (even by SIGKILL), so unlike a PID or lock file this
 * cannot go stale. The probe asks SQLite for an exclusive lock without waiting. It opens the
 * file under a second name (a hard link, removed again): locks belong to the file, not the name,
 * while SQLite looks for the journal by name, so the probe never reads, recovers or checkpoints
 * the database's own -wal, and the old files are moved aside exactly as they were.
 */
export function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const probe = path.join(path.dirname(file), `.${path.basename(file)}.probe-${process.pid}`);
  let probeFile = file;
  try {
    fs.rmSync(probe, { force: true });
    fs.linkSync(file, probe);
    probeFile = probe;
  } catch {
    // No hard links on this file system: probe the file itself (SQLite may then recover its -wal).
  }
  try {
    const db = new Database(probeFile, { fileMustExist: true, timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
      return false;
    } catch (err) {
      if (err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(err.code)) return true;
      // A file that is not (or no longer) a readable database: no server can be running on it.
      if (err instanceof Database.SqliteError && /^SQLITE_(NOTADB|CORRUPT)/.test(err.code)) return false;
      throw err;
    } finally {
      db.close();
    }
  } finally {
    if (probeFile === probe) removeDatabaseFiles(probe);
  }
}

export interface RestoreResult {
  /** The old database and its -wal and -shm, where they were moved (empty when there was none). */
  movedAside: string[];
  /** Migrations applied to the restored copy (a backup made by an older version). */
  applied: string[];
  bytes: number;
}

/**
 * Puts the backup `fromFile` in place of the database `targetFile`: refuses while any process has
 * the database open; copies the backup next to the target and verifies the copy (integrity check,
 * an Indikator database no newer than this code); moves the old database and its -wal and -shm
 * aside under `<file>.before-restore-<time>` (kept, never deleted: a -wal left beside a copied-in
 * file would be replayed into it and damage it); renames the copy into place; migrates it.
 */
export function restoreDatabase(fromFile: string, targetFile: string, now = new Date()): RestoreResult {
  if (!fs.existsSync(fromFile) || !fs.statSync(fromFile).isFile()) throw new BackupError(`there is no backup file ${fromFile}`);
  if (path.resolve(fromFile) === path.resolve(targetFile)) throw new BackupError('--from must be a backup, not the database itself');
  if (fs.existsSync(`${fromFile}-wal`) && fs.statSync(`${fromFile}-wal`).size > 0) {
    throw new BackupError(`${fromFile} has a -wal file beside it, so it is a live database or a copy of one, not a backup; make one with npm run cli -- backup --to <file> and restore that`);
  }
  if (databaseInUse(targetFile)) {
    throw new BackupError(`the database ${targetFile} is open in another process (the server or another command); stop it first, then restore`);
  }
  const incoming = `${targetFile}.restore-${process.pid}`;
  let pending: string[];
  try {
    fs.mkdirSync(path.dirname(targetFile), { recursive: true });
    fs.copyFileSync(fromFile, incoming);
    pending = verifyDatabase(incoming, `the backup ${fromFile}`, { indikator: true });
    syncFile(incoming);
  } catch (err) {
    removeDatabaseFiles(incoming);
    throw err;
  }
  const aside = `${targetFile}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
  const movedAside: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    if (!fs.existsSync(targetFile + suffix)) continue;
    fs.renameSync(targetFile + suffix, aside + suffix);
    movedAside.push(aside + suffix);
  }
  fs.renameSync(incoming, targetFile);
  syncFile(path.dirname(targetFile));
  openDatabase(targetFile).close();
  return { movedAside, applied: pending, bytes: fs.statSync(targetFile).size };
}

const MIGRATION_NAME = /^\d{3}_[a-z0-9_]+\.sql$/;

/**
 * Throws a BackupError unless `file` is a sound SQLite database (and, with `indikator`, one of ours
 * that this code can migrate). Returns the migrations it lacks.
 */
function verifyDatabase(file: string, what: string, opts: { indikator?: boolean } = {}): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${what} failed its integrity check: ${String(check)}`);
    if (opts.indikator) {
      const hasMigrations = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).get() !== undefined;
      if (!hasMigrations) throw new BackupError(`${what} is not an Indikator database (it has no schema_migrations table)`);
      const known = fs.readdirSync(PATHS.migrations).filter((f) => MIGRATION_NAME.test(f)).sort();
      const applied = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]);
      const newer = [...applied].filter((name) => !known.includes(name));
      if (newer.length > 0) throw new BackupError(`${what} was made by a newer version of Indikator (migrations ${newer.join(', ')}); restore it with that version`);
      return known.filter((name) => !applied.has(name));
    }
    return [];
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${what} is not a readable SQLite database: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db?.close();
  }
}

/** Removes a database file and the -wal, -shm and -journal SQLite may have made beside it. */
function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

/** fsync of a file or a folder (after a rename), so the copy survives a power cut once reported. */
function syncFile(file: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems cannot sync a folder; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Lets the event loop run once (a signal handler, a timer) between synchronous steps. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
