import fs from 'node:fs';
import path from 'node:path';

/** The project root (the folder with package.json), found the same way from server/ and from dist/server/. */
function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(import.meta.dirname);
export const PATHS = {
  root: ROOT,
  migrations: path.join(ROOT, 'server', 'storage', 'migrations'),
  i18n: path.join(ROOT, 'server', 'i18n'),
  views: path.join(ROOT, 'views'),
  public: path.join(ROOT, 'public'),
  indicators: path.join(ROOT, 'indicators'),
  chartJs: path.join(ROOT, 'node_modules', 'chart.js', 'dist'),
};

/** The software's version (package.json), named in files that leave the installation. */
export const APP_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
