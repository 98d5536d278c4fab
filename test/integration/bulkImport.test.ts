import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { planImport, templateColumns, templateItems, type ImportRow } from '../../server/domain/csvImport.js';
import { importSetting } from '../../server/services/csvImportFile.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import type { Db } from '../../server/storage/db.js';
import { getIntervention } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { saveAnswers, startResponse, submitResponse } from '../../server/storage/responses.js';
import { randomInstallation } from '../helpers/randomInstallation.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// The import writes in bulk (storage/csvImport.ts: the latest flags set once for the intervention,
// the counted cells of migration 009 counted afresh at the end, migration 012). Here the same file
// goes into two copies of one installation: through the app's import, and row by row through the
// calls a web answer makes (submitResponse, its triggers and recountLatest per row), as the import
// did before. Every table the figures are built from, and the API's summary, must come out the same.

/** The rows stored as the import stored them before it wrote in bulk: one submit after another. */
function importRowByRow(db: Db, interventionId: number, userId: number, rows: ImportRow[]): void {
  db.transaction(() => {
    const created = new Map<string, number>();
    for (const row of rows) {
      let participantId = row.participantId ?? created.get(row.participantRef);
      if (participantId === undefined) {
        participantId = createParticipant(db, { interventionId, localRef: row.participantRef }).id;
        created.set(row.participantRef, participantId);
      }
      const response = startResponse(db, {
        code: null, participantId, interventionId, point: row.point, roundId: row.roundId, instrumentId: row.instrumentId,
        instrumentVersion: row.instrumentVersion, language: row.language, enteredByStaff: true, enteredByUserId: userId, source: 'import',
      });
      saveAnswers(db, response.id, row.answers, [], 0);
      expect(submitResponse(db, response, row.scores, row.dimensions, row.submittedOn)).to.equal(true);
      const at = `${row.submittedOn}T12:00:00.000Z`;
      db.prepare('UPDATE responses SET started_at = ?, submitted_at = ? WHERE id = ?').run(at, at, response.id);
    }
  })();
}

/** What the figures are built from, in a fixed order (cells left at 0 by the triggers aside). */
function figureTables(db: Db) {
  const all = (q: string): unknown[] => db.prepare(q).all();
  return {
    participants: all('SELECT id, intervention_id, local_ref, gender, age_band FROM participants ORDER BY id'),
    responses: all(`SELECT id, participant_id, intervention_id, point, round_id, instrument_id, instrument_version, language, status, source, entered_by_staff,
      entered_by_user_id, started_at, submitted_at, submitted_on, gender, age_band, latest, latest_in_round, code FROM responses WHERE source = 'import' ORDER BY id`),
    flags: all('SELECT id, latest, latest_in_round, gender, age_band FROM responses ORDER BY id'),
    answers: all('SELECT response_id, item_id, value_num, value_text, dont_know FROM answers ORDER BY response_id, item_id'),
    scores: all('SELECT * FROM response_scores ORDER BY response_id, indicator_id'),
    scoreCells: all('SELECT * FROM score_cells WHERE in_all <> 0 OR in_round <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7'),
    pairCells: all('SELECT * FROM pair_cells WHERE in_all <> 0 OR in_round <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9'),
    deferred: all('SELECT * FROM counted_cells_deferred'),
  };
}

/**
 * A file for the intervention: for some of its people the points they have not answered yet
 * (now and then giving another gender, which moves their earlier rows), and new people at start
 * and exit, on dates inside and outside the rounds.
 */
function importFile(db: Db, interventionId: number, seed: string): string {
  const rng = seedrandom(seed);
  const setting = importSetting({ db, instruments }, getIntervention(db, interventionId)!);
  const items = templateItems(setting.points);
  const answered = new Set((db.prepare("SELECT participant_id || '|' || point FROM responses WHERE intervention_id = ? AND status = 'submitted'").pluck().all(interventionId) as string[]));
  const date = () => `${2024 + Math.floor(rng() * 2)}-${String(1 + Math.floor(rng() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`;
  const lines = [templateColumns(setting.points).join(';')];
  const line = (ref: string, point: string) => {
    const cells = [ref, point, date(), 'sv'];
    for (const { item, points } of items) {
      if (!(points as string[]).includes(point) || rng() < 0.1) cells.push('');
      else if (item.type === 'agree7') cells.push(rng() < 0.1 ? 'vet ej' : String(1 + Math.floor(rng() * 7)));
      else if (item.options) cells.push(item.options[Math.floor(rng() * item.options.length)]!.value);
      else cells.push('');
    }
    lines.push(cells.join(';'));
  };
  for (const p of db.prepare('SELECT id FROM participants WHERE intervention_id = ? ORDER BY id').pluck().all(interventionId) as number[]) {
    for (const { point } of setting.points) if (!answered.has(`${p}|${point}`) && rng() < 0.7) line(`P${p}`, point);
  }
  for (let k = 1; k <= 30; k++) {
    line(`N${k}`, 'start');
    if (rng() < 0.7) line(`N${k}`, 'exit');
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('the bulk import stores what one submit after another stores', function () {
  this.timeout(120_000);
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  for (const seed of ['ett', 'två']) {
    it(`gives the same rows, flags, counted cells and API summary (installation "${seed}")`, async () => {
      const prepare = (db: Db) => {
        randomInstallation(db, instruments, seed);
        db.prepare("UPDATE participants SET local_ref = 'P' || id").run();
      };
      const [bulk, byRow] = [await startTestServer({ prepare }), await startTestServer({ prepare })];
      servers.push(bulk, byRow);
      // The individual intervention with the most people, and its förbund.
      const { id: interventionId, federationId } = bulk.db.prepare(
        `SELECT i.id, i.federation_id AS federationId FROM interventions i JOIN participants p ON p.intervention_id = i.id
         WHERE i.kind = 'individual' GROUP BY i.id ORDER BY count(*) DESC, i.id LIMIT 1`,
      ).get() as { id: number; federationId: number };
      const csv = importFile(bulk.db, interventionId, seed);
      for (const s of [bulk, byRow]) makeUser(s.db, `admin@${seed}.example`, [{ federationId, role: 'federation_admin' }]);
      const userId = byRow.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(`admin@${seed}.example`) as number;

      const admin = await signedIn(bulk.url, `admin@${seed}.example`);
      const posted = await admin.post(`/f/${federationId}/interventions/${interventionId}/import`, { csv, confirm: '1' });
      expect(posted.status, posted.text.slice(0, 2000)).to.equal(303);
      const plan = planImport(csv, importSetting(byRow.ctx, getIntervention(byRow.db, interventionId)!));
      expect(plan.errors).to.deep.equal([]);
      expect(plan.rows.length).to.be.greaterThan(40);
      expect(plan.rows.some((r) => r.participantId !== null) && plan.rows.some((r) => r.participantId === null)).to.equal(true);
      importRowByRow(byRow.db, interventionId, userId, plan.rows);

      const [got, want] = [figureTables(bulk.db), figureTables(byRow.db)];
      expect(got.pairCells.length, 'people paired').to.be.greaterThan(0);
      for (const table of Object.keys(want) as (keyof typeof want)[]) expect(got[table], table).to.deep.equal(want[table]);

      const summaries = await Promise.all([bulk, byRow].map(async (s) => {
        const token = createApiToken(s.db, { name: 'test', federationId, role: 'evaluator', createdBy: null }).token;
        const res = await fetch(`${s.url}/api/v1/interventions/${interventionId}/summary?points=start,exit`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).to.equal(200);
        return (await res.json()) as unknown;
      }));
      expect(summaries[0]).to.deep.equal(summaries[1]);
    });
  }
});
