import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { can, type Principal } from '../security/access.js';
import { authorize, principalOf } from '../security/auth.js';
import { normalizeOrganisationNumber } from '../domain/organisationNumber.js';
import { listParties, renameFederation, setOrganisationNumber, setParties, type PartyKind } from '../storage/federations.js';
import { listInterventions, listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { createRound, listRounds } from '../storage/rounds.js';
import { disclosurePlan, processFigures } from '../services/figures.js';
import { endNotBeforeStart, parseForm } from '../forms/form.js';
import { roundForm, settingsForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';
import { worklistCounts } from '../domain/worklist.js';
import { interventionWorklist } from '../services/worklist.js';

const fid = (res: Response) => res.locals.federation.id;

/** The interventions a principal may open in a federation (staff: only their own). */
function visibleInterventions(ctx: AppContext, p: Principal, federationId: number): Intervention[] {
  return listInterventions(ctx.db, federationId).filter((i) => can(p, 'federation.manage', federationId) || can(p, 'results.read', federationId) || can(p, 'participants.manage', federationId, i.id));
}

/** The förbund's start page (its interventions with their answers so far), its details and its measurement rounds. */
export function federationRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid', authorize(ctx, 'federation.view'), (req, res) => {
    const plan = disclosurePlan(ctx);
    const interventions = visibleInterventions(ctx, principalOf(req), fid(res)).map((i) => ({
      ...i,
      process: processFigures(ctx, plan, i, listMeasurementPoints(ctx.db, i.id).map((p) => p.point), null, can(principalOf(req), 'rates.read', fid(res), i.id)),
      // What staff have to do: counts only, for those who work with the participants.
      work: can(principalOf(req), 'participants.manage', fid(res), i.id) ? worklistCounts(interventionWorklist(ctx, i)) : null,
    }));
    res.render('federation/dashboard', { interventions, can: (perm: Parameters<typeof can>[1], iid?: number) => can(principalOf(req), perm, fid(res), iid) });
  });

  router.get('/f/:fid/settings', authorize(ctx, 'federation.manage'), (_req, res) => {
    const parties = listParties(ctx.db, fid(res));
    res.render('federation/settings', { parties, errors: [], input: null });
  });

  router.post('/f/:fid/settings', authorize(ctx, 'federation.manage'), (req, res) => {
    const form = parseForm(settingsForm, req.body);
    if (!form.ok) return void res.status(422).render('federation/settings', { parties: listParties(ctx.db, fid(res)), errors: form.errors, input: form.input });
    const v = form.value;
    const parties: { kind: PartyKind; name: string }[] = [];
    if (v.fk) parties.push({ kind: 'fk', name: v.fk });
    if (v.af) parties.push({ kind: 'af', name: v.af });
    if (v.region) parties.push({ kind: 'region', name: v.region });
    for (const m of (v.municipalities ?? '').split(/\r?\n/).map((s) => s.trim()).filter(Boolean)) parties.push({ kind: 'municipality', name: m });
    const organisationNumber = v.organisationNumber === undefined ? null : normalizeOrganisationNumber(v.organisationNumber);
    const saved = auditedWrite(ctx, req, () => {
      // Two förbund cannot share an organisation number: nothing is saved then.
      if (!setOrganisationNumber(ctx.db, fid(res), organisationNumber)) return false;
      renameFederation(ctx.db, fid(res), v.name);
      setParties(ctx.db, fid(res), parties);
      return true;
    }, (ok) => (ok ? { action: 'federation.update', federationId: fid(res), target: auditTarget.federation(fid(res)) } : null));
    if (!saved) return void res.status(422).render('federation/settings', { parties: listParties(ctx.db, fid(res)), errors: [{ field: 'organisationNumber', code: 'form.organisationNumberTaken' }], input: form.input });
    res.redirect(303, `/f/${fid(res)}`);
  });

  router.get('/f/:fid/rounds', authorize(ctx, 'federation.manage'), (_req, res) => {
    res.render('federation/rounds', { rounds: listRounds(ctx.db, fid(res)), errors: [], input: {} });
  });

  router.post('/f/:fid/rounds', authorize(ctx, 'federation.manage'), (req, res) => {
    const form = parseForm(roundForm, req.body, [endNotBeforeStart]);
    if (!form.ok) return void res.status(422).render('federation/rounds', { rounds: listRounds(ctx.db, fid(res)), errors: form.errors, input: form.input });
    auditedWrite(ctx, req, () => createRound(ctx.db, { federationId: fid(res), ...form.value }),
      (round) => ({ action: 'round.create', federationId: fid(res), target: auditTarget.round(round.id) }));
    res.redirect(303, `/f/${fid(res)}/rounds`);
  });

  return router;
}
