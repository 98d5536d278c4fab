import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PATHS } from '../paths.js';

export type Db = Database.Database;

const MIGRATIONS_DIR = PATHS.migrations;

/** How long a statement waits for another connection's write lock; better-sqlite3 waits synchronously, so the whole server waits with it. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * How long opening waits for the lock another process holds while it migrates or seeds the demo
 * (two servers started at once on one file): longer than any connection's own busy timeout, which
 * is set once the database is migrated.
 */
export const STARTUP_LOCK_WAIT_MS = 30_000;
/**
 * How long the server's requests wait for a write lock held by another connection: briefly, so a
 * long write elsewhere does not stall every request (participants' writes retry on timers).
 */
export const SERVING_BUSY_TIMEOUT_MS = 150;

export interface OpenOptions { busyTimeoutMs?: number }

/**
 * A database that cannot be opened, created or written: the message is one line naming the file
 * and the cause (read-only, disk full, a folder in the way…), for start-up and the command line.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';

  constructor(readonly file: string, readonly reason: string) {
    super(`database ${file}: ${reason}`);
  }
}

const SQLITE_CAUSES: Record<string, string> = {
  SQLITE_READONLY: 'the file (or its folder) is read-only',
  SQLITE_FULL: 'the disk is full',
  SQLITE_CANTOPEN: 'the file cannot be opened or created (its folder is missing or not writable, or the path is not a regular file)',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CORRUPT: 'the database file is damaged (restore a backup: npm run cli -- restore --from <file>)',
  SQLITE_BUSY: 'another process holds the database locked',
  SQLITE_IOERR: 'reading or writing the file failed',
  SQLITE_PERM: 'access to the file was denied',
};

const FILE_CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EEXIST: 'a part of its path is a file, not a folder',
  EISDIR: 'the path is a folder',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * The error as a DatabaseError about `file` when it is SQLite or the file system refusing the
 * database (read-only, full, missing, damaged…); undefined for any other error.
 */
export function asDatabaseError(file: string, err: unknown): DatabaseError | undefined {
  if (err instanceof DatabaseError) return err;
  if (err instanceof Database.SqliteError) {
    const primary = /^SQLITE_[A-Z]+/.exec(err.code)?.[0] ?? err.code;
    const cause = SQLITE_CAUSES[primary];
    return new DatabaseError(file, cause ? `${cause} (${err.code}: ${err.message})` : `${err.message} (${err.code})`);
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    const where = (err as NodeJS.ErrnoException).syscall === 'mkdir' ? 'its folder cannot be created: ' : '';
    return new DatabaseError(file, `${where}${FILE_CAUSES[code] ?? err.message} (${code})`);
  }
  return undefined;
}

/**
 * Opens (creating if needed) the SQLite file with WAL and foreign keys, and applies pending
 * migrations. A file that cannot be opened, created or written throws a DatabaseError.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  let db: Db | undefined;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file, { timeout: STARTUP_LOCK_WAIT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // FULL: a commit is on disk (the WAL synced) before the participant is told it is saved, so a
    // power cut cannot take back answered pages. Costs ~0.15 ms a commit (README, Operations).
    db.pragma('synchronous = FULL');
    migrate(db);
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
    return db;
  } catch (err) {
    db?.close();
    throw asDatabaseError(file, err) ?? err;
  }
}

export interface MigrationResult { applied: string[] }

/**
 * Applies every migrations/NNN_name.sql not yet recorded, each in its own transaction, in number
 * order. Each check-and-apply holds the write lock (BEGIN IMMEDIATE) and reads what is applied
 * inside it, so two processes starting at once on one file apply each migration once: the second
 * waits for the first and then finds it done.
 */
export function migrate(db: Db): MigrationResult {
  const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applyNext = db.transaction((): string | null => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )`);
    const done = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]);
    const next = files.find((file) => !done.has(file));
    if (next === undefined) return null;
    try {
      db.exec(fs.readFileSync(path.join(MIGRATIONS_DIR, next), 'utf8'));
    } catch (err) {
      const refused = asDatabaseError(db.name, err);
      throw refused ? new DatabaseError(db.name, `migration ${next}: ${refused.reason}`) : err;
    }
    db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(next);
    return next;
  });
  // A write at every start (user_version rewritten unchanged): a read-only file, which SQLite
  // opens read-only without a word, is refused now rather than at the first participant's save.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    db.pragma(`user_version = ${version}`);
  }).immediate();
  const applied: string[] = [];
  for (let next = applyNext.immediate(); next !== null; next = applyNext.immediate()) applied.push(next);
  return { applied };
}
