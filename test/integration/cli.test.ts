import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../../server/paths.js';
import { openDatabase } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { verifyPassword } from '../../server/security/password.js';

/** `npm run cli -- …` as an operator runs it, on a real SQLite file. */
describe('command line', function () {
  this.timeout(60_000);
  let dir: string;
  let dbFile: string;
  const cli = (args: string[], input = '') => runCli(dbFile, args, input);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-cli-'));
    dbFile = path.join(dir, 'cli.sqlite');
    const db = openDatabase(dbFile);
    const f = createFederation(db, 'CLI-förbundet');
    const i = createIntervention(db, { federationId: f.id, name: 'CLI-insats', kind: 'individual' });
    setMeasurementPoint(db, i.id, 'start', 'participant');
    db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('migrate reports an up-to-date database, list-interventions lists it', () => {
    expect(cli(['migrate']).stdout).to.contain('up to date');
    expect(cli(['list-interventions']).stdout).to.match(/^1\tindividual\tCLI-insats$/m);
  });

  it('issue-codes prints one new code per line, and refuses a point the intervention does not use', () => {
    const out = cli(['issue-codes', '--intervention', '1', '--point', 'start', '--count', '4']);
    const codes = out.stdout.trim().split('\n');
    expect(codes).to.have.length(4);
    for (const c of codes) expect(c).to.match(/^[A-HJ-NP-Z2-9]{10}$/);
    const refused = cli(['issue-codes', '--intervention', '1', '--point', 'exit', '--count', '1']);
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.contain('does not use the measurement point exit');
  });

  it('create-user reads the password from stdin, hashes it and grants the role; refuses a weak one', async () => {
    const weak = cli(['create-user', '--email', 'svag@cli.example', '--role', 'evaluator', '--federation', '1'], 'password123\n');
    expect(weak.status).to.equal(1);
    const ok = cli(['create-user', '--email', 'anna@cli.example', '--role', 'federation_admin', '--federation', '1', '--name', 'Anna'], 'ett-långt-hemligt-lösen\n');
    expect(ok.status, ok.stderr).to.equal(0);
    const db = openDatabase(dbFile);
    const row = db.prepare(`SELECT u.password_hash AS hash, r.role FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.email = 'anna@cli.example'`).get() as { hash: string; role: string };
    expect(row.role).to.equal('federation_admin');
    expect(row.hash).to.match(/^scrypt\$/);
    expect(await verifyPassword('ett-långt-hemligt-lösen', row.hash)).to.equal(true);
    db.close();
  });

  it('create-token prints a token that is stored only as a hash', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli.ts'), 'create-token', '--federation', '1', '--role', 'evaluator'], { encoding: 'utf8', env: { ...process.env, INDIKATOR_DB: dbFile } });
    const token = out.trim();
    expect(token).to.match(/^ik_[A-Za-z0-9_-]{40,}$/);
    const db = openDatabase(dbFile);
    const stored = db.prepare('SELECT token_hash AS h, prefix FROM api_tokens').get() as { h: string; prefix: string };
    expect(stored.h).to.not.contain(token.slice(3));
    expect(token.startsWith(stored.prefix)).to.equal(true);
    db.close();
  });
});
