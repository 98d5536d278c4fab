import { expect } from 'chai';
import { createApp } from '../../server/app.js';
import { seedDemo } from '../../server/demo/seed.js';
import { closePdfRenderer } from '../../server/pdf.js';
import { HttpClient } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// For every route the app answers (read from Express) and three callers (nobody, a förbund admin, a
// system admin): malformed ids and bodies never give a 5xx, and a refused request changes nothing.

const TABLES = ['federations', 'interventions', 'measurement_points', 'measurement_rounds', 'participants', 'access_codes', 'responses', 'answers', 'response_scores', 'users', 'user_roles', 'api_tokens', 'invitations', 'projects', 'subprojects', 'project_targets', 'report_snapshots'];

const ODD_IDS = ['1e0', '0x1', '-1', '99999999999999999999', '%00', 'ABCD%2F..%2F1'];

function deepJson(levels: number): string {
  let v = '"x"';
  for (let k = 0; k < levels; k++) v = `{"a":${v}}`;
  return v;
}

describe('bad input on every route', function () {
  this.timeout(120_000);
  let server: TestServer;
  let routes: string[];

  before(async () => {
    server = await startTestServer({ prepare: (db) => void seedDemo(db, instruments), codeEntryLimit: 100_000, codeGuessCapPerMinute: 100_000, loginLimit: 100_000 });
    makeUser(server.db, 'battery-admin@bad.example', [{ federationId: 1, role: 'federation_admin' }]);
    makeUser(server.db, 'battery-root@bad.example', [], { systemAdmin: true });
    routes = listRoutes(createApp(server.ctx));
  });
  after(async () => {
    await closePdfRenderer();
    await server.close();
  });

  const counts = () => Object.fromEntries(TABLES.map((t) => [t, server.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));

  /** A path with every :param filled by `value` (a real id stays where the odd value is not the point). */
  const fill = (path: string, value: string) => path.replace(/:[a-zA-Z]+/g, value);

  it('answers odd ids and malformed bodies with 4xx (or a page), never 5xx, and a refused request writes nothing', async () => {
    const callers: [string, HttpClient][] = [
      ['nobody', new HttpClient(server.url)],
      ['förbund admin', await signedIn(server.url, 'battery-admin@bad.example')],
      ['system admin', await signedIn(server.url, 'battery-root@bad.example')],
    ];
    const bodies: [string, string][] = [
      ['application/json', `{"_csrf":"TOKEN","name":${deepJson(3000)}}`],
      ['application/json', '{"_csrf":"TOKEN","name":["a",{"b":[1,2,{"c":3}]}],"count":{"n":1}}'],
      ['application/json', '[1,2,3]'],
      ['application/json', '{not json'],
      ['application/xml', '<a>1</a>'],
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', '_csrf=TOKEN&name=a&name=b&count=1&count=2&role=staff&role=board'],
      ['application/x-www-form-urlencoded', '_csrf=TOKEN&name=%FF%FE%00&email=%C0%80&code=%00%00'],
      ['application/x-www-form-urlencoded', ''],
      // A file upload cut off in the middle, and one without a boundary (forms/upload.ts).
      ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nTOKEN\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nparticipant_ref;po'],
      ['multipart/form-data', '--xyz\r\n\r\n'],
    ];
    const failures: string[] = [];
    let requests = 0;
    for (const [who, client] of callers) {
      await client.get('/account');
      await client.get('/s');
      const token = (() => {
        try {
          return client.csrfToken();
        } catch {
          return 'none';
        }
      })();
      for (const route of routes) {
        const [method, path] = route.split(' ') as [string, string];
        const paths = path.includes(':') ? ODD_IDS.map((id) => fill(path, id)).concat(fill(path, '1')) : [path];
        for (const p of paths) {
          const tries = method === 'GET' ? [null] : bodies;
          for (const body of tries) {
            const before = counts();
            const res = await client.request(method, p, body ? { body: body[1].replace('TOKEN', token), headers: { 'content-type': body[0], 'x-csrf-token': token } } : {});
            requests++;
            if (res.status >= 500) failures.push(`${who}: ${method} ${p} ${body?.[0] ?? ''} → ${res.status}`);
            if (res.status >= 400 && JSON.stringify(counts()) !== JSON.stringify(before)) failures.push(`${who}: ${method} ${p} ${body?.[0] ?? ''} → ${res.status} but wrote`);
          }
        }
      }
    }
    expect(requests).to.be.greaterThan(1000);
    expect(failures).to.deep.equal([]);
    expect(server.db.pragma('integrity_check', { simple: true })).to.equal('ok');
  });
});
