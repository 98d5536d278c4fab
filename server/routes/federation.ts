import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { INDIVIDUAL_POINTS, type MeasurementPoint } from '../domain/instrumentTypes.js';
import { Problem } from '../problem.js';
import { can, type Principal } from '../security/access.js';
import { authorize, principalOf } from '../security/auth.js';
import { hashPassword, passwordProblem } from '../security/password.js';
import { listCodesForPoint } from '../storage/accessCodes.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../storage/apiTokens.js';
import { listAudit } from '../storage/audit.js';
import { listParties, renameFederation, setParties, type PartyKind } from '../storage/federations.js';
import { createIntervention, getMeasurementPoint, listInterventions, listMeasurementPoints, setMeasurementPoints, updateIntervention, type Intervention } from '../storage/interventions.js';
import { listSubprojects } from '../storage/projects.js';
import { createRound, listRounds } from '../storage/rounds.js';
import { assignStaff, createUser, FEDERATION_ROLES, findUserByEmail, grantRole, listFederationMembers, revokeRole, staffOfIntervention, unassignStaff } from '../storage/users.js';
import { disclosurePlan, processFigures } from '../services/figures.js';
import { endNotBeforeStart, oneOf, parseForm, type FormError } from '../forms/form.js';
import { auditQuery, interventionForm, roleForm, roundForm, settingsForm, tokenForm, userForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';

const fid = (res: Response) => res.locals.federation.id;

/** The interventions a principal may open in a federation (staff: only their own). */
function visibleInterventions(ctx: AppContext, p: Principal, federationId: number): Intervention[] {
  return listInterventions(ctx.db, federationId).filter((i) => can(p, 'federation.manage', federationId) || can(p, 'results.read', federationId) || can(p, 'participants.manage', federationId, i.id));
}

export function federationRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid', authorize(ctx, 'federation.view'), (req, res) => {
    const plan = disclosurePlan(ctx);
    const interventions = visibleInterventions(ctx, principalOf(req), fid(res)).map((i) => ({
      ...i,
      process: processFigures(ctx, plan, i, listMeasurementPoints(ctx.db, i.id).map((p) => p.point), null, can(principalOf(req), 'rates.read', fid(res), i.id)),
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
    auditedWrite(ctx, req, () => {
      renameFederation(ctx.db, fid(res), v.name);
      setParties(ctx.db, fid(res), parties);
    }, { action: 'federation.update', federationId: fid(res), target: auditTarget.federation(fid(res)) });
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

  const renderInterventionForm = (res: Response, intervention: Intervention | null, input: Record<string, unknown>, errors: FormError[], status = 200) => {
    const members = listFederationMembers(ctx.db, fid(res)).filter((m) => m.roles.includes('staff'));
    res.status(status).render('federation/intervention-form', {
      intervention, input, errors, members, subprojects: listSubprojects(ctx.db, fid(res)), allPoints: INDIVIDUAL_POINTS, yearlyInstruments: ctx.instruments.yearly(),
    });
  };

  const interventionInput = (i: Intervention) => {
    const points = listMeasurementPoints(ctx.db, i.id);
    return {
      name: i.name, kind: i.kind, targetGroup: i.targetGroup, startsOn: i.startsOn, endsOn: i.endsOn, subprojectId: i.subprojectId,
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
    const data = { name: v.name, kind: v.kind, targetGroup: v.targetGroup ?? null, startsOn: v.startsOn ?? null, endsOn: v.endsOn ?? null, subprojectId: v.subprojectId ?? null };
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

  router.get('/f/:fid/interventions/new', authorize(ctx, 'federation.manage'), (_req, res) => renderInterventionForm(res, null, { kind: 'individual', points: ['start', 'exit'] }, []));
  router.post('/f/:fid/interventions', authorize(ctx, 'federation.manage'), (req, res) => saveIntervention(req, res, null));
  router.get('/f/:fid/interventions/:iid/edit', authorize(ctx, 'federation.manage'), (_req, res) => {
    const i = res.locals.intervention;
    renderInterventionForm(res, i, interventionInput(i), []);
  });
  router.post('/f/:fid/interventions/:iid', authorize(ctx, 'federation.manage'), (req, res) => saveIntervention(req, res, res.locals.intervention));

  router.get('/f/:fid/users', authorize(ctx, 'users.manage'), (_req, res) => {
    res.render('federation/users', { members: listFederationMembers(ctx.db, fid(res)), errors: [], input: {}, roles: FEDERATION_ROLES });
  });

  router.post('/f/:fid/users', authorize(ctx, 'users.manage'), async (req, res) => {
    const form = parseForm(userForm, req.body);
    const rerender = (errors: FormError[], input: Record<string, unknown>) =>
      res.status(422).render('federation/users', { members: listFederationMembers(ctx.db, fid(res)), errors, input, roles: FEDERATION_ROLES });
    if (!form.ok) return rerender(form.errors, form.input);
    const v = form.value;
    const user = findUserByEmail(ctx.db, v.email);
    if (!user) {
      if (!v.name) return rerender([{ field: 'name', code: 'form.required' }], { ...v, password: '' });
      const problem = passwordProblem(v.password ?? '', v.email);
      if (problem) return rerender([{ field: 'password', code: `password.${problem}` }], { ...v, password: '' });
    }
    const passwordHash = user ? null : await hashPassword(v.password!);
    auditedWrite(ctx, req, () => {
      const member = user ?? createUser(ctx.db, { email: v.email, name: v.name!, passwordHash: passwordHash! });
      grantRole(ctx.db, member.id, fid(res), v.role);
      return member;
    }, (member) => ({ action: 'role.grant', federationId: fid(res), target: auditTarget.user(member.id), detail: { role: v.role, created: !user } }));
    res.redirect(303, `/f/${fid(res)}/users`);
  });

  router.post('/f/:fid/users/:uid/revoke', authorize(ctx, 'users.manage'), (req, res) => {
    const form = parseForm(roleForm, req.body);
    if (!form.ok) throw new Problem('badRequest');
    const role = form.value.role;
    const uid = Number(req.params.uid);
    if (uid === principalOf(req).userId && role === 'federation_admin') throw new Problem('forbidden', 'cannot remove own admin role');
    auditedWrite(ctx, req, () => revokeRole(ctx.db, uid, fid(res), role), { action: 'role.revoke', federationId: fid(res), target: auditTarget.user(uid), detail: { role } });
    res.redirect(303, `/f/${fid(res)}/users`);
  });

  router.get('/f/:fid/tokens', authorize(ctx, 'tokens.manage'), (_req, res) => {
    res.render('federation/tokens', { tokens: listApiTokens(ctx.db, fid(res)), created: null, errors: [], input: {} });
  });

  router.post('/f/:fid/tokens', authorize(ctx, 'tokens.manage'), (req, res) => {
    const form = parseForm(tokenForm, req.body);
    if (!form.ok) return void res.status(422).render('federation/tokens', { tokens: listApiTokens(ctx.db, fid(res)), created: null, errors: form.errors, input: form.input });
    const { token } = auditedWrite(ctx, req, () => createApiToken(ctx.db, { ...form.value, federationId: fid(res), createdBy: principalOf(req).userId }),
      ({ record }) => ({ action: 'token.create', federationId: fid(res), target: auditTarget.token(record.id), detail: { role: record.role } }));
    res.set('Cache-Control', 'no-store').render('federation/tokens', { tokens: listApiTokens(ctx.db, fid(res)), created: token, errors: [], input: {} });
  });

  router.post('/f/:fid/tokens/:tid/revoke', authorize(ctx, 'tokens.manage'), (req, res) => {
    const tid = Number(req.params.tid);
    const revoked = auditedWrite(ctx, req, () => revokeApiToken(ctx.db, fid(res), tid), (done) => (done ? { action: 'token.revoke', federationId: fid(res), target: auditTarget.token(tid) } : null));
    if (!revoked) throw new Problem('notFound');
    res.redirect(303, `/f/${fid(res)}/tokens`);
  });

  router.get('/f/:fid/audit', authorize(ctx, 'audit.read'), (req, res) => {
    const query = parseForm(auditQuery, req.query);
    const filter = query.ok ? query.value : {};
    const entries = listAudit(ctx.db, { federationId: fid(res), action: filter.action, userQuery: filter.user, from: filter.from, to: filter.to });
    res.status(query.ok ? 200 : 422).render('federation/audit', { entries, filter: query.ok ? filter : query.input, errors: query.ok ? [] : query.errors });
  });

  return router;
}
