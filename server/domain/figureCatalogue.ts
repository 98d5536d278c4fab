// The catalogue of every figure the installation can show, as a disclosure problem: each cell's
// group size and every partition between cells (see the rule in suppression.ts). Pure: the
// service reads the counts from the read model (storage/population.ts) and caches the plan.

import { cellKey, demoRef, measureRef, NOT_STATED, orgRef, PROCESS_KINDS, timeRef } from './figureCell.js';
import type { ChangeLink, DisclosureProblem, Partition } from './suppression.js';

export interface CatalogueStructure {
  federations: readonly number[];
  interventions: ReadonlyArray<{ id: number; federationId: number; subprojectId: number | null; individual: boolean }>;
  subprojects: ReadonlyArray<{ id: number; projectId: number; federationId: number }>;
  rounds: ReadonlyArray<{ id: number; federationId: number }>;
  targets: ReadonlyArray<{ id: number; projectId: number; statuses: readonly string[] }>;
  /** Named groups of exit statuses shown as one figure ("work or studies"). */
  exitGroups: Readonly<Record<string, readonly string[]>>;
}

interface Counted { interventionId: number; gender: string | null; ageBand: string | null; roundId: number | null; inAll: number; inRound: number }

export interface CatalogueData {
  scores: ReadonlyArray<Counted & { point: string; indicatorId: string }>;
  /** Per change (from, to): the people who pair. */
  pairs: ReadonlyArray<{ from: string; to: string; rows: ReadonlyArray<Counted & { indicatorId: string }> }>;
  /** Participants so far (round null) and within each round's dates. */
  participants: ReadonlyArray<{
    roundId: number | null;
    figures: ReadonlyArray<{ interventionId: number; active: number; started: number; ended: number }>;
    exits: ReadonlyArray<{ interventionId: number; status: string; n: number }>;
  }>;
  process: ReadonlyArray<{ interventionId: number; point: string; roundId: number | null; issued: number; started: number; web: number; paper: number; imported: number }>;
}

/** Builds the whole installation's disclosure problem. */
export function buildCatalogue(s: CatalogueStructure, d: CatalogueData): DisclosureProblem {
  const counts = new Map<string, number>();
  const add = (key: string, n: number) => {
    if (n > 0) counts.set(key, (counts.get(key) ?? 0) + n);
  };
  const partitions: Partition[] = [];
  const partition = (parent: string, parts: readonly string[], keepParent = false) => {
    if (!counts.has(parent)) return;
    const present = parts.filter((k) => counts.has(k));
    partitions.push(keepParent ? { parent, parts: present, keepParent } : { parent, parts: present });
  };
  const links: ChangeLink[] = [];

  const interventions = new Map(s.interventions.map((i) => [i.id, i]));
  const subprojects = new Map(s.subprojects.map((x) => [x.id, x]));
  const roundsOf = new Map<number, string[]>();
  for (const r of s.rounds) {
    let list = roundsOf.get(r.federationId);
    if (!list) roundsOf.set(r.federationId, (list = []));
    list.push(timeRef(r.id));
  }
  const federationOfRound = new Map(s.rounds.map((r) => [timeRef(r.id), r.federationId]));
  const individual = s.interventions.filter((i) => i.individual);
  const orgGroups = {
    federation: new Map(s.federations.map((f) => [f, individual.filter((i) => i.federationId === f).map((i) => orgRef.intervention(i.id))])),
    subproject: new Map(s.subprojects.map((x) => [x.id, individual.filter((i) => i.subprojectId === x.id).map((i) => orgRef.intervention(i.id))])),
    project: new Map<number, string[]>(),
  };
  for (const x of s.subprojects) {
    let list = orgGroups.project.get(x.projectId);
    if (!list) orgGroups.project.set(x.projectId, (list = []));
    list.push(orgRef.subproject(x.id));
  }

  /** The organisational cells an intervention's people count in, so far or within a round. */
  const orgsOf = (interventionId: number, inRound: boolean, levels: { federation?: boolean; installation?: boolean; project?: boolean }): string[] => {
    const i = interventions.get(interventionId);
    const list = [orgRef.intervention(interventionId)];
    if (!i?.individual) return list;
    if (levels.federation) list.push(orgRef.federation(i.federationId));
    if (i.subprojectId !== null) {
      list.push(orgRef.subproject(i.subprojectId));
      const project = subprojects.get(i.subprojectId)?.projectId;
      if (levels.project && !inRound && project !== undefined) list.push(orgRef.project(project));
    }
    if (levels.installation && !inRound) list.push(orgRef.installation);
    return list;
  };
  const federationOfOrg = (org: string): number | undefined => {
    if (org.startsWith('f')) return Number(org.slice(1));
    if (org.startsWith('s')) return subprojects.get(Number(org.slice(1)))?.federationId;
    if (org.startsWith('i')) return interventions.get(Number(org.slice(1)))?.federationId;
    return undefined;
  };

  const genders = new Set<string>();
  const ages = new Set<string>();
  const demosOf = (gender: string | null, ageBand: string | null) => {
    const g = demoRef({ gender });
    const a = demoRef({ ageBand });
    genders.add(g);
    ages.add(a);
    return ['all', g, a];
  };

  /** Adds a person-level count to every cell it belongs to. */
  const addCounted = (measures: readonly string[], row: Counted, levels: Parameters<typeof orgsOf>[2]) => {
    const demos = demosOf(row.gender, row.ageBand);
    for (const org of orgsOf(row.interventionId, false, levels)) for (const demo of demos) for (const m of measures) add(cellKey(m, org, demo, 'all'), row.inAll);
    if (row.roundId === null) return;
    const time = timeRef(row.roundId);
    for (const org of orgsOf(row.interventionId, true, levels)) for (const demo of demos) for (const m of measures) add(cellKey(m, org, demo, time), row.inRound);
  };

  const scoreMeasures = new Set<string>();
  for (const row of d.scores) {
    const m = measureRef.score(row.indicatorId, row.point);
    scoreMeasures.add(m);
    addCounted([m], row, { federation: true, installation: true });
  }
  const pairMeasures: { change: string; before: string; after: string; fromScore: string; toScore: string }[] = [];
  for (const { from, to, rows } of d.pairs) {
    const seen = new Set<string>();
    for (const row of rows) {
      const ms = [measureRef.change(row.indicatorId, from, to), measureRef.before(row.indicatorId, from, to), measureRef.after(row.indicatorId, from, to)];
      if (!seen.has(row.indicatorId)) {
        seen.add(row.indicatorId);
        pairMeasures.push({ change: ms[0]!, before: ms[1]!, after: ms[2]!, fromScore: measureRef.score(row.indicatorId, from), toScore: measureRef.score(row.indicatorId, to) });
      }
      addCounted(ms, row, {});
    }
  }

  const allTimes = ['all', ...s.rounds.map((r) => timeRef(r.id))];
  const orgsIn = (time: string, levels: { installation?: boolean; federation?: boolean; project?: boolean }): string[] => {
    const f = federationOfRound.get(time);
    const inFederation = (id: number) => f === undefined || id === f;
    const list: string[] = [];
    if (levels.installation && time === 'all') list.push(orgRef.installation);
    if (levels.federation) for (const id of s.federations) if (inFederation(id)) list.push(orgRef.federation(id));
    for (const x of s.subprojects) if (inFederation(x.federationId)) list.push(orgRef.subproject(x.id));
    if (levels.project && time === 'all') for (const id of orgGroups.project.keys()) list.push(orgRef.project(id));
    for (const i of s.interventions) if (inFederation(i.federationId)) list.push(orgRef.intervention(i.id));
    return list;
  };

  /** Org partitions of a measure at a time and demo: installation → förbund → interventions, delprojekt → interventions, project → delprojekt. */
  const orgPartitions = (m: string, time: string, demo: string, levels: { installation?: boolean; federation?: boolean; project?: boolean }) => {
    const f = federationOfRound.get(time);
    if (levels.installation && time === 'all') partition(cellKey(m, orgRef.installation, demo, time), s.federations.map((id) => cellKey(m, orgRef.federation(id), demo, time)));
    if (levels.federation) {
      for (const [id, parts] of orgGroups.federation) if (f === undefined || f === id) partition(cellKey(m, orgRef.federation(id), demo, time), parts.map((o) => cellKey(m, o, demo, time)));
    }
    for (const x of s.subprojects) {
      if (f === undefined || f === x.federationId) partition(cellKey(m, orgRef.subproject(x.id), demo, time), orgGroups.subproject.get(x.id)!.map((o) => cellKey(m, o, demo, time)));
    }
    if (levels.project && time === 'all') for (const [id, parts] of orgGroups.project) partition(cellKey(m, orgRef.project(id), demo, time), parts.map((o) => cellKey(m, o, demo, time)));
  };

  /** Everything so far of an org is its rounds (and answers in no round). */
  const timePartitions = (m: string, org: string, demo: string) => {
    const f = federationOfOrg(org);
    if (f === undefined) return;
    partition(cellKey(m, org, demo, 'all'), (roundsOf.get(f) ?? []).map((t) => cellKey(m, org, demo, t)));
  };

  const personMeasure = (m: string, levels: { installation?: boolean; federation?: boolean }) => {
    for (const time of allTimes) {
      const orgs = orgsIn(time, levels);
      for (const demo of ['all', ...genders, ...ages]) orgPartitions(m, time, demo, levels);
      for (const org of orgs) {
        partition(cellKey(m, org, 'all', time), [...genders].map((g) => cellKey(m, org, g, time)));
        partition(cellKey(m, org, 'all', time), [...ages].map((a) => cellKey(m, org, a, time)));
      }
    }
    for (const org of orgsIn('all', levels)) for (const demo of ['all', ...genders, ...ages]) timePartitions(m, org, demo);
  };

  for (const m of scoreMeasures) personMeasure(m, { installation: true, federation: true });
  for (const p of pairMeasures) {
    for (const m of [p.change, p.before, p.after]) personMeasure(m, {});
    for (const time of allTimes) {
      for (const org of orgsIn(time, {})) {
        for (const demo of ['all', ...genders, ...ages]) {
          const key = (m: string) => cellKey(m, org, demo, time);
          if (!counts.has(key(p.change))) continue;
          // The paired people's before-answers are their latest so far; their after-answers are the counted ones of the time.
          partition(cellKey(p.fromScore, org, demo, 'all'), [key(p.before)], true);
          partition(key(p.toScore), [key(p.after)], true);
          links.push({ change: key(p.change), before: key(p.before), after: key(p.after) });
        }
      }
    }
  }

  // Participants, exit statuses and project targets: so far and within each round's dates.
  const countLevels = { federation: true, project: true };
  const countMeasures = new Set<string>();
  const statuses = new Set<string>();
  for (const block of d.participants) {
    const time = timeRef(block.roundId);
    const orgs = (iid: number) => orgsOf(iid, block.roundId !== null, countLevels);
    for (const row of block.figures) {
      for (const figure of ['active', 'started', 'ended'] as const) {
        const m = measureRef.participants(figure);
        countMeasures.add(m);
        for (const org of orgs(row.interventionId)) add(cellKey(m, org, 'all', time), row[figure]);
      }
    }
    for (const row of block.exits) {
      statuses.add(row.status);
      const measures = [measureRef.exit(row.status)];
      for (const [group, members] of Object.entries(s.exitGroups)) if (members.includes(row.status)) measures.push(measureRef.exitGroup(group));
      if (block.roundId === null) {
        const sub = interventions.get(row.interventionId)?.subprojectId ?? null;
        const project = sub === null ? undefined : subprojects.get(sub)?.projectId;
        for (const t of s.targets) if (t.projectId === project && t.statuses.includes(row.status)) measures.push(measureRef.target(t.id));
      }
      for (const m of measures) {
        countMeasures.add(m);
        for (const org of orgs(row.interventionId)) add(cellKey(m, org, 'all', time), row.n);
      }
    }
  }
  for (const m of countMeasures) {
    for (const time of allTimes) orgPartitions(m, time, 'all', countLevels);
    if (m !== measureRef.participants('active')) for (const org of orgsIn('all', countLevels)) timePartitions(m, org, 'all');
  }
  for (const time of allTimes) {
    for (const org of orgsIn(time, countLevels)) {
      const key = (m: string) => cellKey(m, org, 'all', time);
      partition(key(measureRef.participants('ended')), [...statuses].map((st) => key(measureRef.exit(st))));
      for (const [group, members] of Object.entries(s.exitGroups)) partition(key(measureRef.exitGroup(group)), members.map((st) => key(measureRef.exit(st))));
      for (const t of s.targets) partition(key(measureRef.target(t.id)), t.statuses.map((st) => key(measureRef.exit(st))));
    }
  }

  // The measurement's process: codes and answers per point, per intervention and förbund.
  const processMeasures = new Set<string>();
  for (const row of d.process) {
    const values: Record<(typeof PROCESS_KINDS)[number], number> = {
      issued: row.issued, started: row.started, answered: row.web + row.paper, web: row.web, paper: row.paper, imported: row.imported,
    };
    for (const kind of PROCESS_KINDS) {
      const m = measureRef.process(kind, row.point);
      processMeasures.add(m);
      for (const org of orgsOf(row.interventionId, false, { federation: true })) {
        add(cellKey(m, org, 'all', 'all'), values[kind]);
        if (row.roundId !== null) add(cellKey(m, org, 'all', timeRef(row.roundId)), values[kind]);
      }
    }
  }
  for (const m of processMeasures) {
    for (const time of allTimes) orgPartitions(m, time, 'all', { federation: true });
    for (const org of orgsIn('all', { federation: true })) timePartitions(m, org, 'all');
    const point = m.slice(m.indexOf('@') + 1);
    if (m === measureRef.process('answered', point)) {
      for (const time of allTimes) {
        for (const org of orgsIn(time, { federation: true })) {
          partition(cellKey(m, org, 'all', time), [cellKey(measureRef.process('web', point), org, 'all', time), cellKey(measureRef.process('paper', point), org, 'all', time)]);
        }
      }
    }
  }

  const silent = new Set<string>();
  const notStated = [`|g:${NOT_STATED}|`, `|a:${NOT_STATED}|`];
  for (const key of counts.keys()) if (notStated.some((part) => key.includes(part))) silent.add(key);
  return { counts, partitions, links, silent };
}
