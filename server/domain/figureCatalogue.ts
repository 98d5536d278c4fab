// The catalogue of every figure the installation can show, as a disclosure problem: each cell's
// group size and every partition between cells (see the rule in suppression.ts). Pure: the
// service reads the counts from the read model (storage/population.ts) and caches the plan.
//
// Cells are planned by the people they describe, not by their names: a förbund with one
// intervention, a delprojekt that is a whole förbund, "the förbund's other interventions" when
// there is one other — each is the same group of people as another cell, so it is one cell of the
// plan (`canonical` maps a name to it) and both names are shown or hidden together.

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

type Levels = { installation?: boolean; federation?: boolean; others?: boolean; project?: boolean };

/** Builds the whole installation's disclosure problem. */
export function buildCatalogue(s: CatalogueStructure, d: CatalogueData): DisclosureProblem {
  const interventions = new Map(s.interventions.map((i) => [i.id, i]));
  const subprojects = new Map(s.subprojects.map((x) => [x.id, x]));
  const individual = s.interventions.filter((i) => i.individual);
  const ofFederation = new Map(s.federations.map((f) => [f, individual.filter((i) => i.federationId === f).map((i) => i.id)]));
  const ofSubproject = new Map(s.subprojects.map((x) => [x.id, individual.filter((i) => i.subprojectId === x.id).map((i) => i.id)]));
  const subprojectsOfProject = new Map<number, number[]>();
  for (const x of s.subprojects) {
    let list = subprojectsOfProject.get(x.projectId);
    if (!list) subprojectsOfProject.set(x.projectId, (list = []));
    list.push(x.id);
  }
  const roundsOf = new Map<number, string[]>();
  for (const r of s.rounds) {
    let list = roundsOf.get(r.federationId);
    if (!list) roundsOf.set(r.federationId, (list = []));
    list.push(timeRef(r.id));
  }
  const federationOfRound = new Map(s.rounds.map((r) => [timeRef(r.id), r.federationId]));
  const others = orgRef.others;

  /** The interventions whose people an organisational cell describes. */
  const peopleOf = (org: string): number[] => {
    if (org === orgRef.installation) return individual.map((i) => i.id);
    const without = /^f(\d+)~i(\d+)$/.exec(org);
    if (without) return (ofFederation.get(Number(without[1])) ?? []).filter((i) => i !== Number(without[2]));
    const id = Number(org.slice(1));
    switch (org[0]) {
      case 'f': return ofFederation.get(id) ?? [];
      case 's': return ofSubproject.get(id) ?? [];
      case 'p': return (subprojectsOfProject.get(id) ?? []).flatMap((x) => ofSubproject.get(x) ?? []);
      case 'i': return interventions.has(id) ? [id] : [];
      default: return [];
    }
  };
  const canonicalOrgs = new Map<string, string>();
  const groups = new Map<string, string>();
  const canonicalOrg = (org: string): string => {
    let id = canonicalOrgs.get(org);
    if (id === undefined) {
      const people = [...new Set(peopleOf(org))].sort((a, b) => a - b).join(',');
      id = groups.get(people);
      if (id === undefined) groups.set(people, (id = `o${groups.size}`));
      canonicalOrgs.set(org, id);
    }
    return id;
  };
  const key = (measure: string, org: string, demo: string, time: string) => cellKey(measure, canonicalOrg(org), demo, time);

  const counts = new Map<string, number>();
  const add = (k: string, n: number) => {
    if (n > 0) counts.set(k, (counts.get(k) ?? 0) + n);
  };
  const partitions: Partition[] = [];
  const seenPartitions = new Set<string>();
  const partition = (parent: string, parts: readonly string[], keepParent = false) => {
    if (!counts.has(parent)) return;
    const present = [...new Set(parts.filter((k) => counts.has(k) && k !== parent))];
    if (present.length === 0 && !keepParent) return;
    // The same partition can come from two names of one group (a förbund with two interventions
    // beside "the others"); the generators list parts in a fixed order, so the text is the key.
    const id = `${parent}=${present.join('+')}${keepParent ? '!' : ''}`;
    if (seenPartitions.has(id)) return;
    seenPartitions.add(id);
    partitions.push(keepParent ? { parent, parts: present, keepParent } : { parent, parts: present });
  };
  const links: ChangeLink[] = [];

  /** The organisational cells an intervention's people count in, so far or within a round. */
  const orgsOf = (interventionId: number, inRound: boolean, levels: Levels): string[] => {
    const i = interventions.get(interventionId);
    const list = [orgRef.intervention(interventionId)];
    if (!i?.individual) return list;
    if (levels.federation) list.push(orgRef.federation(i.federationId));
    if (levels.others) for (const other of ofFederation.get(i.federationId) ?? []) if (other !== interventionId) list.push(others(i.federationId, other));
    if (i.subprojectId !== null) {
      list.push(orgRef.subproject(i.subprojectId));
      const project = subprojects.get(i.subprojectId)?.projectId;
      if (levels.project && !inRound && project !== undefined) list.push(orgRef.project(project));
    }
    if (levels.installation && !inRound) list.push(orgRef.installation);
    return list;
  };
  /** Every organisational cell at a time (a round: only its förbund's). */
  const orgsIn = (time: string, levels: Levels): string[] => {
    const f = federationOfRound.get(time);
    const inFederation = (id: number) => f === undefined || id === f;
    const list: string[] = [];
    if (levels.installation && time === 'all') list.push(orgRef.installation);
    for (const id of s.federations) {
      if (!inFederation(id)) continue;
      if (levels.federation) list.push(orgRef.federation(id));
      if (levels.others) for (const i of ofFederation.get(id) ?? []) list.push(others(id, i));
    }
    for (const x of s.subprojects) if (inFederation(x.federationId)) list.push(orgRef.subproject(x.id));
    if (levels.project && time === 'all') for (const id of subprojectsOfProject.keys()) list.push(orgRef.project(id));
    for (const i of s.interventions) if (inFederation(i.federationId)) list.push(orgRef.intervention(i.id));
    return list;
  };
  const federationOfOrg = (org: string): number | undefined => {
    const id = Number(/^[fsi](\d+)/.exec(org)?.[1]);
    if (org.startsWith('f')) return id;
    if (org.startsWith('s')) return subprojects.get(id)?.federationId;
    if (org.startsWith('i')) return interventions.get(id)?.federationId;
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
  const addCounted = (measures: readonly string[], row: Counted, levels: Levels) => {
    const demos = demosOf(row.gender, row.ageBand);
    const orgsAll = [...new Set(orgsOf(row.interventionId, false, levels).map(canonicalOrg))];
    for (const org of orgsAll) for (const demo of demos) for (const m of measures) add(cellKey(m, org, demo, 'all'), row.inAll);
    if (row.roundId === null) return;
    const time = timeRef(row.roundId);
    const orgsRound = [...new Set(orgsOf(row.interventionId, true, levels).map(canonicalOrg))];
    for (const org of orgsRound) for (const demo of demos) for (const m of measures) add(cellKey(m, org, demo, time), row.inRound);
  };

  /** Org partitions at one time and demo: installation → förbund → interventions (and each intervention beside "the others"), delprojekt → interventions, project → delprojekt. */
  const orgPartitions = (m: string, time: string, demo: string, levels: Levels) => {
    const f = federationOfRound.get(time);
    const k = (org: string) => key(m, org, demo, time);
    if (levels.installation && time === 'all') partition(k(orgRef.installation), s.federations.map((id) => k(orgRef.federation(id))));
    for (const [id, members] of ofFederation) {
      if (f !== undefined && f !== id) continue;
      if (levels.federation) partition(k(orgRef.federation(id)), members.map((i) => k(orgRef.intervention(i))));
      if (levels.others) {
        for (const i of members) {
          partition(k(orgRef.federation(id)), [k(orgRef.intervention(i)), k(others(id, i))]);
          partition(k(others(id, i)), members.filter((j) => j !== i).map((j) => k(orgRef.intervention(j))));
        }
      }
    }
    for (const x of s.subprojects) if (f === undefined || f === x.federationId) partition(k(orgRef.subproject(x.id)), (ofSubproject.get(x.id) ?? []).map((i) => k(orgRef.intervention(i))));
    if (levels.project && time === 'all') for (const [id, subs] of subprojectsOfProject) partition(k(orgRef.project(id)), subs.map((x) => k(orgRef.subproject(x))));
  };

  /** Everything so far of an org is its rounds (and answers in no round). */
  const timePartitions = (m: string, org: string, demo: string) => {
    const f = federationOfOrg(org);
    if (f === undefined) return;
    partition(key(m, org, demo, 'all'), (roundsOf.get(f) ?? []).map((t) => key(m, org, demo, t)));
  };

  const allTimes = ['all', ...s.rounds.map((r) => timeRef(r.id))];
  const personMeasure = (m: string, levels: Levels) => {
    const demos = ['all', ...genders, ...ages];
    for (const time of allTimes) {
      for (const demo of demos) orgPartitions(m, time, demo, levels);
      for (const org of orgsIn(time, levels)) {
        partition(key(m, org, 'all', time), [...genders].map((g) => key(m, org, g, time)));
        partition(key(m, org, 'all', time), [...ages].map((a) => key(m, org, a, time)));
      }
    }
    for (const org of orgsIn('all', levels)) for (const demo of demos) timePartitions(m, org, demo);
  };

  // Indicator scores: every org level, "the others" beside each intervention, every person group and time.
  const scoreLevels: Levels = { installation: true, federation: true, others: true };
  const scoreMeasures = new Set<string>();
  for (const row of d.scores) {
    const m = measureRef.score(row.indicatorId, row.point);
    scoreMeasures.add(m);
    addCounted([m], row, scoreLevels);
  }
  // Paired changes: per intervention and delprojekt.
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
  for (const m of scoreMeasures) personMeasure(m, scoreLevels);
  for (const p of pairMeasures) {
    for (const m of [p.change, p.before, p.after]) personMeasure(m, {});
    for (const time of allTimes) {
      for (const org of orgsIn(time, {})) {
        for (const demo of ['all', ...genders, ...ages]) {
          const k = (m: string) => key(m, org, demo, time);
          if (!counts.has(k(p.change))) continue;
          // The paired people's before-answers are their latest so far; their after-answers are the counted ones of the time.
          partition(key(p.fromScore, org, demo, 'all'), [k(p.before)], true);
          partition(k(p.toScore), [k(p.after)], true);
          links.push({ change: k(p.change), before: k(p.before), after: k(p.after) });
        }
      }
    }
  }

  // Participants, exit statuses and project targets: so far and within each round's dates.
  const countLevels: Levels = { federation: true, project: true };
  const countMeasures = new Set<string>();
  const statuses = new Set<string>();
  for (const block of d.participants) {
    const time = timeRef(block.roundId);
    const orgs = (iid: number) => [...new Set(orgsOf(iid, block.roundId !== null, countLevels).map(canonicalOrg))];
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
    // Who is in the intervention during a round is no part of who is in it now.
    if (m !== measureRef.participants('active')) for (const org of orgsIn('all', countLevels)) timePartitions(m, org, 'all');
  }
  for (const time of allTimes) {
    for (const org of orgsIn(time, countLevels)) {
      const k = (m: string) => key(m, org, 'all', time);
      partition(k(measureRef.participants('ended')), [...statuses].map((st) => k(measureRef.exit(st))));
      for (const [group, members] of Object.entries(s.exitGroups)) partition(k(measureRef.exitGroup(group)), members.map((st) => k(measureRef.exit(st))));
      for (const t of s.targets) partition(k(measureRef.target(t.id)), t.statuses.map((st) => k(measureRef.exit(st))));
    }
  }

  // The measurement's process: codes and answers per point, per intervention and förbund.
  const processLevels: Levels = { federation: true };
  const processMeasures = new Set<string>();
  for (const row of d.process) {
    const values: Record<(typeof PROCESS_KINDS)[number], number> = {
      issued: row.issued, started: row.started, answered: row.web + row.paper, web: row.web, paper: row.paper, imported: row.imported,
    };
    const orgs = [...new Set(orgsOf(row.interventionId, false, processLevels).map(canonicalOrg))];
    for (const kind of PROCESS_KINDS) {
      const m = measureRef.process(kind, row.point);
      processMeasures.add(m);
      for (const org of orgs) {
        add(cellKey(m, org, 'all', 'all'), values[kind]);
        if (row.roundId !== null) add(cellKey(m, org, 'all', timeRef(row.roundId)), values[kind]);
      }
    }
  }
  for (const m of processMeasures) {
    for (const time of allTimes) orgPartitions(m, time, 'all', processLevels);
    for (const org of orgsIn('all', processLevels)) timePartitions(m, org, 'all');
    const point = m.slice(m.indexOf('@') + 1);
    if (m !== measureRef.process('answered', point)) continue;
    for (const time of allTimes) {
      for (const org of orgsIn(time, processLevels)) {
        partition(key(m, org, 'all', time), [key(measureRef.process('web', point), org, 'all', time), key(measureRef.process('paper', point), org, 'all', time)]);
      }
    }
  }

  const silent = new Set<string>();
  const notStated = [`|g:${NOT_STATED}|`, `|a:${NOT_STATED}|`];
  for (const k of counts.keys()) if (notStated.some((part) => k.includes(part))) silent.add(k);
  /** A cell's name as the plan knows it: its organisation by the people in it. */
  const canonical = (name: string): string => {
    const [measure, org, demo, time] = name.split('|');
    return measure === undefined || org === undefined || demo === undefined || time === undefined ? name : cellKey(measure, canonicalOrg(org), demo, time);
  };
  return { counts, partitions, links, silent, canonical };
}
