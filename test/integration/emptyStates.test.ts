import { expect } from 'chai';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

describe('empty states say what to do next', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(() => startTestServer().then((s) => void (server = s)));
  after(() => server.close());

  it('a new förbund shows its admin the first steps; an intervention without answers says how to get some', async () => {
    const fresh = createFederation(server.db, 'Samordningsförbundet Nytt').id;
    makeUser(server.db, 'chef@nytt.example', [{ federationId: fresh, role: 'federation_admin' }]);
    makeUser(server.db, 'styrelse@nytt.example', [{ federationId: fresh, role: 'board' }]);
    const admin = await signedIn(server.url, 'chef@nytt.example');
    const dashboard = await admin.get(`/f/${fresh}`);
    expect(dashboard.text).to.contain('Kom igång').and.contain(`href="/f/${fresh}/interventions/new"`);
    const board = await signedIn(server.url, 'styrelse@nytt.example');
    expect((await board.get(`/f/${fresh}`)).text).to.not.contain('Kom igång');

    const intervention = createIntervention(server.db, { federationId: fresh, name: 'Tom insats', kind: 'individual' });
    setMeasurementPoint(server.db, intervention.id, 'start', 'participant');
    const results = await admin.get(`/f/${fresh}/interventions/${intervention.id}/results`);
    expect(results.status).to.equal(200);
    expect(results.text).to.contain('Inga enkätsvar än').and.contain(`/f/${fresh}/interventions/${intervention.id}/participants`);
    expect((await board.get(`/f/${fresh}/interventions/${intervention.id}/results`)).text).to.contain('Inga enkätsvar än').and.not.contain('Till deltagare och koder');
    const compare = await board.get(`/f/${fresh}/compare`);
    expect(compare.status).to.equal(200);
    expect(compare.text).to.contain('Inget att jämföra än');
  });
});
