import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { parseSectionForm } from '../../server/domain/answerForm.js';
import { dimensionsOf } from '../../server/domain/dimensions.js';
import { itemsForPoint } from '../../server/domain/instrument.js';
import { scoreResponse } from '../../server/domain/scoring.js';
import { findAccessCode, issueAccessCodes, reissueAccessCode } from '../../server/storage/accessCodes.js';
import { openDatabase, type Db } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant, recordExit, type Participant } from '../../server/storage/participants.js';
import { saveSnapshot } from '../../server/storage/reports.js';
import { getAnswers, getResponse, saveAnswers, startResponse, submitResponse } from '../../server/storage/responses.js';
import { START_ANSWERS } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

const participantInstrument = instruments.get('participant')!;

/** Answers a code's questionnaire straight in storage (START_ANSWERS where the point has the item), submitted or left in progress. */
function answer(db: Db, code: string, submit: boolean): number {
  const c = findAccessCode(db, code)!;
  const response = startResponse(db, {
    code, participantId: c.participantId, interventionId: c.interventionId, point: c.point, roundId: c.roundId,
    instrumentId: 'participant', instrumentVersion: participantInstrument.version, language: 'sv',
  });
  const items = itemsForPoint(participantInstrument, c.point);
  const fields = Object.fromEntries(items.filter((i) => START_ANSWERS[i.id] !== undefined).map((i) => [`item_${i.id}`, START_ANSWERS[i.id]!]));
  saveAnswers(db, response.id, parseSectionForm(items, fields).answers, [], 1);
  if (submit) {
    const answers = getAnswers(db, response.id);
    submitResponse(db, getResponse(db, response.id)!, scoreResponse(participantInstrument, c.point, answers), dimensionsOf(participantInstrument, answers));
  }
  return response.id;
}

const tables = (db: Db) => db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
const rowCounts = (db: Db) => Object.fromEntries(tables(db).map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
/** Every row of every table (but those left out), for "nothing changed". */
const dump = (db: Db, leaveOut: string[] = []) => JSON.stringify(tables(db).filter((t) => !leaveOut.includes(t)).map((t) => db.prepare(`SELECT * FROM ${t}`).all()));

/** A participant's rows in each table that holds answered data, for "other participants untouched". */
function rowsOf(db: Db, participantId: number) {
  const responses = `SELECT id FROM responses WHERE participant_id = ${participantId}`;
  return {
    participant: db.prepare('SELECT * FROM participants WHERE id = ?').all(participantId),
    codes: db.prepare('SELECT * FROM access_codes WHERE participant_id = ? ORDER BY code').all(participantId),
    responses: db.prepare(`SELECT * FROM responses WHERE id IN (${responses}) ORDER BY id`).all(),
    answers: db.prepare(`SELECT * FROM answers WHERE response_id IN (${responses}) ORDER BY response_id, item_id`).all(),
    scores: db.prepare(`SELECT * FROM response_scores WHERE response_id IN (${responses}) ORDER BY response_id, indicator_id`).all(),
  };
}

describe('privacy: erasing one participant and exporting their data', function () {
  this.timeout(60_000);
  let server: TestServer;
  let db: Db;
  let base: string;
  let target: Participant;
  let others: Participant[];
  let targetCodes: string[];
  let admin: HttpClient;
  let staff: HttpClient;

  before(async () => {
    server = await startTestServer();
    db = server.db;
    const { federation, intervention, measurementPoints, participants, startCodes } = smallIntervention(db, 2);
    base = `/f/${federation.id}/interventions/${intervention.id}`;
    const second = createIntervention(db, { federationId: federation.id, name: 'Andra', kind: 'individual' });
    const secondStart = setMeasurementPoint(db, second.id, 'start', 'participant');
    target = participants[0]!;
    recordExit(db, target.id, '2026-05-31', 'work');
    others = [participants[1]!, createParticipant(db, { interventionId: second.id })];
    // The target: a submitted start questionnaire, and an exit code that was lost, replaced and then begun.
    answer(db, startCodes[0]!, true);
    const [lostExit] = issueAccessCodes(db, { measurementPointId: measurementPoints.exit!.id, participantIds: [target.id] });
    const reissued = reissueAccessCode(db, lostExit!);
    if (!reissued.ok) throw new Error('reissue failed');
    answer(db, reissued.code, false);
    targetCodes = [startCodes[0]!, lostExit!, reissued.code];
    // Others: start answers in both interventions, and an unanswered exit code.
    answer(db, startCodes[1]!, true);
    issueAccessCodes(db, { measurementPointId: measurementPoints.exit!.id, participantIds: [others[0]!.id] });
    answer(db, issueAccessCodes(db, { measurementPointId: secondStart.id, participantIds: [others[1]!.id] })[0]!, true);
    saveSnapshot(db, { federationId: federation.id, interventionId: null, round: null, frozenOn: '2026-06-30', data: { frozen: true }, createdBy: null });

    makeUser(db, 'admin@priv.example', [{ federationId: federation.id, role: 'federation_admin' }]);
    makeUser(db, 'staff@priv.example', [{ federationId: federation.id, role: 'staff' }], { assign: [intervention.id] });
    admin = await signedIn(server.url, 'admin@priv.example');
    staff = await signedIn(server.url, 'staff@priv.example');
  });
  after(() => server.close());

  it('offers export and erasure on the participant page to förbund admins only', async () => {
    const asAdmin = await admin.get(`${base}/participants/${target.id}`);
    expect(asAdmin.text).to.contain(`href="${base}/participants/${target.id}/export.json"`).and.contain(`action="${base}/participants/${target.id}/erase"`).and.contain('Radera deltagaren');
    const asStaff = await staff.get(`${base}/participants/${target.id}`);
    expect(asStaff.status).to.equal(200);
    expect(asStaff.text).not.to.contain('/erase').and.not.contain('export.json');
  });

  it('refuses staff (403) on the erase page, the erasure and the export, and keeps every row', async () => {
    // The audit log grows (the participant page is viewed) and sessions are touched; the data stay.
    const before = dump(db, ['audit_log', 'sessions']);
    expect((await staff.get(`${base}/participants/${target.id}/erase`)).status).to.equal(403);
    await staff.get(`${base}/participants/${target.id}`);
    expect((await staff.post(`${base}/participants/${target.id}/erase`, { confirm: '1' })).status).to.equal(403);
    expect((await staff.get(`${base}/participants/${target.id}/export.json`)).status).to.equal(403);
    expect(dump(db, ['audit_log', 'sessions'])).to.equal(before);
  });

  it('exports the participant record, their codes by status only, and their responses with every answer, audited', async () => {
    const res = await admin.get(`${base}/participants/${target.id}/export.json`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(res.headers.get('content-disposition')).to.match(new RegExp(`^attachment; filename="?${target.pseudonym}\\.json"?$`));
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const data = JSON.parse(res.text) as {
      participant: Record<string, unknown>;
      codes: { point: string; status: string }[];
      responses: { point: string; status: string; answers: { itemId: string; value: unknown; dontKnow: boolean }[] }[];
    };
    expect(data.participant).to.include({ pseudonym: target.pseudonym, localRef: null, exitedOn: '2026-05-31', exitStatus: 'work', gender: 'woman', ageBand: '30_39' });
    expect(data.codes.map((c) => [c.point, c.status])).to.deep.equal([['start', 'spent'], ['exit', 'revoked'], ['exit', 'active']]);
    for (const code of targetCodes) expect(res.text).not.to.contain(code);
    expect(data.responses.map((r) => [r.point, r.status])).to.deep.equal([['start', 'submitted'], ['exit', 'in_progress']]);
    const startAnswers = new Map(data.responses[0]!.answers.map((a) => [a.itemId, a]));
    expect(startAnswers.get('fk_trust')).to.deep.equal({ itemId: 'fk_trust', value: 6, dontKnow: false });
    expect(startAnswers.get('af_trust')).to.deep.equal({ itemId: 'af_trust', value: null, dontKnow: true });
    expect(startAnswers.get('anything_else')!.value).to.equal('Bra stöd & <trevlig> personal');
    expect(data.responses[1]!.answers.length).to.be.greaterThan(0);
    const audit = db.prepare("SELECT user_id AS userId, target, detail FROM audit_log WHERE action = 'participant.export'").all();
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ target: `participant:${target.pseudonym}`, detail: JSON.stringify({ responses: 2 }) });
  });

  it('shows what erasure deletes before anything is deleted, and deletes nothing without the confirmation', async () => {
    const expected = db.prepare(`SELECT
        (SELECT count(*) FROM answers WHERE response_id IN (SELECT id FROM responses WHERE participant_id = @id)) AS answers,
        (SELECT count(*) FROM response_scores WHERE participant_id = @id) AS scores`).get({ id: target.id }) as { answers: number; scores: number };
    const page = await admin.get(`${base}/participants/${target.id}/erase`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`Radera deltagaren ${target.pseudonym}?`).and.contain('går inte att ångra');
    expect(page.text).to.contain('<dd data-count="responses">2</dd>').and.contain(`<dd data-count="answers">${expected.answers}</dd>`);
    expect(page.text).to.contain(`<dd data-count="scores">${expected.scores}</dd>`).and.contain('<dd data-count="codes">3</dd>');
    const before = dump(db, ['sessions']);
    const refused = await admin.post(`${base}/participants/${target.id}/erase`, {});
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('href="#confirm"').and.contain('id="confirm-error"').and.contain('Kryssa i rutan');
    expect(dump(db, ['sessions'])).to.equal(before);
  });

  it('erases exactly the participant\'s rows in every table in one go, leaves everyone else, and audits the counts', async () => {
    const expected = {
      answers: (db.prepare('SELECT count(*) AS n FROM answers WHERE response_id IN (SELECT id FROM responses WHERE participant_id = ?)').get(target.id) as { n: number }).n,
      scores: (db.prepare('SELECT count(*) AS n FROM response_scores WHERE participant_id = ?').get(target.id) as { n: number }).n,
    };
    expect(expected.answers).to.be.greaterThan(20);
    expect(expected.scores).to.be.greaterThan(5);
    const othersBefore = others.map((p) => rowsOf(db, p.id));
    const snapshotsBefore = db.prepare('SELECT * FROM report_snapshots').all();
    await admin.get(`${base}/participants/${target.id}/erase`);
    const countsBefore = rowCounts(db);
    const res = await admin.post(`${base}/participants/${target.id}/erase`, { confirm: '1' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(`Deltagaren ${target.pseudonym} är raderad`);

    const countsAfter = rowCounts(db);
    const change = Object.fromEntries(Object.keys(countsBefore).map((t): [string, number] => [t, countsAfter[t]! - countsBefore[t]!]).filter(([, d]) => d !== 0));
    expect(change).to.deep.equal({ participants: -1, access_codes: -3, responses: -2, answers: -expected.answers, response_scores: -expected.scores, audit_log: 1 });
    expect(rowsOf(db, target.id)).to.deep.equal({ participant: [], codes: [], responses: [], answers: [], scores: [] });
    expect(db.prepare('SELECT count(*) AS n FROM access_codes WHERE code IN (SELECT value FROM json_each(?))').get(JSON.stringify(targetCodes))).to.deep.equal({ n: 0 });
    expect(others.map((p) => rowsOf(db, p.id))).to.deep.equal(othersBefore);
    expect(db.prepare('SELECT * FROM report_snapshots').all()).to.deep.equal(snapshotsBefore);

    const audit = db.prepare("SELECT a.target, a.detail, u.email FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'participant.erase'").all();
    expect(audit).to.deep.equal([{
      target: `participant:${target.pseudonym}`, email: 'admin@priv.example',
      detail: JSON.stringify({ answers: expected.answers, scores: expected.scores, responses: 2, codes: 3 }),
    }]);
  });

  it('answers 404 for the erased participant\'s codes and pages, and the results still open', async () => {
    const anonymous = new HttpClient(server.url);
    for (const code of targetCodes) expect((await anonymous.get(`/s/${code}`)).status, code).to.equal(404);
    expect((await admin.get(`${base}/participants/${target.id}`)).status).to.equal(404);
    expect((await admin.get(`${base}/participants/${target.id}/export.json`)).status).to.equal(404);
    expect((await admin.get(`${base}/participants/${target.id}/erase`)).status).to.equal(404);
    expect((await admin.get(`${base}/results`)).status).to.equal(200);
    expect((await admin.get(`${base}/participants`)).text).to.contain(others[0]!.pseudonym).and.not.contain(target.pseudonym);
  });
});

/** `npm run cli -- purge|backup …` on a real SQLite file, as an operator runs them. */
describe('privacy: retention purge and backup on the command line', function () {
  this.timeout(60_000);
  let dir: string;
  let dbFile: string;
  const cli = (args: string[]) => runCli(dbFile, args);
  const people: Record<'oldExit' | 'recentExit' | 'stale' | 'fresh', Participant> = {} as never;
  const codes: Record<string, string> = {};

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-privacy-'));
    dbFile = path.join(dir, 'indikator.sqlite');
    const db = openDatabase(dbFile);
    const f = createFederation(db, 'Förbund R');
    const i = createIntervention(db, { federationId: f.id, name: 'Retention', kind: 'individual' });
    const start = setMeasurementPoint(db, i.id, 'start', 'participant');
    for (const key of ['oldExit', 'recentExit', 'stale', 'fresh'] as const) {
      people[key] = createParticipant(db, { interventionId: i.id });
      codes[key] = issueAccessCodes(db, { measurementPointId: start.id, participantIds: [people[key].id] })[0]!;
    }
    answer(db, codes.oldExit!, true);
    answer(db, codes.recentExit!, true);
    recordExit(db, people.oldExit.id, '2024-03-01', 'work');
    recordExit(db, people.recentExit.id, '2025-06-01', 'studies');
    const staleId = answer(db, codes.stale!, false);
    answer(db, codes.fresh!, false);
    db.prepare("UPDATE responses SET updated_at = '2024-01-15T10:00:00.000Z' WHERE id = ?").run(staleId);
    db.prepare("INSERT INTO sessions (sid, user_id, data, expires_at) VALUES ('expired', NULL, '{}', 1), ('live', NULL, '{}', ?)").run(Date.now() + 3_600_000);
    db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const withDb = <T>(fn: (db: Db) => T): T => {
    const db = openDatabase(dbFile);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  it('refuses a purge without a valid date or with a bad number of days', () => {
    for (const args of [['purge'], ['purge', '--exited-before', '2025-02-30'], ['purge', '--exited-before', '2025-01-01', '--stale-days', '0']]) {
      const res = cli(args);
      expect(res.status, args.join(' ')).to.equal(1);
      expect(res.stderr).to.match(/^error: --(exited-before|stale-days)/);
    }
  });

  it('purge --dry-run prints what would go and changes nothing', () => {
    const before = withDb((db) => dump(db));
    const res = cli(['purge', '--exited-before', '2025-01-01', '--dry-run']);
    expect(res.status, res.stderr).to.equal(0);
    expect(res.stdout).to.contain('Would erase 1 participant(s) who exited before 2025-01-01.');
    expect(res.stdout).to.match(new RegExp(`${people.oldExit.pseudonym}\\texited 2024-03-01\\t1 responses, \\d+ answers, \\d+ scores, 1 codes`));
    expect(res.stdout).not.to.contain(people.recentExit.pseudonym);
    expect(res.stdout).to.contain('Would delete 1 unfinished questionnaire(s) untouched for more than 365 days');
    expect(res.stdout).to.contain('Would delete 1 expired session(s).').and.contain('Dry run: nothing was changed.');
    expect(withDb((db) => dump(db))).to.equal(before);
  });

  it('purge erases the participants who exited before the date, the stale unfinished questionnaires and expired sessions, audited as cli', () => {
    const before = withDb((db) => ({ counts: rowCounts(db), kept: [people.recentExit, people.fresh].map((p) => rowsOf(db, p.id)) }));
    const res = cli(['purge', '--exited-before', '2025-01-01']);
    expect(res.status, res.stderr).to.equal(0);
    expect(res.stdout).to.contain('Erased 1 participant(s)').and.contain('Deleted 1 unfinished questionnaire(s)').and.contain('Deleted 1 expired session(s).');
    withDb((db) => {
      expect(rowsOf(db, people.oldExit.id)).to.deep.equal({ participant: [], codes: [], responses: [], answers: [], scores: [] });
      expect([people.recentExit, people.fresh].map((p) => rowsOf(db, p.id))).to.deep.equal(before.kept);
      // The stale participant stays, with their code; only the abandoned questionnaire and its answers go.
      const stale = rowsOf(db, people.stale.id);
      expect(stale.participant).to.have.length(1);
      expect(stale.codes).to.have.length(1).and.to.have.nested.property('[0].status', 'active');
      expect(stale.responses).to.deep.equal([]);
      expect(stale.answers).to.deep.equal([]);
      expect(db.prepare('SELECT sid FROM sessions').pluck().all()).to.deep.equal(['live']);
      expect(rowCounts(db).participants).to.equal(before.counts.participants! - 1);
      const audit = db.prepare("SELECT action, actor, target FROM audit_log WHERE actor = 'cli' ORDER BY id").all();
      expect(audit).to.deep.equal([
        { action: 'participant.erase', actor: 'cli', target: `participant:${people.oldExit.pseudonym}` },
        { action: 'responses.purgeStale', actor: 'cli', target: null },
      ]);
    });
    const again = cli(['purge', '--exited-before', '2025-01-01']);
    expect(again.stdout).to.contain('Erased 0 participant(s)').and.contain('Deleted 0 unfinished questionnaire(s)');
  });

  it('backup writes a consistent copy while a connection holds uncheckpointed writes, and refuses to overwrite without --force', () => {
    const target = path.join(dir, 'backup.sqlite');
    const live = openDatabase(dbFile);
    try {
      live.pragma('wal_autocheckpoint = 0');
      createParticipant(live, { interventionId: 1, localRef: 'only in the WAL' });
      const source = rowCounts(live);
      const res = cli(['backup', '--to', target]);
      expect(res.status, res.stderr).to.equal(0);
      expect(res.stdout).to.match(new RegExp(`^Backup written to ${target.replace(/[.\\]/g, '\\$&')} \\(\\d+\\.\\d MB, ${fs.statSync(target).size} bytes\\)\\.$`, 'm'));
      const copy = openDatabase(target);
      try {
        expect(rowCounts(copy)).to.deep.equal(source);
        expect(copy.prepare("SELECT count(*) AS n FROM participants WHERE local_ref = 'only in the WAL'").get()).to.deep.equal({ n: 1 });
      } finally {
        copy.close();
      }
    } finally {
      live.close();
    }
    fs.rmSync(`${target}-wal`, { force: true });
    fs.rmSync(`${target}-shm`, { force: true });
    const written = fs.readFileSync(target);
    const refused = cli(['backup', '--to', target]);
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.contain('exists already').and.contain('--force');
    expect(fs.readFileSync(target).equals(written)).to.equal(true);
    const forced = cli(['backup', '--to', target, '--force']);
    expect(forced.status, forced.stderr).to.equal(0);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-'))).to.deep.equal([]);
  });
});
