import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { formValue } from '../../server/domain/answerForm.js';
import { loadInstruments, sectionsForPoint } from '../../server/domain/instrument.js';
import type { Item } from '../../server/domain/instrumentTypes.js';
import { PATHS } from '../../server/paths.js';
import { scoreResponse, type Answer } from '../../server/domain/scoring.js';
import { openDatabase } from '../../server/storage/db.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { HttpClient } from '../helpers/http.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

// Participants save pages and send questionnaires while the server process is killed with SIGKILL
// at (seeded) random moments and started again on the same file. Afterwards every save that was
// answered 204/303 is in the database, no page is half-written, the file passes integrity_check,
// and every participant, coming back, is where they stopped (or one step further, when the write
// in flight at the kill was committed without its answer reaching them).

const PARTICIPANTS = 24;
const KILLS = 4;
const SEED = 'indikator-crash-test';

const participantInstrument = loadInstruments(PATHS.indicators).get('participant')!;
const sections = sectionsForPoint(participantInstrument, 'start');

type Place = { kind: 'language' } | { kind: 'page'; n: number } | { kind: 'review' } | { kind: 'sent' };
const placeName = (p: Place) => (p.kind === 'page' ? `page ${p.n}` : p.kind);
const placeAfter = (n: number): Place => (n < sections.length ? { kind: 'page', n: n + 1 } : { kind: 'review' });

/** The values posted for every item of a page (all of them, so a save decides the whole page). */
type PageValues = Record<string, string>;

function randomValues(rng: () => number, items: Item[], tag: string): PageValues {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  return Object.fromEntries(items.map((item) => {
    switch (item.type) {
      case 'agree7': return [item.id, item.dontKnow && rng() < 0.1 ? 'dk' : String(1 + Math.floor(rng() * 7))];
      case 'single': return [item.id, pick(item.options!).value];
      case 'multi': return [item.id, pick(item.options!).value];
      case 'number': return [item.id, String(item.min ?? 0)];
      case 'text': return [item.id, `svar ${tag}`];
    }
  }));
}

const isNetworkError = (err: unknown) => err instanceof TypeError && /fetch failed|terminated|other side closed|socket/i.test(`${err.message} ${String((err as { cause?: unknown }).cause)}`);

class Participant {
  readonly client: HttpClient;
  /** Where the last answered write left the participant, and where each unanswered write since would have. */
  acked: Place = { kind: 'language' };
  pendingPlaces: Place[] = [];
  /** Per page: the values of its last answered save, and of every unanswered save since. */
  readonly pages = new Map<number, { acked: PageValues | null; pending: PageValues[] }>();
  resumes = 0;
  private attempts = 0;

  constructor(readonly code: string, baseUrl: string, private readonly rng: () => number, private readonly world: World) {
    this.client = new HttpClient(baseUrl);
  }

  private page(n: number) {
    let page = this.pages.get(n);
    if (!page) this.pages.set(n, (page = { acked: null, pending: [] }));
    return page;
  }

  private expectStatus(res: { status: number }, expected: number, what: string) {
    if (res.status !== expected) throw new Error(`${this.code} ${what}: answered ${res.status}, expected ${expected}`);
    this.world.answered++;
  }

  /** A write: recorded as pending before it is sent, as acknowledged once its answer comes. */
  private async write(place: Place, page: { n: number; values: PageValues } | null, send: () => Promise<{ status: number }>, expected: number, what: string) {
    this.pendingPlaces.push(place);
    if (page) this.page(page.n).pending.push(page.values);
    const res = await send();
    this.expectStatus(res, expected, what);
    this.acked = place;
    this.pendingPlaces = [];
    if (page) this.pages.set(page.n, { acked: page.values, pending: [] });
  }

  /** Coming back with the code: the server says where to continue; it must be where this participant stopped. */
  private async resume(): Promise<Place> {
    const res = await this.client.follow(`/s/${this.code}`);
    // The code link puts the code in the participant cookie and continues under /s/q.
    const base = '/s/q';
    const place: Place =
      res.status === 410 ? { kind: 'sent' }
      : res.path === `${base}/language` ? { kind: 'language' }
      : res.path === `${base}/review` ? { kind: 'review' }
      : { kind: 'page', n: Number(res.path.slice(base.length + 1)) };
    if (res.status !== 200 && res.status !== 410) throw new Error(`${this.code} coming back: answered ${res.status}`);
    const allowed = [this.acked, ...this.pendingPlaces].map(placeName);
    if (!allowed.includes(placeName(place))) throw new Error(`${this.code} came back to ${placeName(place)}, but stopped at ${allowed.join(' or ')}`);
    this.world.answered++;
    this.acked = place;
    this.pendingPlaces = [];
    return place;
  }

  private async step(place: Place): Promise<Place> {
    const c = this.client;
    switch (place.kind) {
      case 'language': {
        this.expectStatus(await c.get(`/s/${this.code}/language`), 200, 'language page');
        const next: Place = { kind: 'page', n: 1 };
        await this.write(next, null, () => c.post(`/s/${this.code}/language`, { language: 'sv' }), 303, 'choosing the language');
        return next;
      }
      case 'page': {
        const { n } = place;
        this.expectStatus(await c.get(`/s/${this.code}/${n}`), 200, `page ${n}`);
        const items = sections[n - 1]!.items;
        const fields = (values: PageValues) => Object.fromEntries(Object.entries(values).map(([id, v]) => [`item_${id}`, v]));
        for (let k = Math.floor(this.rng() * 3); k > 0; k--) {
          const values = randomValues(this.rng, items, `${this.code}-${n}-${this.attempts++}`);
          await this.write(place, { n, values }, () => c.post(`/s/${this.code}/${n}`, { ...fields(values), action: 'autosave' }), 204, `autosave of page ${n}`);
        }
        const values = randomValues(this.rng, items, `${this.code}-${n}-${this.attempts++}`);
        const next = placeAfter(n);
        await this.write(next, { n, values }, () => c.post(`/s/${this.code}/${n}`, { ...fields(values), action: 'next' }), 303, `page ${n}`);
        return next;
      }
      case 'review': {
        this.expectStatus(await c.get(`/s/${this.code}/review`), 200, 'review');
        const sent: Place = { kind: 'sent' };
        await this.write(sent, null, () => c.post(`/s/${this.code}/submit`, {}), 303, 'sending');
        return sent;
      }
      case 'sent':
        return place;
    }
  }

  async run(): Promise<void> {
    let place: Place = { kind: 'language' };
    let failures = 0;
    while (place.kind !== 'sent') {
      try {
        place = await this.step(place);
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        // The server went away: wait until it is back, then come back with the code.
        for (;;) {
          if (++failures > 100) throw new Error(`${this.code}: too many failed requests`, { cause: err });
          await new Promise((resolve) => setTimeout(resolve, 10));
          await this.world.up;
          try {
            place = await this.resume();
            this.resumes++;
            break;
          } catch (again) {
            if (!isNetworkError(again)) throw again;
          }
        }
      }
    }
  }
}

interface World { answered: number; up: Promise<void> }

describe('crash: the server killed with SIGKILL under load', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-crash-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every answered save, writes no page by halves, passes integrity_check, and each participant resumes where they stopped', async () => {
    const dbFile = path.join(dir, 'crash.sqlite');
    const setup = openDatabase(dbFile);
    const { startCodes } = smallIntervention(setup, PARTICIPANTS);
    setup.close();

    const rng = seedrandom(SEED);
    let server: ServerProcess = await startServerProcess({ dbFile });
    const port = server.port;
    const world: World = { answered: 0, up: Promise.resolve() };
    const participants = startCodes.map((code, i) => new Participant(code, server.url, seedrandom(`${SEED}-${i}`), world));
    let running = true;
    let kills = 0;
    try {
      const done = Promise.all(participants.map((p) => p.run())).finally(() => (running = false));
      const killer = (async () => {
        for (let k = 0; k < KILLS && running; k++) {
          const at = world.answered + 40 + Math.floor(rng() * 80);
          while (running && world.answered < at) await new Promise((resolve) => setTimeout(resolve, 2));
          if (!running) break;
          let reopen!: () => void;
          world.up = new Promise<void>((resolve) => (reopen = resolve));
          server.child.kill('SIGKILL');
          await server.exited;
          kills++;
          await new Promise((resolve) => setTimeout(resolve, Math.floor(rng() * 200)));
          server = await startServerProcess({ dbFile, port });
          reopen();
        }
      })();
      await Promise.all([done, killer]);
      expect(kills).to.equal(KILLS);
      expect(participants.reduce((n, p) => n + p.resumes, 0), 'participants came back after kills').to.be.at.least(KILLS);
      expect((await server.stop('SIGTERM')).code).to.equal(0);
    } finally {
      running = false;
      await server.stop('SIGKILL').catch(() => undefined);
    }

    const db = new Database(dbFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
      expect(db.pragma('foreign_key_check')).to.deep.equal([]);
      for (const p of participants) {
        const response = db.prepare(`SELECT id, status, last_section AS lastSection FROM responses WHERE code = ?`).get(p.code) as { id: number; status: string; lastSection: number };
        expect(response.status, `${p.code} was sent`).to.equal('submitted');
        expect(db.prepare('SELECT status FROM access_codes WHERE code = ?').pluck().get(p.code)).to.equal('spent');
        const rows = db.prepare('SELECT item_id AS itemId, value_num AS num, value_text AS text, dont_know AS dontKnow FROM answers WHERE response_id = ?').all(response.id) as (Omit<Answer, 'dontKnow'> & { dontKnow: number })[];
        const answers = new Map(rows.map((r) => [r.itemId, { ...r, dontKnow: r.dontKnow === 1 }]));
        for (const [i, section] of sections.entries()) {
          // The whole page is one save: the last answered one, or one sent after it whose answer was lost.
          const stored = Object.fromEntries(section.items.map((item) => [item.id, formValue(item, answers.get(item.id)).join('|')]));
          const page = p.pages.get(i + 1)!;
          const candidates = [page.acked, ...page.pending].filter((v): v is PageValues => v !== null);
          expect(candidates.some((c) => JSON.stringify(c) === JSON.stringify(stored)), `${p.code} page ${i + 1}: ${JSON.stringify(stored)} is none of the saves ${JSON.stringify(candidates)}`).to.equal(true);
        }
        // The scores are those of the stored answers, all written with the submission.
        const byId = (a: { indicatorId: string }, b: { indicatorId: string }) => (a.indicatorId < b.indicatorId ? -1 : 1);
        const scores = (db.prepare('SELECT indicator_id AS indicatorId, score FROM response_scores WHERE response_id = ?').all(response.id) as { indicatorId: string }[]).sort(byId);
        const expected = scoreResponse(participantInstrument, 'start', answers).sort(byId);
        expect(scores).to.deep.equal(expected);
      }
    } finally {
      db.close();
    }
  });
});
