import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { INDIVIDUAL_POINTS, type MeasurementPoint } from '../domain/instrumentTypes.js';
import { authorize } from '../security/auth.js';
import { listCodesForPoint } from '../storage/accessCodes.js';
import { createIntervention, getMeasurementPoint, listMeasurementPoints, setMeasurementPoints, updateIntervention, type Intervention } from '../storage/interventions.js';
import { listSubprojects } from '../storage/projects.js';
import { assignStaff, listFederationMembers, staffOfIntervention, unassignStaff } from '../storage/users.js';
import { endNotBeforeStart, oneOf, parseForm, type FormError } from '../forms/form.js';
import { interventionForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';
import { DEFAULT_REMIND_AFTER_DAYS } from '../domain/worklist.js';

const fid = (res: Response) => res.locals.federation.id;

/** A förbund admin sets up an intervention: its kind, measurement points, questionnaire and staff. */
export function interventionSetupRoutes(ctx: AppContext): Router {
  const router = Router();

  const renderInterventionForm = (res: Response, intervention: Intervention | null, input: Record<string, unknown>, errors: FormError[], status = 200) => {
    const members = listFederationMembers(ctx.db, fid(res)).filter((m) => m.roles.includes('staff'));
    res.status(status).render('federation/intervention-form', {
      intervention, input, errors, members, subprojects: listSubprojects(ctx.db, fid(res)), allPoints: INDIVIDUAL_POINTS, yearlyInstruments: ctx.instruments.yearly(),
    });
  };

  const interventionInput = (i: Intervention) => {
    const points = listMeasurementPoints(ctx.db, i.id);
    return {
      name: i.name, kind: i.kind, targetGroup: i.targetGroup, startsOn: i.startsOn, endsOn: i.endsOn, subprojectId: i.subprojectId, ...i.schedule,
      points: points.map((p) => p.point), instrumentId: points.find((p) => p.point === 'yearly')?.instrumentId, staff: staffOfIntervention(ctx.db, i.id).map((s) => s.id),
    };
  };

  /**
   * Why a structural intervention cannot use the chosen yearly questionnaire, if it cannot: it must be
   * installed and not the participant one, and it stays fixed once codes are out (the answers would
   * otherwise be read with another questionnaire's indicators).
   */
  const yearlyInstrumentError = (existing: Intervention | null, instrumentId: string | undefined): FormError | null => {
    if (!instrumentId) return { field: 'instrumentId', code: 'form.instrumentRequired' };
    if (!ctx.instruments.yearly().some((i) => i.id === instrumentId)) return { field: 'instrumentId', code: 'form.invalid' };
    const current = existing && getMeasurementPoint(ctx.db, existing.id, 'yearly');
    if (current && current.instrumentId !== instrumentId && listCodesForPoint(ctx.db, current.id).length > 0) return { field: 'instrumentId', code: 'form.instrumentLocked' };
    return null;
  };

  const saveIntervention = (req: Request, res: Response, existing: Intervention | null) => {
    const form = parseForm(interventionForm, req.body, [
      endNotBeforeStart,
      oneOf('subprojectId', listSubprojects(ctx.db, fid(res)).map((s) => s.id)),
      (v) => (v.kind === 'structural' ? yearlyInstrumentError(existing, v.instrumentId) : null),
    ]);
    if (!form.ok) return renderInterventionForm(res, existing, form.input, form.errors, 422);
    const v = form.value;
    const staffIds = new Set(listFederationMembers(ctx.db, fid(res)).filter((m) => m.roles.includes('staff')).map((m) => m.id));
    const schedule = { ongoingEveryMonths: v.ongoingEveryMonths ?? null, followupAfterMonths: v.followupAfterMonths ?? null, plannedLengthMonths: v.plannedLengthMonths ?? null, remindAfterDays: v.remindAfterDays ?? DEFAULT_REMIND_AFTER_DAYS };
    const data = { name: v.name, kind: v.kind, targetGroup: v.targetGroup ?? null, startsOn: v.startsOn ?? null, endsOn: v.endsOn ?? null, subprojectId: v.subprojectId ?? null, schedule };
    const points: MeasurementPoint[] = v.kind === 'individual' ? (v.points ?? []).filter((p) => INDIVIDUAL_POINTS.includes(p)) : ['yearly'];
    const instrumentId = v.kind === 'individual' ? 'participant' : v.instrumentId!;
    const id = auditedWrite(ctx, req, () => {
      const interventionId = existing ? (updateIntervention(ctx.db, existing.id, data), existing.id) : createIntervention(ctx.db, { federationId: fid(res), ...data }).id;
      setMeasurementPoints(ctx.db, interventionId, points, instrumentId);
      const wanted = new Set((v.staff ?? []).filter((s) => staffIds.has(s)));
      for (const s of staffOfIntervention(ctx.db, interventionId)) if (!wanted.has(s.id)) unassignStaff(ctx.db, s.id, interventionId);
      for (const s of wanted) assignStaff(ctx.db, s, interventionId);
      return interventionId;
    }, (interventionId) => ({ action: existing ? 'intervention.update' : 'intervention.create', federationId: fid(res), target: auditTarget.intervention(interventionId) }));
    res.redirect(303, `/f/${fid(res)}/interventions/${id}/participants`);
  };

  router.get('/f/:fid/interventions/new', authorize(ctx, 'federation.manage'), (_req, res) => renderInterventionForm(res, null, { kind: 'individual', points: ['start', 'exit'], remindAfterDays: DEFAULT_REMIND_AFTER_DAYS }, []));
  router.post('/f/:fid/interventions', authorize(ctx, 'federation.manage'), (req, res) => saveIntervention(req, res, null));
  router.get('/f/:fid/interventions/:iid/edit', authorize(ctx, 'federation.manage'), (_req, res) => {
    const i = res.locals.intervention;
    renderInterventionForm(res, i, interventionInput(i), []);
  });
  router.post('/f/:fid/interventions/:iid', authorize(ctx, 'federation.manage'), (req, res) => saveIntervention(req, res, res.locals.intervention));


  return router;
}
