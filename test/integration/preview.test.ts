import { expect } from 'chai';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { createFederation } from '../../server/storage/federations.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

describe('previewing a questionnaire as staff', function () {
  this.timeout(30_000);
  let server: TestServer;
  let fid: number;
  before(async () => {
    server = await startTestServer();
    fid = createFederation(server.db, 'Samordningsförbundet Förhand').id;
    makeUser(server.db, 'staff@forhand.example', [{ federationId: fid, role: 'staff' }]);
  });
  after(() => server.close());

  it('shows any questionnaire at any point and language as participants see it, without a code, storing nothing', async () => {
    const staff = await signedIn(server.url, 'staff@forhand.example');
    const participant = instruments.get('participant')!;
    const before = server.db.prepare('SELECT (SELECT count(*) FROM responses) + (SELECT count(*) FROM access_codes)').pluck().get();
    const page = await staff.get(`/f/${fid}/preview?instrument=participant&point=exit&lang=ar`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('lang="ar" dir="rtl" aria-label="Förhandsvisa en enkät"');
    const exitOnly = sectionsForPoint(participant, 'exit').flatMap((s) => s.items).find((i) => !i.points.includes('start'))!;
    expect(page.text).to.contain(`name="item_${exitOnly.id}"`).and.contain(exitOnly.text.ar!);
    const startOnly = sectionsForPoint(participant, 'start').flatMap((s) => s.items).find((i) => !i.points.includes('exit'));
    if (startOnly) expect(page.text).to.not.contain(`name="item_${startOnly.id}"`);
    expect(page.text).to.not.match(/<form method="post"[^>]*data-autosave/);
    // The board questionnaire, yearly.
    const board = await staff.get(`/f/${fid}/preview?instrument=board`);
    expect(board.text).to.contain('<option value="yearly" selected>');
    expect(server.db.prepare('SELECT (SELECT count(*) FROM responses) + (SELECT count(*) FROM access_codes)').pluck().get()).to.equal(before);
  });
});
