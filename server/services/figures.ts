import type { AppContext } from '../context.js';
import { halfOpen } from '../domain/calendarDate.js';
import {
  CHANGE_PAIRS, changeStats, itemStats, pointStats,
  type ChangePair, type ChangeStats, type IndicatorResult, type ItemAnswer, type ItemPointStats, type PointStats,
} from '../domain/comparison.js';
import { EXIT_GROUPS } from '../domain/exitStatus.js';
import { buildComponentCatalogue, buildTopCatalogue, catalogueNames, type CatalogueData, type CatalogueStructure } from '../domain/figureCatalogue.js';
import { cellKey, demoRef, measureRef, orgRef, PROCESS_KINDS, timeRef, type ProcessKind } from '../domain/figureCell.js';
import { compareVersions, findItem, indicatorAskedAt } from '../domain/instrument.js';
import type { Indicator, Instrument } from '../domain/instrumentTypes.js';
import { versionNotice, type VersionNotice } from '../domain/instrumentVersions.js';
import { statusesOf } from '../domain/projectReport.js';
import type { ValueCount } from '../domain/statistics.js';
import { planDisclosure, type DisclosurePlan, type DisclosureProblem, type Partition, type SuppressionReason } from '../domain/suppression.js';
import type { Db } from '../storage/db.js';
import { cachedFigures } from './figureCache.js';
import { listFederations } from '../storage/federations.js';
import { listInterventions, type Intervention } from '../storage/interventions.js';
import {
  countedPairs, countedScores, exitCounts, figuresVersions, itemAnswers, pairBins, participantCounts, processCounts, scoreBins,
  type GroupBy, type ProcessRow, type Scope,
} from '../storage/population.js';
import { countedVersions } from '../storage/instrumentVersions.js';
import { listProjectTargets, listSubprojects } from '../storage/projects.js';
import { listRounds, type MeasurementRound } from '../storage/rounds.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

// Figures as they leave the server: the read model counts (storage/population.ts), the disclosure
// plan of the whole installation decides what is hidden (domain/suppression.ts, catalogue in
// domain/figureCatalogue.ts), the comparison engine computes. Every page, CSV, API response and
// report takes its figures from here.

interface ComponentPlan { version: string; problem: DisclosureProblem; plan: DisclosurePlan }
const cache = new WeakMap<Db, { components: Map<number, ComponentPlan>; combined?: { version: number; plan: DisclosurePlan } }>();

/**
 * The installation's disclosure plan: each förbund's own plan (with the förbund it shares a
 * project with; computed again only when their data has changed) and on top of them the plan of
 * the installation's figures.
 */
export function disclosurePlan(ctx: AppContext): DisclosurePlan {
  const db = ctx.db;
  let cached = cache.get(db);
  if (!cached) cache.set(db, (cached = { components: new Map() }));
  const versions = figuresVersions(db);
  const total = [...versions.values()].reduce((s, n) => s + n, 0);
  if (cached.combined?.version === total) return cached.combined.plan;

  const interventions = listInterventions(db);
  const rounds = listRounds(db);
  const structure: CatalogueStructure = {
    federations: listFederations(db).map((f) => f.id),
    interventions: interventions.map((i) => ({ id: i.id, federationId: i.federationId, subprojectId: i.subprojectId, individual: i.kind === 'individual' })),
    subprojects: listSubprojects(db).map((x) => ({ id: x.id, projectId: x.projectId, federationId: x.federationId })),
    rounds: rounds.map((r) => ({ id: r.id, federationId: r.federationId })),
    targets: listProjectTargets(db).map((t) => ({ id: t.id, projectId: t.projectId, statuses: statusesOf(t) })),
    exitGroups: EXIT_GROUPS,
  };
  const names = catalogueNames(structure);
  const components = new Map<number, ComponentPlan>();
  for (const [id, members] of names.components) {
    const inside = new Set(members);
    const version = `${members.join(',')}:${members.map((f) => versions.get(`f${f}`) ?? 0).join(',')}`;
    let entry = cached.components.get(id);
    if (!entry || entry.version !== version) {
      const data = componentData(db, interventions.filter((i) => inside.has(i.federationId)).map((i) => i.id), rounds.filter((r) => inside.has(r.federationId)));
      const problem = buildComponentCatalogue(structure, data, members, names);
      entry = { version, problem, plan: planDisclosure(problem) };
    }
    components.set(id, entry);
  }
  cached.components = components;
  const top = planDisclosure(buildTopCatalogue(names, components));
  const planOf = (key: string) => {
    const component = names.componentOf(names.canonical(key));
    return component === 'top' ? top : components.get(component)?.plan ?? top;
  };
  const plan: DisclosurePlan = { n: (key) => planOf(key).n(key), reason: (key) => planOf(key).reason(key), residual: (key) => planOf(key).residual(key) };
  cached.combined = { version: total, plan };
  return plan;
}

/** What a group's plan is built from: its interventions' counted people, participants by round, the measurement's process. */
function componentData(db: Db, ids: number[], rounds: MeasurementRound[]): CatalogueData {
  const counted = ids.map((id) => ({ scores: countedScores(db, id), pairs: countedPairs(db, id, CHANGE_PAIRS) }));
  return {
    scores: counted.flatMap((c) => c.scores),
    pairs: CHANGE_PAIRS.map(([from, to]) => ({ from, to, rows: counted.flatMap((c) => c.pairs.get(`${from}>${to}`)!) })),
    participants: [
      { roundId: null, figures: participantCounts(db, ids, null), exits: exitCounts(db, ids, null) },
      ...rounds.map((r) => {
        const period = halfOpen(r.startsOn, r.endsOn);
        return { roundId: r.id, figures: participantCounts(db, ids, period), exits: exitCounts(db, ids, period) };
      }),
    ],
    process: processCounts(db, ids),
  };
}

/** Which people and when: everything so far or one round, everyone or one gender or one age band. */
export interface PersonScope { round: number | null; gender?: string; ageBand?: string }

/** The cell name parts of a person scope. */
export const demoOf = (s: PersonScope) => demoRef(s.gender !== undefined ? { gender: s.gender } : s.ageBand !== undefined ? { ageBand: s.ageBand } : {});
export const timeOf = (s: PersonScope) => timeRef(s.round);

/** Whose figures: one cell of the organisation (an intervention, delprojekt, förbund, the installation) and its interventions. */
export interface OrgScope { org: string; interventionIds: readonly number[] }

export const interventionOrg = (i: Pick<Intervention, 'id'>): OrgScope => ({ org: orgRef.intervention(i.id), interventionIds: [i.id] });

export function readScope(org: OrgScope, s: PersonScope, round: Scope['round'] = s.round): Scope {
  return { interventionIds: org.interventionIds, round, ...(s.gender !== undefined && { gender: s.gender }), ...(s.ageBand !== undefined && { ageBand: s.ageBand }) };
}

/** Histograms keyed by a string made from each row. */
export function binsBy<R extends { count: number }>(rows: readonly R[], key: (row: R) => string, value: (row: R) => number): Map<string, ValueCount[]> {
  const out = new Map<string, ValueCount[]>();
  for (const row of rows) {
    const k = key(row);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push({ value: value(row), count: row.count });
  }
  return out;
}

/**
 * The instrument a scope's figures are read with: the newest version its counted answers were
 * given in, whose texts and indicators the figures show, and (with answers of more than one
 * version) the notice of which indicators changed between them (domain/instrumentVersions.ts).
 */
export interface ScopeInstrument {
  /** The newest version the scope's answers were given in; the newest installed when there are none yet. */
  instrument: Instrument;
  notice: VersionNotice | null;
  /** Whether an indicator's figures may be shown: the same items, scale and scoring in every version. */
  comparable(indicatorId: string): boolean;
}

/**
 * The instrument `instrumentId` as the figures of these interventions read it. The interventions
 * shown together on one screen or report are one scope: their figures are compared with each
 * other. A version answered in but no longer installed is compared as one without indicators, so
 * nothing is pooled with it (start-up refuses that case: requireAnsweredVersions).
 */
export function scopeInstrument(ctx: AppContext, instrumentId: string, interventionIds: readonly number[]): ScopeInstrument | undefined {
  const ids = [...new Set(interventionIds)].sort((a, b) => a - b);
  return cachedFigures(ctx, `scopeInstrument|${instrumentId}|${ids.join(',')}`, () => {
    const newestInstalled = ctx.instruments.get(instrumentId);
    if (!newestInstalled) return undefined;
    const answered = [...new Set(countedVersions(ctx.db, ids).filter((v) => v.instrumentId === instrumentId).map((v) => v.instrumentVersion))].sort(compareVersions);
    const installed = answered.map((version) => ctx.instruments.get(instrumentId, version)).filter((v): v is Instrument => v !== undefined);
    const versions = answered.map((version) => ctx.instruments.get(instrumentId, version) ?? { ...newestInstalled, version, indicators: [] });
    const notice = versionNotice(versions);
    const changed = new Set(notice?.changed.map((c) => c.indicatorId));
    return { instrument: installed.at(-1) ?? newestInstalled, notice, comparable: (indicatorId: string) => !changed.has(indicatorId) };
  });
}

/**
 * Why a figure of an indicator shows nothing: the plan's reason for its cell, "not asked" where the
 * question is not asked at that point, "changed" where its questions changed between the versions
 * the scope's answers were given in.
 */
export function reasonOf(plan: DisclosurePlan, key: string, asked = true, comparable = true): SuppressionReason | null {
  if (!asked) return 'notAsked';
  if (!comparable) return 'versionChanged';
  return plan.reason(key);
}

/** One indicator at one point for an org cell, from bins already read. */
export function pointFigure(plan: DisclosurePlan, org: string, s: PersonScope, scoped: ScopeInstrument, indicator: Indicator, point: MeasurementPoint, bins: readonly ValueCount[]): PointStats {
  const key = cellKey(measureRef.score(indicator.id, point), org, demoOf(s), timeOf(s));
  return pointStats(point, key, bins, reasonOf(plan, key, indicatorAskedAt(scoped.instrument, indicator, point), scoped.comparable(indicator.id)));
}

/** Per indicator: each point and every paired change of `pairs`, for one org cell. */
export function indicatorResults(
  ctx: AppContext, plan: DisclosurePlan, org: OrgScope, s: PersonScope, scoped: ScopeInstrument, points: readonly MeasurementPoint[], pairs: readonly ChangePair[],
  defaultPair: ChangePair | null,
): IndicatorResult[] {
  const bins = binsBy(scoreBins(ctx.db, readScope(org, s)), (r) => `${r.indicatorId}@${r.point}`, (r) => r.score);
  const wanted = [...pairs];
  if (defaultPair && !wanted.some(([a, b]) => a === defaultPair[0] && b === defaultPair[1])) wanted.push([defaultPair[0], defaultPair[1]]);
  const changes = new Map(wanted.map(([from, to]) => [`${from}>${to}`, changeFigures(ctx, plan, org, s, scoped, from, to)]));
  return scoped.instrument.indicators.map((indicator) => {
    const of = (from: string, to: string) => changes.get(`${from}>${to}`)!.get(indicator.id)!;
    return {
      indicatorId: indicator.id,
      points: points.map((p) => pointFigure(plan, org.org, s, scoped, indicator, p, bins.get(`${indicator.id}@${p}`) ?? [])),
      change: defaultPair ? of(defaultPair[0], defaultPair[1]) : null,
      changes: pairs.map(([from, to]) => of(from, to)),
    };
  });
}

/** Every indicator's paired change from → to for one org cell (indicator id → change). */
export function changeFigures(ctx: AppContext, plan: DisclosurePlan, org: OrgScope, s: PersonScope, scoped: ScopeInstrument, from: MeasurementPoint, to: MeasurementPoint): Map<string, ChangeStats> {
  const rows = pairBins(ctx.db, readScope(org, s), from, to);
  const demo = demoOf(s);
  const time = timeOf(s);
  const { instrument } = scoped;
  return new Map(instrument.indicators.map((indicator) => {
    const key = (m: string) => cellKey(m, org.org, demo, time);
    const asked = indicatorAskedAt(instrument, indicator, from) && indicatorAskedAt(instrument, indicator, to);
    const change = key(measureRef.change(indicator.id, from, to));
    const means = plan.reason(key(measureRef.before(indicator.id, from, to))) ?? plan.reason(key(measureRef.after(indicator.id, from, to)));
    return [indicator.id, changeStats(from, to, change, rows.filter((r) => r.indicatorId === indicator.id), reasonOf(plan, change, asked, scoped.comparable(indicator.id)), means)];
  }));
}

/**
 * The plan for an intervention's item-by-item answers: each item cell by gender, by age band and
 * by round, and hidden wherever its indicator's cell is (a one-item indicator is its item).
 */
function itemPlan(ctx: AppContext, plan: DisclosurePlan, intervention: Intervention, indicator: Indicator): DisclosurePlan {
  return cachedFigures(ctx, `itemPlan|${intervention.id}|${indicator.id}`, () => buildItemPlan(ctx, plan, intervention, indicator));
}

function buildItemPlan(ctx: AppContext, plan: DisclosurePlan, intervention: Intervention, indicator: Indicator): DisclosurePlan {
  const org = orgRef.intervention(intervention.id);
  const rows = itemAnswers(ctx.db, { interventionIds: [intervention.id], round: null }, indicator.items, { gender: true, ageBand: true })
    .concat(itemAnswers(ctx.db, { interventionIds: [intervention.id], round: 'each' }, indicator.items, { round: true, gender: true, ageBand: true }));
  const counts = new Map<string, number>();
  const times = new Set<string>(['all']);
  const demos = { gender: new Set<string>(), ageBand: new Set<string>() };
  for (const r of rows) {
    if (r.dontKnow || r.value === null) continue;
    const time = timeRef(r.roundId);
    times.add(time);
    const g = demoRef({ gender: r.gender });
    const a = demoRef({ ageBand: r.ageBand });
    demos.gender.add(g);
    demos.ageBand.add(a);
    for (const demo of ['all', g, a]) {
      const key = cellKey(measureRef.item(r.itemId, r.point), org, demo, time);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const partitions: Partition[] = [];
  const hiddenFromStart = new Map<string, 'complementary'>();
  const silent = new Set<string>();
  for (const point of new Set(rows.map((r) => r.point))) {
    for (const itemId of indicator.items) {
      const m = measureRef.item(itemId, point);
      for (const time of times) {
        for (const set of [demos.gender, demos.ageBand]) partitions.push({ parent: cellKey(m, org, 'all', time), parts: [...set].map((d) => cellKey(m, org, d, time)) });
        for (const demo of ['all', ...demos.gender, ...demos.ageBand]) {
          if (plan.reason(cellKey(measureRef.score(indicator.id, point), org, demo, time)) !== null) hiddenFromStart.set(cellKey(m, org, demo, time), 'complementary');
          if (demo.endsWith(':?')) silent.add(cellKey(m, org, demo, time));
        }
      }
      for (const demo of ['all', ...demos.gender, ...demos.ageBand]) {
        partitions.push({ parent: cellKey(m, org, demo, 'all'), parts: [...times].filter((t) => t !== 'all').map((t) => cellKey(m, org, demo, t)) });
      }
    }
  }
  return planDisclosure({ counts, partitions, silent, hiddenFromStart });
}

/** An indicator's items at each point, answer by answer, for one intervention and person scope. */
export function itemFigures(ctx: AppContext, plan: DisclosurePlan, intervention: Intervention, s: PersonScope, scoped: ScopeInstrument, indicator: Indicator, points: readonly MeasurementPoint[]): ItemPointStats[] {
  const items = itemPlan(ctx, plan, intervention, indicator);
  const answers: ItemAnswer[] = itemAnswers(ctx.db, readScope(interventionOrg(intervention), s), indicator.items);
  return indicator.items.flatMap((itemId) => points.map((point) => {
    const key = cellKey(measureRef.item(itemId, point), orgRef.intervention(intervention.id), demoOf(s), timeOf(s));
    const asked = (findItem(scoped.instrument, itemId)?.points as string[] | undefined)?.includes(point) ?? false;
    return itemStats(itemId, point, key, answers.filter((a) => a.itemId === itemId && a.point === point), reasonOf(items, key, asked, scoped.comparable(indicator.id)));
  }));
}

/** A count of the measurement's process: the number, or (for readers who do not follow the codes) why it is hidden. */
export interface ProcessCount { cell: string; n: number | null; reason: SuppressionReason | null }

/** The measurement's process per point: codes issued, started, answered (on the web or on paper), answers imported; the response rate. */
export type ProcessFigures = { point: MeasurementPoint; rate: number | null } & Record<ProcessKind, ProcessCount>;

function sumProcess(rows: readonly ProcessRow[], point: MeasurementPoint): Record<ProcessKind, number> {
  const here = rows.filter((r) => r.point === point);
  const sum = (f: (r: ProcessRow) => number) => here.reduce((s, r) => s + f(r), 0);
  return { issued: sum((r) => r.issued), started: sum((r) => r.started), answered: sum((r) => r.web + r.paper), web: sum((r) => r.web), paper: sum((r) => r.paper), imported: sum((r) => r.imported) };
}

const withRate = (point: MeasurementPoint, v: Record<ProcessKind, ProcessCount>): ProcessFigures => ({ point, ...v, rate: v.issued.n && v.answered.n !== null ? v.answered.n / v.issued.n : null });

/**
 * Codes and answers per point of an intervention, so far or in one round. `exact` for those who may
 * follow the codes one by one (staff of the intervention, förbund admins); everyone else reads them
 * through the disclosure plan.
 */
export function processFigures(ctx: AppContext, plan: DisclosurePlan, intervention: Intervention, points: readonly MeasurementPoint[], round: number | null, exact: boolean): ProcessFigures[] {
  const rows = processCounts(ctx.db, [intervention.id]).filter((r) => round === null || r.roundId === round);
  return points.map((point) => {
    const raw = sumProcess(rows, point);
    const shown = Object.fromEntries(PROCESS_KINDS.map((kind) => {
      const cell = cellKey(measureRef.process(kind, point), orgRef.intervention(intervention.id), 'all', timeRef(round));
      const reason = exact ? null : plan.reason(cell);
      return [kind, { cell, n: reason === null ? raw[kind] : null, reason }];
    })) as Record<ProcessKind, ProcessCount>;
    return withRate(point, shown);
  });
}

/** The same per round of the codes (null: codes given without a round), exact: for the staff's response-rate page. */
export function processByRound(ctx: AppContext, intervention: Intervention, points: readonly MeasurementPoint[]): (ProcessFigures & { roundId: number | null })[] {
  const rows = processCounts(ctx.db, [intervention.id]);
  const rounds = [...new Set(rows.map((r) => r.roundId))];
  return rounds.flatMap((roundId) => points.map((point) => {
    const raw = sumProcess(rows.filter((r) => r.roundId === roundId), point);
    const exact = Object.fromEntries(PROCESS_KINDS.map((kind) => [kind, { cell: '', n: raw[kind], reason: null }])) as Record<ProcessKind, ProcessCount>;
    return { roundId, ...withRate(point, exact) };
  }));
}

export type { GroupBy };
