import type { AppContext } from '../context.js';
import { changeVerdict } from '../domain/changeReading.js';
import { expandBins, type ChangeStats } from '../domain/comparison.js';
import { EXIT_STATUSES } from '../domain/exitStatus.js';
import { cellKey, measureRef, orgRef, timeRef } from '../domain/figureCell.js';
import { indicatorAskedAt } from '../domain/instrument.js';
import type { Instrument, MeasurementPoint } from '../domain/instrumentTypes.js';
import { statusesOf } from '../domain/projectReport.js';
import {
  REPORT_VERSION,
  type ComparisonColumn, type ComparisonRow, type CountFigure, type FederationProjectProgress, type InterventionSection, type MeanFigure,
  type PairedLine, type ReportData, type RoundInfo,
} from '../domain/report.js';
import type { ValueCount } from '../domain/statistics.js';
import type { DisclosurePlan, SuppressionReason } from '../domain/suppression.js';
import type { Federation } from '../storage/federations.js';
import { listInterventions, listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { scoreBins } from '../storage/population.js';
import { getProject, listProjectSubprojects, listProjectTargets, listSubprojects, type Project } from '../storage/projects.js';
import type { ProjectReportData } from '../domain/projectReport.js';
import { binsBy, changeFigures, disclosurePlan, pointFigure, reasonOf, scopeInstrument, type ScopeInstrument } from './figures.js';

// The board report of a federation or an intervention, and the steering group's project report:
// every figure is a cell of the installation's disclosure plan (services/figures.ts), so a report
// hides exactly what every other page hides.

const COMPARISON_POINT = 'exit';
const START_TO_EXIT = ['start', 'exit'] as const;

/** A count cell of the plan: the number, or why it is hidden. */
export function countFigure(plan: DisclosurePlan, measure: string, org: string, time: string): CountFigure {
  const cell = cellKey(measure, org, 'all', time);
  const reason = plan.reason(cell);
  return { cell, n: reason === null ? plan.n(cell) : null, reason };
}

function meanFigure(cell: string, bins: readonly ValueCount[], reason: SuppressionReason | null): MeanFigure {
  const values = expandBins(bins);
  if (reason !== null || values.length === 0) return { cell, n: null, mean: null, reason: reason ?? null };
  return { cell, n: values.length, mean: values.reduce((s, v) => s + v, 0) / values.length, reason: null };
}

/** A paired change as a report line; an indicator asked only at the second point gives that point's mean. */
function pairedLine(instrument: Instrument, indicatorId: string, change: ChangeStats, endOnly: MeanFigure | null): PairedLine {
  const indicator = instrument.indicators.find((i) => i.id === indicatorId)!;
  const base = { indicatorId, text: indicator.text, ci95: null, verdict: null, before: null, meanDiff: null, improved: null, unchanged: null, worse: null };
  if (endOnly) return { ...base, endOnly: true, cell: endOnly.cell, reason: endOnly.reason, n: endOnly.n, after: endOnly.mean };
  if (change.suppressed) return { ...base, endOnly: false, cell: change.cell, reason: change.suppressionReason, n: null, after: null };
  return {
    indicatorId, text: indicator.text, endOnly: false, cell: change.cell, reason: null, n: change.n,
    before: change.before, after: change.after, meanDiff: change.meanDiff, ci95: change.ci95, verdict: changeVerdict(change.ci95),
    improved: change.improved, unchanged: change.unchanged, worse: change.worse,
  };
}

/** The start → exit lines of an org cell (an intervention, or a delprojekt's interventions), everything so far or in a round. */
function changeLines(ctx: AppContext, plan: DisclosurePlan, org: { org: string; interventionIds: readonly number[] }, round: number | null, scoped: ScopeInstrument): PairedLine[] {
  const [from, to] = START_TO_EXIT;
  const { instrument } = scoped;
  const changes = changeFigures(ctx, plan, org, { round }, scoped, from, to);
  const exitBins = binsBy(scoreBins(ctx.db, { interventionIds: org.interventionIds, round }), (r) => `${r.indicatorId}@${r.point}`, (r) => r.score);
  return instrument.indicators.map((indicator) => {
    const endOnly = !indicatorAskedAt(instrument, indicator, from) && indicatorAskedAt(instrument, indicator, to);
    const exit = endOnly ? pointFigure(plan, org.org, { round }, scoped, indicator, to, exitBins.get(`${indicator.id}@${to}`) ?? []) : null;
    return pairedLine(instrument, indicator.id, changes.get(indicator.id)!, exit && { cell: exit.cell, n: exit.n, mean: exit.mean, reason: exit.suppressionReason });
  });
}

function pointsOf(ctx: AppContext, interventionId: number): MeasurementPoint[] {
  return listMeasurementPoints(ctx.db, interventionId).map((p) => p.point);
}

/**
 * The participant instrument as a report reads it: a report compares everything it shows (its
 * interventions, the others, all förbund), so they are one scope of instrument versions.
 */
function reportInstrument(ctx: AppContext, interventionIds: readonly number[]): ScopeInstrument | undefined {
  const participant = ctx.instruments.forGroup('participant').at(-1);
  return participant && scopeInstrument(ctx, participant.id, interventionIds);
}

function section(ctx: AppContext, plan: DisclosurePlan, intervention: Intervention, round: number | null, scoped: ScopeInstrument | undefined): InterventionSection {
  const org = orgRef.intervention(intervention.id);
  const time = timeRef(round);
  const points = pointsOf(ctx, intervention.id);
  const count = (m: string) => countFigure(plan, m, org, time);
  const hasChange = scoped !== undefined && START_TO_EXIT.every((p) => points.includes(p));
  return {
    id: intervention.id,
    name: intervention.name,
    targetGroup: intervention.targetGroup,
    figures: {
      active: count(measureRef.participants('active')), started: count(measureRef.participants('started')), ended: count(measureRef.participants('ended')),
      workOrStudies: count(measureRef.exitGroup('work_or_studies')),
    },
    rates: points.map((point) => {
      const issued = count(measureRef.process('issued', point));
      const answered = count(measureRef.process('answered', point));
      return { point, issued, answered, rate: issued.n && answered.n !== null ? answered.n / issued.n : null };
    }),
    change: hasChange ? { from: START_TO_EXIT[0], to: START_TO_EXIT[1] } : null,
    indicators: hasChange ? changeLines(ctx, plan, { org, interventionIds: [intervention.id] }, round, scoped) : [],
    exitStatuses: EXIT_STATUSES.map((status) => ({ status, count: count(measureRef.exit(status)) })),
  };
}

/** Whether an intervention had anyone in it at the time: a participant, or a code handed out. */
function hadParticipants(plan: DisclosurePlan, intervention: Intervention, round: number | null, points: readonly MeasurementPoint[]): boolean {
  const cell = (m: string) => plan.n(cellKey(m, orgRef.intervention(intervention.id), 'all', timeRef(round)));
  return cell(measureRef.participants('active')) + cell(measureRef.participants('started')) + cell(measureRef.participants('ended')) > 0
    || points.some((p) => cell(measureRef.process('issued', p)) + cell(measureRef.process('imported', p)) > 0);
}

/** The progress of the projects the federation runs a subproject in, as its report shows it. */
function federationProjects(ctx: AppContext, plan: DisclosurePlan, federationId: number): FederationProjectProgress[] {
  return listSubprojects(ctx.db, federationId).map((sub) => {
    const project = getProject(ctx.db, sub.projectId)!;
    return {
      project,
      subproject: { id: sub.id, name: sub.name },
      targets: listProjectTargets(ctx.db, project.id).map((t) => ({
        id: t.id, label: t.label, target: t.target,
        own: countFigure(plan, measureRef.target(t.id), orgRef.subproject(sub.id), 'all'),
        total: countFigure(plan, measureRef.target(t.id), orgRef.project(project.id), 'all'),
      })),
    };
  });
}

/** The board report of a federation, or of one of its interventions, for a round or everything so far. */
export function federationReport(ctx: AppContext, federation: Federation, round: RoundInfo | null, interventionId?: number): ReportData {
  const plan = disclosurePlan(ctx);
  const roundId = round?.id ?? null;
  const time = timeRef(roundId);
  const all = listInterventions(ctx.db, federation.id).filter((i) => i.kind === 'individual');
  const focus = interventionId === undefined ? undefined : all.find((i) => i.id === interventionId);
  if (interventionId !== undefined && !focus) throw new RangeError(`intervention ${interventionId} is not an individual intervention of federation ${federation.id}`);
  const active = all.filter((i) => i === focus || (!focus && hadParticipants(plan, i, roundId, pointsOf(ctx, i.id))));
  const fed = orgRef.federation(federation.id);
  const count = (m: string) => countFigure(plan, m, fed, time);

  // Exit means: each intervention, the other interventions together, and all förbund (everything so far).
  const key = (indicatorId: string, org: string, t = time) => cellKey(measureRef.score(indicatorId, COMPARISON_POINT), org, 'all', t);
  const everyIndividual = listInterventions(ctx.db).filter((i) => i.kind === 'individual');
  const federationsWithAnswers = (indicatorId: string) => [...new Set(listInterventions(ctx.db).map((i) => i.federationId))].filter((f) => plan.n(key(indicatorId, orgRef.federation(f), 'all')) > 0).length;
  const federations = Math.max(0, ...(ctx.instruments.forGroup('participant').at(-1)?.indicators ?? []).map((ind) => federationsWithAnswers(ind.id)));
  const scoped = reportInstrument(ctx, (federations > 1 ? everyIndividual : all).map((i) => i.id));
  const sections = active.map((i) => section(ctx, plan, i, roundId, scoped));
  const indicators = scoped?.instrument.indicators ?? [];
  const shown = (indicatorId: string, cell: string) => reasonOf(plan, cell, true, scoped?.comparable(indicatorId) ?? true);
  const exit = binsBy(scoreBins(ctx.db, { interventionIds: all.map((i) => i.id), round: roundId }, { intervention: true }).filter((r) => r.point === COMPARISON_POINT), (r) => `${r.indicatorId}|${r.interventionId}`, (r) => r.score);
  const installation = binsBy(scoreBins(ctx.db, { interventionIds: everyIndividual.map((i) => i.id), round: null }).filter((r) => r.point === COMPARISON_POINT), (r) => r.indicatorId, (r) => r.score);
  const cellOf = (indicatorId: string, i: Intervention) => meanFigure(key(indicatorId, orgRef.intervention(i.id)), exit.get(`${indicatorId}|${i.id}`) ?? [], shown(indicatorId, key(indicatorId, orgRef.intervention(i.id))));
  const installationColumn: ComparisonColumn[] = federations > 1 ? [{ kind: 'installation', federations }] : [];
  const installationCell = (indicatorId: string) => meanFigure(key(indicatorId, orgRef.installation, 'all'), installation.get(indicatorId) ?? [], shown(indicatorId, key(indicatorId, orgRef.installation, 'all')));
  let columns: ComparisonColumn[];
  let rows: ComparisonRow[];
  if (focus) {
    const others = all.filter((i) => i !== focus);
    columns = [{ kind: 'intervention', id: focus.id, name: focus.name }, ...(others.length ? [{ kind: 'otherInterventions' } as const] : []), ...installationColumn];
    rows = indicators.map((ind) => {
      const othersKey = key(ind.id, orgRef.others(federation.id, focus.id));
      const othersCell = meanFigure(othersKey, others.flatMap((o) => exit.get(`${ind.id}|${o.id}`) ?? []), shown(ind.id, othersKey));
      return { indicatorId: ind.id, text: ind.text, cells: [cellOf(ind.id, focus), ...(others.length ? [othersCell] : []), ...(federations > 1 ? [installationCell(ind.id)] : [])] };
    });
  } else {
    columns = [...active.map((i): ComparisonColumn => ({ kind: 'intervention', id: i.id, name: i.name })), ...installationColumn];
    rows = indicators.map((ind) => ({ indicatorId: ind.id, text: ind.text, cells: [...active.map((i) => cellOf(ind.id, i)), ...(federations > 1 ? [installationCell(ind.id)] : [])] }));
  }

  return {
    version: REPORT_VERSION,
    scope: focus ? 'intervention' : 'federation',
    federation: { id: federation.id, name: federation.name },
    intervention: focus ? { id: focus.id, name: focus.name } : null,
    time: { round },
    generatedAt: new Date().toISOString(),
    figures: focus
      ? { interventions: 1, ...sections[0]!.figures }
      : {
        interventions: active.length,
        active: count(measureRef.participants('active')), started: count(measureRef.participants('started')), ended: count(measureRef.participants('ended')),
        workOrStudies: count(measureRef.exitGroup('work_or_studies')),
      },
    sections,
    withoutParticipants: focus ? [] : all.filter((i) => !active.includes(i)).map((i) => ({ id: i.id, name: i.name })),
    comparison: { point: COMPARISON_POINT, columns, rows },
    projects: focus ? [] : federationProjects(ctx, plan, federation.id),
    instrumentVersions: scoped?.notice ?? null,
  };
}

/** The steering group's report: target progress and the start → exit change per delprojekt, everything so far. */
export function projectReport(ctx: AppContext, project: Project): ProjectReportData {
  const plan = disclosurePlan(ctx);
  const subprojects = listProjectSubprojects(ctx.db, project.id);
  const scoped = reportInstrument(ctx, subprojects.flatMap((s) => s.interventionIds));
  const targets = listProjectTargets(ctx.db, project.id);
  const lines = subprojects.map((s) => (scoped ? changeLines(ctx, plan, { org: orgRef.subproject(s.id), interventionIds: s.interventionIds }, null, scoped) : []));
  return {
    version: REPORT_VERSION,
    project: { id: project.id, name: project.name, startsOn: project.startsOn, endsOn: project.endsOn },
    generatedAt: new Date().toISOString(),
    subprojects: subprojects.map((s) => ({
      id: s.id, name: s.name, federationName: s.federationName, interventions: s.interventionIds.length,
      ended: countFigure(plan, measureRef.participants('ended'), orgRef.subproject(s.id), 'all'),
    })),
    targets: targets.map((t) => ({
      id: t.id, label: t.label, statuses: [...statusesOf(t)], target: t.target,
      total: countFigure(plan, measureRef.target(t.id), orgRef.project(project.id), 'all'),
      bySubproject: subprojects.map((s) => countFigure(plan, measureRef.target(t.id), orgRef.subproject(s.id), 'all')),
    })),
    change: { from: START_TO_EXIT[0], to: START_TO_EXIT[1] },
    indicators: (scoped?.instrument.indicators ?? []).map((ind, k) => ({ indicatorId: ind.id, text: ind.text, cells: lines.map((l) => l[k]!) })),
    instrumentVersions: scoped?.notice ?? null,
  };
}

