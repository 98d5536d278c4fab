import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { runCli } from '../helpers/cli.js';
import { dumpDatabase, IMPORT_FIXTURES } from '../helpers/dbDump.js';

/** `npm run cli -- import …` as an operator runs it, on a real SQLite file and the fixture files. */
describe('command line: import', function () {
  this.timeout(60_000);
  let dir: string;
  let dbFile: string;
  let interventionId: number;
  const cli = (...args: string[]) => runCli(dbFile, args);
  const fixture = (name: string) => path.join(IMPORT_FIXTURES, name);
  const dump = () => {
    const db = openDatabase(dbFile);
    try {
      return dumpDatabase(db);
    } finally {
      db.close();
    }
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-cli-import-'));
    dbFile = path.join(dir, 'cli.sqlite');
    const db = openDatabase(dbFile);
    const federation = createFederation(db, 'CLI-förbundet');
    const intervention = createIntervention(db, { federationId: federation.id, name: 'CLI-insats', kind: 'individual' });
    for (const p of ['start', 'exit'] as const) setMeasurementPoint(db, intervention.id, p, 'participant');
    interventionId = intervention.id;
    db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--dry-run checks the file, prints what would be imported and changes nothing', () => {
    const before = dump();
    const run = cli('import', '--intervention', String(interventionId), '--dry-run', fixture('excel-sv-windows-1252.csv'));
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('(windows-1252): 5 questionnaire(s); 3 new participant(s)');
    expect(run.stdout).to.contain('by point: start 3, exit 2');
    expect(run.stdout).to.contain('Dry run: nothing was changed.');
    expect(dump()).to.deep.equal(before);
  });

  it('imports a good file with an audit row, and a second time skips every row', () => {
    const run = cli('import', '--intervention', String(interventionId), fixture('excel-sv-windows-1252.csv'));
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Imported 5 questionnaire(s), 3 new participant(s).');
    const db = openDatabase(dbFile);
    const audit = db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'import.csv'").all() as { actor: string; detail: string }[];
    expect(db.prepare("SELECT count(*) FROM responses WHERE source = 'import' AND status = 'submitted'").pluck().get()).to.equal(5);
    db.close();
    expect(audit.map((a) => a.actor)).to.deep.equal(['cli']);
    expect(JSON.parse(audit[0]!.detail)).to.include({ responses: 5, participantsCreated: 3 });
    const before = dump();
    const again = cli('import', '--intervention', String(interventionId), fixture('excel-sv-windows-1252.csv'));
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('5 already imported (skipped)');
    expect(again.stdout).to.contain('Imported 0 questionnaire(s)');
    const after = dump();
    // Only the second audit row differs.
    expect(after.audit_log).to.have.length(before.audit_log!.length + 1);
    expect({ ...after, audit_log: [] }).to.deep.equal({ ...before, audit_log: [] });
  });

  it('prints every error with its row and column in Swedish (or English), exits 1 and writes nothing', () => {
    const before = dump();
    const run = cli('import', '--intervention', String(interventionId), fixture('bad-value.csv'));
    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain('Rad 3, kolumn fk_trust: ”9” är inget giltigt svar. Skriv en siffra 1–7, ”vet ej” eller lämna tomt.');
    expect(run.stderr).to.contain('Rad 3, kolumn gender: ”kvinna” är inget av svarsalternativen.');
    expect(run.stderr).to.contain('Rad 5, kolumn submitted_on: ”2024-13-01” är inget giltigt datum.');
    expect(run.stderr).to.contain('error: 3 error(s) in');
    const english = cli('import', '--intervention', String(interventionId), '--dry-run', '--lang', 'en', fixture('truncated.csv'));
    expect(english.status).to.equal(1);
    expect(english.stderr).to.match(/Row 3: The row stops short: it has \d+ cells but the header row 32\./);
    for (const name of ['empty.csv', 'binary-junk.csv', 'duplicate-row.csv']) expect(cli('import', '--intervention', String(interventionId), fixture(name)).status, name).to.equal(1);
    expect(dump()).to.deep.equal(before);
  });

  it('refuses an unknown intervention, a missing file and a second file with a message', () => {
    expect(cli('import', '--intervention', '99', fixture('long.csv')).stderr).to.contain('--intervention must name an existing intervention');
    expect(cli('import', '--intervention', String(interventionId), path.join(dir, 'nothing.csv')).stderr).to.contain('there is no file');
    const two = cli('import', '--intervention', String(interventionId), fixture('long.csv'), fixture('utf8-bom.csv'));
    expect([two.status, two.stderr]).to.deep.equal([1, 'error: name one CSV file\n']);
  });
});
