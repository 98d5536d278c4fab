import { expect } from 'chai';
import { createFederation } from '../../server/storage/federations.js';
import { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn, TEST_PASSWORD } from '../helpers/users.js';

// People are invited to a role; nobody's account is created with a password an admin chose, and an
// existing account is never handed a role by someone who only knows its e-mail (issue 10, item 1).

const linkOf = (html: string) => {
  const value = /id="invitation-link" type="text" readonly value="([^"]+)"/.exec(html)?.[1];
  if (!value) throw new Error('no invitation link on the page');
  return new URL(value).pathname;
};

describe('invitations', function () {
  this.timeout(60_000);
  let server: TestServer;
  let f1: number;
  let f2: number;
  const rolesOf = (email: string) =>
    server.db.prepare('SELECT r.federation_id AS federationId, r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.email = ? ORDER BY r.federation_id').all(email);

  before(async () => {
    server = await startTestServer();
    f1 = createFederation(server.db, 'Förbund Ett').id;
    f2 = createFederation(server.db, 'Förbund Två').id;
    makeUser(server.db, 'admin1@inv.example', [{ federationId: f1, role: 'federation_admin' }]);
    makeUser(server.db, 'admin2@inv.example', [{ federationId: f2, role: 'federation_admin' }]);
    makeUser(server.db, 'known@inv.example', [{ federationId: f1, role: 'staff' }]);
    makeUser(server.db, 'root@inv.example', [], { systemAdmin: true });
  });
  after(() => server.close());

  const invite = async (admin: HttpClient, federationId: number, email: string, role = 'evaluator') => {
    await admin.get(`/f/${federationId}/users`);
    return admin.post(`/f/${federationId}/users`, { email, role });
  };

  it('answers the same for an e-mail with an account and one without, and grants nothing until the link is used', async () => {
    const admin = await signedIn(server.url, 'admin2@inv.example');
    const users = server.db.prepare('SELECT count(*) FROM users').pluck().get();
    const known = await invite(admin, f2, 'known@inv.example');
    const unknown = await invite(admin, f2, 'new@inv.example');
    expect([known.status, unknown.status]).to.deep.equal([200, 200]);
    const shape = (html: string, email: string) => html.replace(email, 'E').replace(/\/invite\/[A-Za-z0-9_-]+/, '/invite/T').replace(/<tbody>[\s\S]*?<\/tbody>/g, '').replace(/name="_csrf" value="[^"]+"/g, '');
    expect(shape(known.text, 'known@inv.example')).to.equal(shape(unknown.text, 'new@inv.example'));
    expect(server.db.prepare('SELECT count(*) FROM users').pluck().get(), 'no account made by the admin').to.equal(users);
    expect(rolesOf('known@inv.example')).to.deep.equal([{ federationId: f1, role: 'staff' }]);
    expect(unknown.text).to.contain('Inbjudningar som väntar');
  });

  it('lets the invited person create their own account once, and the link opens nothing after', async () => {
    const admin = await signedIn(server.url, 'admin1@inv.example');
    const link = linkOf((await invite(admin, f1, 'ny.person@inv.example', 'staff')).text);
    const person = new HttpClient(server.url);
    const page = await person.get(link);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Du är inbjuden som').and.contain('Förbund Ett');
    expect((await person.post(link, { name: 'Ny Person', password: '123456789012', confirm: '123456789012' })).status).to.equal(422);
    const created = await person.post(link, { name: 'Ny Person', password: 'Mitt eget lösen 2026', confirm: 'Mitt eget lösen 2026' });
    expect(created.status).to.equal(303);
    expect(rolesOf('ny.person@inv.example')).to.deep.equal([{ federationId: f1, role: 'staff' }]);
    await signedIn(server.url, 'ny.person@inv.example', 'Mitt eget lösen 2026');
    expect((await new HttpClient(server.url).get(link)).status, 'used').to.equal(404);
    expect((await new HttpClient(server.url).get('/invite/hittepa-hittepa-hittepa-123')).status).to.equal(404);
    expect(server.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'invitation.accept' AND target LIKE 'invitation:%'").pluck().get()).to.equal(1);
  });

  it('stops pre-hijacking: an admin who made an account for a colleague cannot take the role another förbund gives that colleague', async () => {
    // Admin 1 invites colleague@ and uses the link themselves, choosing the password.
    const admin1 = await signedIn(server.url, 'admin1@inv.example');
    const link1 = linkOf((await invite(admin1, f1, 'colleague@inv.example', 'staff')).text);
    const hijacker = new HttpClient(server.url);
    await hijacker.get(link1);
    await hijacker.post(link1, { name: 'Kollega', password: 'Admin ettans lösen', confirm: 'Admin ettans lösen' });
    // Admin 2 invites the same e-mail as an evaluator and gives the link to the real colleague.
    const admin2 = await signedIn(server.url, 'admin2@inv.example');
    const link2 = linkOf((await invite(admin2, f2, 'colleague@inv.example', 'evaluator')).text);
    // Without being signed in to the existing account, the link only asks to sign in: no password can be set.
    const stranger = new HttpClient(server.url);
    const page = await stranger.get(link2);
    expect(page.text).to.contain('Det finns redan ett konto').and.not.contain('name="password"');
    await stranger.get('/login');
    expect((await stranger.post(link2, { name: 'X', password: 'Ett annat lösen 2026', confirm: 'Ett annat lösen 2026' })).status).to.equal(403);
    // Admin 1, signed in as the colleague with the password they chose, has no link of förbund 2's.
    const asColleague = await signedIn(server.url, 'colleague@inv.example', 'Admin ettans lösen');
    expect((await asColleague.get(`/f/${f2}`)).status).to.equal(403);
    expect(rolesOf('colleague@inv.example')).to.deep.equal([{ federationId: f1, role: 'staff' }]);
  });

  it('lets someone with an account accept by signing in, and a system admin invites a new förbund\'s first admin', async () => {
    const admin2 = await signedIn(server.url, 'admin2@inv.example');
    const link = linkOf((await invite(admin2, f2, 'known@inv.example', 'board')).text);
    const known = await signedIn(server.url, 'known@inv.example', TEST_PASSWORD);
    const page = await known.get(link);
    expect(page.text).to.contain('Tacka ja');
    expect((await known.post(link, {})).status).to.equal(303);
    expect(rolesOf('known@inv.example')).to.deep.equal([{ federationId: f1, role: 'staff' }, { federationId: f2, role: 'board' }]);

    const root = await signedIn(server.url, 'root@inv.example');
    await root.get('/admin/federations');
    const created = await root.post('/admin/federations', { name: 'Förbund Tre', adminEmail: 'forsta@inv.example' });
    expect(created.status).to.equal(200);
    const f3 = server.db.prepare("SELECT id FROM federations WHERE name = 'Förbund Tre'").pluck().get() as number;
    expect(server.db.prepare("SELECT count(*) FROM users WHERE email = 'forsta@inv.example'").pluck().get()).to.equal(0);
    const first = new HttpClient(server.url);
    const firstLink = linkOf(created.text);
    await first.get(firstLink);
    expect((await first.post(firstLink, { name: 'Första Admin', password: 'Förbund tre lösen', confirm: 'Förbund tre lösen' })).status).to.equal(303);
    expect(rolesOf('forsta@inv.example')).to.deep.equal([{ federationId: f3, role: 'federation_admin' }]);
  });

  it('opens nothing with an expired link', async () => {
    const admin = await signedIn(server.url, 'admin1@inv.example');
    const link = linkOf((await invite(admin, f1, 'sen@inv.example')).text);
    server.db.prepare("UPDATE invitations SET expires_at = '2000-01-01T00:00:00.000Z' WHERE email = 'sen@inv.example'").run();
    expect((await new HttpClient(server.url).get(link)).status).to.equal(404);
  });
});
