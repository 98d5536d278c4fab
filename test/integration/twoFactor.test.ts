import { expect } from 'chai';
import { createFederation } from '../../server/storage/federations.js';
import { grantRole } from '../../server/storage/users.js';
import { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { authenticatorOf, makeUser, signedIn, TEST_PASSWORD, totpCode } from '../helpers/users.js';

const step = () => Math.floor(Date.now() / 30_000);

describe('two-factor sign-in (TOTP and recovery codes) for password accounts', function () {
  this.timeout(120_000);
  let server: TestServer;
  let fid: number;

  before(async () => {
    server = await startTestServer({ config: { adminTwoFactor: true }, loginLimit: 100 });
    fid = createFederation(server.db, 'Förbundet').id;
    makeUser(server.db, 'chef@tva.example', [{ federationId: fid, role: 'federation_admin' }]);
    makeUser(server.db, 'sys@tva.example', [], { systemAdmin: true });
    makeUser(server.db, 'personal@tva.example', [{ federationId: fid, role: 'staff' }]);
    makeUser(server.db, 'lasse@tva.example', [{ federationId: fid, role: 'evaluator' }]);
  });
  after(() => server.close());

  /** The password step: a client whose session waits for the second factor. */
  async function passwordOnly(email: string): Promise<HttpClient> {
    const client = new HttpClient(server.url);
    await client.get('/login');
    const res = await client.post('/login', { email, password: TEST_PASSWORD, next: `/f/${fid}` });
    expect(res.status, email).to.equal(303);
    expect(res.location).to.equal('/login/second-factor');
    return client;
  }

  const audited = (action: string) => server.db.prepare('SELECT user_id AS userId, actor, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as { userId: number | null; actor: string | null; detail: string | null }[];

  it('sends an admin without a second factor to set one up before anything else, and shows the recovery codes once', async () => {
    const client = await passwordOnly('chef@tva.example');
    // Not signed in yet: every page sends them to sign in, the account page too.
    expect((await client.get(`/f/${fid}`)).location).to.match(/^\/login\?next=/);
    expect((await client.get('/account')).location).to.match(/^\/login\?next=/);
    const page = await client.get('/login/second-factor');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Slå på tvåstegsverifiering').and.contain('<svg');
    const secret = /id="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(page.text)![1]!.replace(/ /g, '');
    expect(secret).to.have.length.of.at.least(32);
    // A code from another secret does not set it up.
    const wrong = await client.post('/login/second-factor', { code: await totpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', Date.now() / 1000) });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('Koden stämmer inte');
    const done = await client.post('/login/second-factor', { code: await totpCode(secret, Date.now() / 1000) });
    expect(done.status).to.equal(200);
    const codes = [...done.text.matchAll(/<li><code>([A-Z0-9-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);
    // Stored hashed only, and signed in now.
    const stored = server.db.prepare('SELECT code_hash FROM recovery_codes').pluck().all() as string[];
    expect(stored).to.have.length(10);
    for (const code of codes) expect(stored.join(' ')).not.to.contain(code.replace(/-/g, ''));
    expect((await client.get(`/f/${fid}`)).status).to.equal(200);
    const account = await client.get('/account');
    expect(account.text).to.contain('Du har 10 oanvända reservkoder').and.not.contain(codes[0]!);
    expect(audited('secondFactor.enrol')).to.have.length(1);
    expect(JSON.parse(audited('login.ok').at(-1)!.detail!)).to.deep.equal({ method: 'password+totp' });
    recovery = codes;
  });
  let recovery: string[] = [];

  it('takes a code once: the same code again, and a code of the wrong time window, are refused; the next one opens', async () => {
    const user = server.db.prepare("SELECT id FROM users WHERE email = 'chef@tva.example'").pluck().get() as number;
    const { secret, last } = server.db.prepare('SELECT secret, last_step AS last FROM user_totp WHERE user_id = ?').get(user) as { secret: string; last: number };
    const client = await passwordOnly('chef@tva.example');
    expect((await client.get('/login/second-factor')).text).to.contain('autentiseringsappen visar');
    // The code that set it up a moment ago: a replay.
    const replay = await client.post('/login/second-factor', { code: await totpCode(secret, last * 30) });
    expect(replay.status).to.equal(401);
    expect(replay.text).to.contain('Koden stämmer inte');
    // Two and a half minutes off either way: outside the window of one step before and after.
    for (const offset of [-5, 5]) {
      const off = await client.post('/login/second-factor', { code: await totpCode(secret, (step() + offset) * 30) });
      expect(off.status, `offset ${offset}`).to.equal(401);
    }
    const next = Math.max(step(), last + 1);
    const ok = await client.post('/login/second-factor', { code: await totpCode(secret, next * 30) });
    expect(ok.status).to.equal(303);
    expect(ok.location).to.equal(`/f/${fid}`);
    // The same code in a second browser, in the same window: refused.
    const other = await passwordOnly('chef@tva.example');
    await other.get('/login/second-factor');
    expect((await other.post('/login/second-factor', { code: await totpCode(secret, next * 30) })).status).to.equal(401);
    const reasons = audited('login.failed').map((r) => JSON.parse(r.detail!) as { reason: string }).map((d) => d.reason);
    expect(reasons.filter((r) => r === 'secondFactor.wrong')).to.have.length.of.at.least(4);
  });

  it('opens with a recovery code once, and not twice', async () => {
    const first = await passwordOnly('chef@tva.example');
    await first.get('/login/second-factor');
    const ok = await first.post('/login/second-factor', { code: recovery[0]!.toLowerCase() });
    expect(ok.status).to.equal(303);
    expect((await first.get('/account')).text).to.contain('Du har 9 oanvända reservkoder');
    const again = await passwordOnly('chef@tva.example');
    await again.get('/login/second-factor');
    expect((await again.post('/login/second-factor', { code: recovery[0]! })).status).to.equal(401);
    expect(JSON.parse(audited('login.ok').at(-1)!.detail!)).to.deep.equal({ method: 'password+recoveryCode' });
  });

  it('locks the second factor after 5 wrong codes, for the right code too, and asks for the password again', async () => {
    await signedIn(server.url, 'sys@tva.example');
    const { secret } = authenticatorOf(server.url, 'sys@tva.example')!;
    const client = await passwordOnly('sys@tva.example');
    await client.get('/login/second-factor');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await client.post('/login/second-factor', { code: '000000' })).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 429]);
    // The waiting sign-in is gone: the page starts from the password again.
    expect((await client.get('/login/second-factor')).location).to.equal('/login');
    const later = await passwordOnly('sys@tva.example');
    await later.get('/login/second-factor');
    const locked = await later.post('/login/second-factor', { code: await totpCode(secret, (step() + 1) * 30) });
    expect(locked.status).to.equal(429);
    expect(locked.text).to.contain('tillfälligt låst');
  });

  it('is optional for staff: off by default, turned on and off from the account page (with the password)', async () => {
    const staff = await signedIn(server.url, 'personal@tva.example');
    expect(authenticatorOf(server.url, 'personal@tva.example')).to.equal(undefined);
    const account = await staff.get('/account');
    expect(account.text).to.contain('Tvåstegsverifiering är avstängd');
    const setup = await staff.get('/account/two-factor');
    const secret = /id="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(setup.text)![1]!.replace(/ /g, '');
    const on = await staff.post('/account/two-factor', { code: await totpCode(secret, Date.now() / 1000) });
    expect(on.status).to.equal(200);
    expect(on.text).to.contain('Dina reservkoder');
    // From now on the password alone is not enough.
    const next = await passwordOnly('personal@tva.example');
    await next.get('/login/second-factor');
    expect((await next.post('/login/second-factor', { code: await totpCode(secret, (step() + 1) * 30) })).status).to.equal(303);
    await next.get('/account');
    expect((await next.post('/account/two-factor/remove', { current: 'fel lösenord igen' })).status).to.equal(422);
    await next.get('/account');
    expect((await next.post('/account/two-factor/remove', { current: TEST_PASSWORD })).status).to.equal(303);
    const plain = new HttpClient(server.url);
    await plain.get('/login');
    expect((await plain.post('/login', { email: 'personal@tva.example', password: TEST_PASSWORD, next: '/' })).location).to.equal('/');
    expect(audited('secondFactor.remove')).to.have.length(1);
  });

  it('does not let an admin turn it off', async () => {
    makeUser(server.db, 'chef2@tva.example', [{ federationId: fid, role: 'federation_admin' }]);
    const admin = await signedIn(server.url, 'chef2@tva.example');
    const account = await admin.get('/account');
    expect(account.text).to.contain('Administratörer måste använda tvåstegsverifiering').and.not.contain('action="/account/two-factor/remove"');
    const refused = await admin.post('/account/two-factor/remove', { current: TEST_PASSWORD });
    expect(refused.status).to.equal(422);
    expect(server.db.prepare("SELECT count(*) FROM user_totp t JOIN users u ON u.id = t.user_id WHERE u.email = 'chef2@tva.example'").pluck().get()).to.equal(1);
  });

  it('sends someone made an admin while signed in with a password alone to set up the second factor', async () => {
    const evaluator = await signedIn(server.url, 'lasse@tva.example');
    expect((await evaluator.get(`/f/${fid}`)).status).to.equal(200);
    const user = server.db.prepare("SELECT id FROM users WHERE email = 'lasse@tva.example'").pluck().get() as number;
    grantRole(server.db, user, fid, 'federation_admin');
    const res = await evaluator.get(`/f/${fid}/users`);
    expect(res.status).to.equal(303);
    expect(res.location).to.equal('/login/second-factor');
    expect((await evaluator.get('/login/second-factor')).text).to.contain('Slå på tvåstegsverifiering');
    expect((await evaluator.get(`/f/${fid}`)).location).to.match(/^\/login\?next=/);
  });
});
