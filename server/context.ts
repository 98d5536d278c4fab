import type { Config } from './config.js';
import type { InstrumentRegistry } from './domain/instrument.js';
import type { Db } from './storage/db.js';

/** What every route needs, built once at start and passed in (tests build their own). */
export interface AppContext {
  db: Db;
  instruments: InstrumentRegistry;
  config: Config;
  /** Missed code guesses allowed per IP in 15 minutes before 429 (lowered in tests). */
  codeEntryLimit?: number;
  /** Missed code guesses allowed per minute from all clients together (lowered in tests). */
  codeGuessCapPerMinute?: number;
  /** Failed sign-ins allowed per IP and window before 429 (lowered in tests). */
  loginLimit?: number;
}
