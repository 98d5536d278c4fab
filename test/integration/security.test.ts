import { expect } from 'chai';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention } from '../../server/storage/interventions.js';
import { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn, TEST_PASSWORD } from '../helpers/users.js';

const count = (server: TestServer, table: string) => (server.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('security', function () {
  this.timeout(60_000);
  let server: TestServer;
  let fid: number;

  before(async () => {
    server = await startTestServer({ loginLimit: 50 });
    const f = createFederation(server.db, 'Förbundet');
    fid = f.id;
    createIntervention(server.db, { federationId: fid, name: 'Insatsen', kind: 'individual' });
    makeUser(server.db, 'admin@sec.example', [{ federationId: fid, role: 'federation_admin' }]);
    makeUser(server.db, 'lock@sec.example', [{ federationId: fid, role: 'evaluator' }]);
  });
  after(() => server.close());

  // A server behind one trusted proxy hop, so that tests can speak from several addresses.
  let proxied: TestServer;
  before(async () => {
    proxied = await startTestServer({ loginLimit: 50, config: { trustProxy: 1 } });
    makeUser(proxied.db, 'lock@sec.example', []);
  });
  after(() => proxied.close());

  describe('CSRF', () => {
    it('refuses a form post without a token, or with a wrong one, and changes nothing', async () => {
      const admin = await signedIn(server.url, 'admin@sec.example');
      const before = count(server, 'interventions');
      await admin.get(`/f/${fid}/interventions/new`);
      const missing = await admin.post(`/f/${fid}/interventions`, { name: 'Utan token', kind: 'individual' }, { csrf: null });
      expect(missing.status).to.equal(403);
      expect(missing.text).to.contain('Sidan hade blivit för gammal');
      const wrong = await admin.post(`/f/${fid}/interventions`, { name: 'Fel token', kind: 'individual' }, { csrf: 'forged-token-value' });
      expect(wrong.status).to.equal(403);
      // A valid token from another browser does not work either: it is bound to that browser's cookie.
      const other = await signedIn(server.url, 'admin@sec.example');
      await other.get('/account');
      const stolen = await admin.post(`/f/${fid}/interventions`, { name: 'Stulen token', kind: 'individual' }, { csrf: other.csrfToken() });
      expect(stolen.status).to.equal(403);
      expect(count(server, 'interventions')).to.equal(before);
      await admin.get(`/f/${fid}/interventions/new`);
      const ok = await admin.post(`/f/${fid}/interventions`, { name: 'Med token', kind: 'individual', points: ['start', 'exit'] });
      expect(ok.status).to.equal(303);
      expect(count(server, 'interventions')).to.equal(before + 1);
    });
  });

  describe('sign-in', () => {
    it('makes a source wait after 5 failed attempts on an e-mail, the same for unknown e-mails, and lets other sources in', async () => {
      // A browser speaking from one address (through the trusted proxy hop).
      const at = (client: HttpClient, ip: string) => ({
        get: (path: string) => client.request('GET', path, { headers: { 'x-forwarded-for': ip } }),
        post: (path: string, fields: Record<string, string>) => {
          const body = new URLSearchParams({ _csrf: client.csrfToken(), ...fields });
          return client.request('POST', path, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip } });
        },
      });
      const tries = async (client: ReturnType<typeof at>, email: string, password: string, n: number) => {
        const statuses: number[] = [];
        for (let i = 0; i < n; i++) {
          await client.get('/login');
          statuses.push((await client.post('/login', { email, password })).status);
        }
        return statuses;
      };
      const attacker = at(new HttpClient(proxied.url), '198.51.100.7');
      const known = await tries(attacker, 'lock@sec.example', 'fel-lösenord-123', 6);
      const unknown = await tries(attacker, 'finns-inte@sec.example', 'fel-lösenord-123', 6);
      expect(known).to.deep.equal([401, 401, 401, 401, 429, 429]);
      expect(unknown, 'an unknown e-mail answers exactly the same').to.deep.equal(known);
      const right = await tries(attacker, 'lock@sec.example', TEST_PASSWORD, 1);
      expect(right, 'the right password waits too, from that source').to.deep.equal([429]);
      const colleague = await tries(at(new HttpClient(proxied.url), '192.0.2.44'), 'lock@sec.example', TEST_PASSWORD, 1);
      expect(colleague, 'the owner elsewhere signs in').to.deep.equal([303]);
      const failed = proxied.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'login.failed'").get() as { n: number };
      expect(failed.n).to.equal(13);
    });

    it('rate limits failed sign-ins per IP', async () => {
      const limited = await startTestServer({ loginLimit: 3 });
      try {
        const client = new HttpClient(limited.url);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
          await client.get('/login');
          statuses.push((await client.post('/login', { email: `nobody${i}@x.example`, password: 'whatever-password' })).status);
        }
        expect(statuses).to.deep.equal([401, 401, 401, 429]);
        expect(client.lastHtml).to.contain('För många försök');
      } finally {
        await limited.close();
      }
    });

    it('answers an oversized form post of a signed-in user with the 413 page, not a crash', async () => {
      const admin = await signedIn(server.url, 'admin@sec.example');
      await admin.get(`/f/${fid}/rounds`);
      const res = await admin.post(`/f/${fid}/rounds`, { name: 'x'.repeat(70_000), startsOn: '2026-01-01', endsOn: '2026-02-01' });
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('Det som skickades är för stort');
    });

    it('does not redirect off-site after sign-in', async () => {
      const client = new HttpClient(server.url);
      await client.get('/login');
      const r = await client.post('/login', { email: 'admin@sec.example', password: TEST_PASSWORD, next: '//evil.example/x' });
      expect(r.location).to.equal('/');
    });

    it('"log out everywhere" ends every session of the user', async () => {
      const a = await signedIn(server.url, 'admin@sec.example');
      const b = await signedIn(server.url, 'admin@sec.example');
      expect((await b.get('/account')).status).to.equal(200);
      await a.get('/account');
      expect((await a.post('/logout-everywhere', {})).status).to.equal(303);
      const after = await b.get('/account');
      expect(after.status).to.equal(303);
      expect(after.location).to.match(/^\/login/);
    });

    it('ends a session after 30 idle minutes, and after 10 hours whatever the activity', async () => {
      const idle = await signedIn(server.url, 'admin@sec.example');
      expect((await idle.get('/account')).status).to.equal(200);
      server.db.prepare('UPDATE sessions SET expires_at = ?').run(Date.now() - 1000);
      expect((await idle.get('/account')).location).to.match(/^\/login/);
      const long = await signedIn(server.url, 'admin@sec.example');
      const rows = server.db.prepare('SELECT sid, data FROM sessions').all() as { sid: string; data: string }[];
      for (const row of rows) {
        const data = JSON.parse(row.data) as { hardExpiry?: number };
        data.hardExpiry = Date.now() - 1000;
        server.db.prepare('UPDATE sessions SET data = ? WHERE sid = ?').run(JSON.stringify(data), row.sid);
      }
      expect((await long.get('/account')).location).to.match(/^\/login/);
    });

    it('sets HttpOnly SameSite session cookies and security headers', async () => {
      const client = new HttpClient(server.url);
      await client.get('/login');
      const res = await fetch(`${server.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: '' }, body: 'email=x' });
      expect(res.status).to.equal(403);
      const page = await fetch(`${server.url}/login`);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).to.contain("script-src 'self'");
      expect(csp).not.to.contain('unsafe-inline');
      expect(page.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
      const c = new HttpClient(server.url);
      await c.get('/login');
      const login = await c.post('/login', { email: 'admin@sec.example', password: TEST_PASSWORD });
      const sid = login.headers.getSetCookie().find((h) => h.startsWith('indikator.sid='));
      expect(sid).to.match(/HttpOnly/i);
      expect(sid).to.match(/SameSite=Lax/i);
      expect(sid).to.match(/Expires=/i);
    });
  });

  describe('audit trail', () => {
    it('stores a write and its audit row together: when the audit row cannot be written, nothing is', async () => {
      const admin = await signedIn(server.url, 'admin@sec.example');
      await admin.get(`/f/${fid}/rounds`);
      const rounds = count(server, 'measurement_rounds');
      server.db.exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit_log WHEN NEW.action = 'round.create' BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END");
      try {
        const refused = await admin.post(`/f/${fid}/rounds`, { name: 'Utan revision', startsOn: '2026-01-01', endsOn: '2026-06-30' });
        expect(refused.status).to.equal(500);
        expect(count(server, 'measurement_rounds'), 'no round without its audit row').to.equal(rounds);
      } finally {
        server.db.exec('DROP TRIGGER audit_down');
      }
      expect((await admin.post(`/f/${fid}/rounds`, { name: 'Med revision', startsOn: '2026-01-01', endsOn: '2026-06-30' })).status).to.equal(303);
      const round = server.db.prepare("SELECT id FROM measurement_rounds WHERE name = 'Med revision'").pluck().get() as number;
      expect(server.db.prepare("SELECT target FROM audit_log WHERE action = 'round.create' ORDER BY id DESC LIMIT 1").pluck().get()).to.equal(`round:${round}`);
    });

    it('names every event and its target one way, and shows the events by their Swedish names', async () => {
      const admin = await signedIn(server.url, 'admin@sec.example');
      const targets = server.db.prepare('SELECT DISTINCT target FROM audit_log WHERE target IS NOT NULL').pluck().all() as string[];
      expect(targets.length).to.be.greaterThan(0);
      for (const target of targets) expect(target, target).to.match(/^[a-z]+:\S/);
      const page = await admin.get(`/f/${fid}/audit`);
      expect(page.status).to.equal(200);
      expect(page.text).to.match(/data-action="round.create">Mätomgång upplagd</);
      const filtered = await admin.get(`/f/${fid}/audit?action=round&from=2026-02-30`);
      expect(filtered.status).to.equal(422);
      expect(filtered.text).to.contain('Skriv datumet som ÅÅÅÅ-MM-DD');
    });
  });

  describe('injection', () => {
    const NASTY = [`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `'; DROP TABLE interventions; --`, `Robert'); DELETE FROM users;--`, `' OR '1'='1`];

    it('stores names as typed and renders them escaped; SQL strings are only data', async () => {
      const admin = await signedIn(server.url, 'admin@sec.example');
      for (const name of NASTY) {
        await admin.get(`/f/${fid}/interventions/new`);
        const r = await admin.post(`/f/${fid}/interventions`, { name, kind: 'individual', targetGroup: name, points: ['start'] });
        expect(r.status).to.equal(303);
      }
      const stored = server.db.prepare('SELECT name FROM interventions').pluck().all() as string[];
      for (const name of NASTY) expect(stored).to.include(name);
      expect(count(server, 'users')).to.be.greaterThan(0);
      const page = await admin.get(`/f/${fid}`);
      expect(page.text).not.to.contain('<script>alert(1)</script>');
      expect(page.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).not.to.contain('<img src=x');
      const anonymous = new HttpClient(server.url);
      for (const email of [`' OR '1'='1' --`, `admin@sec.example' --`]) {
        await anonymous.get('/login');
        expect((await anonymous.post('/login', { email, password: `' OR '1'='1` })).status).to.equal(401);
      }
      const interventionId = (server.db.prepare('SELECT id FROM interventions ORDER BY id LIMIT 1').get() as { id: number }).id;
      for (const localRef of NASTY) {
        await admin.get(`/f/${fid}/interventions/${interventionId}/participants`);
        expect((await admin.post(`/f/${fid}/interventions/${interventionId}/participants`, { localRef })).status).to.equal(303);
      }
      const refs = server.db.prepare('SELECT local_ref FROM participants').pluck().all() as string[];
      for (const localRef of NASTY) expect(refs).to.include(localRef);
      const list = await admin.get(`/f/${fid}/interventions/${interventionId}/participants`);
      expect(list.text).not.to.contain('<img src=x');
      const audit = await admin.get(`/f/${fid}/audit?action=${encodeURIComponent("' OR '1'='1")}&user=${encodeURIComponent("'; DROP TABLE users; --")}`);
      expect(audit.status).to.equal(200);
      expect(count(server, 'users')).to.be.greaterThan(0);
    });
  });
});
