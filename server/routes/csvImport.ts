import express, { Router, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context.js';
import { DEFAULT_TEXT_MAX } from '../domain/answerForm.js';
import { CSV_MAX_BYTES, DONT_KNOW_WORDS, IMPORT_MAX_ROWS, MULTI_SEPARATOR, planImport, templateCsv, templateItems, type ImportPlan } from '../domain/csvImport.js';
import { LOCAL_REF_MAX_LENGTH } from '../domain/pseudonym.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { auditedWrite } from '../security/audit.js';
import { importResponses } from '../storage/csvImport.js';
import { importAuditEvent, importPoints, importSetting } from '../services/csvImportFile.js';
import { importErrorPlace, importErrorText } from '../render/importErrors.js';
import { parseForm } from '../forms/form.js';
import { importForm, issuedQuery } from '../forms/schemas.js';

export const IMPORT_PATH = '/f/:fid/interventions/:iid/import';

/**
 * The CSV (at most 2 MB) arrives URL-encoded, where a byte can take three characters (å is
 * %C3%A5), so 7 MB: far past the app's 64 kB form limit. This parser must run before the app's own
 * (which would refuse the body with 413) and before the CSRF check (which reads the token from the
 * body). Only signed-in users get the large limit; everyone else meets the app's limit as before.
 */
export function importBodyParser(ctx: AppContext): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: '7mb', parameterLimit: 10 });
  const mayImport = authorize(ctx, 'participants.manage');
  // Only someone who may import into this intervention gets a 7 MB body read; everyone else is refused first.
  return (req, res, next) => (req.method === 'POST' ? mayImport(req, res, (err?: unknown) => (err ? next(err) : parse(req, res, next))) : next());
}

/** CSV import of earlier years' questionnaires into one individual intervention: instructions and template, preview, import. */
export function importRoutes(ctx: AppContext): Router {
  const router = Router();
  const manage = authorize(ctx, 'participants.manage');
  const db = ctx.db;

  /** The intervention `authorize` loaded, with the instrument of each of its points; yearly questionnaires have no participants to import. */
  function scope(res: Response) {
    const federation = res.locals.federation;
    const intervention = res.locals.intervention;
    if (intervention.kind !== 'individual') throw new Problem('notFound');
    const points = importPoints(ctx, intervention.id);
    return { federation, intervention, points, base: `/f/${federation.id}/interventions/${intervention.id}` };
  }

  function render(res: Response, view: { plan: ImportPlan | null; csv: string; imported: number | null }, status = 200): void {
    const { federation, intervention, points, base } = scope(res);
    res.status(status).render('participants/import', {
      federation, intervention, base, points, items: templateItems(points), ...view, importErrorPlace, importErrorText,
      maxMegabytes: CSV_MAX_BYTES / 1024 / 1024, maxBytes: CSV_MAX_BYTES, maxRows: IMPORT_MAX_ROWS, dontKnowWords: DONT_KNOW_WORDS, multiSeparator: MULTI_SEPARATOR, textMax: DEFAULT_TEXT_MAX, refMax: LOCAL_REF_MAX_LENGTH,
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
  router.post(IMPORT_PATH, manage, (req, res) => {
    const { intervention, base } = scope(res);
    const form = parseForm(importForm, req.body);
    if (!form.ok) throw new Problem('badRequest', form.errors.map((e) => e.field).join(', '));
    const csv = form.value.csv ?? '';
    // Checking and writing run without an await in between, so no other request changes the intervention meanwhile.
    const plan = planImport(csv, importSetting(ctx, intervention));
    if (plan.errors.length > 0) {
      // A file with personnummer is not sent back into the page.
      const refused = plan.errors.some((e) => e.code === 'personnummer');
      return render(res, { plan, csv: refused ? '' : csv, imported: null }, 422);
    }
    if (form.value.confirm !== '1') return render(res, { plan, csv, imported: null });
    const result = auditedWrite(ctx, req, () => importResponses(db, { interventionId: intervention.id, userId: principalOf(req).userId!, rows: plan.rows }), (done) => importAuditEvent(intervention, done, plan.summary));
    res.redirect(303, `${base}/import?imported=${result.responses}`);
  });

  return router;
}
