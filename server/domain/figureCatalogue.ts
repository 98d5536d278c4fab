// The catalogue of every figure the installation can show, as disclosure problems: each cell's
// group size and every partition between cells (see the rule in suppression.ts). Pure: the
// service reads the counts from the read model (storage/population.ts) and caches the plans.
//
// Cells are planned by the people they describe, not by their names: a förbund with one
// intervention, a delprojekt that is a whole förbund, "the förbund's other interventions" when
// there is one other — each is the same group of people as another cell, so it is one cell of the
// plan (`canonical` maps a name to it) and both names are shown or hidden together.
//
// Each förbund is planned on its own (its interventions, delprojekt, "the others", genders, age
// bands, rounds), or together with the förbund it shares a project with, so an answer in one
// förbund re-plans only its group. The installation's figures, when they span groups, are planned
// last, on top of the groups' plans: they are sums of cells those plans decided, so where a sum
// would give a hidden part away the sum itself is hidden, never a förbund's own cell.

import { cellKey, demoRef, measureRef, NOT_STATED, orgRef, PROCESS_KINDS, timeRef } from './figureCell.js';
import type { ChangeLink, DisclosurePlan, DisclosureProblem, HiddenReason, Partition } from './suppression.js';
import type { MeasurementPoint } from './instrumentTypes.js';

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
  scores: ReadonlyArray<Counted & { point: MeasurementPoint; indicatorId: string }>;
  /** Per change (from, to): the people who pair. */
  pairs: ReadonlyArray<{ from: MeasurementPoint; to: MeasurementPoint; rows: ReadonlyArray<Counted & { indicatorId: string }> }>;
  /** Participants so far (round null) and within each round's dates. */
  participants: ReadonlyArray<{
    roundId: number | null;
    figures: ReadonlyArray<{ interventionId: number; active: number; started: number; ended: number }>;
    exits: ReadonlyArray<{ interventionId: number; status: string; n: number }>;
  }>;
  process: ReadonlyArray<{ interventionId: number; point: MeasurementPoint; roundId: number | null; issued: number; started: number; web: number; paper: number; imported: number }>;
}

type Levels = { installation?: boolean; federation?: boolean; others?: boolean; project?: boolean };

/** The names of the plans' cells: which people a cell describes, and which plan decides it. */
export interface CatalogueNames {
  /** A cell's name as the plans know it: its organisation by the people in it. */
  canonical: (key: string) => string;
  /** The group of förbund whose plan decides a (canonical) cell, or 'top' for cells that span groups. */
  componentOf: (key: string) => number | 'top';
  /** The groups of förbund planned together, each by its first förbund: a förbund alone, or with those it shares a project with. */
  components: ReadonlyMap<number, readonly number[]>;
}

/** Stable across builds: the same people always get the same organisation id. */
function groupId(people: readonly number[]): string {
  const text = people.join('.');
  if (people.length <= 12) return `o${text}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let k = 0; k < text.length; k++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(k), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ text.charCodeAt(k), 0x5bd1e995) >>> 0;
  }
  return `o${people.length}x${h1.toString(36)}${h2.toString(36)}`;
}

export function catalogueNames(s: CatalogueStructure): CatalogueNames {
  const interventions = new Map(s.interventions.map((i) => [i.id, i]));
  const individual = s.interventions.filter((i) => i.individual);
  const ofFederation = new Map(s.federations.map((f) => [f, individual.filter((i) => i.federationId === f).map((i) => i.id)]));
  const ofSubproject = new Map(s.subprojects.map((x) => [x.id, individual.filter((i) => i.subprojectId === x.id).map((i) => i.id)]));
  const peopleOf = (org: string): number[] => {
    if (org === orgRef.installation) return individual.map((i) => i.id);
    const without = /^f(\d+)~i(\d+)$/.exec(org);
    if (without) return (ofFederation.get(Number(without[1])) ?? []).filter((i) => i !== Number(without[2]));
    const id = Number(org.slice(1));
    switch (org[0]) {
      case 'f': return ofFederation.get(id) ?? [];
      case 's': return ofSubproject.get(id) ?? [];
      case 'p': return s.subprojects.filter((x) => x.projectId === id).flatMap((x) => ofSubproject.get(x.id) ?? []);
      case 'i': return interventions.has(id) ? [id] : [];
      default: return [];
    }
  };
  const canonicalOrgs = new Map<string, string>();
  const canonicalOrg = (org: string): string => {
    if (org.startsWith('o')) return org;
    let id = canonicalOrgs.get(org);
    if (id === undefined) canonicalOrgs.set(org, (id = groupId([...new Set(peopleOf(org))].sort((a, b) => a - b))));
    return id;
  };
  // Förbund that share a project are planned together (a project's figures are the sums of its
  // delprojekt's); every other förbund alone. A group of förbund planned together is named by its
  // first förbund.
  const componentOfFederation = new Map(s.federations.map((f) => [f, f]));
  const find = (f: number): number => {
    const up = componentOfFederation.get(f) ?? f;
    return up === f ? f : find(up);
  };
  const projects = new Map<number, number[]>();
  for (const x of s.subprojects) projects.set(x.projectId, [...(projects.get(x.projectId) ?? []), x.federationId]);
  for (const members of projects.values()) {
    for (const f of members) {
      const [a, b] = [find(members[0]!), find(f)];
      if (a !== b) componentOfFederation.set(Math.max(a, b), Math.min(a, b));
    }
  }
  const components = new Map<number, number[]>();
  for (const f of s.federations) components.set(find(f), [...(components.get(find(f)) ?? []), f]);
  // A group's plan decides every cell its förbund's own figures describe: their interventions,
  // themselves, "the others", their delprojekt and projects, and the installation when it is all
  // of them. What no group's figures describe (several groups) is planned on top.
  const owner = new Map<string, number>();
  for (const [component, members] of components) {
    const inside = new Set(members);
    const orgs = [
      ...members.flatMap((f) => [orgRef.federation(f), ...s.interventions.filter((i) => i.federationId === f).flatMap((i) => [orgRef.intervention(i.id), orgRef.others(f, i.id)])]),
      ...s.subprojects.filter((x) => inside.has(x.federationId)).flatMap((x) => [orgRef.subproject(x.id), orgRef.project(x.projectId)]),
      ...(members.length === s.federations.length ? [orgRef.installation] : []),
    ];
    for (const org of orgs) if (!owner.has(canonicalOrg(org))) owner.set(canonicalOrg(org), component);
  }
  const canonical = (name: string): string => {
    const [measure, org, demo, time] = name.split('|');
    return measure === undefined || org === undefined || demo === undefined || time === undefined ? name : cellKey(measure, canonicalOrg(org), demo, time);
  };
  return { canonical, componentOf: (key) => owner.get(key.split('|')[1] ?? '') ?? 'top', components };
}

/** The disclosure problem of a group of förbund planned together: their own cells and partitions (none that spans other förbund). */
export function buildComponentCatalogue(all: CatalogueStructure, d: CatalogueData, federationIds: readonly number[], names: CatalogueNames): DisclosureProblem {
  const inside = new Set(federationIds);
  const mine = new Set(all.interventions.filter((i) => inside.has(i.federationId)).map((i) => i.id));
  const subs = all.subprojects.filter((x) => inside.has(x.federationId));
  const s: CatalogueStructure = {
    federations: federationIds,
    interventions: all.interventions.filter((i) => mine.has(i.id)),
    subprojects: subs,
    rounds: all.rounds.filter((r) => inside.has(r.federationId)),
    targets: all.targets.filter((t) => subs.some((x) => x.projectId === t.projectId)),
    exitGroups: all.exitGroups,
  };
  const data: CatalogueData = {
    scores: d.scores.filter((r) => mine.has(r.interventionId)),
    pairs: d.pairs.map((p) => ({ ...p, rows: p.rows.filter((r) => mine.has(r.interventionId)) })),
    participants: d.participants.map((b) => ({ ...b, figures: b.figures.filter((r) => mine.has(r.interventionId)), exits: b.exits.filter((r) => mine.has(r.interventionId)) })),
    process: d.process.filter((r) => mine.has(r.interventionId)),
  };
  return buildCatalogue(s, data, names, federationIds.length === all.federations.length);
}

/** Builds the disclosure problem of the cells in a structure (one förbund's), under the names of the whole installation. */
function buildCatalogue(s: CatalogueStructure, d: CatalogueData, names: CatalogueNames, installation: boolean): DisclosureProblem {
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

  const canonicalOrg = (org: string) => names.canonical(cellKey('x', org, 'all', 'all')).split('|')[1]!;
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
  const scoreLevels: Levels = { installation, federation: true, others: true };
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
    const point = m.slice(m.indexOf('@') + 1) as MeasurementPoint;
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
  return { counts, partitions, links, silent, canonical: names.canonical };
}

/**
 * The installation's indicator figures when its förbund are planned apart, on top of their plans:
 * each is the sum of the förbund's (by person group). The förbund's cells are fixed here; only the
 * sums can be hidden — a comparison with all förbund gives way to a förbund's own figure.
 */
export function buildTopCatalogue(names: CatalogueNames, components: ReadonlyMap<number, { problem: DisclosureProblem; plan: DisclosurePlan }>): DisclosureProblem {
  const org = (ref: string) => names.canonical(cellKey('x', ref, 'all', 'all')).split('|')[1]!;
  const installation = org(orgRef.installation);
  const counts = new Map<string, number>();
  const hiddenFromStart = new Map<string, HiddenReason>();
  const fixed = new Set<string>();
  const parts = new Map<string, string[]>();
  const partitions: Partition[] = [];
  if (names.componentOf(cellKey('x', installation, 'all', 'all')) === 'top') {
    for (const [component, { problem, plan }] of components) {
      const own = new Set((names.components.get(component) ?? []).map((f) => org(orgRef.federation(f))));
      for (const [key, n] of problem.counts) {
        const [measure, cellOrg, demo, time] = key.split('|') as [string, string, string, string];
        if (time !== 'all' || !own.has(cellOrg) || !measure.startsWith('s:')) continue;
        counts.set(key, n);
        fixed.add(key);
        const reason = plan.reason(key);
        if (reason !== null) hiddenFromStart.set(key, reason);
        const sum = cellKey(measure, installation, demo, 'all');
        counts.set(sum, (counts.get(sum) ?? 0) + n);
        parts.set(sum, [...(parts.get(sum) ?? []), key]);
      }
    }
    for (const [parent, list] of parts) partitions.push({ parent, parts: list });
    // The installation by person group.
    const demosOf = new Map<string, string[]>();
    for (const key of parts.keys()) {
      const [measure, , demo] = key.split('|') as [string, string, string];
      if (demo !== 'all') demosOf.set(measure, [...(demosOf.get(measure) ?? []), key]);
    }
    for (const [measure, demos] of demosOf) {
      for (const prefix of ['g:', 'a:']) partitions.push({ parent: cellKey(measure, installation, 'all', 'all'), parts: demos.filter((k) => k.split('|')[2]!.startsWith(prefix)) });
    }
  }
  const silent = new Set([...counts.keys()].filter((key) => key.includes(`|g:${NOT_STATED}|`) || key.includes(`|a:${NOT_STATED}|`)));
  return {
    counts, partitions: partitions.filter((p) => counts.has(p.parent) && p.parts.length > 0), silent, hiddenFromStart, fixed,
    fixedResidual: (key) => {
      const component = names.componentOf(key);
      return (component === 'top' ? undefined : components.get(component)?.plan.residual(key)) ?? counts.get(key) ?? 0;
    },
    canonical: names.canonical,
  };
}
