import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context.js';
import { DEFAULT_TEXT_MAX } from '../domain/answerForm.js';
import {
  CSV_MAX_BYTES, DONT_KNOW_WORDS, FIXED_COLUMNS, IGNORED_COLUMN, IMPORT_MAX_ROWS, ImportRefused, MULTI_SEPARATOR, planImport, refused, templateCsv, templateItems,
  UPLOAD_MAX_BYTES, type ImportOutcome,
} from '../domain/csvImport.js';
import { checkMapping, fileColumns, mappingInstrument, prefilledChoices, unmappedColumns, type MappingError } from '../domain/importColumns.js';
import { LOCAL_REF_MAX_LENGTH } from '../domain/pseudonym.js';
import { auditTarget } from '../domain/auditEvent.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { actorOf, auditedWrite } from '../security/audit.js';
import { fileColumnsOf, importFile, importPasted, importPoints, importSetting } from '../services/csvImportFile.js';
import { ImportJobs, type ImportJob } from '../services/importJobs.js';
import { fileUpload, storeText, takeUpload } from '../forms/upload.js';
import { csrfTokenValid } from '../security/csrf.js';
import { appSecret } from '../storage/settings.js';
import { importErrorPlace, importErrorText } from '../render/importErrors.js';
import { parseForm } from '../forms/form.js';
import { importColumnsForm, importForm, issuedQuery } from '../forms/schemas.js';
import { rememberColumns, rememberedColumns } from '../storage/importColumns.js';

export const IMPORT_PATH = '/f/:fid/interventions/:iid/import';

/** How much of an uploaded file has been checked, in whole percent. */
function percentRead(job: ImportJob): number {
  return job.file.bytes === 0 ? 100 : Math.min(100, Math.floor((job.progress.bytes / job.file.bytes) * 100));
}

/**
 * A pasted CSV (at most 2 MB) arrives URL-encoded, where a byte can take three characters (å is
 * %C3%A5), so 7 MB: far past the app's 64 kB form limit; a chosen file (at most UPLOAD_MAX_BYTES)
 * arrives as multipart form data at …/import/upload and is streamed to a temporary file
 * (forms/upload.ts). These parsers must run before the app's own (which would refuse the body with
 * 413) and before the CSRF check (which reads the token from the body; the upload checks it before
 * it stores the file). Only someone who may import into this intervention gets a large body read;
 * everyone else is refused first.
 */
export function importBodyParser(ctx: AppContext): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: '7mb', parameterLimit: 10 });
  const upload = fileUpload({ field: 'file', maxBytes: UPLOAD_MAX_BYTES, tokenValid: csrfTokenValid({ secret: appSecret(ctx.db, 'csrf'), secureCookies: ctx.config.secureCookies }) });
  const mayImport = authorize(ctx, 'participants.manage');
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    mayImport(req, res, (err?: unknown) => (err ? next(err) : (req.path === '/upload' ? upload : parse)(req, res, next)));
  };
}

/** CSV import of earlier years' questionnaires into one individual intervention: instructions and template, preview, import. */
export function importRoutes(ctx: AppContext): Router {
  const router = Router();
  const manage = authorize(ctx, 'participants.manage');
  const db = ctx.db;
  const jobs = new ImportJobs();

  /** The intervention `authorize` loaded, with the instrument of each of its points; yearly questionnaires have no participants to import. */
  function scope(res: Response) {
    const federation = res.locals.federation;
    const intervention = res.locals.intervention;
    if (intervention.kind !== 'individual') throw new Problem('notFound');
    const points = importPoints(ctx, intervention.id);
    return { federation, intervention, points, base: `/f/${federation.id}/interventions/${intervention.id}` };
  }

  /** The page: instructions and forms, or a checked file's errors (and the forms again), or its preview; `job` for an uploaded file. */
  function render(res: Response, view: { plan: ImportOutcome | null; csv: string; imported: number | null; job?: ImportJob }, status = 200): void {
    const { federation, intervention, points, base } = scope(res);
    res.status(status).render('participants/import', {
      federation, intervention, base, points, items: templateItems(points), job: null, ignored: IGNORED_COLUMN, ...view, importErrorPlace, importErrorText,
      maxMegabytes: CSV_MAX_BYTES / 1024 / 1024, uploadMegabytes: UPLOAD_MAX_BYTES / 1024 / 1024, maxRows: IMPORT_MAX_ROWS, dontKnowWords: DONT_KNOW_WORDS, multiSeparator: MULTI_SEPARATOR, textMax: DEFAULT_TEXT_MAX, refMax: LOCAL_REF_MAX_LENGTH,
    });
  }

  router.get(IMPORT_PATH, manage, (req, res) => {
    const query = parseForm(issuedQuery, req.query);
    const imported = query.ok ? query.value.imported ?? null : null;
    render(res, { plan: null, csv: '', imported });
  });

  router.get(`${IMPORT_PATH}/template.csv`, manage, (_req, res) => {
    const { intervention, points } = scope(res);
    res.attachment(`indikator-import-${intervention.id}.csv`).type('text/csv; charset=utf-8').send(templateCsv(points));
  });

  // Without confirm=1 a preview, with it the import; either way checked against the intervention as it is now.
  router.post(IMPORT_PATH, manage, async (req, res) => {
    const { intervention, base } = scope(res);
    const form = parseForm(importForm, req.body);
    if (!form.ok) throw new Problem('badRequest', form.errors.map((e) => e.field).join(', '));
    const csv = form.value.csv ?? '';
    // Columns named otherwise than the template's are mapped first, the pasted text kept as an uploaded file is.
    const columns = fileColumns([csv]);
    const unmapped = form.value.confirm === '1' ? [] : unmappedColumns(columns, importPoints(ctx, intervention.id));
    if (unmapped.length > 0) {
      const file = storeText(csv, res.locals.t('import.columnsStep.pasted'));
      const job = jobs.start({ userId: principalOf(req).userId!, interventionId: intervention.id, file, columns, unmapped, setting: importSetting(ctx, intervention) });
      return res.redirect(303, `${base}/import/jobs/${job.id}/columns`);
    }
    // A file with personnummer is not sent back into the page.
    const refusedPage = (plan: ImportOutcome) => render(res, { plan, csv: plan.errors.some((e) => e.code === 'personnummer') ? '' : csv, imported: null }, 422);
    if (form.value.confirm !== '1') {
      const plan = planImport(csv, importSetting(ctx, intervention));
      return plan.errors.length > 0 ? refusedPage(plan) : render(res, { plan, csv, imported: null });
    }
    // Checked again once the import's writer holds the write lock, so nothing changes the intervention in between.
    try {
      const done = await importPasted(ctx, { intervention, userId: principalOf(req).userId!, actor: actorOf(req), csv });
      res.redirect(303, `${base}/import?imported=${done.responses}`);
    } catch (err) {
      if (!(err instanceof ImportRefused)) throw err;
      refusedPage(err.outcome);
    }
  });

  // A chosen file: stored, then checked in the background while the job's page shows how far it has come.
  router.post(`${IMPORT_PATH}/upload`, manage, (req, res) => {
    const { intervention, points, base } = scope(res);
    if (!res.locals.upload) throw new Problem('badRequest', 'the file comes as multipart/form-data');
    if (res.locals.upload.tooLarge) return render(res, { plan: refused(points, 'tooLarge', { max: UPLOAD_MAX_BYTES / 1024 / 1024 }), csv: '', imported: null }, 422);
    const file = takeUpload(res.locals.upload);
    if (!file) return render(res, { plan: refused(points, 'noFile'), csv: '', imported: null }, 422);
    const columns = fileColumnsOf(file.path, file.encoding);
    const unmapped = unmappedColumns(columns, points);
    const job = jobs.start({ userId: principalOf(req).userId!, interventionId: intervention.id, file, columns, unmapped, setting: importSetting(ctx, intervention) });
    res.redirect(303, `${base}/import/jobs/${job.id}${unmapped.length ? '/columns' : ''}`);
  });

  function jobOf(req: Request, res: Response): ImportJob {
    const job = jobs.get(String(req.params.job), principalOf(req).userId!, res.locals.intervention.id);
    if (!job) throw new Problem('notFound');
    return job;
  }

  /** The column-mapping step: each unknown column's select, filled in from the job's mapping, or what the förbund chose for these headers before. */
  function renderColumns(res: Response, job: ImportJob, choices: string[] | null, errors: MappingError[] = []): void {
    const { federation, intervention, points, base } = scope(res);
    const remembered = rememberedColumns(db, federation.id, mappingInstrument(points), job.unmapped.map((c) => c.name));
    const prefilled = job.mapping.size ? prefilledChoices(job.unmapped, job.mapping, points) : prefilledChoices(job.unmapped, remembered, points);
    res.status(errors.length ? 422 : 200).render('participants/importColumns', {
      federation, intervention, base, job, items: templateItems(points), fixedColumns: FIXED_COLUMNS, ignored: IGNORED_COLUMN,
      choices: choices ?? prefilled, remembered: choices === null && job.mapping.size === 0 && remembered.size > 0, errors,
    });
  }

  router.get(`${IMPORT_PATH}/jobs/:job/columns`, manage, (req, res) => {
    const job = jobOf(req, res);
    if (job.unmapped.length === 0) return res.redirect(303, `${scope(res).base}/import/jobs/${job.id}`);
    renderColumns(res, job, null);
  });

  // The mapping chosen: remembered for the förbund's next file (audited), then the file is checked with it.
  router.post(`${IMPORT_PATH}/jobs/:job/columns`, manage, (req, res) => {
    const { federation, intervention, points, base } = scope(res);
    const job = jobOf(req, res);
    if (job.unmapped.length === 0 || job.state === 'checking') return res.redirect(303, `${base}/import/jobs/${job.id}`);
    const form = parseForm(importColumnsForm, req.body);
    const choices = form.ok ? form.value.column ?? [] : [];
    const checked = checkMapping(job.columns, job.unmapped, choices, points);
    if (!checked.ok) return renderColumns(res, job, job.unmapped.map((_, k) => choices[k] ?? ''), checked.errors);
    auditedWrite(ctx, req, () => rememberColumns(db, federation.id, mappingInstrument(points), checked.mapping), {
      action: 'import.columns', federationId: federation.id, target: auditTarget.intervention(intervention.id), detail: { columns: Object.fromEntries(checked.mapping) },
    });
    jobs.check(job, importSetting(ctx, intervention), checked.mapping);
    res.redirect(303, `${base}/import/jobs/${job.id}`);
  });

  // Checking: a progress page (refreshing itself without JavaScript, polled with it); checked: the preview or the errors.
  router.get(`${IMPORT_PATH}/jobs/:job`, manage, (req, res) => {
    const job = jobOf(req, res);
    if (job.state === 'mapping') return res.redirect(303, `${scope(res).base}/import/jobs/${job.id}/columns`);
    if (job.state !== 'checked') {
      const { federation, intervention, base } = scope(res);
      return res.render('participants/importProgress', { federation, intervention, base, job, percent: percentRead(job) });
    }
    render(res, { plan: job.outcome, csv: '', imported: null, job }, job.outcome!.errorCount > 0 ? 422 : 200);
  });

  router.get(`${IMPORT_PATH}/jobs/:job/progress`, manage, (req, res) => {
    const job = jobOf(req, res);
    res.json({ state: job.state, rows: job.progress.rows, percent: percentRead(job) });
  });

  // The confirmation: checked again against the intervention as it is now and imported in one transaction, or the errors.
  router.post(`${IMPORT_PATH}/jobs/:job`, manage, async (req, res) => {
    const { intervention, base } = scope(res);
    const job = jobOf(req, res);
    if (job.state !== 'checked' || job.outcome!.errorCount > 0) return res.redirect(303, `${base}/import/jobs/${job.id}`);
    try {
      const done = await importFile(ctx, { intervention, userId: principalOf(req).userId!, actor: actorOf(req), file: job.file.path, encoding: job.file.encoding, mapping: job.mapping });
      jobs.finish(job);
      res.redirect(303, `${base}/import?imported=${done.responses}`);
    } catch (err) {
      if (!(err instanceof ImportRefused)) throw err;
      job.outcome = err.outcome;
      render(res, { plan: job.outcome, csv: '', imported: null, job }, 422);
    }
  });

  router.post(`${IMPORT_PATH}/jobs/:job/cancel`, manage, (req, res) => {
    const { base } = scope(res);
    jobs.finish(jobOf(req, res));
    res.redirect(303, `${base}/import`);
  });

  return router;
}
