import { expect } from 'chai';
import jStat from 'jstat';
import Papa from 'papaparse';
import type { Db } from '../../server/storage/db.js';
import { issueAccessCodes, reissueAccessCode } from '../../server/storage/accessCodes.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, getMeasurementPoint, setInterventionSubproject, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant, recordExit } from '../../server/storage/participants.js';
import { addProjectMember, createProject, createSubproject } from '../../server/storage/projects.js';
import { saveAnswers, startPaperResponse, startResponse, submitResponse } from '../../server/storage/responses.js';
import { createRound } from '../../server/storage/rounds.js';
import type { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// Figures checked against small designed datasets. Every expected figure is computed here from what
// the test itself wrote (plain arithmetic on its own ledger of answers and codes, jStat for the t
// quantile), never by the app's services; what the app shows is read through HTTP only: HTML pages
// (the data-cell / data-n / data-mean / data-hidden / data-reason attributes every figure carries),
// CSV downloads and the JSON API. Each scenario runs on its own server so that the installation-wide
// disclosure plan of one scenario cannot hide figures of another.

// ---------------------------------------------------------------------------------------------
// The test's own ledger: what was answered, on which code, and the figures that follow from it.

type Point = 'start' | 'ongoing' | 'exit' | 'followup';
type Source = 'web' | 'paper' | 'import';
interface Dims { gender: string | null; ageBand: string | null }
interface Given { seq: number; iid: number; pid: number; point: Point; round: number | null; on: string; scores: Record<string, number>; source: Source }
interface CodeRow { code: string; iid: number; point: Point; round: number | null; revoked: boolean; started: boolean; submitted: boolean; source: Source }
interface Pair { before: number; after: number }
interface ProcessCounts { issued: number; started: number; web: number; paper: number; imported: number }

/** The items of the indicators whose item answers the tests read (an item's answer is the indicator's score). */
const ITEMS: Record<string, string[]> = { trust_fk: ['fk_trust'], health: ['overall_health', 'mental_wellbeing'] };
const NO_DIMS: Dims = { gender: null, ageBand: null };

class World {
  readonly answers: Given[] = [];
  readonly codes: CodeRow[] = [];
  readonly imported: { iid: number; point: Point; round: number | null }[] = [];
  /** The gender each person gave (a property of the person). */
  readonly genderOf = new Map<number, string | null>();
  private seq = 0;

  constructor(readonly db: Db, readonly staffUserId: number) {}

  federation(name: string): number {
    return createFederation(this.db, name).id;
  }

  round(federationId: number, name: string, startsOn: string, endsOn: string): number {
    return createRound(this.db, { federationId, name, startsOn, endsOn }).id;
  }

  intervention(federationId: number, name: string, points: Point[]): number {
    const { id } = createIntervention(this.db, { federationId, name, kind: 'individual' });
    for (const p of points) setMeasurementPoint(this.db, id, p, 'participant');
    return id;
  }

  people(interventionId: number, count: number, startedOn = '2025-01-10'): number[] {
    return Array.from({ length: count }, () => createParticipant(this.db, { interventionId, startedOn }).id);
  }

  /** A code handed to a person for a point (in a round), not answered. */
  code(iid: number, pid: number, point: Point, round: number | null): CodeRow {
    const mp = getMeasurementPoint(this.db, iid, point)!;
    const [code] = issueAccessCodes(this.db, { measurementPointId: mp.id, participantIds: [pid], roundId: round });
    const row: CodeRow = { code: code!, iid, point, round, revoked: false, started: false, submitted: false, source: 'web' };
    this.codes.push(row);
    return row;
  }

  /** A code replaced by a new one (the old one is revoked). */
  reissue(row: CodeRow): void {
    const result = reissueAccessCode(this.db, row.code);
    if (!result.ok) throw new Error('reissue failed');
    row.revoked = true;
    this.codes.push({ ...row, code: result.code, revoked: false });
  }

  /**
   * One questionnaire: on the web or on paper with a code of the round, or imported without a
   * code; its item answers (for trust_fk and health with whole scores) and, unless submit is false,
   * submitted on `on` with the scores given.
   */
  answer(a: { iid: number; pid: number; point: Point; round?: number | null; on: string; scores: Record<string, number>; dims?: Dims; source?: Source; submit?: boolean }): void {
    const source = a.source ?? 'web';
    const round = a.round ?? null;
    const row = source === 'import' ? undefined : this.code(a.iid, a.pid, a.point, round);
    const base = { code: row?.code ?? null, participantId: a.pid, interventionId: a.iid, point: a.point, roundId: round, instrumentId: 'participant', instrumentVersion: '1.0', language: 'sv' };
    const response = source === 'paper' ? startPaperResponse(this.db, base, this.staffUserId).response : startResponse(this.db, { ...base, source, enteredByStaff: source === 'import' });
    if (row) Object.assign(row, { started: true, source });
    const items = Object.entries(a.scores).flatMap(([indicator, score]) =>
      Number.isInteger(score) ? (ITEMS[indicator] ?? []).map((itemId) => ({ itemId, num: score, text: null, dontKnow: false })) : []);
    saveAnswers(this.db, response.id, items, [], 0);
    if (a.dims) this.genderOf.set(a.pid, a.dims.gender);
    if (a.submit === false) return;
    const ok = submitResponse(this.db, response, Object.entries(a.scores).map(([indicatorId, score]) => ({ indicatorId, score })), a.dims ?? NO_DIMS, a.on);
    if (!ok) throw new Error('not submitted');
    if (row) row.submitted = true;
    else this.imported.push({ iid: a.iid, point: a.point, round });
    this.answers.push({ seq: this.seq++, iid: a.iid, pid: a.pid, point: a.point, round, on: a.on, scores: a.scores, source });
  }

  /** Each person's latest questionnaire among those `keep` allows: by the date it counts on, then the order sent. */
  latest(keep: (g: Given) => boolean): Map<number, Given> {
    const out = new Map<number, Given>();
    const sorted = this.answers.filter(keep).sort((x, y) => x.on.localeCompare(y.on) || x.seq - y.seq);
    for (const g of sorted) out.set(g.pid, g);
    return out;
  }

  /** The scores that count: each person once, with their latest questionnaire at the point in the round (or so far); people `who` allows. */
  scores(iids: readonly number[], point: Point, indicator: string, round: number | null, who: (pid: number) => boolean = () => true): number[] {
    const latest = this.latest((g) => iids.includes(g.iid) && g.point === point && (round === null || g.round === round) && who(g.pid));
    return [...latest.values()].flatMap((g) => (g.scores[indicator] === undefined ? [] : [g.scores[indicator]]));
  }

  /** Questionnaires (not people) with a score, for showing what counting questionnaires would give. */
  questionnaires(iids: readonly number[], point: Point, indicator: string, round: number | null): number[] {
    return this.answers.filter((g) => iids.includes(g.iid) && g.point === point && (round === null || g.round === round) && g.scores[indicator] !== undefined).map((g) => g.scores[indicator]!);
  }

  /** A paired change: each person's latest questionnaire at `to` in the time, with their latest at `from` so far; both must have the indicator. */
  pairs(iids: readonly number[], from: Point, to: Point, indicator: string, round: number | null): Pair[] {
    const before = this.latest((g) => iids.includes(g.iid) && g.point === from);
    const after = this.latest((g) => iids.includes(g.iid) && g.point === to && (round === null || g.round === round));
    return [...after].flatMap(([pid, g]) => {
      const a = g.scores[indicator];
      const b = before.get(pid)?.scores[indicator];
      return a === undefined || b === undefined ? [] : [{ before: b, after: a }];
    });
  }

  /** Codes issued (not revoked), started, answered on the web and on paper; answers imported (no code). */
  process(iid: number, point: Point, round?: number): ProcessCounts {
    const codes = this.codes.filter((c) => c.iid === iid && c.point === point && (round === undefined || c.round === round) && !c.revoked);
    return {
      issued: codes.length,
      started: codes.filter((c) => c.started).length,
      web: codes.filter((c) => c.submitted && c.source === 'web').length,
      paper: codes.filter((c) => c.submitted && c.source === 'paper').length,
      imported: this.imported.filter((x) => x.iid === iid && x.point === point && (round === undefined || x.round === round)).length,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics by other means than the app.

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleSd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
/** Clear improvement / worsening only when the whole t-based 95 % CI of the mean difference is on one side of zero. */
function verdictOf(pairs: readonly Pair[]): 'Tydlig förbättring' | 'Ingen säker förändring' | 'Tydlig försämring' {
  const diffs = pairs.map((p) => p.after - p.before);
  const half = jStat.studentt.inv(0.975, diffs.length - 1) * sampleSd(diffs) / Math.sqrt(diffs.length);
  const d = mean(diffs);
  return d - half > 0 ? 'Tydlig förbättring' : d + half < 0 ? 'Tydlig försämring' : 'Ingen säker förändring';
}
const histogram = (xs: readonly number[]) => [1, 2, 3, 4, 5, 6, 7].map((step) => xs.filter((x) => x === step).length);

// ---------------------------------------------------------------------------------------------
// Reading what the app shows.

const unescapeHtml = (s: string) => s.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#8594;|&rarr;/g, '→').replace(/&amp;/g, '&');
const text = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/[\s\u00a0]+/g, ' ').trim();
/** A number as a Swedish or English page writes it: "3,9", "−0,4", "+1.25", "1 234". */
const num = (s: string) => Number(s.replace(/[\s\u00a0]/g, '').replace('\u2212', '-').replace(',', '.'));

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeHtml(m[1]!) : undefined;
}

interface Shown { n: number; mean: number | null }

/** Every shown figure of a page that names its cell with its n: cell → [{ n, mean }] (a cell may be shown more than once). */
function shownCells(html: string): Map<string, Shown[]> {
  const out = new Map<string, Shown[]>();
  for (const [tag] of html.matchAll(/<[a-z]+\b[^>]*\sdata-cell="[^"]*"[^>]*>/g)) {
    const n = attr(tag, 'data-n');
    if (n === undefined) continue;
    const m = attr(tag, 'data-mean');
    const key = attr(tag, 'data-cell')!;
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push({ n: Number(n), mean: m === undefined || m === '' ? null : Number(m) });
  }
  return out;
}

/** Every hidden figure of a page: cell → the reasons given. */
function hiddenCells(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [tag] of html.matchAll(/<[a-z]+\b[^>]*\sdata-hidden="[^"]*"[^>]*>/g)) {
    const key = attr(tag, 'data-hidden')!;
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(attr(tag, 'data-reason') ?? '');
  }
  return out;
}

/** The one shown figure of a cell on a page (failing when it is not shown, or shown with two values). */
function shown(cells: Map<string, Shown[]>, key: string, what = key): Shown {
  const list = cells.get(key);
  expect(list, `${what} is shown`).to.not.equal(undefined);
  for (const other of list!) expect(other, `${what} shown twice alike`).to.deep.equal(list![0]);
  return list![0]!;
}

/** The element that carries the attribute text, from its opening tag to its closing tag. */
function element(html: string, attribute: string): string {
  const at = html.indexOf(attribute);
  if (at < 0) throw new Error(`no element with ${attribute}`);
  const open = html.lastIndexOf('<', at);
  const tag = /^<([a-z0-9]+)/.exec(html.slice(open))![1]!;
  const close = html.indexOf(`</${tag}>`, at);
  return html.slice(open, close + tag.length + 3);
}

/** The enclosing table row of the element carrying the attribute text. */
function rowAround(html: string, attribute: string): string {
  const at = html.indexOf(attribute);
  if (at < 0) throw new Error(`no element with ${attribute}`);
  const open = html.lastIndexOf('<tr', at);
  return html.slice(open, html.indexOf('</tr>', at) + 5);
}

/** The text of each <td> of a row, in order. */
const tdTexts = (row: string) => [...row.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) => text(m[1]!));

type ProcessRowShown = Record<'issued' | 'started' | 'web' | 'paper' | 'imported', number | null> & { rate: string };

/** A codes-and-answers table (views/partials/process-table.ejs): per row (point, or point|round), each count or null when hidden. */
function processTable(html: string, id: string): Map<string, ProcessRowShown> {
  const table = element(html, `id="${id}"`);
  const out = new Map<string, ProcessRowShown>();
  for (const [row] of table.matchAll(/<tr data-point="[^"]*"[^>]*>[\s\S]*?<\/tr>/g)) {
    const point = attr(row, 'data-point')!;
    const round = attr(row, 'data-round');
    const counts: Record<string, number | null | string> = {};
    for (const m of row.matchAll(/<td[^>]*data-count="([a-z]+)"[^>]*>([\s\S]*?)<\/td>/g)) {
      const inner = m[2]!;
      counts[m[1]!] = m[1] === 'rate' ? text(inner) : inner.includes('suppressed') ? null : num(text(inner));
    }
    out.set(round === undefined ? point : `${point}|${round}`, counts as unknown as ProcessRowShown);
  }
  return out;
}

function csvRows(body: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(body.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
}
const csvNum = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v.replace(/^'/, '')));

/** A cell name as the app writes it (server/domain/figureCell.ts): what | whose | which people | when. */
const key = (measure: string, org: string, demo: string, time: string) => `${measure}|${org}|${demo}|${time}`;
const timeOf = (round: number | null) => (round === null ? 'all' : `r${round}`);

/** Whether the target vector is a linear combination of the known ones (Gaussian elimination). */
function derivable(known: readonly number[][], target: readonly number[]): boolean {
  const rank = (rows: readonly number[][]) => {
    const m = rows.map((r) => [...r]);
    let r = 0;
    for (let c = 0; c < target.length && r < m.length; c++) {
      const p = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9);
      if (p < 0) continue;
      [m[r], m[p]] = [m[p]!, m[r]!];
      for (let i = 0; i < m.length; i++) {
        if (i === r) continue;
        const f = m[i]![c]! / m[r]![c]!;
        for (let k = c; k < target.length; k++) m[i]![k]! -= f * m[r]![k]!;
      }
      r++;
    }
    return r;
  };
  return rank([...known, [...target]]) === rank(known);
}

interface ApiCell { n: number | null; mean: number | null; suppressed: boolean; reason: string | null; cell: string }
interface ApiChange { pairs: number | null; before: number | null; after: number | null; meanDiff: number | null; verdict: string | null; suppressed: boolean; reason: string | null; cell: string; from: string; to: string }
interface ApiSummary {
  indicators: { id: string; points: (ApiCell & { point: string })[]; change: ApiChange | null; changes: ApiChange[] }[];
  equality: null | { point: string; indicators: { id: string; genders: (ApiCell & { key: string })[]; total: ApiCell }[] };
}
interface ApiComparisonStats { nA: number | null; nB: number | null; meanA: number | null; meanB: number | null; suppressed: boolean; reason: string | null }
interface ApiComparison {
  interventions: (ApiCell & { id: number })[];
  versusOthers: ApiComparisonStats | null;
  trend: { intervention: number; rounds: ApiCell[] }[];
  lastTwoRounds: ApiComparisonStats | null;
}

async function apiGet<T>(server: TestServer, path: string, bearer: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  expect(res.status, path).to.equal(200);
  return (await res.json()) as T;
}

async function page(client: HttpClient, path: string): Promise<string> {
  const res = await client.get(path);
  expect(res.status, path).to.equal(200);
  return res.text;
}

const HIDDEN_TEXT = { tooFew: 'för få svar', complementary: 'dold för att skydda en annan grupp', notAsked: 'frågas inte vid den här mätpunkten' } as const;

// ---------------------------------------------------------------------------------------------

describe('figures: who counts, what may be shown, how a change reads', function () {
  this.timeout(60_000);

  describe('counting: one förbund, two rounds, answers on the web, on paper and imported', () => {
    let server: TestServer;
    let w: World;
    let evaluator: HttpClient;
    let admin: HttpClient;
    let token: string;
    let F: number;
    let I: number;
    let I2: number;
    let R1: number;
    let R2: number;

    before(async () => {
      server = await startTestServer();
      const db = server.db;
      F = createFederation(db, 'Förbund Räkna').id;
      const adminUser = makeUser(db, 'admin@count.test', [{ federationId: F, role: 'federation_admin' }]);
      makeUser(db, 'eval@count.test', [{ federationId: F, role: 'evaluator' }]);
      w = new World(db, adminUser.id);
      token = createApiToken(db, { name: 'count', federationId: F, role: 'evaluator', createdBy: null }).token;
      R1 = w.round(F, 'Vår 2025', '2025-01-01', '2025-06-30');
      R2 = w.round(F, 'Höst 2025', '2025-07-01', '2025-12-31');
      I = w.intervention(F, 'Insats Ett', ['start', 'ongoing', 'exit']);
      I2 = w.intervention(F, 'Insats Två', ['start', 'ongoing', 'exit']);

      // Insats Ett: twelve women answer at start (round 1), at ongoing in round 1 (two of them twice,
      // the second time lower) and again at ongoing in round 2, and at exit (round 2).
      const woman = { gender: 'woman', ageBand: null };
      const P = w.people(I, 12);
      const startTrust = [3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 2, 3];
      const startHealth = [3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4];
      const r1Trust = [3, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3];
      const r1Health = [3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4];
      const r2Trust = [6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7];
      const r2Health = [4, 4, 5, 5, 4, 4, 5, 5, 4, 4, 5, 5];
      const exitTrust = [6, 7, 6, 6, 7, 5, 6, 7, 6, 7, 6, 7];
      const exitHealth = [5, 5, 6, 4, 5, 6, 5, 5, 6, 4, 5, 6];
      const satisfaction = [5, 6, 7, 5, 6, 6, 7, 5, 6, 7, 6, 5];
      P.forEach((pid, k) => {
        w.answer({ iid: I, pid, point: 'start', round: R1, on: '2025-01-20', scores: { trust_fk: startTrust[k]!, health: startHealth[k]! }, dims: woman });
        w.answer({ iid: I, pid, point: 'ongoing', round: R1, on: '2025-03-10', scores: { trust_fk: r1Trust[k]!, health: r1Health[k]! }, dims: woman });
      });
      for (const pid of P.slice(0, 2)) w.answer({ iid: I, pid, point: 'ongoing', round: R1, on: '2025-05-10', scores: { trust_fk: 1, health: 5 }, dims: woman });
      P.forEach((pid, k) => {
        w.answer({ iid: I, pid, point: 'ongoing', round: R2, on: '2025-09-10', scores: { trust_fk: r2Trust[k]!, health: r2Health[k]! }, dims: woman });
        w.answer({ iid: I, pid, point: 'exit', round: R2, on: '2025-11-20', scores: { trust_fk: exitTrust[k]!, health: exitHealth[k]!, satisfaction: satisfaction[k]! }, dims: woman });
      });
      // Codes at start that were not answered: one begun and left, one replaced by a new code, one untouched.
      const [begun, replaced, untouched] = w.people(I, 3);
      w.answer({ iid: I, pid: begun!, point: 'start', round: R1, on: '2025-01-21', scores: {}, submit: false });
      w.reissue(w.code(I, replaced!, 'start', R1));
      w.code(I, untouched!, 'start', R1);
      // Two start questionnaires typed in from paper, and six imported from an earlier year's file (no code, no round).
      for (const pid of w.people(I, 2)) w.answer({ iid: I, pid, point: 'start', round: R1, on: '2025-01-25', scores: { trust_fk: 4, health: 4 }, dims: woman, source: 'paper' });
      for (const pid of w.people(I, 6, '2024-05-01')) w.answer({ iid: I, pid, point: 'start', on: '2024-06-01', scores: { trust_fk: 3, health: 3 }, dims: woman, source: 'import' });

      // Insats Två: eight men at start and at ongoing in each round.
      const man = { gender: 'man', ageBand: null };
      w.people(I2, 8).forEach((pid, k) => {
        w.answer({ iid: I2, pid, point: 'start', round: R1, on: '2025-01-22', scores: { trust_fk: [4, 3, 4, 5, 3, 4, 4, 5][k]!, health: 4 }, dims: man });
        w.answer({ iid: I2, pid, point: 'ongoing', round: R1, on: '2025-03-12', scores: { trust_fk: [4, 5, 4, 5, 4, 5, 4, 5][k]!, health: [4, 3, 4, 3, 4, 3, 4, 3][k]! }, dims: man });
        w.answer({ iid: I2, pid, point: 'ongoing', round: R2, on: '2025-09-12', scores: { trust_fk: [5, 5, 4, 6, 5, 5, 4, 6][k]!, health: [4, 4, 5, 4, 4, 5, 4, 4][k]! }, dims: man });
      });

      evaluator = await signedIn(server.url, 'eval@count.test');
      admin = await signedIn(server.url, 'admin@count.test');
    });
    after(() => server.close());

    const results = (iid: number, qs = '') => `/f/${F}/interventions/${iid}/results${qs}`;
    const withCsv = (qs: string, extra = '') => `${qs ? `${qs}&` : '?'}format=csv${extra}`;

    it('1. the round filter (?round=) keeps a person in round 1 after they answered again in round 2: within a round each person counts once, with their latest answer in that round', async () => {
      for (const round of [R1, R2, null]) {
        const qs = round === null ? '' : `?round=${round}`;
        const cells = shownCells(await page(evaluator, results(I, qs)));
        const summary = await apiGet<ApiSummary>(server, `/interventions/${I}/summary${qs}`, token);
        const csv = csvRows(await page(evaluator, results(I, withCsv(qs))));
        for (const indicator of ['trust_fk', 'health']) {
          const expected = w.scores([I], 'ongoing', indicator, round);
          expect(expected, 'the design: all twelve people count in each round').to.have.length(12);
          const what = `${indicator} at ongoing, round ${round}`;
          const html = shown(cells, key(`s:${indicator}@ongoing`, `i${I}`, 'all', timeOf(round)), what);
          expect(html.n, what).to.equal(12);
          expect(html.mean, what).to.be.closeTo(mean(expected), 1e-9);
          const api = summary.indicators.find((i) => i.id === indicator)!.points.find((p) => p.point === 'ongoing')!;
          expect(api, what).to.include({ n: 12, suppressed: false });
          expect(api.mean, what).to.be.closeTo(mean(expected), 1e-9);
          const row = csv.find((r) => r.indicator === indicator && r.point === 'ongoing')!;
          expect(csvNum(row.n), what).to.equal(12);
          expect(csvNum(row.mean)!, what).to.be.closeTo(mean(expected), 5e-4);
        }
      }
      // Round 1 counts the later of the two answers the first two people gave in it, not both.
      expect(w.questionnaires([I], 'ongoing', 'trust_fk', R1)).to.have.length(14);
      expect(mean(w.scores([I], 'ongoing', 'trust_fk', R1))).to.not.be.closeTo(mean(w.questionnaires([I], 'ongoing', 'trust_fk', R1)), 0.01);
    });

    it('2. the trend over rounds, the last two rounds compared and the item-by-item distributions count every person once, not every questionnaire', async () => {
      const html = await page(evaluator, `/f/${F}/compare?indicator=trust_fk&point=ongoing&intervention=${I}`);
      const trend = shownCells(element(html, 'id="trend"'));
      for (const iid of [I, I2]) {
        for (const round of [R1, R2]) {
          const expected = w.scores([iid], 'ongoing', 'trust_fk', round);
          const cell = shown(trend, key('s:trust_fk@ongoing', `i${iid}`, 'all', `r${round}`), `trend ${iid} ${round}`);
          expect(cell.n).to.equal(expected.length);
          expect(cell.mean).to.be.closeTo(mean(expected), 1e-9);
        }
      }
      const r1 = w.scores([I], 'ongoing', 'trust_fk', R1);
      const r2 = w.scores([I], 'ongoing', 'trust_fk', R2);
      const sentence = text(element(html, 'id="round-comparison"'));
      const printed = /skillnad ([+\u2212-]?[\d,]+)/.exec(sentence);
      expect(printed, sentence).to.not.equal(null);
      expect(num(printed![1]!), sentence).to.be.closeTo(mean(r2) - mean(r1), 0.005 + 1e-9);
      expect(Math.abs(num(printed![1]!) - (mean(w.questionnaires([I], 'ongoing', 'trust_fk', R2)) - mean(w.questionnaires([I], 'ongoing', 'trust_fk', R1)))), 'not the questionnaires').to.be.greaterThan(0.05);

      const api = await apiGet<ApiComparison>(server, `/federations/${F}/comparison?indicator=trust_fk&point=ongoing&intervention=${I}`, token);
      expect(api.lastTwoRounds).to.include({ nA: 12, nB: 12, suppressed: false });
      expect(api.lastTwoRounds!.meanA).to.be.closeTo(mean(r1), 1e-9);
      expect(api.lastTwoRounds!.meanB).to.be.closeTo(mean(r2), 1e-9);
      expect(api.trend.find((t) => t.intervention === I)!.rounds.map((c) => c.n)).to.deep.equal([12, 12]);

      for (const round of [R1, R2]) {
        const expected = w.scores([I], 'ongoing', 'trust_fk', round);
        const drill = await page(evaluator, results(I, `/indicators/trust_fk?round=${round}`));
        const cellKey = key('i:fk_trust@ongoing', `i${I}`, 'all', `r${round}`);
        const cell = shown(shownCells(drill), cellKey);
        expect(cell.n, `items in round ${round}`).to.equal(expected.length);
        expect(cell.mean).to.be.closeTo(mean(expected), 1e-9);
        expect(tdTexts(rowAround(drill, `data-cell="${cellKey.replace(/>/g, '&gt;')}"`)).slice(1, 8).map(num), 'answers per step').to.deep.equal(histogram(expected));
        const csv = csvRows(await page(evaluator, results(I, `/indicators/trust_fk?round=${round}&format=csv`))).find((r) => r.item === 'fk_trust' && r.point === 'ongoing')!;
        expect(csvNum(csv.n)).to.equal(expected.length);
        expect([1, 2, 3, 4, 5, 6, 7].map((s) => csvNum(csv[`answered_${s}`]))).to.deep.equal(histogram(expected));
      }
    });

    it('4. issued / started / answered have one definition: the results page and the staff rates page agree; paper and imported answers have their own columns and are never counted as issued or web answers', async () => {
      expect(w.process(I, 'start'), 'the design at start').to.deep.equal({ issued: 17, started: 15, web: 12, paper: 2, imported: 6 });
      const expectedRow = (c: ProcessCounts): ProcessRowShown => ({ ...c, rate: c.issued ? `${Math.round((100 * (c.web + c.paper)) / c.issued)} %` : '–' });
      const rates = await page(admin, `/f/${F}/interventions/${I}/rates`);
      const byPoint = processTable(rates, 'rates-by-point');
      const byRound = processTable(rates, 'rates-by-round');
      const all = processTable(await page(admin, results(I)), 'process');
      for (const point of ['start', 'ongoing', 'exit'] as const) {
        expect(all.get(point), `results page, ${point}`).to.deep.equal(expectedRow(w.process(I, point)));
        expect(byPoint.get(point), `rates page, ${point}`).to.deep.equal(all.get(point));
      }
      for (const round of [R1, R2]) {
        const inRound = processTable(await page(admin, results(I, `?round=${round}`)), 'process');
        for (const point of ['start', 'ongoing', 'exit'] as const) {
          const counts = w.process(I, point, round);
          const expected = expectedRow(counts);
          expect(inRound.get(point), `results page, ${point}, round ${round}`).to.deep.equal(expected);
          if (counts.issued + counts.imported > 0) expect(byRound.get(`${point}|${round}`), `rates by round, ${point}, round ${round}`).to.deep.equal(expected);
        }
      }
      // The imported answers (no code, no round) appear only in their own column and only where no round is chosen.
      expect(processTable(await page(admin, results(I, `?round=${R1}`)), 'process').get('start')!.imported).to.equal(0);
      // An evaluator (who does not follow the codes) sees the same numbers wherever they are shown, and no count of 1–4.
      const theirs = processTable(await page(evaluator, results(I)), 'process');
      for (const point of ['start', 'ongoing', 'exit'] as const) {
        for (const kind of ['issued', 'started', 'web', 'paper', 'imported'] as const) {
          const n = theirs.get(point)![kind];
          const exact = w.process(I, point)[kind];
          if (n !== null) expect(n, `${kind} at ${point} for an evaluator`).to.equal(exact);
          if (exact > 0 && exact < 5) expect(n, `${kind} at ${point} (${exact}) for an evaluator`).to.equal(null);
        }
      }
    });

    it('11. "Nöjdhet med insatsen" (satisfaction) reads "frågas inte vid den här mätpunkten" at start and ongoing, not "för få svar"', async () => {
      for (const [qs, demo, round] of [['', 'all', null], [`?round=${R1}`, 'all', R1], [`?round=${R2}`, 'all', R2], ['?gender=woman', 'g:woman', null]] as const) {
        const html = await page(evaluator, results(I, qs));
        const row = element(element(html, 'id="indicator-table"'), 'data-indicator="satisfaction"');
        const hidden = hiddenCells(row);
        for (const point of ['start', 'ongoing']) {
          expect(hidden.get(key(`s:satisfaction@${point}`, `i${I}`, demo, timeOf(round))), `${point} ${qs}`).to.deep.equal(['notAsked']);
        }
        expect(text(row), qs).to.not.contain(HIDDEN_TEXT.tooFew);
        expect(text(row).split(HIDDEN_TEXT.notAsked).length - 1, `${qs}: mean and share at start and ongoing`).to.equal(4);
        const summary = await apiGet<ApiSummary>(server, `/interventions/${I}/summary${qs}`, token);
        const points = summary.indicators.find((i) => i.id === 'satisfaction')!.points;
        for (const point of ['start', 'ongoing']) expect(points.find((p) => p.point === point), `API ${point} ${qs}`).to.include({ suppressed: true, reason: 'notAsked', n: null });
        const csv = csvRows(await page(evaluator, results(I, withCsv(qs))));
        for (const point of ['start', 'ongoing']) expect(csv.find((r) => r.indicator === 'satisfaction' && r.point === point), `CSV ${point} ${qs}`).to.include({ suppressed: 'true', reason: 'notAsked' });
      }
      // At exit, where it is asked, it is shown.
      const exit = shown(shownCells(await page(evaluator, results(I))), key('s:satisfaction@exit', `i${I}`, 'all', 'all'));
      expect(exit.n).to.equal(12);
      // The item-by-item page and the compare page say the same.
      const drill = await page(evaluator, results(I, '/indicators/satisfaction'));
      const drillHidden = hiddenCells(drill);
      for (const point of ['start', 'ongoing']) expect(drillHidden.get(key(`i:satisfied_with_support@${point}`, `i${I}`, 'all', 'all')), `items at ${point}`).to.deep.equal(['notAsked']);
      expect(text(drill)).to.not.contain(HIDDEN_TEXT.tooFew);
      for (const point of ['start', 'ongoing']) {
        const compare = await page(evaluator, `/f/${F}/compare?indicator=satisfaction&point=${point}&intervention=${I}`);
        expect(compare).to.contain('id="not-asked"');
        expect(text(compare), `compare at ${point}`).to.not.contain(HIDDEN_TEXT.tooFew);
      }
    });

    it('12. /f/:fid/compare?intervention=<id> never prints a literal "{{"; English pages print p-values as "< 0.001", never "< 0,001"', async () => {
      const variants = ['', 'indicator=trust_fk&point=ongoing', 'indicator=trust_fk&point=exit', 'indicator=health&point=start', 'indicator=satisfaction&point=start', 'indicator=satisfaction&point=exit', `indicator=trust_fk&point=ongoing&round=${R1}`, 'indicator=trust_fk&point=ongoing&gender=woman'];
      for (const iid of [I, I2]) {
        for (const variant of variants) {
          for (const lang of ['sv', 'en']) {
            const path = `/f/${F}/compare?intervention=${iid}${variant ? `&${variant}` : ''}&lang=${lang}`;
            const html = await page(evaluator, path);
            expect(html, path).to.not.contain('{{');
            if (lang === 'en') expect(html, path).to.not.contain('< 0,001');
          }
        }
      }
      // The round comparison of Insats Ett has p < 0.001: written the way each language writes it.
      const path = `/f/${F}/compare?intervention=${I}&indicator=trust_fk&point=ongoing`;
      expect(text(element(await page(evaluator, `${path}&lang=en`), 'id="round-comparison"'))).to.contain('p = < 0.001');
      expect(text(element(await page(evaluator, `${path}&lang=sv`), 'id="round-comparison"'))).to.contain('p = < 0,001');
      for (const qs of ['?lang=en', `?lang=en&round=${R2}`]) {
        const html = await page(evaluator, results(I, qs));
        expect(html).to.not.contain('{{');
        expect(html).to.not.contain('< 0,001');
      }
    });

    it('every figure two outputs show for the same cell has the same n and mean: results page, its CSV, the API, the drill-down, compare and the board report', async () => {
      const seen = new Map<string, { source: string; n: number; mean: number | null; tolerance: number }[]>();
      const hiddenIn = new Map<string, string[]>();
      const add = (source: string, cell: string, n: number | null, m: number | null, tolerance = 1e-9) => {
        if (n === null) return;
        if (!seen.has(cell)) seen.set(cell, []);
        seen.get(cell)!.push({ source, n, mean: m, tolerance });
      };
      const addHtml = (source: string, html: string) => {
        for (const [cell, list] of shownCells(html)) for (const s of list) add(source, cell, s.n, s.mean);
        for (const [cell, reasons] of hiddenCells(html)) hiddenIn.set(cell, [...(hiddenIn.get(cell) ?? []), `${source} (${reasons.join(',')})`]);
      };
      for (const iid of [I, I2]) {
        for (const scope of [{ qs: '', demo: 'all', time: 'all' }, { qs: `?round=${R1}`, demo: 'all', time: `r${R1}` }, { qs: `?round=${R2}`, demo: 'all', time: `r${R2}` }, { qs: '?gender=woman', demo: 'g:woman', time: 'all' }, { qs: '?gender=man', demo: 'g:man', time: 'all' }]) {
          const where = `${iid}${scope.qs}`;
          const org = `i${iid}`;
          const html = await page(evaluator, results(iid, scope.qs));
          addHtml(`page ${where}`, html);
          // The process counts name their cell but carry their n as text.
          for (const m of element(html, 'id="process"').matchAll(/(<td[^>]*data-cell="[^"]*"[^>]*>)([\s\S]*?)<\/td>/g)) {
            if (!m[2]!.includes('suppressed')) add(`page ${where}`, attr(m[1]!, 'data-cell')!, num(text(m[2]!)), null);
          }
          for (const r of csvRows(await page(evaluator, results(iid, withCsv(scope.qs, '&table=overview'))))) add(`csv ${where}`, key(`s:${r.indicator}@${r.point}`, org, scope.demo, scope.time), csvNum(r.n), csvNum(r.mean), 5e-4);
          for (const r of csvRows(await page(evaluator, results(iid, withCsv(scope.qs, '&table=change'))))) {
            const m = `${r.indicator}@${r.from}>${r.to}`;
            add(`csv change ${where}`, key(`c:${m}`, org, scope.demo, scope.time), csvNum(r.pairs), csvNum(r.meanDiff), 5e-4);
            if (r.before !== '') add(`csv change ${where}`, key(`b:${m}`, org, scope.demo, scope.time), csvNum(r.pairs), csvNum(r.before), 5e-4);
            if (r.after !== '') add(`csv change ${where}`, key(`a:${m}`, org, scope.demo, scope.time), csvNum(r.pairs), csvNum(r.after), 5e-4);
          }
          for (const r of csvRows(await page(evaluator, results(iid, withCsv(scope.qs, '&table=equality'))))) {
            add(`csv equality ${where}`, key(`s:${r.indicator}@${r.point}`, org, r.gender === 'total' ? 'all' : `g:${r.gender}`, scope.time), csvNum(r.n), csvNum(r.mean), 5e-4);
          }
          const summary = await apiGet<ApiSummary>(server, `/interventions/${iid}/summary${scope.qs}`, token);
          for (const ind of summary.indicators) {
            for (const p of ind.points) add(`api ${where}`, p.cell, p.n, p.mean);
            for (const c of ind.changes) {
              add(`api change ${where}`, c.cell, c.pairs, c.meanDiff);
              if (c.before !== null) add(`api change ${where}`, c.cell.replace(/^c:/, 'b:'), c.pairs, c.before);
              if (c.after !== null) add(`api change ${where}`, c.cell.replace(/^c:/, 'a:'), c.pairs, c.after);
            }
          }
          for (const ind of summary.equality?.indicators ?? []) for (const c of [...ind.genders, ind.total]) add(`api equality ${where}`, c.cell, c.n, c.mean);
          const drill = await page(evaluator, results(iid, `/indicators/trust_fk${scope.qs}`));
          addHtml(`drill ${where}`, drill);
          for (const r of csvRows(await page(evaluator, results(iid, `/indicators/trust_fk${withCsv(scope.qs)}`)))) add(`drill csv ${where}`, key(`i:${r.item}@${r.point}`, org, scope.demo, scope.time), csvNum(r.n), csvNum(r.mean), 5e-4);
        }
      }
      for (const point of ['start', 'ongoing', 'exit']) {
        for (const qs of ['', `&round=${R1}`, `&round=${R2}`, '&gender=woman']) {
          for (const iid of [I, I2]) addHtml(`compare ${point}${qs} ${iid}`, await page(evaluator, `/f/${F}/compare?indicator=trust_fk&point=${point}&intervention=${iid}${qs}`));
        }
      }
      for (const round of ['all', String(R1), String(R2)]) {
        addHtml(`report ${round}`, await page(evaluator, `/f/${F}/interventions/${I}/report?round=${round}`));
        addHtml(`federation report ${round}`, await page(evaluator, `/f/${F}/report?round=${round}`));
      }

      let compared = 0;
      for (const [cell, list] of seen) {
        const sources = new Set(list.map((s) => s.source.split(' ')[0]));
        if (sources.size > 1) compared++;
        for (const s of list) {
          expect(s.n, `${cell}: n in ${s.source} and ${list[0]!.source}`).to.equal(list[0]!.n);
          if (s.mean !== null && list[0]!.mean !== null) expect(s.mean, `${cell}: mean in ${s.source} and ${list[0]!.source}`).to.be.closeTo(list[0]!.mean, Math.max(s.tolerance, list[0]!.tolerance));
        }
        expect(hiddenIn.get(cell), `${cell} is shown in ${list[0]!.source} but hidden elsewhere`).to.equal(undefined);
      }
      expect(compared, 'cells shown by more than one kind of output').to.be.greaterThan(40);
    });
  });

  describe('counting: a group of four people who answered five questionnaires', () => {
    let server: TestServer;
    let w: World;
    let evaluator: HttpClient;
    let FF: number;
    let FK: number;
    let J: number;
    let K: number;
    let Ra: number;
    let Rb: number;

    before(async () => {
      server = await startTestServer();
      w = new World(server.db, makeUser(server.db, 'staff@few.test').id);
      FF = w.federation('Förbund Få');
      FK = w.federation('Förbund Liten');
      makeUser(server.db, 'eval@few.test', [{ federationId: FF, role: 'evaluator' }, { federationId: FK, role: 'evaluator' }]);
      Ra = w.round(FF, 'Vår 2025', '2025-01-01', '2025-06-30');
      Rb = w.round(FF, 'Höst 2025', '2025-07-01', '2025-12-31');
      J = w.intervention(FF, 'Insats J', ['start', 'ongoing']);
      K = w.intervention(FK, 'Insats K', ['start', 'ongoing']);
      // J: six people at ongoing in the spring; four of them in the autumn, one of those twice.
      const P = w.people(J, 6);
      P.forEach((pid, k) => w.answer({ iid: J, pid, point: 'ongoing', round: Ra, on: '2025-03-01', scores: { trust_fk: [3, 4, 5, 3, 4, 5][k]! } }));
      P.slice(0, 4).forEach((pid, k) => w.answer({ iid: J, pid, point: 'ongoing', round: Rb, on: '2025-09-01', scores: { trust_fk: [5, 6, 5, 6][k]! } }));
      w.answer({ iid: J, pid: P[0]!, point: 'ongoing', round: Rb, on: '2025-10-01', scores: { trust_fk: 7 } });
      // K (another förbund, no rounds): four people at ongoing, one of them twice.
      const Q = w.people(K, 4);
      Q.forEach((pid, k) => w.answer({ iid: K, pid, point: 'ongoing', on: '2025-03-01', scores: { trust_fk: [2, 3, 4, 5][k]! } }));
      w.answer({ iid: K, pid: Q[0]!, point: 'ongoing', on: '2025-04-01', scores: { trust_fk: 6 } });
      evaluator = await signedIn(server.url, 'eval@few.test');
    });
    after(() => server.close());

    it('2. a group of 4 people answering 5 questionnaires shows as too few: in the trend, the last two rounds compared, the item distribution (and its CSV), the results page and the API', async () => {
      expect(w.questionnaires([J], 'ongoing', 'trust_fk', Rb), 'the design: five questionnaires').to.have.length(5);
      expect(w.scores([J], 'ongoing', 'trust_fk', Rb), 'from four people').to.have.length(4);
      const compare = await page(evaluator, `/f/${FF}/compare?indicator=trust_fk&point=ongoing&intervention=${J}`);
      const autumn = key('s:trust_fk@ongoing', `i${J}`, 'all', `r${Rb}`);
      expect(hiddenCells(element(compare, 'id="trend"')).get(autumn), 'trend, autumn').to.deep.equal(['tooFew']);
      expect(text(element(compare, `data-hidden="${autumn}"`))).to.equal(HIDDEN_TEXT.tooFew);
      expect(shown(shownCells(element(compare, 'id="trend"')), key('s:trust_fk@ongoing', `i${J}`, 'all', `r${Ra}`)).n, 'trend, spring').to.equal(6);
      const lastTwo = element(compare, 'id="round-comparison"');
      expect(lastTwo).to.contain('data-reason="tooFew"');
      expect(text(lastTwo)).to.contain(HIDDEN_TEXT.tooFew);
      const api = (await evaluator.get(`/api/v1/federations/${FF}/comparison?indicator=trust_fk&point=ongoing&intervention=${J}`)).text;
      const comparison = JSON.parse(api) as ApiComparison;
      expect(comparison.trend.find((t) => t.intervention === J)!.rounds[1]).to.include({ suppressed: true, reason: 'tooFew', n: null });
      expect(comparison.lastTwoRounds).to.include({ suppressed: true, reason: 'tooFew', nA: null, nB: null });

      for (const [fid, iid, qs, time] of [[FF, J, `?round=${Rb}`, `r${Rb}`], [FK, K, '', 'all']] as const) {
        const base = `/f/${fid}/interventions/${iid}/results`;
        const drill = await page(evaluator, `${base}/indicators/trust_fk${qs}`);
        expect(hiddenCells(drill).get(key('i:fk_trust@ongoing', `i${iid}`, 'all', time)), `items of ${iid}`).to.deep.equal(['tooFew']);
        const csv = csvRows(await page(evaluator, `${base}/indicators/trust_fk${qs ? `${qs}&` : '?'}format=csv`)).find((r) => r.item === 'fk_trust' && r.point === 'ongoing')!;
        expect(csv, `item CSV of ${iid}`).to.include({ n: '', suppressed: 'true', reason: 'tooFew' });
        const results = await page(evaluator, `${base}${qs}`);
        // The indicator table and the equality table's total show the same cell: hidden, too few, in both.
        const reasons = hiddenCells(results).get(key('s:trust_fk@ongoing', `i${iid}`, 'all', time));
        expect(reasons, `results of ${iid}`).to.not.equal(undefined);
        expect(new Set(reasons), `results of ${iid}`).to.deep.equal(new Set(['tooFew']));
        const summary = JSON.parse((await evaluator.get(`/api/v1/interventions/${iid}/summary${qs}`)).text) as ApiSummary;
        expect(summary.indicators.find((i) => i.id === 'trust_fk')!.points.find((p) => p.point === 'ongoing')).to.include({ suppressed: true, reason: 'tooFew', n: null });
      }
    });
  });

  describe('board report, readings and regional projects', () => {
    let server: TestServer;
    let w: World;
    let evaluator: HttpClient;
    let board: HttpClient;
    let token: string;
    let FR: number;
    let I3: number;
    let D: number;
    let E: number;
    let RA: number;
    let RB: number;
    let projectId: number;
    let subprojectId: number;
    let P: number[];

    const LABELS: Record<string, string> = { trust_fk: 'Förtroende för Försäkringskassan', health: 'Hälsa', self_efficacy: 'Tilltro till egen förmåga', life_situation: 'Livssituation' };
    const third = (k: number) => k / 3;

    before(async () => {
      server = await startTestServer();
      const db = server.db;
      w = new World(db, makeUser(db, 'staff@report.test').id);
      FR = w.federation('Förbund Rapport');
      makeUser(db, 'eval@report.test', [{ federationId: FR, role: 'evaluator' }]);
      const boardUser = makeUser(db, 'board@report.test', [{ federationId: FR, role: 'board' }]);
      token = createApiToken(db, { name: 'report', federationId: FR, role: 'evaluator', createdBy: null }).token;
      RA = w.round(FR, 'Vår 2025', '2025-01-01', '2025-06-30');
      RB = w.round(FR, 'Höst 2025', '2025-07-01', '2025-12-31');
      D = w.intervention(FR, 'Insats Avslutad', ['start', 'exit']);
      I3 = w.intervention(FR, 'Insats Rapport', ['start', 'exit']);
      E = w.intervention(FR, 'Insats Tom', ['start', 'exit']);
      const project = createProject(db, { name: 'Projekt utan slutdatum', startsOn: '2025-01-01', endsOn: null });
      projectId = project.id;
      subprojectId = createSubproject(db, { projectId, federationId: FR, name: 'Delprojekt Rapport' }).id;
      setInterventionSubproject(db, I3, subprojectId);
      addProjectMember(db, projectId, boardUser.id);

      // Eleven people answer at start in the spring; six of them at exit in the autumn.
      P = w.people(I3, 11, '2025-01-15');
      const start = {
        trust_fk: [2, 3, 2, 3, 2, 3, 3, 4, 2, 3, 4],
        health: [4, 4, 3.5, 4, 4.5, 4, 3, 5, 4, 4, 3],
        self_efficacy: [15, 16, 15, 14, 15, 17, 12, 12, 15, 15, 12].map(third),
        life_situation: [10, 11, 10, 11, 10, 10, 12, 12, 9, 12, 9].map(third),
      };
      P.forEach((pid, k) => w.answer({ iid: I3, pid, point: 'start', round: RA, on: '2025-02-01', scores: Object.fromEntries(Object.entries(start).map(([id, xs]) => [id, xs[k]!])) }));
      // The first person answers at exit twice: the earlier questionnaire has a trust score, the later
      // (their latest, the one that counts) has none, and other scores than the earlier one.
      w.answer({ iid: I3, pid: P[0]!, point: 'exit', round: RB, on: '2025-08-01', scores: { trust_fk: 7, health: 2, self_efficacy: 3, life_situation: 5 } });
      w.answer({ iid: I3, pid: P[0]!, point: 'exit', round: RB, on: '2025-09-01', scores: { health: 5, self_efficacy: 4, life_situation: third(11) } });
      const exit = {
        trust_fk: [5, 5, 6, 5, 6],
        health: [3, 4, 3.5, 4.5, 4],
        self_efficacy: [10, 11, 11, 9, 12].map(third),
        life_situation: [10, 11, 11, 11, 10].map(third),
      };
      P.slice(1, 6).forEach((pid, k) => w.answer({ iid: I3, pid, point: 'exit', round: RB, on: '2025-08-15', scores: Object.fromEntries(Object.entries(exit).map(([id, xs]) => [id, xs[k]!])) }));
      // Insats Avslutad had three participants in the spring only; Insats Tom never had any.
      for (const pid of w.people(D, 3, '2025-01-10')) recordExit(db, pid, '2025-03-01', 'work');

      evaluator = await signedIn(server.url, 'eval@report.test');
      board = await signedIn(server.url, 'board@report.test');
    });
    after(() => server.close());

    /** A change sentence of the board report: the printed numbers, the verdict and the counts. */
    function parseSentence(sentence: string, label: string) {
      const m = new RegExp(`^${label}: (?:(\\S+) → (\\S+) \\((\\S+)\\)|förändring (\\S+))\\. (Tydlig förbättring|Ingen säker förändring|Tydlig försämring): (\\S+) av (\\S+) förbättrades, (\\S+) försämrades\\.$`).exec(sentence);
      expect(m, sentence).to.not.equal(null);
      return { before: m![1], after: m![2], diff: (m![3] ?? m![4])!, verdict: m![5]!, improved: num(m![6]!), pairs: num(m![7]!), worse: num(m![8]!) };
    }
    const sentenceOf = (html: string, indicator: string) => text(element(html, `<li data-indicator="${indicator}"`));
    const reportOf = (round: number | 'all') => page(board, `/f/${FR}/interventions/${I3}/report?round=${round}`);

    it("3. the board report's change lines use each person's latest questionnaire as a whole, not the latest score per indicator: the pairs equal the results page and the API", async () => {
      // The design: the first person's latest exit questionnaire lacks trust, an earlier one has it.
      const latest = w.latest((g) => g.iid === I3 && g.point === 'exit').get(P[0]!)!;
      expect(latest.scores.trust_fk).to.equal(undefined);
      expect(w.answers.some((g) => g.pid === P[0] && g.point === 'exit' && g.scores.trust_fk !== undefined)).to.equal(true);

      for (const [round, qs] of [['all', ''], [RB, `?round=${RB}`]] as const) {
        const time = round === 'all' ? 'all' : `r${round}`;
        const report = await reportOf(round);
        const resultsPage = await page(evaluator, `/f/${FR}/interventions/${I3}/results${qs}`);
        const changeTable = element(resultsPage, 'data-change="start-exit"');
        const summary = await apiGet<ApiSummary>(server, `/interventions/${I3}/summary${qs}`, token);
        for (const indicator of Object.keys(LABELS)) {
          const pairs = w.pairs([I3], 'start', 'exit', indicator, round === 'all' ? null : round);
          expect(pairs, `the design: ${indicator}`).to.have.length(indicator === 'trust_fk' ? 5 : 6);
          const line = parseSentence(sentenceOf(report, indicator), LABELS[indicator]!);
          expect(line.pairs, `report ${indicator} ${round}`).to.equal(pairs.length);
          expect(line.improved, `report ${indicator} ${round}`).to.equal(pairs.filter((p) => p.after - p.before > 1e-9).length);
          expect(line.worse, `report ${indicator} ${round}`).to.equal(pairs.filter((p) => p.after - p.before < -1e-9).length);
          const cell = shown(shownCells(changeTable), key(`c:${indicator}@start>exit`, `i${I3}`, 'all', time), `results page ${indicator} ${round}`);
          expect(cell.n).to.equal(pairs.length);
          expect(cell.mean).to.be.closeTo(mean(pairs.map((p) => p.after - p.before)), 1e-9);
          const api = summary.indicators.find((i) => i.id === indicator)!.change!;
          expect(api.pairs, `API ${indicator} ${round}`).to.equal(pairs.length);
          expect(api.meanDiff!).to.be.closeTo(mean(pairs.map((p) => p.after - p.before)), 1e-9);
        }
      }
    });

    it('9. the board report gives each change the verdict the evaluator page gives for the same scope, and in "X: a → b (d)" b − a equals d at the printed precision', async () => {
      const verdicts = new Set<string>();
      for (const [round, qs] of [['all', ''], [RB, `?round=${RB}`]] as const) {
        const report = await reportOf(round);
        const resultsPage = await page(evaluator, `/f/${FR}/interventions/${I3}/results${qs}`);
        const summary = await apiGet<ApiSummary>(server, `/interventions/${I3}/summary${qs}`, token);
        const federationReport = round === 'all' ? null : await page(board, `/f/${FR}/report?round=${round}`);
        for (const indicator of Object.keys(LABELS)) {
          const pairs = w.pairs([I3], 'start', 'exit', indicator, round === 'all' ? null : round);
          const sentence = sentenceOf(report, indicator);
          const line = parseSentence(sentence, LABELS[indicator]!);
          const expected = verdictOf(pairs);
          verdicts.add(expected);
          expect(line.verdict, sentence).to.equal(expected);
          const evaluatorReading = text(element(element(element(resultsPage, 'data-change="start-exit"'), `data-indicator="${indicator}"`), '<strong'));
          expect(evaluatorReading, `results page, ${indicator}, ${round}`).to.equal(line.verdict);
          const words: Record<string, string> = { improved: 'Tydlig förbättring', uncertain: 'Ingen säker förändring', worsened: 'Tydlig försämring' };
          expect(words[summary.indicators.find((i) => i.id === indicator)!.change!.verdict!], `API ${indicator}`).to.equal(line.verdict);
          // The report's own table says the same.
          expect(tdTexts(element(element(report, 'class="report-table change-table"'), `<tr data-indicator="${indicator}"`))[3], `report table ${indicator}`).to.equal(line.verdict);
          if (federationReport) expect(sentenceOf(element(federationReport, `data-intervention="${I3}" aria-label`), indicator), 'the förbund report').to.equal(sentence);

          expect(line.before, `${sentence}: the means are shown`).to.not.equal(undefined);
          const digits = line.diff.split(/[,.]/)[1]?.length ?? 0;
          const scale = 10 ** digits;
          const [a, b, d] = [num(line.before!), num(line.after!), num(line.diff)];
          expect(line.before!.split(',')[1]?.length ?? 0, sentence).to.equal(digits);
          expect(Math.round((b - a) * scale), `${sentence}: b − a = d`).to.equal(Math.round(d * scale));
          expect(a, sentence).to.be.closeTo(mean(pairs.map((p) => p.before)), 0.5 / scale + 1e-9);
          expect(b, sentence).to.be.closeTo(mean(pairs.map((p) => p.after)), 0.5 / scale + 1e-9);
          expect(d, sentence).to.be.closeTo(mean(pairs.map((p) => p.after - p.before)), 1 / scale + 1e-9);
        }
      }
      expect([...verdicts].sort(), 'the design gives every verdict').to.deep.equal(['Ingen säker förändring', 'Tydlig förbättring', 'Tydlig försämring']);
      // Livssituation: 3,44 → 3,56 rounds to 3,4 → 3,6 but the change is 0,1; the sentence must not say so.
      const life = parseSentence(sentenceOf(await reportOf('all'), 'life_situation'), LABELS.life_situation!);
      expect(life.diff).to.not.equal('+0,1');
    });

    it('13. the förbund board report skips interventions without participants in the round and names them in one line', async () => {
      for (const [round, without, withSections] of [[RB, ['Insats Avslutad', 'Insats Tom'], [I3]], [RA, ['Insats Tom'], [D, I3]]] as const) {
        const html = await page(board, `/f/${FR}/report?round=${round}`);
        expect(html.split('id="without-participants"').length - 1, `round ${round}`).to.equal(1);
        const line = text(element(html, 'id="without-participants"'));
        for (const name of without) expect(line, `round ${round}`).to.contain(name);
        for (const iid of withSections) expect(html, `section ${iid}, round ${round}`).to.contain(`data-intervention="${iid}" aria-label`);
        for (const [iid, name] of [[D, 'Insats Avslutad'], [E, 'Insats Tom']] as const) {
          if (!(without as readonly string[]).includes(name)) continue;
          expect(html, `no section for ${name}, round ${round}`).to.not.contain(`data-intervention="${iid}" aria-label`);
          expect(element(html, 'id="summary-table"'), `no summary row for ${name}`).to.not.contain(`data-intervention="${iid}"`);
        }
        for (const name of ['Insats Avslutad', 'Insats Tom', 'Insats Rapport']) {
          if (!(without as readonly string[]).includes(name)) expect(line, `round ${round}`).to.not.contain(name);
        }
      }
    });

    it('5. a regional project without an end date shows its indicators in its report', async () => {
      const html = await page(board, `/projects/${projectId}/report`);
      const table = element(html, 'id="indicator-table"');
      const cells = shownCells(table);
      for (const indicator of Object.keys(LABELS)) {
        const pairs = w.pairs([I3], 'start', 'exit', indicator, null);
        const cell = shown(cells, key(`c:${indicator}@start>exit`, `s${subprojectId}`, 'all', 'all'), `project report ${indicator}`);
        expect(cell.n, indicator).to.equal(pairs.length);
        expect(cell.mean, indicator).to.be.closeTo(mean(pairs.map((p) => p.after - p.before)), 1e-9);
        expect(text(element(table, `<tr data-indicator="${indicator}"`)), indicator).to.contain(verdictOf(pairs));
      }
    });
  });

  describe('disclosure: working out a small intervention by subtraction', () => {
    let server: TestServer;
    let w: World;
    let evaluator: HttpClient;
    let token: string;
    let F6: number;
    let F6b: number;
    let A: number;
    let B: number;
    let C: number;
    let W: number;
    let R6: number;

    before(async () => {
      server = await startTestServer();
      w = new World(server.db, makeUser(server.db, 'staff@subtract.test').id);
      F6 = w.federation('Förbund Dela');
      F6b = w.federation('Förbund Granne');
      makeUser(server.db, 'eval@subtract.test', [{ federationId: F6, role: 'evaluator' }, { federationId: F6b, role: 'evaluator' }]);
      token = createApiToken(server.db, { name: 'subtract', federationId: F6, role: 'evaluator', createdBy: null }).token;
      R6 = w.round(F6, 'År 2025', '2025-01-01', '2025-12-31');
      const R6b = w.round(F6b, 'År 2025', '2025-01-01', '2025-12-31');
      A = w.intervention(F6, 'Insats A', ['start', 'exit']);
      B = w.intervention(F6, 'Insats B', ['start', 'exit']);
      C = w.intervention(F6, 'Insats C', ['start', 'exit']);
      W = w.intervention(F6b, 'Insats W', ['start', 'exit']);
      for (const [iid, round, scores] of [[A, R6, [4, 5, 6, 5, 4, 6, 5, 7]], [B, R6, [3, 4, 3, 5, 4, 3]], [C, R6, [7, 7, 6, 7]], [W, R6b, [2, 3, 4, 3, 2, 4, 3]]] as const) {
        w.people(iid, scores.length).forEach((pid, k) => w.answer({ iid, pid, point: 'exit', round, on: '2025-06-01', scores: { trust_fk: scores[k]! } }));
      }
      evaluator = await signedIn(server.url, 'eval@subtract.test');
    });
    after(() => server.close());

    it('6. with intervention C hidden at exit (n=4), the region page, compare side by side and trend, "versus the others" and the board report never let C be worked out by subtraction', async () => {
      // Vectors over the people of A, B, C, W: which groups a shown figure covers.
      const base: Record<string, number[]> = { [`i${A}`]: [1, 0, 0, 0], [`i${B}`]: [0, 1, 0, 0], [`i${C}`]: [0, 0, 1, 0], [`i${W}`]: [0, 0, 0, 1], [`f${F6}`]: [1, 1, 1, 0], [`f${F6b}`]: [0, 0, 0, 1], all: [1, 1, 1, 1] };
      const vectorOf = (cell: string): number[] | null => {
        const parts = cell.split('−');
        if (parts.length === 2) {
          const [x, y] = parts.map(vectorOf);
          return x && y ? x.map((v, k) => v - y[k]!) : null;
        }
        const [measure, org, demo] = cell.split('|');
        if (!['s:trust_fk@exit', 'i:fk_trust@exit'].includes(measure!) || demo !== 'all') return null;
        // "The others" beside an intervention: its förbund but it (f<id>~i<id>).
        const [whole, but] = org!.split('~');
        if (but !== undefined) return base[whole!] && base[but] ? base[whole!]!.map((v, k) => v - base[but]![k]!) : null;
        return base[org!] ?? null;
      };
      const known: { vector: number[]; where: string }[] = [];
      const collect = (where: string, html: string) => {
        for (const [cell] of shownCells(html)) {
          const v = vectorOf(cell);
          if (v) known.push({ vector: v, where: `${where}: ${cell}` });
        }
      };
      const cKey = (time: string) => key('s:trust_fk@exit', `i${C}`, 'all', time);

      for (const qs of ['', `&round=${R6}`]) {
        for (const sel of [A, B, C]) {
          const html = await page(evaluator, `/f/${F6}/compare?indicator=trust_fk&point=exit&intervention=${sel}${qs}`);
          collect(`compare ${sel}${qs}`, html);
          expect(hiddenCells(element(html, 'id="side-by-side"')).get(cKey(qs ? `r${R6}` : 'all')), 'C side by side').to.deep.equal(['tooFew']);
          expect(hiddenCells(element(html, 'id="trend"')).get(cKey(`r${R6}`)), 'C in the trend').to.deep.equal(['tooFew']);
          const versus = element(html, 'id="versus-others"');
          if (!versus.includes('class="suppressed"')) {
            const m = /\(n=(\d+)\)[^(]*\(n=(\d+)\)/.exec(text(versus));
            expect(m, text(versus)).to.not.equal(null);
            known.push({ vector: base[`f${F6}`]!.map((v, k) => v - base[`i${sel}`]![k]!), where: `versus others of ${sel}${qs}` });
            expect(sel, 'C against the others is never shown').to.not.equal(C);
          }
          const api = await apiGet<ApiComparison>(server, `/federations/${F6}/comparison?indicator=trust_fk&point=exit&intervention=${sel}${qs}`, token);
          for (const c of [...api.interventions, ...api.trend.flatMap((t) => t.rounds)]) {
            const v = c.suppressed ? null : vectorOf(c.cell);
            if (v) known.push({ vector: v, where: `API ${c.cell}` });
          }
          if (api.versusOthers && !api.versusOthers.suppressed) known.push({ vector: base[`f${F6}`]!.map((v, k) => v - base[`i${sel}`]![k]!), where: `API versus others of ${sel}${qs}` });
        }
      }
      collect('compare F6b', await page(evaluator, `/f/${F6b}/compare?indicator=trust_fk&point=exit`));
      for (const qs of ['', `&federations=${F6}`, `&federations=${F6b}`]) {
        const region = await page(evaluator, `/analysis/region?indicator=trust_fk&point=exit${qs}`);
        expect(region).to.contain('id="region"');
        collect(`region${qs}`, region);
      }
      for (const round of ['all', String(R6)]) {
        collect(`federation report ${round}`, await page(evaluator, `/f/${F6}/report?round=${round}`));
        for (const iid of [A, B, C]) collect(`report ${iid} ${round}`, await page(evaluator, `/f/${F6}/interventions/${iid}/report?round=${round}`));
      }

      expect(known.filter((k) => k.vector[2] !== 0 && k.vector.filter((v) => v !== 0).length === 1), 'C itself is never shown').to.deep.equal([]);
      const regionTotal = known.some((k) => k.where.startsWith('region') && k.vector.join() === '1,1,1,0');
      const bothOthers = [A, B].every((iid) => known.some((k) => k.where.startsWith('compare') && k.vector.join() === base[`i${iid}`]!.join()));
      expect(regionTotal && bothOthers, 'the förbund total on the region page beside A and B on the compare page').to.equal(false);
      expect(derivable(known.map((k) => k.vector), [0, 0, 1, 0]), `C follows from: ${known.map((k) => k.where).join('; ')}`).to.equal(false);
    });
  });

  describe('disclosure: a gender filter beside the unfiltered figures', () => {
    let server: TestServer;
    let w: World;
    let evaluator: HttpClient;
    let token: string;
    let F7: number;
    let X: number;
    let Y: number;
    let Z: number;
    let R7: number;

    before(async () => {
      server = await startTestServer();
      w = new World(server.db, makeUser(server.db, 'staff@gender.test').id);
      F7 = w.federation('Förbund Kön');
      makeUser(server.db, 'eval@gender.test', [{ federationId: F7, role: 'evaluator' }]);
      token = createApiToken(server.db, { name: 'gender', federationId: F7, role: 'evaluator', createdBy: null }).token;
      R7 = w.round(F7, 'År 2025', '2025-01-01', '2025-12-31');
      X = w.intervention(F7, 'Insats X', ['start', 'exit']);
      Y = w.intervention(F7, 'Insats Y', ['start', 'exit']);
      Z = w.intervention(F7, 'Insats Z', ['start', 'exit']);
      // X: 9 women and 3 men; Y: 10 and 10; Z: 8 and 7. Everyone answers once at exit, in the round.
      for (const [iid, women, men] of [[X, 9, 3], [Y, 10, 10], [Z, 8, 7]] as const) {
        let k = 0;
        for (const [gender, count] of [['woman', women], ['man', men]] as const) {
          for (const pid of w.people(iid, count)) w.answer({ iid, pid, point: 'exit', round: R7, on: '2025-06-01', scores: { trust_fk: 1 + ((k++ * 3 + iid) % 7) }, dims: { gender, ageBand: null } });
        }
      }
      evaluator = await signedIn(server.url, 'eval@gender.test');
    });
    after(() => server.close());

    it('7. under ?gender=woman (or group=gender:woman) the women of X (9 of 12, so 3 men) are hidden on compare (side by side, trend, versus others), the results page, the drill-down and its CSV, and the API; nothing shown lets the 3 men be worked out', async () => {
      const groups = ['Xw', 'Xm', 'Yw', 'Ym', 'Zw', 'Zm'];
      const people: Record<string, string[]> = { [`i${X}`]: ['Xw', 'Xm'], [`i${Y}`]: ['Yw', 'Ym'], [`i${Z}`]: ['Zw', 'Zm'], [`f${F7}`]: groups };
      const vectorOf = (cell: string): number[] | null => {
        const parts = cell.split('−');
        if (parts.length === 2) {
          const [a, b] = parts.map(vectorOf);
          return a && b ? a.map((v, k) => v - b[k]!) : null;
        }
        const [measure, org, demo] = cell.split('|');
        const suffix = demo === 'all' ? '' : demo === 'g:woman' ? 'w' : demo === 'g:man' ? 'm' : null;
        if (!['s:trust_fk@exit', 'i:fk_trust@exit'].includes(measure!) || suffix === null) return null;
        // "The others" beside an intervention: its förbund but it (f<id>~i<id>).
        const [whole, but] = org!.split('~');
        if (!people[whole!] || (but !== undefined && !people[but])) return null;
        return groups.map((g) => (people[whole!]!.includes(g) && !(but !== undefined && people[but]!.includes(g)) && g.endsWith(suffix) ? 1 : 0));
      };
      const known: { vector: number[]; where: string }[] = [];
      const collect = (where: string, html: string) => {
        for (const [cell] of shownCells(html)) {
          const v = vectorOf(cell);
          if (v && v.some((x) => x !== 0)) known.push({ vector: v, where: `${where}: ${cell}` });
        }
      };
      const womenOfX = (time: string) => key('s:trust_fk@exit', `i${X}`, 'g:woman', time);
      const expectHidden = (cells: Map<string, string[]>, cell: string, what: string) => {
        const reasons = cells.get(cell);
        expect(reasons, `${what}: ${cell} is hidden`).to.not.equal(undefined);
        expect(reasons!.every((r) => r === 'complementary' || r === 'tooFew'), what).to.equal(true);
      };

      for (const filter of ['', 'gender=woman', 'group=gender:woman', 'gender=man']) {
        const women = filter.endsWith('woman');
        const amp = filter ? `&${filter}` : '';
        for (const qs of ['', `&round=${R7}`]) {
          for (const sel of [X, Y, Z]) {
            const where = `compare ${filter} ${qs} ${sel}`;
            const html = await page(evaluator, `/f/${F7}/compare?indicator=trust_fk&point=exit&intervention=${sel}${amp}${qs}`);
            collect(where, html);
            if (women) {
              expectHidden(hiddenCells(element(html, 'id="side-by-side"')), womenOfX(qs ? `r${R7}` : 'all'), `${where}, side by side`);
              expectHidden(hiddenCells(element(html, 'id="trend"')), womenOfX(`r${R7}`), `${where}, trend`);
              if (sel === X) expect(element(html, 'id="versus-others"'), `${where}, versus others`).to.contain('class="suppressed"');
            }
            const versus = element(html, 'id="versus-others"');
            if (!versus.includes('class="suppressed"')) {
              const demo = women ? 'g:woman' : filter ? 'g:man' : 'all';
              const whole = vectorOf(key('s:trust_fk@exit', `f${F7}`, demo, 'all'))!;
              const part = vectorOf(key('s:trust_fk@exit', `i${sel}`, demo, 'all'))!;
              known.push({ vector: whole.map((x, k) => x - part[k]!), where: `${where}, versus others` });
            }
            const api = await apiGet<ApiComparison>(server, `/federations/${F7}/comparison?indicator=trust_fk&point=exit&intervention=${sel}${amp}${qs}`, token);
            for (const c of [...api.interventions, ...api.trend.flatMap((t) => t.rounds)]) {
              const v = c.suppressed ? null : vectorOf(c.cell);
              if (v) known.push({ vector: v, where: `API ${where}: ${c.cell}` });
            }
            if (women) {
              expect(api.interventions.find((i) => i.id === X), `API ${where}`).to.include({ suppressed: true, n: null, mean: null });
              expect(api.trend.find((t) => t.intervention === X)!.rounds[0], `API trend ${where}`).to.include({ suppressed: true, n: null });
              if (sel === X) expect(api.versusOthers, `API versus others ${where}`).to.include({ suppressed: true, nA: null, nB: null });
            }
          }
        }
        for (const iid of [X, Y, Z]) {
          const qs = filter ? `?${filter}` : '';
          const base = `/f/${F7}/interventions/${iid}/results`;
          const results = await page(evaluator, `${base}${qs}`);
          collect(`results ${iid} ${filter}`, results);
          const drill = await page(evaluator, `${base}/indicators/trust_fk${qs}`);
          collect(`drill ${iid} ${filter}`, drill);
          const summary = await apiGet<ApiSummary>(server, `/interventions/${iid}/summary${qs.replace('group=gender:', 'gender=')}`, token);
          for (const c of [...summary.indicators.flatMap((i) => i.points), ...(summary.equality?.indicators.flatMap((i) => [...i.genders, i.total]) ?? [])]) {
            const v = c.suppressed ? null : vectorOf(c.cell);
            if (v && v.some((x) => x !== 0)) known.push({ vector: v, where: `API summary ${iid} ${filter}: ${c.cell}` });
          }
          if (iid === X && women) {
            expectHidden(hiddenCells(results), womenOfX('all'), `results ${filter}`);
            expectHidden(hiddenCells(drill), key('i:fk_trust@exit', `i${X}`, 'g:woman', 'all'), `drill-down ${filter}`);
            const csv = csvRows(await page(evaluator, `${base}/indicators/trust_fk${qs}&format=csv`)).find((r) => r.item === 'fk_trust' && r.point === 'exit')!;
            expect(csv, `drill-down CSV ${filter}`).to.include({ n: '', mean: '', suppressed: 'true' });
            const overview = csvRows(await page(evaluator, `${base}${qs}&format=csv`)).find((r) => r.indicator === 'trust_fk' && r.point === 'exit')!;
            expect(overview, `results CSV ${filter}`).to.include({ n: '', mean: '', suppressed: 'true' });
            expect(summary.indicators.find((i) => i.id === 'trust_fk')!.points.find((p) => p.point === 'exit'), `API summary ${filter}`).to.include({ suppressed: true, n: null, mean: null });
          }
        }
        collect(`region ${filter}`, await page(evaluator, `/analysis/region?indicator=trust_fk&point=exit${amp}`));
      }

      expect(known.some((k) => k.where.includes('gender=woman') && k.vector.join() === '0,0,1,0,0,0'), 'the filter shows figures at all (the women of Y)').to.equal(true);
      for (const [target, name] of [[[0, 1, 0, 0, 0, 0], 'the 3 men of X'], [[1, 0, 0, 0, 0, 0], 'the 9 women of X']] as const) {
        const from = known.filter((k) => k.vector.some((x, i) => x !== 0 && target[i] !== 0));
        expect(derivable(known.map((k) => k.vector), target), `${name} follow from: ${from.map((k) => k.where).join('; ')}`).to.equal(false);
      }
    });
  });

  describe('disclosure: the equality table', () => {
    let server: TestServer;
    let w: World;
    let evaluator: HttpClient;
    let token: string;
    let F8: number;
    let Q: number;

    before(async () => {
      server = await startTestServer();
      w = new World(server.db, makeUser(server.db, 'staff@equality.test').id);
      F8 = w.federation('Förbund Jämställd');
      makeUser(server.db, 'eval@equality.test', [{ federationId: F8, role: 'evaluator' }]);
      token = createApiToken(server.db, { name: 'equality', federationId: F8, role: 'evaluator', createdBy: null }).token;
      Q = w.intervention(F8, 'Insats Q', ['start', 'exit']);
      // 15 women (10 aged 30–39, 5 aged 40–49), 12 men (2 aged 30–39, 10 aged 40–49) and 3 people
      // aged 30–39 who gave no gender; everyone answers once at exit.
      let k = 0;
      for (const [gender, ageBand, count] of [['woman', '30_39', 10], ['woman', '40_49', 5], ['man', '30_39', 2], ['man', '40_49', 10], [null, '30_39', 3]] as const) {
        for (const pid of w.people(Q, count)) w.answer({ iid: Q, pid, point: 'exit', on: '2025-06-01', scores: { trust_fk: 1 + (k * 5) % 7, health: 1 + (k++ * 3) % 7 }, dims: { gender, ageBand } });
      }
      evaluator = await signedIn(server.url, 'eval@equality.test');
    });
    after(() => server.close());

    const base = () => `/f/${F8}/interventions/${Q}/results`;

    it('10. the equality table labels a cell hidden to protect another group "dold för att skydda en annan grupp", not "för få svar" (men 12 hidden because 3 people gave no gender)', async () => {
      const html = await page(evaluator, base());
      const table = element(html, 'id="equality-table"');
      const summary = await apiGet<ApiSummary>(server, `/interventions/${Q}/summary`, token);
      const csv = csvRows(await page(evaluator, `${base()}?format=csv&table=equality`));
      for (const indicator of ['trust_fk', 'health']) {
        const row = element(table, `<tr data-indicator="${indicator}"`);
        const men = key(`s:${indicator}@exit`, `i${Q}`, 'g:man', 'all');
        expect(hiddenCells(row).get(men), `${indicator}: men`).to.deep.equal(['complementary']);
        expect(text(element(row, `data-hidden="${men}"`)), `${indicator}: men`).to.equal(HIDDEN_TEXT.complementary);
        const cells = shownCells(row);
        const women = w.scores([Q], 'exit', indicator, null, (pid) => w.genderOf.get(pid) === 'woman');
        expect(women, 'the design').to.have.length(15);
        expect(shown(cells, key(`s:${indicator}@exit`, `i${Q}`, 'g:woman', 'all')).n, `${indicator}: women`).to.equal(women.length);
        expect(shown(cells, key(`s:${indicator}@exit`, `i${Q}`, 'all', 'all')).n, `${indicator}: everyone`).to.equal(30);
        const api = summary.equality!.indicators.find((i) => i.id === indicator)!.genders.find((g) => g.key === 'man')!;
        expect(api, `API ${indicator}`).to.include({ suppressed: true, reason: 'complementary', n: null });
        expect(csv.find((r) => r.indicator === indicator && r.gender === 'man'), `CSV ${indicator}`).to.include({ suppressed: 'true', reason: 'complementary', n: '' });
      }
    });

    it('8. the gender table (equality) is not shown under an age filter, where it would expose small crossings (2 men aged 30–39)', async () => {
      for (const qs of ['?ageBand=30_39', '?group=ageBand:30_39', '?ageBand=40_49']) {
        const html = await page(evaluator, `${base()}${qs}`);
        expect(html, qs).to.not.contain('id="equality-table"');
        expect(html, qs).to.not.contain('|g:');
        const band = qs.includes('30_39') ? '30_39' : '40_49';
        expect(shown(shownCells(html), key('s:trust_fk@exit', `i${Q}`, `a:${band}`, 'all')).n, `${qs}: the age group itself is shown`).to.equal(15);
        const summary = await apiGet<ApiSummary>(server, `/interventions/${Q}/summary?ageBand=${band}`, token);
        expect(summary.equality, `API ${qs}`).to.equal(null);
        const csv = csvRows(await page(evaluator, `${base()}${qs}&format=csv&table=equality`));
        expect(csv, `CSV ${qs}`).to.deep.equal([]);
      }
    });
  });
});
