import Database from 'better-sqlite3';
import fs from 'node:fs';

/**
 * Copies the database at `sourceFile` to `targetFile` with SQLite's online backup, which reads a
 * consistent snapshot while the server keeps writing (WAL). The copy is written next to the target,
 * switched to a single-file journal, checked, and only then renamed into place, so a failed backup
 * never leaves a half-written file under the target's name. Returns the size in bytes.
 */
export async function backupDatabase(sourceFile: string, targetFile: string): Promise<number> {
  const partial = `${targetFile}.partial-${process.pid}`;
  const source = new Database(sourceFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial);
    const copy = new Database(partial);
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the backup failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    fs.renameSync(partial, targetFile);
    return fs.statSync(targetFile).size;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    source.close();
  }
}
