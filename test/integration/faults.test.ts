import Database from 'better-sqlite3';
import { expect } from 'chai';
import path from 'node:path';
import { formatAccessCode } from '../../server/domain/accessCode.js';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import type { Item, Section } from '../../server/domain/instrumentTypes.js';
import { reissueAccessCode } from '../../server/storage/accessCodes.js';
import { SERVING_BUSY_TIMEOUT_MS, type Db } from '../../server/storage/db.js';
import { pageFields } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

const SECTIONS: Section[] = sectionsForPoint(instruments.get('participant')!, 'start');
const LAST = SECTIONS.length;

interface AnswerRow { item_id: string; value_num: number | null; value_text: string | null; dont_know: number }

/** Everything a page post could change: the stored answers and the page to resume on. */
function snapshot(db: Db, code: string) {
  return {
    answers: db.prepare(`SELECT a.item_id, a.value_num, a.value_text, a.dont_know FROM answers a JOIN responses r ON r.id = a.response_id
      WHERE r.code = ? ORDER BY a.item_id`).all(code) as AnswerRow[],
    response: db.prepare('SELECT status, last_section AS lastSection FROM responses WHERE code = ?').get(code) as { status: string; lastSection: number },
  };
}

const isChecked = (html: string, item: Item, value: string) => new RegExp(`name="item_${item.id}" value="${value}" checked`).test(html);

/** Another connection on the server's file takes the write lock (as a long write or a backup would) until released. */
function holdWriteLock(server: TestServer): { release(): void } {
  const other = new Database(path.join(server.dir, 'test.sqlite'));
  other.exec('BEGIN IMMEDIATE');
  return { release: () => { other.exec('COMMIT'); other.close(); } };
}

/** What the server logs with console.error while `run` runs (the console is the operator's log). */
async function logged<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => { lines.push(args.map((a) => (a instanceof Error ? a.stack ?? a.message : String(a))).join(' ')); };
  try {
    return { result: await run(), lines };
  } finally {
    console.error = original;
  }
}

describe('saving answers when the database is locked, full or read-only', function () {
  this.timeout(20_000);
  let server: TestServer;
  let codes: string[];
  let next = 0;

  before(async () => {
    // The server's short busy timeout while serving (server/main.ts).
    server = await startTestServer({ busyTimeoutMs: SERVING_BUSY_TIMEOUT_MS });
    codes = smallIntervention(server.db, 12).startCodes;
  });
  after(() => server.close());

  /** A participant who entered a fresh code and chose a language, on page n (loaded, so the form's token is known). */
  async function participantOn(n: number, language = 'sv'): Promise<{ client: HttpClient; code: string }> {
    const code = codes[next++]!;
    const client = new HttpClient(server.url);
    await client.get(`/s/${code}/language`);
    expect((await client.post(`/s/${code}/language`, { language })).status).to.equal(303);
    expect((await client.get(`/s/${code}/${n}`)).status).to.equal(200);
    return { client, code };
  }

  it('answers reads while another connection holds the write lock, and saves the page when the lock goes', async () => {
    const { client, code } = await participantOn(1);
    const events: string[] = [];
    const lock = holdWriteLock(server);
    const saving = client.post(`/s/${code}/1`, { ...pageFields(SECTIONS[0]!), action: 'next' });
    // The lock goes after a while, on a timer of this process: a server that waits synchronously for it
    // keeps this timer from running, and answers nothing, until its own wait gives up.
    const released = new Promise<void>((resolve) => setTimeout(() => { lock.release(); events.push('released'); resolve(); }, 1000));
    const health = await fetch(`${server.url}/healthz`);
    events.push(`healthz ${health.status}`);
    const page = await new HttpClient(server.url).get(`/s/${code}/2`);
    events.push(`page ${page.status}`);
    const saved = await saving;
    await released;
    expect(events).to.deep.equal(['healthz 200', 'page 200', 'released']);
    expect(saved.status, 'saved once the lock went, within the retries').to.equal(303);
    expect(saved.location).to.equal(`/s/${code}/2`);
    expect(snapshot(server.db, code).response.lastSection).to.equal(2);
    expect(snapshot(server.db, code).answers.map((a) => a.item_id)).to.have.members(SECTIONS[0]!.items.map((i) => i.id));
  });

  it('answers 503 with Retry-After and the page with every typed answer when the lock outlasts the retries; nothing half-written', async () => {
    const { client, code } = await participantOn(2, 'en');
    const section = SECTIONS[1]!;
    const fields = pageFields(section);
    const before = snapshot(server.db, code);
    const lock = holdWriteLock(server);
    let res: Awaited<ReturnType<HttpClient['post']>>;
    let draft: Awaited<ReturnType<HttpClient['post']>>;
    let lines: string[];
    try {
      ({ result: res, lines } = await logged(() => client.post(`/s/${code}/2`, { ...fields, action: 'next' })));
      draft = await client.post(`/s/${code}/2`, { ...fields, action: 'autosave' });
    } finally {
      lock.release();
    }
    expect(res.status).to.equal(503);
    expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(res.text).to.include('<html lang="en"');
    expect(res.text).to.include('Your answers are not saved yet');
    expect(res.text).to.include(`action="/s/${code}/2"`);
    for (const item of section.items) expect(isChecked(res.text, item, fields[`item_${item.id}`]!), item.id).to.equal(true);
    expect(res.text).to.not.include('Something went wrong');
    expect(draft.status, 'an autosave during the lock').to.equal(503);
    expect(draft.headers.get('retry-after')).to.not.equal(null);
    expect(snapshot(server.db, code)).to.deep.equal(before);
    expect(lines).to.have.length.of.at.least(1);
    expect(lines[0]).to.include(path.join(server.dir, 'test.sqlite')).and.include('SQLITE_BUSY').and.not.include('\n');

    // Sent again from the page shown (its form and token) once the lock is gone: saved.
    const again = await client.post(`/s/${code}/2`, { ...fields, action: 'next' });
    expect(again.status).to.equal(303);
    expect(snapshot(server.db, code).answers.map((a) => a.item_id)).to.have.members(section.items.map((i) => i.id));
  });

  it('keeps the typed text and logs one line naming the file when the disk is full; saves once there is room', async () => {
    const { client, code } = await participantOn(LAST, 'ar');
    const text = 'Jag vill säga att stödet har betytt mycket för mig. '.repeat(30).trim(); // ~1.5 kB: more than fits in a row's page
    const before = snapshot(server.db, code);
    const db = server.db;
    if (db.pragma('freelist_count', { simple: true }) !== 0) db.exec('VACUUM');
    const limit = db.pragma('max_page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let res: Awaited<ReturnType<HttpClient['post']>>;
    let lines: string[];
    try {
      ({ result: res, lines } = await logged(() => client.post(`/s/${code}/${LAST}`, { item_anything_else: text, action: 'next' })));
    } finally {
      db.pragma(`max_page_count = ${limit}`);
    }
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.not.equal(null);
    expect(res.text).to.include('<html lang="ar" dir="rtl">');
    expect(res.text).to.include('لم تُحفظ إجاباتك بعد');
    expect(res.text).to.include(`>${text}</textarea>`);
    expect(snapshot(server.db, code)).to.deep.equal(before);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(path.join(server.dir, 'test.sqlite')).and.include('full').and.include('SQLITE_FULL');
    expect(lines[0]).to.not.include('\n');

    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
    const again = await client.post(`/s/${code}/${LAST}`, { item_anything_else: text, action: 'next' });
    expect(again.status).to.equal(303);
    expect(again.location).to.equal(`/s/${code}/review`);
    expect(snapshot(server.db, code).answers).to.deep.equal([{ item_id: 'anything_else', value_num: null, value_text: text, dont_know: 0 }]);
  });

  it('keeps the answers when the database is read-only, for a page and for sending; both work once it is writable', async () => {
    const { client, code } = await participantOn(1);
    const fields = pageFields(SECTIONS[0]!);
    const before = snapshot(server.db, code);
    server.db.pragma('query_only = 1');
    let page: Awaited<ReturnType<HttpClient['post']>>;
    let sent: Awaited<ReturnType<HttpClient['post']>>;
    let lines: string[];
    try {
      ({ result: page, lines } = await logged(() => client.post(`/s/${code}/1`, { ...fields, action: 'next' })));
      await client.get(`/s/${code}/review`);
      sent = await logged(() => client.post(`/s/${code}/submit`, {})).then((r) => r.result);
    } finally {
      server.db.pragma('query_only = 0');
    }
    expect(page.status).to.equal(503);
    expect(page.text).to.include('Dina svar är inte sparade än');
    for (const item of SECTIONS[0]!.items) expect(isChecked(page.text, item, fields[`item_${item.id}`]!), item.id).to.equal(true);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(path.join(server.dir, 'test.sqlite')).and.include('read-only').and.not.include('\n');
    expect(sent.status).to.equal(503);
    expect(sent.headers.get('retry-after')).to.not.equal(null);
    expect(sent.text).to.include('Dina svar är inte skickade än');
    expect(sent.text).to.include(`action="/s/${code}/submit"`);
    expect(snapshot(server.db, code)).to.deep.equal(before);

    await client.get(`/s/${code}/1`);
    expect((await client.post(`/s/${code}/1`, { ...fields, action: 'next' })).status).to.equal(303);
    await client.get(`/s/${code}/review`);
    expect((await client.post(`/s/${code}/submit`, {})).status).to.equal(303);
    expect(snapshot(server.db, code).response.status).to.equal('submitted');
  });

  it('keeps a page typed while staff reissue the code: shown with the message, saved once the new code is given', async () => {
    const { client, code } = await participantOn(1);
    expect((await client.post(`/s/${code}/1`, { ...pageFields(SECTIONS[0]!), action: 'next' })).status).to.equal(303);
    await client.get(`/s/${code}/2`);
    const reissued = reissueAccessCode(server.db, code);
    if (!reissued.ok) throw new Error('not reissued');
    const section = SECTIONS[1]!;
    const fields = pageFields(section);

    expect((await client.post(`/s/${code}/2`, { ...fields, action: 'autosave' })).status, 'an autosave with the old code').to.equal(410);
    const res = await client.post(`/s/${code}/2`, { ...fields, action: 'next' });
    expect(res.status).to.equal(410);
    expect(res.text).to.include('Koden har bytts ut');
    expect(res.text, 'the new code is never shown to whoever holds the old one').to.not.include(reissued.code).and.not.include(formatAccessCode(reissued.code));
    expect(res.text).to.include(`action="/s/${code}/2/new-code"`);
    for (const [name, value] of Object.entries(fields)) expect(res.text, name).to.include(`name="${name}" value="${value}"`);
    expect(res.text, 'the typed answers, readable').to.include(`${fields[`item_${section.items[0]!.id}`]} av 7`);
    const saved = snapshot(server.db, reissued.code);
    expect(saved.answers.map((a) => a.item_id)).to.have.members(SECTIONS[0]!.items.map((i) => i.id));

    const wrong = await client.post(`/s/${code}/2/new-code`, { ...fields, action: 'next', code: codes[next++]! });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.include('Det är inte den nya koden');
    for (const [name, value] of Object.entries(fields)) expect(wrong.text, name).to.include(`name="${name}" value="${value}"`);
    expect(snapshot(server.db, reissued.code)).to.deep.equal(saved);

    const given = await client.post(`/s/${code}/2/new-code`, { ...fields, action: 'next', code: formatAccessCode(reissued.code).toLowerCase() });
    expect(given.status).to.equal(303);
    expect(given.location).to.equal(`/s/${reissued.code}/3`);
    const after = snapshot(server.db, reissued.code);
    expect(after.response.lastSection).to.equal(3);
    expect(after.answers.map((a) => a.item_id)).to.have.members([...SECTIONS[0]!.items, ...section.items].map((i) => i.id));
  });

  it('answers a staff form with 503, Retry-After and the Swedish "try again" page while the database is locked, logging one line and writing nothing', async () => {
    const federationId = server.db.prepare('SELECT id FROM federations LIMIT 1').pluck().get() as number;
    makeUser(server.db, 'admin@faults.example', [{ federationId, role: 'federation_admin' }]);
    const admin = await signedIn(server.url, 'admin@faults.example');
    await admin.get(`/f/${federationId}/rounds`);
    const rounds = () => server.db.prepare('SELECT count(*) FROM measurement_rounds').pluck().get() as number;
    const before = rounds();
    const lock = holdWriteLock(server);
    let res: Awaited<ReturnType<HttpClient['post']>>;
    let lines: string[];
    try {
      ({ result: res, lines } = await logged(() => admin.post(`/f/${federationId}/rounds`, { name: 'Vår 2027', startsOn: '2027-01-01', endsOn: '2027-06-30' })));
    } finally {
      lock.release();
    }
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('5');
    expect(res.text).to.contain('Det gick inte att spara just nu');
    expect(lines, 'one line, no stack').to.have.length(1);
    expect(lines[0]).to.match(/^Indikator: POST \/f\/\d+\/rounds not done: the database .*test\.sqlite is locked .*\(SQLITE_BUSY\)$/);
    expect(rounds()).to.equal(before);
    expect((await admin.post(`/f/${federationId}/rounds`, { name: 'Vår 2027', startsOn: '2027-01-01', endsOn: '2027-06-30' })).status, 'once the lock is gone').to.equal(303);
    expect(rounds()).to.equal(before + 1);
  });
});
