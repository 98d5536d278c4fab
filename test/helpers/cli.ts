import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../server/paths.js';

/** `npm run cli -- …` as an operator runs it (through tsx), against the given SQLite file. */
export function runCli(dbFile: string, args: string[], input = '', env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli.ts'), ...args], { input, encoding: 'utf8', env: { ...process.env, INDIKATOR_DB: dbFile, ...env } });
}
