import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { formatAccessCode } from '../domain/accessCode.js';
import { progressByParticipant, progressOf } from '../domain/codeProgress.js';
import { EXIT_STATUSES } from '../domain/exitStatus.js';
import { qrSvg, surveyEntryUrl, toSheets } from '../domain/slips.js';
import {
  fieldError, parseAnonymousIssue, parseBulkParticipants, parseCodeList, parseExit, parseIssue, parseNewParticipant, parsePaperCode, type FormError,
} from '../domain/staffForms.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize } from '../security/auth.js';
import { codesForSlips, findAccessCode, issueAccessCodes, issueMissingCodes, listInterventionCodes, listParticipantCodes, outstandingCodes, reissueAccessCode, type AccessCode } from '../storage/accessCodes.js';
import { writeAudit } from '../storage/audit.js';
import type { Federation } from '../storage/federations.js';
import { getMeasurementPoint, listMeasurementPoints, type Intervention, type InterventionPoint } from '../storage/interventions.js';
import { createParticipant, createParticipants, getParticipant, listParticipants, recordExit, type Participant } from '../storage/participants.js';
import { startPaperResponse } from '../storage/responses.js';
import { listRounds } from '../storage/rounds.js';
import { disclosurePlan, processByRound, processFigures } from '../services/figures.js';
import { privacyRoutes } from './privacy.js';

const BASE = '/f/:fid/interventions/:iid';

interface Forms { errors: FormError[]; input: Record<string, unknown> }
const NO_FORMS: Forms = { errors: [], input: {} };

/** The federation and intervention `authorize` loaded, and the intervention's base path. */
function scope(res: Response) {
  const federation = res.locals.federation as Federation;
  const intervention = res.locals.intervention as Intervention;
  return { federation, intervention, base: `/f/${federation.id}/interventions/${intervention.id}` };
}

/** Why a typed code cannot be entered on paper for this intervention, if it cannot. Anonymous codes only belong to yearly questionnaires. */
function paperCodeError(code: AccessCode | undefined, interventionId: number): FormError | null {
  if (!code || code.interventionId !== interventionId || (code.participantId === null && code.point !== 'yearly')) return fieldError('code', 'codeNotHere');
  if (code.status === 'spent') return fieldError('code', 'codeSpent');
  if (code.status === 'revoked') return fieldError('code', 'codeRevoked');
  return null;
}

/** Staff work inside one intervention: participants, codes, slips, paper entry, response rates. */
export function participantRoutes(ctx: AppContext): Router {
  const router = Router();
  const manage = authorize(ctx, 'participants.manage');
  const db = ctx.db;

  const audit = (req: Request, res: Response, action: string, target: string, detail?: Record<string, unknown>) =>
    writeAudit(db, { userId: req.principal!.userId, federationId: (res.locals.federation as Federation).id, action, target, detail, ip: req.ip });

  /** The participant list with its forms; every showing of it is audited. A yearly questionnaire has anonymous codes instead. */
  function renderList(req: Request, res: Response, forms = NO_FORMS, status = 200): void {
    const { federation, intervention, base } = scope(res);
    audit(req, res, 'participants.view', `intervention:${intervention.id}`);
    const points = listMeasurementPoints(db, intervention.id);
    const yearly = points.find((p) => p.point === 'yearly');
    if (yearly) return void res.status(status).render('participants/anonymous', { federation, intervention, base, ...forms, points, ...anonymousCodes(intervention, yearly), rounds: listRounds(db, federation.id) });
    res.status(status).render('participants/index', {
      federation, intervention, base, ...forms, points,
      participants: listParticipants(db, intervention.id),
      progress: progressByParticipant(listInterventionCodes(db, intervention.id)),
      rounds: listRounds(db, federation.id),
    });
  }

  /** The codes and answers of a staff page, exact (staff follow the codes one by one): in total per point, and per round. */
  function processTables(intervention: Intervention, points: readonly string[]) {
    const rounds = new Map(listRounds(db, intervention.federationId).map((r) => [r.id, r.name]));
    return {
      byPoint: processFigures(ctx, disclosurePlan(ctx), intervention, points, null, true),
      byRound: processByRound(ctx, intervention, points).filter((r) => r.issued.n! + r.imported.n! > 0).map((r) => ({ ...r, roundName: r.roundId === null ? null : rounds.get(r.roundId) ?? null })),
    };
  }

  /** A yearly questionnaire's instrument and how its anonymous codes have been answered, in total and per round. */
  function anonymousCodes(intervention: Intervention, point: InterventionPoint) {
    return { instrument: ctx.instruments.get(point.instrumentId), ...processTables(intervention, [point.point]) };
  }

  function loadParticipant(req: Request, res: Response): Participant {
    const participant = getParticipant(db, Number(req.params.pid));
    if (!participant || participant.interventionId !== (res.locals.intervention as Intervention).id) throw new Problem('notFound');
    return participant;
  }

  function renderParticipant(req: Request, res: Response, participant: Participant, forms = NO_FORMS, status = 200): void {
    const { federation, intervention, base } = scope(res);
    const codes = listParticipantCodes(db, participant.id).map((c) => ({ ...c, progress: progressOf(c) }));
    const issued = codes.find((c) => c.code === req.query.issued && c.status === 'active');
    audit(req, res, 'participant.view', `participant:${participant.pseudonym}`);
    res.status(status).render('participants/show', {
      federation, intervention, base, participant, codes, issued, ...forms,
      points: listMeasurementPoints(db, intervention.id), rounds: listRounds(db, federation.id), exitStatuses: EXIT_STATUSES, formatAccessCode,
      mayUsePrivacy: can(req.principal!, 'participants.privacy', federation.id),
    });
  }

  /** The point (of this intervention) and round (of this federation) a code form asks for; no point when the form has errors. */
  function parseIssueForm(req: Request, res: Response) {
    const { federation, intervention } = scope(res);
    const points = listMeasurementPoints(db, intervention.id);
    const form = parseIssue(req.body, points.map((p) => p.point), listRounds(db, federation.id).map((r) => r.id));
    return { form, point: form.errors.length ? undefined : points.find((p) => p.point === form.value.point) };
  }

  router.get(`${BASE}/participants`, manage, (req, res) => renderList(req, res));

  router.post(`${BASE}/participants`, manage, (req, res) => {
    const form = parseNewParticipant(req.body);
    if (form.errors.length) return renderList(req, res, { errors: form.errors, input: req.body }, 422);
    const { intervention, base } = scope(res);
    const participant = createParticipant(db, { interventionId: intervention.id, ...form.value });
    audit(req, res, 'participants.create', `participant:${participant.pseudonym}`);
    res.redirect(303, `${base}/participants/${participant.id}`);
  });

  router.post(`${BASE}/participants/bulk`, manage, (req, res) => {
    const form = parseBulkParticipants(req.body);
    if (form.errors.length) return renderList(req, res, { errors: form.errors, input: req.body }, 422);
    const { intervention, base } = scope(res);
    createParticipants(db, intervention.id, form.value.count, form.value.startedOn);
    audit(req, res, 'participants.create', `intervention:${intervention.id}`, { count: form.value.count });
    res.redirect(303, `${base}/participants`);
  });

  router.get(`${BASE}/participants/:pid`, manage, (req, res) => renderParticipant(req, res, loadParticipant(req, res)));

  router.post(`${BASE}/participants/:pid/exit`, manage, (req, res) => {
    const participant = loadParticipant(req, res);
    const form = parseExit(req.body);
    if (form.errors.length) return renderParticipant(req, res, participant, { errors: form.errors, input: req.body }, 422);
    recordExit(db, participant.id, form.value.exitedOn, form.value.exitStatus);
    audit(req, res, 'participant.exit', `participant:${participant.pseudonym}`, { exitStatus: form.value.exitStatus });
    res.redirect(303, `${scope(res).base}/participants/${participant.id}`);
  });

  router.post(`${BASE}/participants/:pid/codes`, manage, (req, res) => {
    const participant = loadParticipant(req, res);
    const { form, point } = parseIssueForm(req, res);
    const [code] = point ? issueMissingCodes(db, { measurementPointId: point.id, roundId: form.value.roundId, participantId: participant.id }) : [];
    if (!code) return renderParticipant(req, res, participant, { errors: form.errors.length ? form.errors : [fieldError('point', 'alreadyHasCode')], input: req.body }, 422);
    audit(req, res, 'codes.issue', `participant:${participant.pseudonym}`, { point: form.value.point, count: 1 });
    res.redirect(303, `${scope(res).base}/participants/${participant.id}?issued=${code}`);
  });

  router.post(`${BASE}/participants/:pid/codes/:code/reissue`, manage, (req, res) => {
    const participant = loadParticipant(req, res);
    const old = listParticipantCodes(db, participant.id).find((c) => c.code === req.params.code);
    if (!old) throw new Problem('notFound');
    const result = reissueAccessCode(db, old.code);
    if (!result.ok) return renderParticipant(req, res, participant, { errors: [fieldError(`reissue-${old.code}`, 'notReissuable')], input: {} }, 422);
    audit(req, res, 'codes.reissue', `participant:${participant.pseudonym}`, { point: old.point });
    res.redirect(303, `${scope(res).base}/participants/${participant.id}?issued=${result.code}`);
  });

  router.post(`${BASE}/codes`, manage, (req, res) => {
    const { intervention, base } = scope(res);
    const { form, point } = parseIssueForm(req, res);
    const codes = point ? issueMissingCodes(db, { measurementPointId: point.id, roundId: form.value.roundId }) : [];
    if (codes.length === 0) return renderList(req, res, { errors: form.errors.length ? form.errors : [fieldError('point', 'allHaveCodes')], input: req.body }, 422);
    audit(req, res, 'codes.issue', `intervention:${intervention.id}`, { point: form.value.point, count: codes.length });
    res.redirect(303, `${base}/slips?point=${form.value.point}&codes=${codes.join(',')}`);
  });

  router.post(`${BASE}/codes/anonymous`, manage, (req, res) => {
    const { federation, intervention, base } = scope(res);
    const point = getMeasurementPoint(db, intervention.id, 'yearly');
    if (!point) throw new Problem('notFound');
    const form = parseAnonymousIssue(req.body, listRounds(db, federation.id).map((r) => r.id));
    if (form.errors.length) return renderList(req, res, { errors: form.errors, input: req.body }, 422);
    const codes = issueAccessCodes(db, { measurementPointId: point.id, count: form.value.count, roundId: form.value.roundId });
    audit(req, res, 'codes.issue', `intervention:${intervention.id}`, { point: point.point, count: codes.length, anonymous: true });
    res.redirect(303, `${base}/slips?point=${point.point}&codes=${codes.join(',')}`);
  });

  router.get(`${BASE}/slips`, manage, async (req, res) => {
    const { federation, intervention, base } = scope(res);
    const point = getMeasurementPoint(db, intervention.id, String(req.query.point ?? ''));
    if (!point) throw new Problem('notFound');
    const selected = parseCodeList(req.query.codes);
    const showRef = req.query.showRef === '1';
    const codes = codesForSlips(db, point.id, selected);
    const slips = await Promise.all(codes.map(async (c) => ({
      code: formatAccessCode(c.code), localRef: showRef ? c.localRef : null, qr: await qrSvg(surveyEntryUrl(ctx.config.publicUrl, c.code)),
    })));
    audit(req, res, 'codes.print', `intervention:${intervention.id}`, { point: point.point, count: slips.length, showRef });
    res.render('participants/slips', {
      federation, intervention, base, point: point.point, sheets: toSheets(slips), count: slips.length, showRef,
      codesParam: selected?.join(',') ?? '', entryUrl: surveyEntryUrl(ctx.config.publicUrl),
    });
  });

  router.post(`${BASE}/paper`, manage, (req, res) => {
    const { intervention } = scope(res);
    const form = parsePaperCode(req.body);
    const code = form.errors.length ? undefined : findAccessCode(db, form.value.code);
    const error = form.errors[0] ?? paperCodeError(code, intervention.id);
    if (error || !code) return renderList(req, res, { errors: error ? [error] : [], input: { code: form.value.typed } }, 422);
    const instrument = ctx.instruments.get(code.instrumentId);
    if (!instrument) throw new Problem('serverError', `instrument ${code.instrumentId} is not installed`);
    const { response, created } = startPaperResponse(db, {
      code: code.code, participantId: code.participantId, interventionId: code.interventionId, point: code.point, roundId: code.roundId,
      instrumentId: instrument.id, instrumentVersion: instrument.version, language: instrument.languages.includes('sv') ? 'sv' : instrument.languages[0]!,
    }, req.principal!.userId!);
    audit(req, res, 'paper.start', `response:${response.id}`, { point: code.point, created });
    res.redirect(303, created ? `/s/${code.code}/1` : `/s/${code.code}`);
  });

  router.get(`${BASE}/rates`, authorize(ctx, 'rates.read'), (req, res) => {
    const { federation, intervention, base } = scope(res);
    // The outstanding list names pseudonyms, so looking at it is recorded like the participant list.
    audit(req, res, 'rates.view', `intervention:${intervention.id}`);
    res.render('participants/rates', {
      federation, intervention, base, formatAccessCode,
      ...processTables(intervention, listMeasurementPoints(db, intervention.id).map((p) => p.point)),
      outstanding: outstandingCodes(db, intervention.id),
    });
  });

  router.use(privacyRoutes(ctx));
  return router;
}
