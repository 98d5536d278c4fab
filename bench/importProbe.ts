// Run by bench/run.ts in a fresh process, so its peak memory is the import's alone (plus Node): a
// CSV of `rows` questionnaires (wide layout, every item of the participant instrument, as Swedish
// Excel saves it: Windows-1252, semicolons) checked as the preview checks it, then imported in one
// transaction, both through services/csvImportFile as the web page and the command line do.
//   tsx bench/importProbe.ts [rows]   (default 100,000) prints one line of JSON
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { templateColumns, templateItems } from '../server/domain/csvImport.js';
import { loadInstruments } from '../server/domain/instrument.js';
import { PATHS } from '../server/paths.js';
import { checkFile, fileEncoding, importFile, importSetting } from '../server/services/csvImportFile.js';
import { openDatabase } from '../server/storage/db.js';
import { createFederation } from '../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../server/storage/interventions.js';

const rows = Number(process.argv[2] ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-import-bench-'));
try {
  const instruments = loadInstruments(PATHS.indicators);
  const db = openDatabase(path.join(dir, 'import.sqlite'));
  const ctx = { db, instruments };
  const federation = createFederation(db, 'Bänkförbundet');
  const intervention = createIntervention(db, { federationId: federation.id, name: 'Bänkinsatsen', kind: 'individual' });
  for (const p of ['start', 'exit'] as const) setMeasurementPoint(db, intervention.id, p, 'participant');

  // Half the people answer at start, half of those again at exit; every answer a value the item allows.
  const setting = importSetting(ctx, intervention);
  const columns = templateColumns(setting.points);
  const items = templateItems(setting.points);
  const rng = seedrandom('import');
  const file = path.join(dir, 'import.csv');
  const out = fs.openSync(file, 'w');
  const lines: string[] = [columns.join(';')];
  for (let k = 0; k < rows; k++) {
    const exit = k % 2 === 1;
    const point = exit ? 'exit' : 'start';
    const cells = [`Löpnr ${exit ? k - 1 : k}`, point, exit ? '2025-09-15' : '2025-02-03', 'sv'];
    for (const { item, points } of items) {
      if (!points.includes(point)) cells.push('');
      else if (item.type === 'agree7') cells.push(rng() < 0.08 ? 'vet ej' : String(1 + Math.floor(rng() * 7)));
      else if (item.type === 'single') cells.push(item.options![Math.floor(rng() * item.options!.length)]!.value);
      else cells.push(rng() < 0.1 ? 'Bra bemötande, tack för stödet' : '');
    }
    lines.push(cells.join(';'));
    if (lines.length >= 1000) fs.writeSync(out, Buffer.from(`${lines.splice(0).join('\r\n')}\r\n`, 'latin1'));
  }
  fs.writeSync(out, Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'));
  fs.closeSync(out);
  const megabytes = fs.statSync(file).size / 1e6;

  const baselineMb = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  const encoding = fileEncoding(file);
  const checked = await checkFile(file, encoding, setting);
  const checkMs = performance.now() - t0;
  const afterCheckMb = process.resourceUsage().maxRSS / 1024;
  if (checked.errorCount > 0) throw new Error(`the bench file has errors: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  const t1 = performance.now();
  const done = await importFile(ctx, { intervention, userId: null, actor: { actor: 'bench' }, file, encoding });
  const importMs = performance.now() - t1;
  if (done.responses !== rows) throw new Error(`imported ${done.responses} of ${rows}`);
  const stored = db.prepare("SELECT count(*) FROM responses WHERE source = 'import' AND status = 'submitted'").pluck().get() as number;
  db.close();
  console.log(JSON.stringify({
    rows, megabytes, encoding, checkMs, importMs, stored,
    totalSeconds: (checkMs + importMs) / 1000, rowsPerSecond: rows / (importMs / 1000),
    baselineMb, afterCheckMb, peakMb: process.resourceUsage().maxRSS / 1024,
  }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
