import Database from 'better-sqlite3';

/**
 * The catalogue of user-facing errors: each has a stable code, an HTTP status, and its text under
 * `errors.<code>` in every translation file (test/unit/i18n.test.ts checks that they exist).
 */
export const PROBLEMS = {
  notFound: 404,
  badRequest: 400,
  filterConflict: 400,
  payloadTooLarge: 413,
  csrf: 403,
  forbidden: 403,
  unauthenticated: 401,
  rateLimited: 429,
  codeUnknown: 404,
  codeMalformed: 400,
  codeSpent: 410,
  codeRevoked: 410,
  /** A questionnaire page opened after its participant cookie lapsed (or in another browser): the code is asked for again. */
  codeSessionEnded: 401,
  unknownItems: 400,
  languageUnknown: 400,
  busy: 503,
  /** The database could not take a write: locked by another connection beyond our waiting, the disk full, or read-only. */
  storageBusy: 503,
  serverError: 500,
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export class Problem extends Error {
  readonly status: number;
  constructor(readonly code: ProblemCode, readonly detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.status = PROBLEMS[code];
  }
}

/** Why SQLite refused a write, for the operator's log line; `transient` faults are worth retrying in a moment. */
export interface StorageFault {
  /** SQLite's extended result code, e.g. SQLITE_BUSY, SQLITE_FULL, SQLITE_READONLY_DBMOVED. */
  sqliteCode: string;
  transient: boolean;
  cause: string;
}

const STORAGE_FAULTS: { prefix: string; transient: boolean; cause: string }[] = [
  { prefix: 'SQLITE_BUSY', transient: true, cause: 'is locked by another connection or process (a long write, a backup, a migration)' },
  { prefix: 'SQLITE_LOCKED', transient: true, cause: 'is locked by another statement or table lock' },
  { prefix: 'SQLITE_FULL', transient: false, cause: 'is full: the disk (or the file size limit) has no room for more pages' },
  { prefix: 'SQLITE_READONLY', transient: false, cause: 'is read-only (file or directory permissions, a read-only mount, or the file was moved)' },
];

/** Seconds a person is asked to wait (Retry-After) when the database could not take a write. */
export const RETRY_AFTER_SECONDS = 5;

/** The storage fault a better-sqlite3 error stands for (busy, locked, disk full, read-only), or null for any other error. */
export function storageFault(err: unknown): StorageFault | null {
  if (!(err instanceof Database.SqliteError)) return null;
  const sqliteCode = err.code;
  const known = STORAGE_FAULTS.find((f) => sqliteCode === f.prefix || sqliteCode.startsWith(`${f.prefix}_`));
  return known ? { sqliteCode, transient: known.transient, cause: known.cause } : null;
}

/** Any error thrown while answering a request, as the problem the user reads. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const fault = storageFault(err);
  if (fault) return new Problem('storageBusy', fault.sqliteCode);
  const status = (err as { status?: number; type?: string })?.status;
  if (status === 413) return new Problem('payloadTooLarge');
  if (status && status >= 400 && status < 500) return new Problem('badRequest');
  return new Problem('serverError');
}
