import { expect } from 'chai';
import Papa from 'papaparse';
import { createApiToken } from '../../server/storage/apiTokens.js';
import type { Db } from '../../server/storage/db.js';
import { randomInstallation, type RandomInstallation } from '../helpers/randomInstallation.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

// The attacker's test (issue 8): on random installations, request every analysis output the app
// has for a user who may read everything — HTML tables, CSV downloads, the JSON API, board and
// project reports — collect every figure shown as (cell, n, mean), and try every pairwise
// difference of nested groups. No difference may leave 1–4 people, no shown figure may describe
// 1–4 people, and a cell shown twice must show the same figures.
//
// Cells are named as server/domain/figureCell.ts names them ("what|whose|which people|when");
// HTML carries the name on each shown figure (data-cell), the API in `cell`, and CSV rows are named
// here from the request and the row. Two cells are nested when they measure the same thing at the
// same time (or a round within everything so far) and one's interventions and people are among
// the other's: an intervention within its delprojekt, förbund and the installation; one gender or
// age band within everyone; the paired people's mean after within the point's figure; an exit
// status within those who ended.

interface Shown { n: number; mean: number | null; where: string }

interface Structure {
  interventionsOf: Map<string, Set<number>>;
}

const SEEDS = ['alfa', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

function structureOf(db: Db): Structure {
  const interventions = db.prepare(`SELECT id, federation_id AS f, subproject_id AS s, kind FROM interventions`).all() as { id: number; f: number; s: number | null; kind: string }[];
  const subprojects = db.prepare('SELECT id, project_id AS p FROM subprojects').all() as { id: number; p: number }[];
  const interventionsOf = new Map<string, Set<number>>();
  const add = (org: string, id: number) => {
    let set = interventionsOf.get(org);
    if (!set) interventionsOf.set(org, (set = new Set()));
    set.add(id);
  };
  for (const i of interventions) {
    add(`i${i.id}`, i.id);
    if (i.kind !== 'individual') continue;
    add(`f${i.f}`, i.id);
    add('all', i.id);
    if (i.s !== null) {
      add(`s${i.s}`, i.id);
      const project = subprojects.find((s) => s.id === i.s)?.p;
      if (project !== undefined) add(`p${project}`, i.id);
    }
  }
  return { interventionsOf };
}

interface Parsed { measure: string; demo: string; time: string; interventions: Set<number> }

/** A cell name as its measure, people, time and the set of interventions it covers (sums and differences included). */
function parseCell(name: string, structure: Structure): Parsed | null {
  const one = (key: string): Parsed | null => {
    const [measure, org, demo, time] = key.split('|');
    if (!measure || !org || !demo || !time) return null;
    const [whole, but] = org.split('~');
    const people = new Set(structure.interventionsOf.get(whole!) ?? []);
    if (but) for (const i of structure.interventionsOf.get(but) ?? []) people.delete(i);
    return { measure, demo, time, interventions: people };
  };
  if (name.startsWith('sum(')) {
    const parts = name.slice(4, -1).split(',').map(one);
    if (parts.some((p) => p === null)) return null;
    return { ...parts[0]!, interventions: new Set(parts.flatMap((p) => [...p!.interventions])) };
  }
  return one(name);
}

const subset = (a: Set<number>, b: Set<number>) => [...a].every((x) => b.has(x));

/** Whether every person of cell b is in cell a, counted with the same answer. */
function nestedIn(b: Parsed, a: Parsed): boolean {
  if (!subset(b.interventions, a.interventions)) return false;
  const demoIn = a.demo === 'all' || a.demo === b.demo;
  // Who is in an intervention during a round is not a part of who is in it now.
  const timeIn = a.time === b.time || (a.time === 'all' && b.measure !== 'p:active');
  if (!demoIn || !timeIn) return false;
  if (a.measure === b.measure) return true;
  const pair = /^([ab]):(\w+)@(\w+)>(\w+)$/.exec(b.measure);
  if (pair) {
    const [, side, indicator, from, to] = pair;
    // The paired people's answers after are the point's counted answers of the same time; before, their latest so far.
    if (side === 'a') return a.measure === `s:${indicator}@${to}`;
    return a.measure === `s:${indicator}@${from}` && a.time === 'all';
  }
  if (b.measure.startsWith('e:') || b.measure.startsWith('eg:')) return a.measure === 'p:ended';
  const process = /^k:(web|paper)@(\w+)$/.exec(b.measure);
  if (process) return a.measure === `k:answered@${process[2]}`;
  return false;
}

/** Every shown figure of an HTML page: data-cell with data-n and, where there is one, data-mean. */
function htmlCells(html: string): { cell: string; n: number; mean: number | null }[] {
  const out: { cell: string; n: number; mean: number | null }[] = [];
  for (const m of html.matchAll(/data-cell="([^"]+)" data-n="(\d+)"(?: data-mean="([^"]*)")?/g)) {
    out.push({ cell: m[1]!.replace(/&gt;/g, '>'), n: Number(m[2]), mean: m[3] === undefined || m[3] === '' ? null : Number(m[3]) });
  }
  return out;
}

/** Every figure of a JSON document that names its cell. */
function jsonCells(value: unknown, out: { cell: string; n: number; mean: number | null }[] = []) {
  if (Array.isArray(value)) for (const v of value) jsonCells(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.cell === 'string' && o.cell && o.suppressed === false && typeof (o.n ?? o.pairs) === 'number') {
      out.push({ cell: o.cell, n: (o.n ?? o.pairs) as number, mean: (typeof o.mean === 'number' ? o.mean : typeof o.meanDiff === 'number' ? o.meanDiff : null) });
      if (typeof o.before === 'number') out.push({ cell: o.cell.replace(/^c:/, 'b:'), n: o.pairs as number, mean: o.before });
      if (typeof o.after === 'number') out.push({ cell: o.cell.replace(/^c:/, 'a:'), n: o.pairs as number, mean: o.after });
    }
    for (const v of Object.values(o)) jsonCells(v, out);
  }
  return out;
}

const csvRows = (text: string) => Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));

describe('disclosure: no group of 1–4 can be worked out from any two figures (random installations)', function () {
  this.timeout(300_000);
  const stats = { datasets: 0, requests: 0, figures: 0, cells: 0, pairs: 0 };

  after(() => {
    console.log(`      disclosure: ${stats.datasets} installations, ${stats.requests} outputs requested, ${stats.figures} figures read, ${stats.cells} distinct cells, ${stats.pairs} nested pairs compared`);
  });

  for (const seed of SEEDS) {
    describe(`installation "${seed}"`, () => {
      const shown = new Map<string, Shown[]>();
      let structure: Structure;

      before(async () => {
        let data!: RandomInstallation;
        const server: TestServer = await startTestServer({ prepare: (db) => void (data = randomInstallation(db, instruments, seed)) });
        try {
          const federations = data.federations.map((f) => f.id);
          makeUser(server.db, 'reader@test.example', federations.flatMap((id) => [{ federationId: id, role: 'evaluator' as const }, { federationId: id, role: 'board' as const }]));
          server.db.prepare('INSERT INTO project_members (project_id, user_id) SELECT ?, id FROM users WHERE email = ?').run(data.projectId, 'reader@test.example');
          const client = await signedIn(server.url, 'reader@test.example');
          const token = createApiToken(server.db, { name: 't', federationId: federations[0]!, role: 'evaluator', createdBy: null }).token;
          structure = structureOf(server.db);
          const record = (where: string, cells: { cell: string; n: number; mean: number | null }[]) => {
            for (const c of cells) {
              if (c.n === 0) continue;
              let list = shown.get(c.cell);
              if (!list) shown.set(c.cell, (list = []));
              list.push({ n: c.n, mean: c.mean, where });
              stats.figures++;
            }
          };
          const page = async (url: string) => {
            const res = await client.get(url);
            expect(res.status, url).to.equal(200);
            stats.requests++;
            record(url, htmlCells(res.text));
          };
          const csv = async (url: string, name: (row: Record<string, string>) => { cell: string; n: string | undefined; mean: string | undefined }[]) => {
            const res = await client.get(url);
            expect(res.status, url).to.equal(200);
            stats.requests++;
            record(url, csvRows(res.text).flatMap(name).filter((c) => c.n !== undefined && c.n !== '').map((c) => ({ cell: c.cell, n: Number(c.n), mean: num(c.mean) })));
          };
          const api = async (path: string) => {
            const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
            expect(res.status, path).to.equal(200);
            stats.requests++;
            record(`api ${path}`, jsonCells(await res.json()));
          };

          const genders = ['woman', 'man', 'other_or_not_stated'];
          const ages = ['under_25', '30_39', '60_plus'];
          for (const f of data.federations) {
            const scopes = [
              { q: '', demo: 'all', time: 'all' },
              ...f.rounds.map((r) => ({ q: `round=${r}`, demo: 'all', time: `r${r}` })),
              ...genders.map((g) => ({ q: `gender=${g}`, demo: `g:${g}`, time: 'all' })),
              ...ages.map((a) => ({ q: `ageBand=${a}`, demo: `a:${a}`, time: 'all' })),
              { q: `round=${f.rounds[1]}&gender=woman`, demo: 'g:woman', time: `r${f.rounds[1]}` },
            ];
            for (const iid of f.interventions) {
              const base = `/f/${f.id}/interventions/${iid}/results`;
              for (const s of scopes) {
                await page(`${base}?${s.q}`);
                if (f.id === federations[0]) await api(`/interventions/${iid}/summary?${s.q}`);
                const key = (m: string) => `${m}|i${iid}|${s.demo}|${s.time}`;
                await csv(`${base}?${s.q}&format=csv&table=overview`, (r) => [{ cell: key(`s:${r.indicator}@${r.point}`), n: r.n, mean: r.mean }]);
                await csv(`${base}?${s.q}&format=csv&table=change`, (r) => [
                  { cell: key(`c:${r.indicator}@${r.from}>${r.to}`), n: r.pairs, mean: r.meanDiff },
                  { cell: key(`b:${r.indicator}@${r.from}>${r.to}`), n: r.before ? r.pairs : undefined, mean: r.before },
                  { cell: key(`a:${r.indicator}@${r.from}>${r.to}`), n: r.after ? r.pairs : undefined, mean: r.after },
                ]);
                if (s.demo === 'all') {
                  await csv(`${base}?${s.q}&format=csv&table=equality`, (r) => [{ cell: `s:${r.indicator}@${r.point}|i${iid}|${r.gender === 'total' ? 'all' : `g:${r.gender}`}|${s.time}`, n: r.n, mean: r.mean }]);
                }
                for (const indicator of ['trust_fk', 'participation']) {
                  if (s.q.includes('ageBand')) continue;
                  await page(`${base}/indicators/${indicator}?${s.q}`);
                  await csv(`${base}/indicators/${indicator}?${s.q}&format=csv`, (r) => [{ cell: key(`i:${r.item}@${r.point}`), n: r.n, mean: r.mean }]);
                }
              }
              await page(`/f/${f.id}/interventions/${iid}/report?round=all`);
              for (const r of f.rounds) await page(`/f/${f.id}/interventions/${iid}/report?round=${r}`);
            }
            await page(`/f/${f.id}/report?round=all`);
            for (const r of f.rounds) await page(`/f/${f.id}/report?round=${r}`);
            for (const indicator of ['health', 'trust_fk']) {
              for (const point of ['start', 'exit']) {
                for (const s of scopes.slice(0, 5)) {
                  for (const selected of f.interventions) {
                    await page(`/f/${f.id}/compare?indicator=${indicator}&point=${point}&intervention=${selected}&${s.q}`);
                  }
                  if (f.id === federations[0]) await api(`/federations/${f.id}/comparison?indicator=${indicator}&point=${point}&${s.q}`);
                }
              }
            }
          }
          for (const s of data.structural) await page(`/f/${data.federations[0]!.id}/interventions/${s}/results`);
          const subsets = [[], ...federations.map((f) => [f]), federations.slice(0, 2)];
          for (const indicator of ['health', 'trust_fk']) {
            for (const point of ['start', 'exit']) {
              for (const chosen of subsets) {
                for (const g of ['', 'gender=woman', 'ageBand=30_39']) await page(`/analysis/region?indicator=${indicator}&point=${point}&federations=${chosen.join(',')}&${g}`);
              }
              for (const sub of data.subprojects) await page(`/analysis/region?indicator=${indicator}&point=${point}&subproject=${sub}`);
            }
          }
          await page(`/projects/${data.projectId}/report`);
          await page(`/projects/${data.projectId}`);

          stats.cells += shown.size;
          stats.datasets++;
        } finally {
          await server.close();
        }
      });

      it('shows a cell the same wherever it is shown (HTML and API to full precision, CSV to three decimals)', () => {
        expect(shown.size).to.be.greaterThan(0);
        for (const [cell, list] of shown) {
          for (const s of list) {
            expect(s.n, `${cell}: n in ${s.where} vs ${list[0]!.where}`).to.equal(list[0]!.n);
            if (s.mean !== null && list[0]!.mean !== null) expect(s.mean, `${cell}: mean in ${s.where} vs ${list[0]!.where}`).to.be.closeTo(list[0]!.mean, 0.0005 + 1e-9);
          }
        }
      });

      it('shows no figure of 1–4 people', () => {
        for (const [cell, list] of shown) expect(list[0]!.n, `${cell} in ${list[0]!.where}`).to.satisfy((n: number) => n === 0 || n >= 5);
      });

      it('shows no two figures, one inside the other, that differ by 1–4 people', () => {
        const parsed = [...shown].map(([cell, list]) => ({ cell, n: list[0]!.n, where: list[0]!.where, p: parseCell(cell, structure) }));
        for (const x of parsed) expect(x.p, `cell name ${x.cell}`).to.not.equal(null);
        const byTime = new Map<string, typeof parsed>();
        for (const x of parsed) {
          // Only cells about the same thing can be nested: an indicator (or item), the participants, or one point's process.
          const measure = x.cell.split('|')[0]!;
          const family = /^(p|e|eg|t):/.test(measure) ? 'participants' : measure.startsWith('k:') ? `process${measure.slice(measure.indexOf('@'))}` : (/^\w+:(\w+)/.exec(measure)?.[1] ?? measure);
          let list = byTime.get(family);
          if (!list) byTime.set(family, (list = []));
          list.push(x);
        }
        for (const list of byTime.values()) {
          for (const a of list) {
            for (const b of list) {
              if (a === b || !nestedIn(b.p!, a.p!)) continue;
              stats.pairs++;
              const rest = a.n - b.n;
              expect(rest > 0 && rest < 5, `${a.cell} (n=${a.n}, ${a.where}) minus ${b.cell} (n=${b.n}, ${b.where}) leaves ${rest}`).to.equal(false);
            }
          }
        }
      });
    });
  }
});
