// Makes sure Debian's Chromium (browser tests) and poppler-utils (PDF text checks) are present;
// installs them with apt-get when running as root on a fresh machine. Called by `npm test`.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needed = [
  { file: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  { file: '/usr/bin/pdftotext', pkg: 'poppler-utils' },
].filter((n) => !existsSync(n.file));

if (needed.length > 0) {
  const pkgs = needed.map((n) => n.pkg).join(' ');
  if (process.getuid?.() !== 0) {
    console.error(`Missing ${pkgs}. Install with: sudo apt-get install -y ${pkgs}`);
    process.exit(1);
  }
  console.log(`Installing ${pkgs} (Debian packages) for the browser and PDF tests…`);
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs}`, { stdio: 'inherit' });
}
