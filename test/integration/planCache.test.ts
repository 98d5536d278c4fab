import { expect } from 'chai';
import { cellKey, measureRef, orgRef } from '../../server/domain/figureCell.js';
import { disclosurePlan } from '../../server/services/figures.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setInterventionSubproject, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant, recordExit } from '../../server/storage/participants.js';
import { createProject, createSubproject } from '../../server/storage/projects.js';
import { startResponse, submitResponse } from '../../server/storage/responses.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Each förbund's disclosure plan is cached until the data behind its figures changes
// (figures_version, per förbund), the installation's figures are planned on top of them: a new
// answer, an exit or an erasure must show in the very next plan, also in another förbund's sums.

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

  let c: number;
  let other: number;

  it('follows an answer in another förbund: the installation gives way to a förbund\'s own figure', () => {
    const health = (org: string) => cellKey(measureRef.score('health', 'start'), org, 'all', 'all');
    const own = disclosurePlan(server.ctx);
    const f1 = server.db.prepare('SELECT federation_id FROM interventions WHERE id = ?').pluck().get(a) as number;
    expect([own.n(health(orgRef.federation(f1))), own.reason(health(orgRef.federation(f1)))]).to.deep.equal([13, null]);

    other = createFederation(server.db, 'Grannförbundet').id;
    c = createIntervention(server.db, { federationId: other, name: 'C', kind: 'individual' }).id;
    const startC = setMeasurementPoint(server.db, c, 'start', 'participant').id;
    for (let k = 0; k < 3; k++) answer(c, startC, 2);
    const three = disclosurePlan(server.ctx);
    expect(three.reason(health(orgRef.federation(other)))).to.equal('tooFew');
    // The installation minus the first förbund would be the three: the sum goes, the förbund's own figure stays.
    expect([three.n(health(orgRef.installation)), three.reason(health(orgRef.installation))]).to.deep.equal([16, 'complementary']);
    expect(three.reason(health(orgRef.federation(f1)))).to.equal(null);

    for (let k = 0; k < 2; k++) answer(c, startC, 2);
    const five = disclosurePlan(server.ctx);
    expect([five.n(health(orgRef.installation)), five.reason(health(orgRef.installation))]).to.deep.equal([18, null]);
    expect(five.reason(health(orgRef.federation(other)))).to.equal(null);
  });

  it('follows a project that comes to link two förbund planned apart until then', () => {
    const started = (org: string) => cellKey(measureRef.participants('started'), org, 'all', 'all');
    expect(disclosurePlan(server.ctx).n(started(orgRef.intervention(c)))).to.equal(5);
    const project = createProject(server.db, { name: 'Länken' });
    const f1 = server.db.prepare('SELECT federation_id FROM interventions WHERE id = ?').pluck().get(b) as number;
    const here = createSubproject(server.db, { projectId: project.id, federationId: f1, name: 'Här' });
    const there = createSubproject(server.db, { projectId: project.id, federationId: other, name: 'Där' });
    setInterventionSubproject(server.db, b, here.id);
    setInterventionSubproject(server.db, c, there.id);
    const plan = disclosurePlan(server.ctx);
    const ofB = plan.n(started(orgRef.intervention(b)));
    expect(ofB).to.be.greaterThan(0);
    expect([plan.n(started(orgRef.subproject(here.id))), plan.n(started(orgRef.subproject(there.id)))]).to.deep.equal([ofB, 5]);
    expect(plan.n(started(orgRef.project(project.id)))).to.equal(ofB + 5);
  });
});
