import { expect } from 'chai';
import Papa from 'papaparse';
import { auditTarget } from '../../server/domain/auditEvent.js';
import { writeAudit } from '../../server/storage/audit.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention } from '../../server/storage/interventions.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

describe('the audit log a förbund admin can read', function () {
  this.timeout(60_000);
  let server: TestServer;
  let fid: number;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    fid = createFederation(db, 'Samordningsförbundet Logg').id;
    const intervention = createIntervention(db, { federationId: fid, name: 'Steg till arbete', kind: 'individual' });
    const admin = makeUser(db, 'chef@logg.example', [{ federationId: fid, role: 'federation_admin' }]);
    for (let k = 0; k < 130; k++) writeAudit(db, { userId: admin.id, federationId: fid, action: 'codes.issue', target: auditTarget.intervention(intervention.id), detail: { point: 'start', count: k } });
    writeAudit(db, { userId: admin.id, federationId: fid, action: 'participant.export', target: auditTarget.participant('P-abc123def4') });
  });
  after(() => server.close());

  it('names events and targets in Swedish, writes details as text, and pages instead of cutting off', async () => {
    const admin = await signedIn(server.url, 'chef@logg.example');
    const page = await admin.get(`/f/${fid}/audit`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Insats Steg till arbete').and.contain('Deltagare P-abc123def4').and.contain('point: start; count: 129');
    expect(page.text).to.not.contain('intervention:');
    expect(page.text).to.match(/<option value="codes.issue">[^<]+<\/option>/);
    // The 131 events of the förbund (a sign-in is the installation's, not the förbund's): two pages of 100.
    expect(page.text).to.contain('131 händelser').and.contain('Sida 1 av 2');
    const second = await admin.get(`/f/${fid}/audit?page=2`);
    expect((second.text.match(/data-action=/g) ?? []).length).to.equal(31);
    const filtered = await admin.get(`/f/${fid}/audit?action=participant.export`);
    expect((filtered.text.match(/data-action=/g) ?? []).length).to.equal(1);
  });

  it('exports the filtered log as CSV for Excel, and logs the export', async () => {
    const admin = await signedIn(server.url, 'chef@logg.example');
    const res = await admin.get(`/f/${fid}/audit.csv?action=codes.issue`);
    expect(res.status).to.equal(200);
    const rows = Papa.parse<Record<string, string>>(res.text.replace(/^\uFEFF/, ''), { header: true, delimiter: ';', skipEmptyLines: true }).data;
    expect(rows).to.have.length(130);
    expect(rows[0]!.Detaljer).to.equal('point: start; count: 129');
    expect(rows[0]!.action).to.equal('codes.issue');
    const exported = server.db.prepare("SELECT detail FROM audit_log WHERE action = 'audit.export' AND federation_id = ?").pluck().get(fid) as string;
    expect(JSON.parse(exported)).to.deep.equal({ action: 'codes.issue', rows: 130 });
  });
});
