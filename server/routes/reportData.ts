import type { Response } from 'express';
import type { AppContext } from '../context.js';
import { buildProjectReport, targetProgress, type ProjectReportData, type SubprojectInput } from '../domain/projectReport.js';
import {
  buildReport, changeSentence, formatDecimal, numberLocale, type FederationProjectProgress, type IndicatorInfo, type InterventionInput, type Period, type ReportData, type Translate,
} from '../domain/report.js';
import { barChartLayout } from '../domain/reportChart.js';
import { htmlToPdf } from '../pdf.js';
import type { Federation } from '../storage/federations.js';
import { listInterventions, listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { getProject, listProjectSubprojects, listProjectTargets, listSubprojects, type Project } from '../storage/projects.js';
import { codeRates, exitStatusCounts, installationAggregates, participantFigures, projectExitCounts, scoresUntil } from '../storage/reports.js';

// Gathers what the report domain needs from storage, and renders reports to screen and PDF. The
// report and project routes share it.

function indicatorsOf(ctx: AppContext, instrumentId: string | undefined): IndicatorInfo[] {
  const instrument = instrumentId ? ctx.instruments.get(instrumentId) : undefined;
  return (instrument?.indicators ?? []).map((i) => ({ id: i.id, text: i.text }));
}

function interventionInput(ctx: AppContext, intervention: Intervention, period: Period): InterventionInput {
  const points = listMeasurementPoints(ctx.db, intervention.id);
  return {
    intervention: { id: intervention.id, name: intervention.name, targetGroup: intervention.targetGroup },
    points: points.map((p) => p.point),
    indicators: indicatorsOf(ctx, points[0]?.instrumentId),
    observations: scoresUntil(ctx.db, intervention.id, period.to),
    participants: participantFigures(ctx.db, intervention.id, period),
    exitStatuses: exitStatusCounts(ctx.db, intervention.id, period),
    rates: codeRates(ctx.db, intervention.id, period),
  };
}

/** A project's own period; an open end reaches as far as any date can. */
export function projectPeriod(project: Project): Period {
  return { from: project.startsOn ?? '0001-01-01', to: project.endsOn ?? '9999-12-31' };
}

function subprojectInputs(ctx: AppContext, projectId: number, period: Period, withScores: boolean): SubprojectInput[] {
  const exits = projectExitCounts(ctx.db, projectId, period);
  return listProjectSubprojects(ctx.db, projectId).map((s) => ({
    id: s.id,
    name: s.name,
    federationName: s.federationName,
    interventions: s.interventionIds.map((id) => ({
      id,
      exitStatuses: Object.fromEntries(exits.filter((e) => e.interventionId === id).map((e) => [e.status, e.n])),
      observations: withScores ? scoresUntil(ctx.db, id, period.to) : undefined,
    })),
  }));
}

/** The progress of the projects the federation runs a subproject in, as its report shows it. */
function federationProjects(ctx: AppContext, federationId: number): FederationProjectProgress[] {
  return listSubprojects(ctx.db, federationId).map((sub) => {
    const project = getProject(ctx.db, sub.projectId)!;
    const subprojects = subprojectInputs(ctx, project.id, projectPeriod(project), false);
    const own = subprojects.findIndex((s) => s.id === sub.id);
    const targets = targetProgress(subprojects, listProjectTargets(ctx.db, project.id));
    return {
      project,
      subproject: { id: sub.id, name: sub.name },
      targets: targets.map((t) => ({ id: t.id, label: t.label, target: t.target, own: t.bySubproject[own] ?? null, total: t.total })),
    };
  });
}

/** The board report of a federation, or of one of its interventions. */
export function federationReport(ctx: AppContext, federation: Federation, period: Period, interventionId?: number): ReportData {
  const interventions = listInterventions(ctx.db, federation.id).filter((i) => i.kind === 'individual');
  return buildReport({
    federation: { id: federation.id, name: federation.name },
    period,
    generatedAt: new Date().toISOString(),
    interventions: interventions.map((i) => interventionInput(ctx, i, period)),
    interventionId,
    installation: installationAggregates(ctx.db, federation.id, 'exit', period),
    projects: interventionId === undefined ? federationProjects(ctx, federation.id) : [],
  });
}

export function projectReport(ctx: AppContext, project: Project): ProjectReportData {
  const period = projectPeriod(project);
  const participant = ctx.instruments.forGroup('participant').at(-1);
  return buildProjectReport({
    project,
    period,
    generatedAt: new Date().toISOString(),
    subprojects: subprojectInputs(ctx, project.id, period, true),
    targets: listProjectTargets(ctx.db, project.id),
    indicators: indicatorsOf(ctx, participant?.id),
  });
}

/** Helpers the report views use: sentences, numbers, dates and chart geometry in the page's language. */
export function reportHelpers(res: Response) {
  const t = res.locals.t as Translate;
  const lang = res.locals.uiLang as string;
  const locale = numberLocale(lang);
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Europe/Stockholm' });
  return {
    sentence: (label: string, line: Parameters<typeof changeSentence>[3]) => changeSentence(t, lang, label, line),
    decimal: (value: number | null, digits = 1) => (value === null ? '–' : formatDecimal(value, lang, digits)),
    signedDecimal: (value: number | null) => (value === null ? '–' : formatDecimal(value, lang, 1, true)),
    integer: (value: number | null) => (value === null ? '–' : value.toLocaleString(locale)),
    percent: (share: number | null) => (share === null ? '–' : `${Math.round(share * 100).toLocaleString(locale)} %`),
    /** A calendar date (YYYY-MM-DD) or a timestamp, written out: "25 november 2026". */
    longDate: (value: string) => dateFormat.format(new Date(value.length === 10 ? `${value}T12:00:00Z` : value)),
    barChart: barChartLayout,
  };
}

/** Renders a view to a string with the response's locals, for the PDF (no navigation in it). */
export function renderToString(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.app.render(view, { ...res.locals, ...locals, principal: null, pdf: true }, (err, html) => (err ? reject(err) : resolve(html)));
  });
}

/** An ASCII file name from a title: "Samordningsförbundet Åsby" → "samordningsforbundet-asby". */
export function fileSlug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'rapport';
}

/** Sends a rendered report page as a PDF download. */
export async function sendPdf(res: Response, html: string, opts: { fileName: string; footerText: string }): Promise<void> {
  const t = res.locals.t as Translate;
  const pdf = await htmlToPdf(html, { footerText: opts.footerText, pageText: t('reports.pdfPage', { page: '{page}', pages: '{pages}' }) });
  res.set({
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${opts.fileName}"`,
    'Cache-Control': 'no-store',
  });
  res.send(pdf);
}
