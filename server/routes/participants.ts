import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { formatAccessCode, normalizeAccessCode, normalizeCodeList } from '../domain/accessCode.js';
import { progressByParticipant, progressOf } from '../domain/codeProgress.js';
import { EXIT_STATUSES } from '../domain/exitStatus.js';
import { estimatedMinutes, printedUrl, qrSvg, surveyEntryUrl, toSheets } from '../domain/slips.js';
import { htmlLang, localizedText, textDirection } from '../domain/languages.js';
import { translator } from '../i18n/index.js';
import { auditTarget } from '../domain/auditEvent.js';
import { type FormError, idParam, oneOf, parseForm } from '../forms/form.js';
import { audit, auditedWrite, type AuditEvent } from '../security/audit.js';
import { anonymousIssueForm, bulkParticipantsForm, exitForm, issuedQuery, issueForm, newParticipantForm, paperCodeForm, paperSubmitForm, participantListQuery, slipsQuery } from '../forms/schemas.js';
import { dueFor, worklistCounts } from '../domain/worklist.js';
import { interventionWorklist } from '../services/worklist.js';
import { Problem } from '../problem.js';
import { can } from '../security/access.js';
import { authorize, principalOf } from '../security/auth.js';
import {
  codesForSlips, findAccessCode, issueAccessCodes, issueMissingCodes, listInterventionCodes, listParticipantCodes, outstandingCodes, participantsWithoutCode, reissueAccessCode, type AccessCode,
} from '../storage/accessCodes.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import { getMeasurementPoint, listMeasurementPoints, type Intervention, type InterventionPoint } from '../storage/interventions.js';
import { createParticipant, createParticipants, getParticipant, listParticipants, recordExit, searchParticipants, type Participant } from '../storage/participants.js';
import { getAnswers, getResponseByCode, saveAnswers, startPaperResponse, submitResponse } from '../storage/responses.js';
import { asStrings, FIELD_PREFIX, formValue, parseSectionForm, type FieldError } from '../domain/answerForm.js';
import { swedishDate } from '../domain/calendarDate.js';
import { dimensionsOf } from '../domain/dimensions.js';
import { sectionsForPoint } from '../domain/instrument.js';
import { scoreResponse } from '../domain/scoring.js';
import { listRounds } from '../storage/rounds.js';
import { disclosurePlan, processByRound, processFigures } from '../services/figures.js';
import { privacyRoutes } from './privacy.js';

const BASE = '/f/:fid/interventions/:iid';
/** Participants per page of the staff's list. */
const PAGE_SIZE = 50;

interface Forms { errors: FormError[]; input: Record<string, unknown> }
const NO_FORMS: Forms = { errors: [], input: {} };

/** The federation and intervention `authorize` loaded, and the intervention's base path. */
function scope(res: Response) {
  const federation = res.locals.federation;
  const intervention = res.locals.intervention;
  return { federation, intervention, base: `/f/${federation.id}/interventions/${intervention.id}` };
}

/** Why a typed code cannot be entered on paper for this intervention, if it cannot. Anonymous codes only belong to yearly questionnaires. */
function paperCodeError(code: AccessCode | undefined, interventionId: number): FormError | null {
  if (!code || code.interventionId !== interventionId || (code.participantId === null && code.point !== 'yearly')) return { field: 'code', code: 'staff.codeNotHere' };
  if (code.status === 'spent') return { field: 'code', code: 'staff.codeSpent' };
  if (code.status === 'revoked') return { field: 'code', code: 'staff.codeRevoked' };
  return null;
}

/** Staff work inside one intervention: participants, codes, slips, paper entry, response rates. */
export function participantRoutes(ctx: AppContext): Router {
  const router = Router();
  const manage = authorize(ctx, 'participants.manage');
  const db = ctx.db;

  /** An event in the intervention's förbund. */
  const here = (res: Response, event: AuditEvent): AuditEvent => ({ federationId: res.locals.federation.id, ...event });

  /** The participant list with its forms; every showing of it is audited. A yearly questionnaire has anonymous codes instead. */
  function renderList(req: Request, res: Response, forms = NO_FORMS, status = 200): void {
    const { federation, intervention, base } = scope(res);
    audit(ctx, req, here(res, { action: 'participants.view', target: auditTarget.intervention(intervention.id) }));
    const points = listMeasurementPoints(db, intervention.id);
    const q = parseForm(participantListQuery, req.query);
    const { entered: enteredCode, ...filter } = q.ok ? q.value : { entered: undefined };
    const entered = enteredCode === undefined ? null : formatAccessCode(normalizeAccessCode(enteredCode)!);
    const yearly = points.find((p) => p.point === 'yearly');
    if (yearly) return void res.status(status).render('participants/anonymous', { federation, intervention, base, ...forms, points, entered, ...anonymousCodes(intervention, yearly), rounds: listRounds(db, federation.id) });
    const page = searchParticipants(db, intervention.id, { search: filter.q, status: filter.status, missing: filter.missing, sort: filter.sort, page: filter.page ?? 1, pageSize: PAGE_SIZE });
    const work = interventionWorklist(ctx, intervention);
    res.status(status).render('participants/index', {
      federation, intervention, base, ...forms, points,
      participants: page.participants, total: page.total, filter, pageSize: PAGE_SIZE, entered,
      work, workCounts: worklistCounts(work),
      progress: progressByParticipant(listInterventionCodes(db, intervention.id)),
      rounds: listRounds(db, federation.id),
    });
  }

  /** The second step of a code issue to many: who is due for the point (ticked) and who else has no code for it (not ticked). */
  function renderIssueConfirm(req: Request, res: Response, point: InterventionPoint, round: number | null, errors: FormError[] = [], status = 200): void {
    const { federation, intervention, base } = scope(res);
    const due = dueFor(interventionWorklist(ctx, intervention), point.point);
    const without = new Set(participantsWithoutCode(db, { measurementPointId: point.id, roundId: round }));
    const all = listParticipants(db, intervention.id).filter((p) => without.has(p.id));
    res.status(status).render('participants/issue-confirm', {
      federation, intervention, base, point: point.point, round, errors,
      rounds: listRounds(db, federation.id), due: all.filter((p) => due.has(p.id)), others: all.filter((p) => !due.has(p.id)),
    });
  }

  /** The codes and answers of a staff page, exact (staff follow the codes one by one): in total per point, and per round. */
  function processTables(intervention: Intervention, points: readonly MeasurementPoint[]) {
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
    const participant = getParticipant(db, idParam(req.params.pid));
    if (!participant || participant.interventionId !== res.locals.intervention.id) throw new Problem('notFound');
    return participant;
  }

  function renderParticipant(req: Request, res: Response, participant: Participant, forms = NO_FORMS, status = 200): void {
    const { federation, intervention, base } = scope(res);
    const codes = listParticipantCodes(db, participant.id).map((c) => ({ ...c, progress: progressOf(c) }));
    const query = parseForm(issuedQuery, req.query);
    const issued = query.ok ? codes.find((c) => c.code === query.value.issued && c.status === 'active') : undefined;
    audit(ctx, req, here(res, { action: 'participant.view', target: auditTarget.participant(participant.pseudonym) }));
    res.status(status).render('participants/show', {
      federation, intervention, base, participant, codes, issued, ...forms,
      points: listMeasurementPoints(db, intervention.id), rounds: listRounds(db, federation.id), exitStatuses: EXIT_STATUSES, formatAccessCode,
      mayUsePrivacy: can(principalOf(req), 'participants.privacy', federation.id),
    });
  }

  /** The point (of this intervention) and round (of this federation) a code form asks for; no point when the form has errors. */
  function parseIssueForm(req: Request, res: Response) {
    const { federation, intervention } = scope(res);
    const points = listMeasurementPoints(db, intervention.id);
    const form = parseForm(issueForm, req.body, [
      oneOf('point', points.map((p) => p.point), 'staff.pointUnknown'),
      oneOf('round', listRounds(db, federation.id).map((r) => r.id), 'staff.roundUnknown'),
    ]);
    return { form, point: form.ok ? points.find((p) => p.point === form.value.point) : undefined };
  }

  router.get(`${BASE}/participants`, manage, (req, res) => renderList(req, res));

  router.post(`${BASE}/participants`, manage, (req, res) => {
    const form = parseForm(newParticipantForm, req.body);
    if (!form.ok) return renderList(req, res, form, 422);
    const { intervention, base } = scope(res);
    const participant = auditedWrite(ctx, req, () => createParticipant(db, { interventionId: intervention.id, localRef: form.value.localRef ?? null, startedOn: form.value.startedOn ?? null }),
      (p) => here(res, { action: 'participants.create', target: auditTarget.participant(p.pseudonym) }));
    res.redirect(303, `${base}/participants/${participant.id}`);
  });

  router.post(`${BASE}/participants/bulk`, manage, (req, res) => {
    const form = parseForm(bulkParticipantsForm, req.body);
    if (!form.ok) return renderList(req, res, form, 422);
    const { intervention, base } = scope(res);
    auditedWrite(ctx, req, () => createParticipants(db, intervention.id, form.value.count, form.value.bulkStartedOn ?? null),
      here(res, { action: 'participants.create', target: auditTarget.intervention(intervention.id), detail: { count: form.value.count } }));
    res.redirect(303, `${base}/participants`);
  });

  router.get(`${BASE}/participants/:pid`, manage, (req, res) => renderParticipant(req, res, loadParticipant(req, res)));

  router.post(`${BASE}/participants/:pid/exit`, manage, (req, res) => {
    const participant = loadParticipant(req, res);
    const form = parseForm(exitForm, req.body);
    if (!form.ok) return renderParticipant(req, res, participant, form, 422);
    auditedWrite(ctx, req, () => recordExit(db, participant.id, form.value.exitedOn, form.value.exitStatus),
      here(res, { action: 'participant.exit', target: auditTarget.participant(participant.pseudonym), detail: { exitStatus: form.value.exitStatus } }));
    res.redirect(303, `${scope(res).base}/participants/${participant.id}`);
  });

  router.post(`${BASE}/participants/:pid/codes`, manage, (req, res) => {
    const participant = loadParticipant(req, res);
    const { form, point } = parseIssueForm(req, res);
    if (!form.ok) return renderParticipant(req, res, participant, form, 422);
    const [code] = point ? auditedWrite(ctx, req, () => issueMissingCodes(db, { measurementPointId: point.id, roundId: form.value.round ?? null, participantId: participant.id }),
      here(res, { action: 'codes.issue', target: auditTarget.participant(participant.pseudonym), detail: { point: form.value.point, count: 1 } })) : [];
    if (!code) return renderParticipant(req, res, participant, { errors: [{ field: 'point', code: 'staff.alreadyHasCode' }], input: form.input }, 422);
    res.redirect(303, `${scope(res).base}/participants/${participant.id}?issued=${code}`);
  });

  router.post(`${BASE}/participants/:pid/codes/:code/reissue`, manage, (req, res) => {
    const participant = loadParticipant(req, res);
    const old = listParticipantCodes(db, participant.id).find((c) => c.code === req.params.code);
    if (!old) throw new Problem('notFound');
    const result = auditedWrite(ctx, req, () => reissueAccessCode(db, old.code),
      (r) => (r.ok ? here(res, { action: 'codes.reissue', target: auditTarget.participant(participant.pseudonym), detail: { point: old.point } }) : null));
    if (!result.ok) return renderParticipant(req, res, participant, { errors: [{ field: `reissue-${old.code}`, code: 'staff.notReissuable' }], input: {} }, 422);
    res.redirect(303, `${scope(res).base}/participants/${participant.id}?issued=${result.code}`);
  });

  // Codes to many in two steps: first who is due (and who else has no code), then to those ticked, with the count named.
  router.post(`${BASE}/codes`, manage, (req, res) => {
    const { intervention, base } = scope(res);
    const { form, point } = parseIssueForm(req, res);
    if (!form.ok || !point) return renderList(req, res, form.ok ? { errors: [{ field: 'point', code: 'staff.pointUnknown' }], input: form.input } : form, 422);
    const round = form.value.round ?? null;
    if (form.value.confirm !== '1') {
      if (participantsWithoutCode(db, { measurementPointId: point.id, roundId: round }).length === 0) return renderList(req, res, { errors: [{ field: 'point', code: 'staff.allHaveCodes' }], input: form.input }, 422);
      return renderIssueConfirm(req, res, point, round);
    }
    const chosen = form.value.participants ?? [];
    if (chosen.length === 0) return renderIssueConfirm(req, res, point, round, [{ field: 'participants', code: 'staff.noneChosen' }], 422);
    const codes = auditedWrite(ctx, req, () => issueMissingCodes(db, { measurementPointId: point.id, roundId: round, participantIds: chosen }),
      (issued) => here(res, { action: 'codes.issue', target: auditTarget.intervention(intervention.id), detail: { point: form.value.point, count: issued.length } }));
    if (codes.length === 0) return renderList(req, res, { errors: [{ field: 'point', code: 'staff.allHaveCodes' }], input: form.input }, 422);
    res.redirect(303, `${base}/slips?point=${form.value.point}&codes=${codes.join(',')}`);
  });

  router.post(`${BASE}/codes/anonymous`, manage, (req, res) => {
    const { federation, intervention, base } = scope(res);
    const point = getMeasurementPoint(db, intervention.id, 'yearly');
    if (!point) throw new Problem('notFound');
    const form = parseForm(anonymousIssueForm, req.body, [oneOf('round', listRounds(db, federation.id).map((r) => r.id), 'staff.roundUnknown')]);
    if (!form.ok) return renderList(req, res, form, 422);
    const codes = auditedWrite(ctx, req, () => issueAccessCodes(db, { measurementPointId: point.id, count: form.value.count, roundId: form.value.round ?? null }),
      (issued) => here(res, { action: 'codes.issue', target: auditTarget.intervention(intervention.id), detail: { point: point.point, count: issued.length, anonymous: true } }));
    res.redirect(303, `${base}/slips?point=${point.point}&codes=${codes.join(',')}`);
  });

  router.get(`${BASE}/slips`, manage, async (req, res) => {
    const { federation, intervention, base } = scope(res);
    const query = parseForm(slipsQuery, req.query);
    const point = query.ok ? getMeasurementPoint(db, intervention.id, query.value.point) : undefined;
    if (!query.ok || !point) throw new Problem('notFound');
    const instrument = ctx.instruments.get(point.instrumentId);
    if (!instrument) throw new Problem('serverError', `instrument ${point.instrumentId} is not installed`);
    const selected = query.value.codes === undefined ? null : normalizeCodeList(query.value.codes);
    const showRef = point.point !== 'yearly' && query.value.hideRef !== '1';
    // The slip's language: one the instrument is in (the participant will answer in it), Swedish by default.
    const lang = query.value.slipLang !== undefined && instrument.languages.includes(query.value.slipLang) ? query.value.slipLang : instrument.languages.includes('sv') ? 'sv' : instrument.languages[0]!;
    const codes = codesForSlips(db, point.id, selected);
    const slips = await Promise.all(codes.map(async (c) => ({
      code: formatAccessCode(c.code), localRef: showRef ? c.localRef : null, qr: await qrSvg(surveyEntryUrl(ctx.config.publicUrl, c.code)),
    })));
    audit(ctx, req, here(res, { action: 'codes.print', target: auditTarget.intervention(intervention.id), detail: { point: point.point, count: slips.length, showRef, lang } }));
    const st = translator(lang);
    const questions = sectionsForPoint(instrument, point.point).reduce((n, section) => n + section.items.length, 0);
    res.render('participants/slips', {
      federation, intervention, base, point: point.point, sheets: toSheets(slips), count: slips.length, showRef,
      codesParam: selected?.join(',') ?? '', languages: instrument.languages, lang, lastDay: query.value.lastDay ?? null, contact: query.value.contact ?? null,
      slip: {
        lang: htmlLang(lang), dir: textDirection(lang),
        title: localizedText(instrument.title, lang, 'sv'),
        purpose: st(point.point === 'yearly' ? 'slip.purposeYearly' : 'slip.purpose'),
        minutes: st('slip.minutes', { minutes: estimatedMinutes(questions) }),
        instruction: st('slip.instruction', { url: printedUrl(surveyEntryUrl(ctx.config.publicUrl)) }),
        scan: st('slip.scan'),
        lastDay: query.value.lastDay ? st('slip.lastDay', { date: query.value.lastDay }) : null,
        contact: query.value.contact ? st('slip.contact', { contact: query.value.contact }) : null,
        ref: st('slip.ref'),
      },
    });
  });

  router.post(`${BASE}/paper`, manage, (req, res) => {
    const { intervention } = scope(res);
    const form = parseForm(paperCodeForm, req.body);
    if (!form.ok) return renderList(req, res, form, 422);
    const code = findAccessCode(db, normalizeAccessCode(form.value.code)!);
    const error = paperCodeError(code, intervention.id);
    if (error || !code) return renderList(req, res, { errors: error ? [error] : [], input: form.input }, 422);
    const instrument = ctx.instruments.get(code.instrumentId);
    if (!instrument) throw new Problem('serverError', `instrument ${code.instrumentId} is not installed`);
    const { response } = auditedWrite(ctx, req, () => startPaperResponse(db, {
      code: code.code, participantId: code.participantId, interventionId: code.interventionId, point: code.point, roundId: code.roundId,
      instrumentId: instrument.id, instrumentVersion: instrument.version, language: instrument.languages.includes('sv') ? 'sv' : instrument.languages[0]!,
    }, principalOf(req).userId!), (r) => (r.created ? here(res, { action: 'paper.start', target: auditTarget.response(r.response.id), detail: { point: code.point } }) : null));
    // The participant began this questionnaire on the web: their answers are not typed over from paper.
    if (!response.enteredByStaff) return renderList(req, res, { errors: [{ field: 'code', code: 'staff.codeStartedOnline' }], input: form.input }, 422);
    res.redirect(303, `${scope(res).base}/paper/${code.code}`);
  });

  /** A paper questionnaire being typed in: its code (of this intervention, started as paper), instrument, participant and every section of the point. */
  function paperEntry(res: Response, rawCode: string) {
    const { intervention } = scope(res);
    const normalized = normalizeAccessCode(rawCode);
    const code = normalized === null ? undefined : findAccessCode(db, normalized);
    const error = paperCodeError(code, intervention.id);
    if (error || !code) throw new Problem('notFound');
    const response = getResponseByCode(db, code.code);
    const instrument = response && ctx.instruments.get(response.instrumentId, response.instrumentVersion);
    if (!response || !response.enteredByStaff || !instrument) throw new Problem('notFound');
    const participant = code.participantId === null ? null : getParticipant(db, code.participantId) ?? null;
    return { code, response, instrument, participant, sections: sectionsForPoint(instrument, code.point) };
  }

  function renderPaperForm(res: Response, entry: ReturnType<typeof paperEntry>, values: Map<string, string[]>, submittedOn: string, errors: FieldError[], dateError: string | null, status = 200): void {
    const { federation, intervention, base } = scope(res);
    res.status(status).render('participants/paper-form', {
      federation, intervention, base, ...entry, values, submittedOn, errors, dateError, formatAccessCode, today: swedishDate(),
    });
  }

  // Every question of the point on one page, for typing in a pile of paper forms quickly; the date the form was filled in counts for periods.
  router.get(`${BASE}/paper/:code`, manage, (req, res) => {
    const entry = paperEntry(res, String(req.params.code));
    const answers = getAnswers(db, entry.response.id);
    const values = new Map(entry.sections.flatMap((s) => s.items).map((item) => [item.id, formValue(item, answers.get(item.id))]));
    renderPaperForm(res, entry, values, swedishDate(), [], null);
  });

  router.post(`${BASE}/paper/:code`, manage, (req, res) => {
    const entry = paperEntry(res, String(req.params.code));
    const items = entry.sections.flatMap((s) => s.items);
    const body = req.body as Record<string, unknown>;
    const parsed = parseSectionForm(items, body);
    if (parsed.unknownFields.length > 0) throw new Problem('unknownItems', parsed.unknownFields.join(', '));
    const date = parseForm(paperSubmitForm, body);
    const submittedOn = date.ok ? date.value.submittedOn : typeof body.submittedOn === 'string' ? body.submittedOn : '';
    const dateError = !date.ok ? 'staff.paper.dateInvalid' : submittedOn > swedishDate() ? 'staff.paper.dateInFuture' : null;
    if (parsed.errors.length > 0 || dateError) {
      const typed = new Map(items.map((item) => [item.id, asStrings(body[`${FIELD_PREFIX}${item.id}`])]));
      return renderPaperForm(res, entry, typed, submittedOn, parsed.errors, dateError, 422);
    }
    const { response, instrument, code } = entry;
    auditedWrite(ctx, req, () => {
      saveAnswers(db, response.id, parsed.answers, parsed.cleared, entry.sections.length + 1);
      const answers = getAnswers(db, response.id);
      if (!submitResponse(db, response, scoreResponse(instrument, response.point, answers), dimensionsOf(instrument, answers), submittedOn)) throw new Problem('codeSpent');
    }, here(res, { action: 'paper.submit', target: auditTarget.response(response.id), detail: { point: code.point, submittedOn } }));
    res.redirect(303, `${scope(res).base}/participants?entered=${code.code}#paper-title`);
  });

  router.get(`${BASE}/rates`, authorize(ctx, 'rates.read'), (req, res) => {
    const { federation, intervention, base } = scope(res);
    // The outstanding list names pseudonyms, so looking at it is recorded like the participant list.
    audit(ctx, req, here(res, { action: 'rates.view', target: auditTarget.intervention(intervention.id) }));
    res.render('participants/rates', {
      federation, intervention, base, formatAccessCode,
      ...processTables(intervention, listMeasurementPoints(db, intervention.id).map((p) => p.point)),
      outstanding: outstandingCodes(db, intervention.id),
    });
  });

  router.use(privacyRoutes(ctx));
  return router;
}
