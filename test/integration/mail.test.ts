import { expect } from 'chai';
import { createFederation } from '../../server/storage/federations.js';
import { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { makeUser, signedIn, TEST_PASSWORD } from '../helpers/users.js';

const NEW_PASSWORD = 'Ett-helt-nytt-lösen-2026';

describe('mail: invitations and password resets through a real SMTP server', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let server: TestServer;
  let federationId: number;
  const path = (link: string) => link.replace(server.url, '').replace(/^http:\/\/localhost:\d+/, '');

  before(async () => {
    smtp = await startTestSmtp();
    server = await startTestServer({ config: { smtpUrl: smtp.url, mailFrom: 'Indikator <noreply@prov.example>' } });
    federationId = createFederation(server.db, 'Samordningsförbundet Brev').id;
    makeUser(server.db, 'chef@brev.example', [{ federationId, role: 'federation_admin' }]);
    makeUser(server.db, 'glomsk@brev.example', [{ federationId, role: 'staff' }]);
  });
  after(async () => {
    await server.close();
    await smtp.close();
  });

  it('mails the invitation (the link is not shown to the admin), and the invited person creates an account from the mail', async () => {
    const admin = await signedIn(server.url, 'chef@brev.example');
    const page = await admin.get(`/f/${federationId}/users`);
    expect(page.text).to.match(/<option value="board" selected>/);
    const res = await admin.post(`/f/${federationId}/users`, { email: 'ny@brev.example', role: 'evaluator' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Inbjudan är skickad till ny@brev.example').and.not.contain('data-invitation-link');
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').to.contain('ny@brev.example');
    expect(mail!.from?.text).to.contain('noreply@prov.example');
    expect(mail!.subject).to.contain('Samordningsförbundet Brev');
    const link = linkIn(mail!);
    expect(link).to.match(/\/invite\/[A-Za-z0-9_-]{20,}$/);
    const invited = new HttpClient(server.url);
    await invited.get(path(link));
    const created = await invited.post(path(link), { name: 'Nya Nilsson', password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(created.status).to.equal(303);
    const signed = await signedIn(server.url, 'ny@brev.example', NEW_PASSWORD);
    expect((await signed.get(`/f/${federationId}/compare`)).status).to.equal(200);
  });

  it('resets a forgotten password by a mailed single-use link, the same answer for an unknown e-mail, every session ended', async () => {
    const before = smtp.mails.length;
    const old = await signedIn(server.url, 'glomsk@brev.example');
    const someone = new HttpClient(server.url);
    await someone.get('/password/forgot');
    const unknown = await someone.post('/password/forgot', { email: 'finns-inte@brev.example' });
    await someone.get('/password/forgot');
    const known = await someone.post('/password/forgot', { email: 'Glomsk@brev.example' });
    expect(unknown.status).to.equal(200);
    expect(known.text.replace(/name="_csrf" value="[^"]+"/, '')).to.equal(unknown.text.replace(/name="_csrf" value="[^"]+"/, ''));
    const mails = await smtp.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails.length, 'one mail: none to the unknown address').to.equal(before + 1);
    const link = linkIn(mails[before]!);
    const reset = new HttpClient(server.url);
    const form = await reset.get(path(link));
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('glomsk@brev.example');
    const weak = await reset.post(path(link), { password: 'kort', confirm: 'kort' });
    expect(weak.status).to.equal(422);
    const done = await reset.post(path(link), { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).to.equal(303);
    expect(done.location).to.contain('reset=1');
    // The old session is gone, the old password no longer works, the new one does, the link works once.
    expect((await old.get('/account')).status).to.equal(303);
    const oldLogin = new HttpClient(server.url);
    await oldLogin.get('/login');
    expect((await oldLogin.post('/login', { email: 'glomsk@brev.example', password: TEST_PASSWORD, next: '/' })).status).to.equal(401);
    await signedIn(server.url, 'glomsk@brev.example', NEW_PASSWORD);
    expect((await new HttpClient(server.url).get(path(link))).status).to.equal(404);
    const audited = server.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'password.reset%' ORDER BY id").pluck().all();
    expect(audited).to.deep.equal(['password.resetRequest', 'password.reset']);
  });

  it('asks before removing a role, and explains why the only admin cannot remove their own', async () => {
    const admin = await signedIn(server.url, 'chef@brev.example');
    const staffId = server.db.prepare("SELECT id FROM users WHERE email = 'glomsk@brev.example'").pluck().get() as number;
    const adminId = server.db.prepare("SELECT id FROM users WHERE email = 'chef@brev.example'").pluck().get() as number;
    await admin.get(`/f/${federationId}/users`);
    const ask = await admin.post(`/f/${federationId}/users/${staffId}/revoke`, { role: 'staff' });
    expect(ask.status).to.equal(200);
    expect(ask.text).to.contain('Ta bort rollen Insatspersonal för glomsk?');
    const roles = () => server.db.prepare('SELECT role FROM user_roles WHERE user_id = ?').pluck().all(staffId);
    expect(roles()).to.deep.equal(['staff']);
    expect((await admin.post(`/f/${federationId}/users/${staffId}/revoke`, { role: 'staff', confirm: '1' })).status).to.equal(303);
    expect(roles()).to.deep.equal([]);
    await admin.get(`/f/${federationId}/users`);
    const own = await admin.post(`/f/${federationId}/users/${adminId}/revoke`, { role: 'federation_admin', confirm: '1' });
    expect(own.status).to.equal(422);
    expect(own.text).to.contain('enda förbundsadministratör');
    expect(server.db.prepare('SELECT role FROM user_roles WHERE user_id = ?').pluck().all(adminId)).to.deep.equal(['federation_admin']);
  });
});
