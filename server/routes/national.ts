import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { INTERVENTION_KINDS, RESPONDENT_GROUPS } from '../domain/instrumentTypes.js';
import { changedIndicatorIds } from '../domain/instrumentVersions.js';
import { nationalCsvRows, nationalReport, type NationalReport, type NationalSelection } from '../domain/nationalReport.js';
import type { SubmissionDocument } from '../domain/nationalSubmission.js';
import { idParam, parseForm } from '../forms/form.js';
import { nationalReportQuery, submissionUploadForm } from '../forms/schemas.js';
import type { SubmissionFileError } from '../forms/submissionFile.js';
import { Problem } from '../problem.js';
import { csvText } from '../render/csv.js';
import { fileSlug, renderToString, sendPdf } from '../render/reportOutput.js';
import { audit } from '../security/audit.js';
import { principalOf, requireNational } from '../security/auth.js';
import { receiveSubmission } from '../services/nationalReceipt.js';
import { findSubmission, getSubmission, listSubmissions, submissionDocuments, submissionsVersion } from '../storage/nationalSubmissions.js';

export const SUBMISSIONS_PATH = '/national/submissions';

/** What the report's selects offer, in the vocabulary's own order. */
const reportChoices = { respondentGroups: RESPONDENT_GROUPS, interventionKinds: INTERVENTION_KINDS };

/**
 * A submission file is about 100 kB of JSON, URL-encoded up to three times that: past the app's
 * 64 kB form limit. Only NNS staff get the larger limit (checked first); it runs before the app's
 * own parser and the CSRF check, which reads the token from the body.
 */
export function nationalBodyParser(): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: '25mb', parameterLimit: 10 });
  return (req, res, next) => (req.method === 'POST' ? requireNational(req, res, (err?: unknown) => (err ? next(err) : parse(req, res, next))) : next());
}

/** The national installation (INDIKATOR_MODE=national): the national report and the files it is built from. Nothing here holds microdata. */
export function nationalRoutes(ctx: AppContext): Router {
  const router = Router();
  const db = ctx.db;
  let cached: { version: string; docs: SubmissionDocument[] } | null = null;
  const documents = () => {
    const version = submissionsVersion(db);
    if (cached?.version !== version) cached = { version, docs: submissionDocuments(db) };
    return cached.docs;
  };
  const selectionOf = (req: Request): Partial<NationalSelection> => {
    const q = parseForm(nationalReportQuery, req.query);
    if (!q.ok) throw new Problem('badRequest', 'selection');
    const { year, group, kind, point } = q.value;
    return { year, point, row: group && kind ? { respondentGroup: group, interventionKind: kind } : undefined };
  };
  /** Of the instrument versions these files were answered in, the indicators that changed (only versions installed here can be compared). */
  const changed = (files: readonly SubmissionDocument[]): Set<string> => {
    const byInstrument = new Map<string, Set<string>>();
    for (const f of files) for (const i of f.instruments) byInstrument.set(i.id, (byInstrument.get(i.id) ?? new Set()).add(i.version));
    // A version this installation has not installed is named by the files' own indicator lists.
    return changedIndicatorIds(ctx.instruments, byInstrument, (id) => files.flatMap((f) => f.instruments.filter((i) => i.id === id).flatMap((i) => i.indicators.map((x) => x.id))));
  };
  const reportOf = (req: Request) => nationalReport(documents(), selectionOf(req), changed);
  const selectionDetail = (r: NationalReport) => (r.selection ? { year: r.selection.year, group: r.selection.row.respondentGroup, kind: r.selection.row.interventionKind, point: r.selection.point } : {});

  router.get('/', (req, res) => res.redirect(303, req.principal?.isNational ? '/national' : '/login'));

  router.get('/national', requireNational, (req, res) => {
    const report = reportOf(req);
    audit(ctx, req, { action: 'national.view', detail: selectionDetail(report) });
    res.render('national/report', { report, ...reportChoices });
  });

  router.get('/national/report.csv', requireNational, (req, res) => {
    const report = reportOf(req);
    const name = `nationell-rapport-${report.selection?.year ?? 'tom'}.csv`;
    audit(ctx, req, { action: 'national.export', target: auditTarget.export(name), detail: { ...selectionDetail(report), format: 'csv' } });
    res.attachment(name).type('text/csv; charset=utf-8').send(csvText(nationalCsvRows(report)));
  });

  router.get('/national/report.pdf', requireNational, async (req, res) => {
    const report = reportOf(req);
    const t = res.locals.t;
    const title = `${t('national.report.title')} ${report.selection?.year ?? ''}`.trim();
    const html = await renderToString(res, 'national/report', { report, ...reportChoices });
    await sendPdf(res, html, { fileName: `${fileSlug(title)}.pdf`, footerText: title });
    audit(ctx, req, { action: 'national.export', target: auditTarget.export(`${fileSlug(title)}.pdf`), detail: { ...selectionDetail(report), format: 'pdf' } });
  });

  const renderSubmissions = (res: Response, view: { errors: SubmissionFileError[]; exists: { name: string; year: number; receivedAt: string } | null; text: string; stored: string | null }, status = 200) =>
    res.status(status).render('national/submissions', { submissions: listSubmissions(db), thisYear: new Date().getUTCFullYear(), ...view });

  router.get(SUBMISSIONS_PATH, requireNational, (req, res) => {
    const stored = typeof req.query.stored === 'string' && ['created', 'replaced'].includes(req.query.stored) ? req.query.stored : null;
    renderSubmissions(res, { errors: [], exists: null, text: '', stored });
  });

  router.post(SUBMISSIONS_PATH, requireNational, (req, res) => {
    const form = parseForm(submissionUploadForm, req.body);
    if (!form.ok) return void renderSubmissions(res, { errors: [{ code: 'notJson', at: '', detail: '' }], exists: null, text: '', stored: null }, 422);
    const text = form.value.document;
    const receipt = receiveSubmission(db, text, { receivedBy: principalOf(req).userId, replace: form.value.replace === '1', audit: (event) => audit(ctx, req, event) });
    if (!receipt.ok) return void renderSubmissions(res, { errors: receipt.errors, exists: null, text: '', stored: null }, 422);
    if (receipt.outcome === 'exists') {
      const { organisationNumber } = receipt.document.federation;
      const existing = findSubmission(db, organisationNumber, receipt.document.year)!;
      return void renderSubmissions(res, { errors: [], exists: { name: existing.federationName, year: existing.year, receivedAt: existing.receivedAt }, text, stored: null }, 409);
    }
    res.redirect(303, `${SUBMISSIONS_PATH}?stored=${receipt.outcome}`);
  });

  router.get(`${SUBMISSIONS_PATH}/:id.json`, requireNational, (req, res) => {
    const submission = getSubmission(db, idParam(String(req.params.id)));
    if (!submission) throw new Problem('notFound');
    const name = `nns-${submission.organisationNumber}-${submission.year}.json`;
    audit(ctx, req, { action: 'national.export', target: auditTarget.submission(submission.organisationNumber, submission.year), detail: { format: 'json' } });
    res.attachment(name).type('application/json; charset=utf-8').send(`${JSON.stringify(JSON.parse(submission.document), null, 2)}\n`);
  });

  return router;
}
