import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { swedishDate } from '../domain/calendarDate.js';
import { chooseReportTime, upgradeReport, type ReportData, type RoundInfo } from '../domain/report.js';
import { idParam } from '../forms/form.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize, principalOf } from '../security/auth.js';
import { federationReport } from '../services/boardReport.js';
import { auditTarget } from '../domain/auditEvent.js';
import { audit, auditedWrite } from '../security/audit.js';
import type { Federation } from '../storage/federations.js';
import { getSnapshot, listSnapshots, saveSnapshot, type SnapshotInfo } from '../storage/reports.js';
import { listRounds } from '../storage/rounds.js';
import { fileSlug, renderToString, reportHelpers, sendPdf } from '../render/reportOutput.js';

interface Scope { federation: Federation; interventionId: number | null; base: string }

const reportBase = (federationId: number, interventionId: number | null) =>
  interventionId === null ? `/f/${federationId}/report` : `/f/${federationId}/interventions/${interventionId}/report`;

/** The federation, and the intervention for /interventions/:iid routes, that `authorize` loaded. */
function scope(res: Response): Scope {
  const federation = res.locals.federation;
  // Present only on /interventions/:iid routes.
  const intervention = 'intervention' in res.locals ? res.locals.intervention : null;
  if (intervention && intervention.kind !== 'individual') throw new Problem('notFound');
  const interventionId = intervention?.id ?? null;
  return { federation, interventionId, base: reportBase(federation.id, interventionId) };
}

interface Shown { report: ReportData; frozen: SnapshotInfo | null }

/** `?round=` of the request (or the form), one of the federation's rounds or "all". */
const roundQuery = (round: RoundInfo | null) => `?round=${round ? round.id : 'all'}`;

/** The board report of a federation or an intervention: on screen, printed, as PDF, frozen. */
export function reportRoutes(ctx: AppContext): Router {
  const router = Router();
  const read = authorize(ctx, 'reports.read');
  const freeze = authorize(ctx, 'reports.freeze');

  function chosenRound(s: Scope, query: { round?: unknown }): RoundInfo | null {
    const choice = chooseReportTime(query, listRounds(ctx.db, s.federation.id), swedishDate());
    if (!choice.ok) throw new Problem('notFound', 'no such measurement round in this förbund');
    return choice.round;
  }

  function viewLocals(req: Request, res: Response, s: Scope, shown: Shown) {
    const query = shown.frozen ? '' : roundQuery(shown.report.time.round);
    return {
      ...shown,
      ...reportHelpers(res),
      rounds: listRounds(ctx.db, s.federation.id),
      links: {
        self: s.base,
        live: `${s.base}${roundQuery(shown.report.time.round)}`,
        pdf: shown.frozen ? `/f/${s.federation.id}/reports/snapshots/${shown.frozen.id}.pdf` : `${s.base}.pdf${query}`,
        freeze: !shown.frozen && can(principalOf(req), 'reports.freeze', s.federation.id) ? `${s.base}/freeze` : null,
      },
      snapshots: listSnapshots(ctx.db, s.federation.id, s.interventionId ?? undefined),
    };
  }

  const targetOf = (s: Scope) => (s.interventionId === null ? auditTarget.federation(s.federation.id) : auditTarget.intervention(s.interventionId));
  const timeDetail = (round: RoundInfo | null) => ({ round: round?.id ?? 'all' });

  const show = (req: Request, res: Response) => {
    const s = scope(res);
    const round = chosenRound(s, req.query);
    const report = federationReport(ctx, s.federation, round, s.interventionId ?? undefined);
    audit(ctx, req, { action: 'report.view', federationId: s.federation.id, target: targetOf(s), detail: timeDetail(round) });
    res.render('reports/report', viewLocals(req, res, s, { report, frozen: null }));
  };

  const pdf = async (req: Request, res: Response) => {
    const s = scope(res);
    const round = chosenRound(s, req.query);
    const report = federationReport(ctx, s.federation, round, s.interventionId ?? undefined);
    await sendReportPdf(req, res, s, report, null);
    audit(ctx, req, { action: 'report.pdf', federationId: s.federation.id, target: targetOf(s), detail: timeDetail(round) });
  };

  const freezeReport = (req: Request, res: Response) => {
    const s = scope(res);
    const round = chosenRound(s, (req.body ?? {}) as { round?: unknown });
    const report = federationReport(ctx, s.federation, round, s.interventionId ?? undefined);
    const id = auditedWrite(ctx, req, () => saveSnapshot(ctx.db, { federationId: s.federation.id, interventionId: s.interventionId, round, frozenOn: swedishDate(), data: report, createdBy: principalOf(req).userId }),
      (snapshotId) => ({ action: 'report.freeze', federationId: s.federation.id, target: auditTarget.snapshot(snapshotId), detail: { ...timeDetail(round), of: targetOf(s) } }));
    res.redirect(303, `/f/${s.federation.id}/reports/snapshots/${id}`);
  };

  router.get('/f/:fid/report', read, show);
  router.get('/f/:fid/report.pdf', read, pdf);
  router.post('/f/:fid/report/freeze', freeze, freezeReport);
  router.get('/f/:fid/interventions/:iid/report', read, show);
  router.get('/f/:fid/interventions/:iid/report.pdf', read, pdf);
  router.post('/f/:fid/interventions/:iid/report/freeze', freeze, freezeReport);

  /** A frozen report of this federation, read back from its JSON (first-version reports upgraded, never recomputed). */
  function loadSnapshot(req: Request, res: Response): { s: Scope; snapshot: SnapshotInfo; report: ReportData } {
    const federation = res.locals.federation;
    const sid = String(req.params.sid);
    const snapshot = getSnapshot(ctx.db, idParam(sid));
    if (!snapshot || snapshot.federationId !== federation.id) throw new Problem('notFound');
    let report: ReportData;
    try {
      report = upgradeReport(JSON.parse(snapshot.data) as { version: number });
    } catch (err) {
      throw new Problem('serverError', `snapshot ${snapshot.id}: ${(err as Error).message}`);
    }
    const { data: _data, ...info } = snapshot;
    return { s: { federation, interventionId: snapshot.interventionId, base: reportBase(federation.id, snapshot.interventionId) }, snapshot: info, report };
  }

  router.get('/f/:fid/reports/snapshots/:sid.pdf', read, async (req, res) => {
    const { s, snapshot, report } = loadSnapshot(req, res);
    await sendReportPdf(req, res, s, report, snapshot);
    audit(ctx, req, { action: 'report.pdf', federationId: s.federation.id, target: auditTarget.snapshot(snapshot.id), detail: timeDetail(report.time.round) });
  });

  router.get('/f/:fid/reports/snapshots/:sid', read, (req, res) => {
    const { s, snapshot, report } = loadSnapshot(req, res);
    audit(ctx, req, { action: 'report.view', federationId: s.federation.id, target: auditTarget.snapshot(snapshot.id), detail: timeDetail(report.time.round) });
    res.render('reports/report', viewLocals(req, res, s, { report, frozen: snapshot }));
  });

  async function sendReportPdf(req: Request, res: Response, s: Scope, report: ReportData, frozen: SnapshotInfo | null): Promise<void> {
    const t = res.locals.t;
    const html = await renderToString(res, 'reports/report', viewLocals(req, res, s, { report, frozen }));
    const title = report.intervention ? `${report.federation.name}: ${report.intervention.name}` : report.federation.name;
    const when = report.time.round ? report.time.round.name : report.time.legacyPeriod ? `${report.time.legacyPeriod.from} – ${report.time.legacyPeriod.to}` : t('reports.allTime');
    const frozenPart = frozen ? `-${t('reports.frozenFileSuffix')}-${frozen.createdAt.slice(0, 10)}` : '';
    await sendPdf(res, html, {
      fileName: `${fileSlug(`${t('reports.fileNamePrefix')} ${title} ${when}`)}${frozenPart}.pdf`,
      footerText: `${title} · ${when}`,
    });
  }

  return router;
}
