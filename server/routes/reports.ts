import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { parsePeriod, REPORT_VERSION, type Period, type PeriodError, type ReportData, type Translate } from '../domain/report.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize } from '../security/auth.js';
import { writeAudit } from '../storage/audit.js';
import type { Federation } from '../storage/federations.js';
import type { Intervention } from '../storage/interventions.js';
import { getSnapshot, listSnapshots, saveSnapshot, type SnapshotInfo } from '../storage/reports.js';
import { federationReport, fileSlug, renderToString, reportHelpers, sendPdf } from './reportData.js';

const today = () => new Date().toISOString().slice(0, 10);

interface Scope { federation: Federation; interventionId: number | null; base: string }

const reportBase = (federationId: number, interventionId: number | null) =>
  interventionId === null ? `/f/${federationId}/report` : `/f/${federationId}/interventions/${interventionId}/report`;

/** The federation, and the intervention for /interventions/:iid routes, that `authorize` loaded. */
function scope(res: Response): Scope {
  const federation = res.locals.federation as Federation;
  const intervention = (res.locals.intervention as Intervention | undefined) ?? null;
  if (intervention && intervention.kind !== 'individual') throw new Problem('notFound');
  const interventionId = intervention?.id ?? null;
  return { federation, interventionId, base: reportBase(federation.id, interventionId) };
}

interface Shown { report: ReportData | null; frozen: SnapshotInfo | null; errors: PeriodError[]; input: { from: string; to: string } }

/** The board report of a federation or an intervention: on screen, printed, as PDF, frozen. */
export function reportRoutes(ctx: AppContext): Router {
  const router = Router();
  const read = authorize(ctx, 'reports.read');
  const freeze = authorize(ctx, 'reports.freeze');

  const audit = (req: Request, federationId: number, action: string, target: string, detail: Record<string, unknown>) =>
    writeAudit(ctx.db, { userId: req.principal!.userId, federationId, action, target, detail, ip: req.ip });

  function viewLocals(req: Request, res: Response, s: Scope, shown: Shown) {
    const query = shown.report && !shown.frozen ? `?from=${shown.report.period.from}&to=${shown.report.period.to}` : '';
    return {
      ...shown,
      ...reportHelpers(res),
      links: {
        self: s.base,
        pdf: shown.frozen ? `/f/${s.federation.id}/reports/snapshots/${shown.frozen.id}.pdf` : `${s.base}.pdf${query}`,
        freeze: !shown.frozen && can(req.principal!, 'reports.freeze', s.federation.id) ? `${s.base}/freeze` : null,
      },
      snapshots: listSnapshots(ctx.db, s.federation.id, s.interventionId ?? undefined),
    };
  }

  const auditTarget = (s: Scope) => (s.interventionId === null ? `federation ${s.federation.id}` : `intervention ${s.interventionId}`);

  const show = (req: Request, res: Response) => {
    const s = scope(res);
    const parsed = parsePeriod(req.query, today());
    if (!parsed.ok) return void res.status(400).render('reports/report', viewLocals(req, res, s, { report: null, frozen: null, errors: parsed.errors, input: parsed.input }));
    const report = federationReport(ctx, s.federation, parsed.period, s.interventionId ?? undefined);
    audit(req, s.federation.id, 'report.view', auditTarget(s), { ...parsed.period });
    res.render('reports/report', viewLocals(req, res, s, { report, frozen: null, errors: [], input: parsed.period }));
  };

  const pdf = async (req: Request, res: Response) => {
    const s = scope(res);
    const parsed = parsePeriod(req.query, today());
    if (!parsed.ok) throw new Problem('badRequest');
    const report = federationReport(ctx, s.federation, parsed.period, s.interventionId ?? undefined);
    await sendReportPdf(req, res, s, report, null);
    audit(req, s.federation.id, 'report.pdf', auditTarget(s), { ...parsed.period });
  };

  const freezeReport = (req: Request, res: Response) => {
    const s = scope(res);
    const parsed = parsePeriod(req.body ?? {}, today());
    if (!parsed.ok) throw new Problem('badRequest');
    const report = federationReport(ctx, s.federation, parsed.period, s.interventionId ?? undefined);
    const id = ctx.db.transaction(() => {
      const snapshotId = saveSnapshot(ctx.db, { federationId: s.federation.id, interventionId: s.interventionId, period: parsed.period, data: report, createdBy: req.principal!.userId });
      audit(req, s.federation.id, 'report.freeze', `snapshot ${snapshotId}`, { ...parsed.period, of: auditTarget(s) });
      return snapshotId;
    })();
    res.redirect(303, `/f/${s.federation.id}/reports/snapshots/${id}`);
  };

  router.get('/f/:fid/report', read, show);
  router.get('/f/:fid/report.pdf', read, pdf);
  router.post('/f/:fid/report/freeze', freeze, freezeReport);
  router.get('/f/:fid/interventions/:iid/report', read, show);
  router.get('/f/:fid/interventions/:iid/report.pdf', read, pdf);
  router.post('/f/:fid/interventions/:iid/report/freeze', freeze, freezeReport);

  /** A frozen report of this federation, read back from its JSON. */
  function loadSnapshot(req: Request, res: Response): { s: Scope; snapshot: SnapshotInfo; report: ReportData } {
    const federation = res.locals.federation as Federation;
    const sid = String(req.params.sid);
    const snapshot = /^\d{1,12}$/.test(sid) ? getSnapshot(ctx.db, Number(sid)) : undefined;
    if (!snapshot || snapshot.federationId !== federation.id) throw new Problem('notFound');
    const report = JSON.parse(snapshot.data) as ReportData;
    if (report.version !== REPORT_VERSION) throw new Problem('serverError', `snapshot ${snapshot.id} has report version ${report.version}`);
    const { data: _data, ...info } = snapshot;
    return { s: { federation, interventionId: snapshot.interventionId, base: reportBase(federation.id, snapshot.interventionId) }, snapshot: info, report };
  }

  router.get('/f/:fid/reports/snapshots/:sid.pdf', read, async (req, res) => {
    const { s, snapshot, report } = loadSnapshot(req, res);
    await sendReportPdf(req, res, s, report, snapshot);
    audit(req, s.federation.id, 'report.pdf', `snapshot ${snapshot.id}`, { ...report.period });
  });

  router.get('/f/:fid/reports/snapshots/:sid', read, (req, res) => {
    const { s, snapshot, report } = loadSnapshot(req, res);
    audit(req, s.federation.id, 'report.view', `snapshot ${snapshot.id}`, { ...report.period });
    res.render('reports/report', viewLocals(req, res, s, { report, frozen: snapshot, errors: [], input: report.period }));
  });

  async function sendReportPdf(req: Request, res: Response, s: Scope, report: ReportData, frozen: SnapshotInfo | null): Promise<void> {
    const t = res.locals.t as Translate;
    const html = await renderToString(res, 'reports/report', viewLocals(req, res, s, { report, frozen, errors: [], input: report.period }));
    const title = report.intervention ? `${report.federation.name}: ${report.intervention.name}` : report.federation.name;
    const p: Period = report.period;
    const frozenPart = frozen ? `-${t('reports.frozenFileSuffix')}-${frozen.createdAt.slice(0, 10)}` : '';
    await sendPdf(res, html, {
      fileName: `${fileSlug(`${t('reports.fileNamePrefix')} ${title}`)}-${p.from}-${p.to}${frozenPart}.pdf`,
      footerText: `${title} · ${p.from} – ${p.to}`,
    });
  }

  return router;
}
