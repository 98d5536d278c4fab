import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { MEASUREMENT_POINTS } from '../domain/instrumentTypes.js';
import { submissionCsvRows, type SubmissionDocument } from '../domain/nationalSubmission.js';
import { parseForm } from '../forms/form.js';
import { submissionQuery } from '../forms/schemas.js';
import { Problem } from '../problem.js';
import { csvText } from '../render/csv.js';
import { audit } from '../security/audit.js';
import { authorize } from '../security/auth.js';
import { nationalSubmission, submissionYears } from '../services/nationalSubmission.js';
import type { Federation } from '../storage/federations.js';

export const SUBMISSION_PATH = '/f/:fid/national';

/** The year a förbund most likely sends: the last one that has ended, else the newest with answers. */
function defaultYear(years: readonly number[], today: Date): number {
  const ended = years.filter((y) => y < today.getUTCFullYear());
  return ended.at(-1) ?? years.at(-1) ?? today.getUTCFullYear() - 1;
}

/**
 * The förbund's yearly submission to the national report (förbund admins): a preview of exactly
 * what the file holds, and the file as JSON (the format NNS reads) or CSV; producing it is audited.
 */
export function nationalSubmissionRoutes(ctx: AppContext): Router {
  const router = Router();
  const submit = authorize(ctx, 'national.submit');

  const yearOf = (req: Request, years: readonly number[]) => {
    const query = parseForm(submissionQuery, req.query);
    if (!query.ok) throw new Problem('badRequest', 'year');
    return query.value.year ?? defaultYear(years, new Date());
  };
  const numbered = (res: Response): (Federation & { organisationNumber: string }) | null => {
    const federation = res.locals.federation;
    return federation.organisationNumber === null ? null : { ...federation, organisationNumber: federation.organisationNumber };
  };

  router.get(SUBMISSION_PATH, submit, (req, res) => {
    const years = submissionYears(ctx, res.locals.federation.id);
    const year = yearOf(req, years);
    const federation = numbered(res);
    const document = federation ? nationalSubmission(ctx, federation, year) : null;
    res.render('national/submission', { years: [...new Set([...years, year])].sort((a, b) => b - a), year, document, thisYear: new Date().getUTCFullYear(), measurementPoints: MEASUREMENT_POINTS });
  });

  /** The file (services/nationalSubmission.ts checks it against its schema before it leaves), audited. */
  const produce = (req: Request, res: Response, format: 'json' | 'csv'): { document: SubmissionDocument; name: string } => {
    const federation = numbered(res);
    if (!federation) throw new Problem('notFound');
    const year = Number(req.params.year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new Problem('notFound');
    const document = nationalSubmission(ctx, federation, year);
    const name = `nns-${federation.organisationNumber}-${year}.${format}`;
    audit(ctx, req, {
      action: 'national.submission', federationId: federation.id, target: auditTarget.export(name),
      detail: { year, format, cells: document.cells.length, hidden: document.cells.filter((c) => c.suppressed).length },
    });
    return { document, name };
  };

  router.get(`${SUBMISSION_PATH}/:year.json`, submit, (req, res) => {
    const { document, name } = produce(req, res, 'json');
    res.attachment(name).type('application/json; charset=utf-8').send(`${JSON.stringify(document, null, 2)}\n`);
  });

  router.get(`${SUBMISSION_PATH}/:year.csv`, submit, (req, res) => {
    const { document, name } = produce(req, res, 'csv');
    res.attachment(name).type('text/csv; charset=utf-8').send(csvText(submissionCsvRows(document)));
  });

  return router;
}
