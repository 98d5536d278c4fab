import { Router } from 'express';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { allItems } from '../domain/instrument.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import { MIN_GROUP_SIZE } from '../domain/suppression.js';
import { parseForm } from '../forms/form.js';
import { freeTextQuery, hideFreeTextForm } from '../forms/schemas.js';
import { Problem } from '../problem.js';
import { audit, auditedWrite } from '../security/audit.js';
import { authorize, principalOf } from '../security/auth.js';
import { interventionInstrument } from '../services/interventionSummary.js';
import { freeTextAnswers, hideFreeText } from '../storage/freeText.js';
import { processCounts } from '../storage/population.js';

/**
 * The participants' free-text answers of an intervention, for evaluators and förbund admins (never
 * boards): per point, newest first, with the date but nothing that says whose, and only at a point
 * where at least MIN_GROUP_SIZE questionnaires were sent. One that identifies someone can be hidden
 * (audited): it is then neither shown nor exported.
 */
export function freeTextRoutes(ctx: AppContext): Router {
  const router = Router();
  const reading = authorize(ctx, 'freeText.read');

  router.get('/f/:fid/interventions/:iid/free-text', reading, (req, res) => {
    const intervention = res.locals.intervention;
    const { instrument, points } = interventionInstrument(ctx, intervention);
    const items = instrument ? allItems(instrument).filter((i) => i.type === 'text') : [];
    const answers = freeTextAnswers(ctx.db, intervention.id, items.map((i) => i.id));
    // The questionnaires sent at each point, every round together: web, paper and imported (the one process count).
    const counts = processCounts(ctx.db, [intervention.id]);
    const sent = (point: MeasurementPoint) => counts.filter((r) => r.point === point).reduce((n, r) => n + r.web + r.paper + r.imported, 0);
    const groups = points.map((point: MeasurementPoint) => {
      const n = sent(point);
      return { point, sent: n, tooFew: n > 0 && n < MIN_GROUP_SIZE, answers: n >= MIN_GROUP_SIZE ? answers.filter((a) => a.point === point) : [] };
    });
    audit(ctx, req, { action: 'freeText.view', federationId: intervention.federationId, target: auditTarget.intervention(intervention.id), detail: { shown: groups.reduce((k, g) => k + g.answers.length, 0) } });
    const query = parseForm(freeTextQuery, req.query);
    res.render('results/free-text', { intervention, items, groups, minGroupSize: MIN_GROUP_SIZE, hidden: query.ok && query.value.hidden === '1' });
  });

  router.post('/f/:fid/interventions/:iid/free-text/hide', reading, (req, res) => {
    const intervention = res.locals.intervention;
    const form = parseForm(hideFreeTextForm, req.body);
    if (!form.ok) throw new Problem('badRequest', form.errors.map((e) => e.field).join(', '));
    const { responseId, itemId } = form.value;
    const hidden = auditedWrite(ctx, req, () => hideFreeText(ctx.db, intervention.id, responseId, itemId, principalOf(req).userId),
      (done) => (done ? { action: 'freeText.hide', federationId: intervention.federationId, target: auditTarget.response(responseId), detail: { item: itemId } } : null));
    if (!hidden) throw new Problem('notFound');
    res.redirect(303, `/f/${intervention.federationId}/interventions/${intervention.id}/free-text?hidden=1`);
  });

  return router;
}
