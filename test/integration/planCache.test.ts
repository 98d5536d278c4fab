import { expect } from 'chai';
import { cellKey, measureRef, orgRef } from '../../server/domain/figureCell.js';
import { disclosurePlan } from '../../server/services/figures.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant, recordExit } from '../../server/storage/participants.js';
import { startResponse, submitResponse } from '../../server/storage/responses.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The disclosure plan is cached until the data behind the figures changes (figures_version), and
// each intervention's counts until one of its answers changes (answers_version): a new answer, an
// exit or an erasure must show in the very next plan.

describe('the disclosure plan follows every change of the data', function () {
  this.timeout(30_000);
  let server: TestServer;
  let a: number;
  let b: number;
  let startA: number;

  const answer = (interventionId: number, pointId: number, score: number) => {
    const person = createParticipant(server.db, { interventionId });
    const [code] = issueAccessCodes(server.db, { measurementPointId: pointId, participantIds: [person.id] });
    const r = startResponse(server.db, { code: code!, participantId: person.id, interventionId, point: 'start', roundId: null, instrumentId: 'participant', instrumentVersion: '1', language: 'sv' });
    submitResponse(server.db, r, [{ indicatorId: 'health', score }], { gender: 'woman', ageBand: null });
    return person.id;
  };
  const health = (interventionId: number) => cellKey(measureRef.score('health', 'start'), orgRef.intervention(interventionId), 'all', 'all');

  before(async () => {
    server = await startTestServer();
    const f = createFederation(server.db, 'Cacheförbundet');
    a = createIntervention(server.db, { federationId: f.id, name: 'A', kind: 'individual' }).id;
    b = createIntervention(server.db, { federationId: f.id, name: 'B', kind: 'individual' }).id;
    startA = setMeasurementPoint(server.db, a, 'start', 'participant').id;
    const startB = setMeasurementPoint(server.db, b, 'start', 'participant').id;
    for (let k = 0; k < 4; k++) answer(a, startA, 4);
    for (let k = 0; k < 9; k++) answer(b, startB, 5);
  });
  after(() => server.close());

  it('shows a group the moment its fifth person answers, and hides it again when one is erased', () => {
    const before = disclosurePlan(server.ctx);
    expect([before.n(health(a)), before.reason(health(a))]).to.deep.equal([4, 'tooFew']);
    expect(before.reason(health(b)), 'B beside a hidden A of 4 in a shown förbund').to.equal('complementary');
    expect(disclosurePlan(server.ctx), 'nothing changed: the same plan').to.equal(before);

    const fifth = answer(a, startA, 6);
    const after = disclosurePlan(server.ctx);
    expect([after.n(health(a)), after.reason(health(a)), after.reason(health(b))]).to.deep.equal([5, null, null]);

    server.db.prepare('DELETE FROM response_scores WHERE participant_id = ?').run(fifth);
    server.db.prepare('DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE participant_id = ?)').run(fifth);
    server.db.prepare('DELETE FROM responses WHERE participant_id = ?').run(fifth);
    expect(disclosurePlan(server.ctx).reason(health(a))).to.equal('tooFew');
  });

  it('follows an exit recorded by staff (no answer changes)', () => {
    const ended = cellKey(measureRef.participants('ended'), orgRef.intervention(b), 'all', 'all');
    expect(disclosurePlan(server.ctx).n(ended)).to.equal(0);
    const people = server.db.prepare('SELECT id FROM participants WHERE intervention_id = ? LIMIT 5').pluck().all(b) as number[];
    for (const id of people) recordExit(server.db, id, '2026-11-30', 'work');
    const plan = disclosurePlan(server.ctx);
    expect([plan.n(ended), plan.reason(ended)]).to.deep.equal([5, null]);
  });
});
