import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ImportRefused, type ImportError } from '../../server/domain/csvImport.js';
import { PATHS } from '../../server/paths.js';
import { loadInstruments } from '../../server/domain/instrument.js';
import { checkFile, fileEncoding, importFile, importSetting } from '../../server/services/csvImportFile.js';
import { openDatabase, type Db } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint, type Intervention } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { dumpDatabase, IMPORT_FIXTURES } from '../helpers/dbDump.js';

const instruments = loadInstruments(PATHS.indicators);

const where = (errors: readonly ImportError[]) => errors.map((e) => [e.row, e.column, e.code]);

describe('CSV import of the files in test/fixtures/import', function () {
  this.timeout(60_000);
  let dir: string;
  let db: Db;
  let intervention: Intervention;
  let ctx: { db: Db; instruments: typeof instruments };

  const answersOf = (ref: string, point: string) => Object.fromEntries(
    (db.prepare(`SELECT a.item_id AS item, a.value_num AS num, a.value_text AS text, a.dont_know AS dk FROM answers a JOIN responses r ON r.id = a.response_id
       JOIN participants p ON p.id = r.participant_id WHERE p.local_ref = ? AND r.point = ?`).all(ref, point) as { item: string; num: number | null; text: string | null; dk: number }[])
      .map((a) => [a.item, a.dk ? 'vet ej' : a.num ?? a.text]),
  );
  const fixture = (name: string) => path.join(IMPORT_FIXTURES, name);
  const importing = (name: string) => importFile(ctx, { intervention, userId: null, actor: { actor: 'test' }, file: fixture(name), encoding: fileEncoding(fixture(name)) });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-fixtures-'));
    db = openDatabase(path.join(dir, 'test.sqlite'));
    ctx = { db, instruments };
    const federation = createFederation(db, 'Förbund F');
    intervention = createIntervention(db, { federationId: federation.id, name: 'Steget före', kind: 'individual' });
    for (const p of ['start', 'exit'] as const) setMeasurementPoint(db, intervention.id, p, 'participant');
    // Two participants with the same reference: a row naming it cannot say which.
    for (let i = 0; i < 2; i++) createParticipant(db, { interventionId: intervention.id, localRef: 'Dubbel' });
  });

  after(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports the Swedish Excel file (Windows-1252, semicolons, decimal commas, quoted text with ; and ")', async () => {
    expect(fileEncoding(fixture('excel-sv-windows-1252.csv'))).to.equal('windows-1252');
    const done = await importing('excel-sv-windows-1252.csv');
    expect(done).to.include({ responses: 5, participantsCreated: 3 });
    expect(done.outcome.summary).to.include({ rows: 5, newParticipants: 3, skipped: 0 });
    const start = answersOf('Åsa-01', 'start');
    expect(start).to.include({ fk_trust: 6, af_trust: 'vet ej', gender: 'woman', main_income: 'vet ej', anything_else: 'Bra stöd; "tydligt" och lugnt' });
    expect(answersOf('Åsa-01', 'exit')).to.include({ fk_trust: 7, satisfied_with_support: 7, anything_else: 'Kändes äntligen som att någon lyssnade' });
    expect(answersOf('Örjan-02', 'exit')).to.include({ fk_trust: 5, support_helped_me: 'vet ej' });
    expect(answersOf('Ägnes-03', 'start').anything_else).to.equal('Not much to say – €100 was the fee');
  });

  it('imports the UTF-8 file with a BOM (commas, LF) and the long-format file', async () => {
    expect(fileEncoding(fixture('utf8-bom.csv'))).to.equal('utf-8');
    expect(await importing('utf8-bom.csv')).to.include({ responses: 2, participantsCreated: 2 });
    expect(answersOf('Ärende 7', 'start')).to.include({ fk_trust: 5, anything_else: 'Vi ses, tack!' });
    expect(await importing('long.csv')).to.include({ responses: 3, participantsCreated: 2 });
    expect(answersOf('Löp-1', 'start')).to.deep.equal({ fk_trust: 6, gender: 'woman', overall_health: 3, anything_else: 'Åter i arbete' });
    expect(answersOf('Löp-2', 'start')).to.deep.equal({ fk_trust: 'vet ej', af_trust: 2, gender: 'man' });
  });

  it('changes nothing when a good file comes again: every row is skipped as already imported', async () => {
    const before = dumpDatabase(db);
    const again = await importing('excel-sv-windows-1252.csv');
    expect(again).to.include({ responses: 0, participantsCreated: 0 });
    expect(again.outcome.summary).to.include({ rows: 5, skipped: 5 });
    // Only the import's audit row is new.
    const after = dumpDatabase(db);
    expect(after.audit_log).to.have.length(before.audit_log!.length + 1);
    expect({ ...after, audit_log: [] }).to.deep.equal({ ...before, audit_log: [] });
  });

  const BAD: [string, (string | number | null)[][]][] = [
    ['bad-value.csv', [[3, 'fk_trust', 'scale'], [3, 'gender', 'option'], [5, 'submitted_on', 'dateInvalid']]],
    ['unknown-participant.csv', [[3, 'participant_ref', 'refMissing'], [4, 'participant_ref', 'refAmbiguous']]],
    ['unknown-item.csv', [[4, 'item', 'itemUnknown']]],
    ['duplicate-row.csv', [[4, null, 'duplicateInFile']]],
    ['truncated.csv', [[3, null, 'truncated']]],
    ['empty.csv', [[null, null, 'empty']]],
    ['binary-junk.csv', [[null, null, 'notText']]],
  ];
  for (const [name, expected] of BAD) {
    it(`refuses ${name}, naming the rows, and leaves the database as it was`, async () => {
      const before = dumpDatabase(db);
      const file = fixture(name);
      const checked = await checkFile(file, fileEncoding(file), importSetting(ctx, intervention));
      expect(where(checked.errors), 'preview').to.deep.equal(expected);
      let refused: ImportRefused | null = null;
      try {
        await importing(name);
      } catch (err) {
        if (!(err instanceof ImportRefused)) throw err;
        refused = err;
      }
      expect(refused, 'import refused').to.be.instanceOf(ImportRefused);
      expect(where(refused!.outcome.errors), 'import').to.deep.equal(expected);
      expect(dumpDatabase(db)).to.deep.equal(before);
    });
  }

  it('names the duplicate row\'s first row and the cut row\'s cells', async () => {
    const setting = importSetting(ctx, intervention);
    const duplicate = await checkFile(fixture('duplicate-row.csv'), 'utf-8', setting);
    expect(duplicate.errors[0]!.params).to.deep.equal({ otherRow: 2 });
    const cut = await checkFile(fixture('truncated.csv'), 'utf-8', setting);
    expect(cut.errors[0]!.params).to.include({ columns: 32 });
  });
});
