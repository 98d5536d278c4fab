import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { dimensionOptions } from '../domain/dimensions.js';
import type { Instrument } from '../domain/instrumentTypes.js';
import { codebook, codebookRows, longRows, wideRows } from '../domain/responseExport.js';
import { parseForm } from '../forms/form.js';
import { exportQueryForm } from '../forms/schemas.js';
import { Problem } from '../problem.js';
import { csvText } from '../render/csv.js';
import { audit } from '../security/audit.js';
import { authorize } from '../security/auth.js';
import { exportVersions } from '../services/interventionSummary.js';
import { exportedResponses } from '../storage/responseExport.js';
import { listRounds } from '../storage/rounds.js';

/** The versions of the intervention's instrument its questionnaires were given in, or 404 when it measures nothing yet. */
function versionsOf(ctx: AppContext, res: Response): Instrument[] {
  const versions = exportVersions(ctx, res.locals.intervention);
  if (!versions) throw new Problem('notFound');
  return versions;
}

function exportQuery(req: Request) {
  const form = parseForm(exportQueryForm, req.query);
  if (!form.ok) throw new Problem('badRequest', form.errors.map((e) => `${e.field}: ${e.code}`).join(', '));
  return form.value;
}

/**
 * The response-level export for those who may export (evaluators, förbund admins): every submitted
 * questionnaire of an intervention, wide or long, pseudonymous, with its codebook. Free text only
 * when asked for. Each download of answers is audited with its filter and row count.
 */
export function responseExportRoutes(ctx: AppContext): Router {
  const router = Router();
  const exporting = authorize(ctx, 'export');
  const base = (res: Response) => `/f/${res.locals.federation.id}/interventions/${res.locals.intervention.id}/export`;

  router.get('/f/:fid/interventions/:iid/export', exporting, (_req, res) => {
    const versions = versionsOf(ctx, res);
    const instrument = versions.at(-1)!;
    res.render('results/export', {
      intervention: res.locals.intervention, instrument, base: base(res),
      rounds: listRounds(ctx.db, res.locals.federation.id),
      genders: dimensionOptions(instrument, 'gender'), ageBands: dimensionOptions(instrument, 'ageBand'),
      hasFreeText: versions.some((v) => v.sections.some((s) => s.items.some((i) => i.type === 'text'))), versions: versions.map((v) => v.version),
    });
  });

  router.get('/f/:fid/interventions/:iid/export/responses.csv', exporting, (req, res) => {
    const q = exportQuery(req);
    const versions = versionsOf(ctx, res);
    const intervention = res.locals.intervention;
    const opts = { freeText: q.freeText === '1' };
    const responses = exportedResponses(ctx.db, { interventionId: intervention.id, round: q.round, points: q.points, gender: q.gender, ageBand: q.ageBand });
    const layout = q.layout ?? 'wide';
    const rows = layout === 'wide' ? wideRows(versions, responses, opts) : longRows(versions, responses, opts);
    const name = `indikator-${intervention.id}-svar-${layout}.csv`;
    audit(ctx, req, { action: 'export.responses', federationId: intervention.federationId, target: auditTarget.export(name), detail: { query: q, responses: responses.length, rows: rows.length } });
    res.attachment(name).type('text/csv; charset=utf-8').send(csvText(rows, q.dialect));
  });

  router.get('/f/:fid/interventions/:iid/export/codebook.csv', exporting, (req, res) => {
    const q = exportQuery(req);
    const rows = codebookRows(codebook(versionsOf(ctx, res), { freeText: q.freeText === '1' }));
    res.attachment(`indikator-${res.locals.intervention.id}-kodbok.csv`).type('text/csv; charset=utf-8').send(csvText(rows, q.dialect));
  });

  router.get('/f/:fid/interventions/:iid/export/codebook.json', exporting, (req, res) => {
    const q = exportQuery(req);
    res.attachment(`indikator-${res.locals.intervention.id}-kodbok.json`).json(codebook(versionsOf(ctx, res), { freeText: q.freeText === '1' }));
  });

  return router;
}
