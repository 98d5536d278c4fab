import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { CODE_GUESSES_PER_MINUTE, formatAccessCode, normalizeAccessCode } from '../domain/accessCode.js';
import { asStrings, FIELD_PREFIX, formValue, parseSectionForm, type FieldError } from '../domain/answerForm.js';
import { sectionsForPoint } from '../domain/instrument.js';
import type { Instrument, Section } from '../domain/instrumentTypes.js';
import { dimensionsOf } from '../domain/dimensions.js';
import { scoreResponse } from '../domain/scoring.js';
import { Problem, RETRY_AFTER_SECONDS, storageFault } from '../problem.js';
import { codeGuessLimits } from '../security/rateLimits.js';
import { clearSurveyCookie, setSurveyCookie, surveyCookieCode } from '../security/surveyCookie.js';
import { appSecret } from '../storage/settings.js';
import { inGroupCommit } from '../storage/groupCommit.js';
import { activeReplacementOf, findAccessCode, type AccessCode } from '../storage/accessCodes.js';
import { getAnswers, getResponseByCode, saveAnswers, setResponseLanguage, startResponse, submitResponse, type SurveyResponse } from '../storage/responses.js';
import { rememberLanguage, setLanguage } from '../render/viewLocals.js';
import { parseForm } from '../forms/form.js';
import { getFederation } from '../storage/federations.js';
import { getIntervention } from '../storage/interventions.js';
import { participantNotice } from '../services/participantNotice.js';
import { codeEntryForm, languageForm, pageControlsForm, reviewQuery } from '../forms/schemas.js';

interface Survey {
  code: AccessCode;
  response: SurveyResponse | undefined;
  instrument: Instrument;
  sections: Section[];
  /** The path its pages are under: /s/q when the code is in the participant cookie, /s/<code> when a link named it. */
  base: string;
}

/** The path segment that stands for "the code in this browser's participant cookie" (security/surveyCookie.ts). */
export const CURRENT_CODE = 'q';
const CURRENT_BASE = `/s/${CURRENT_CODE}`;

const CODE_PROBLEMS = { spent: 'codeSpent', revoked: 'codeRevoked' } as const;

/**
 * Pauses before the next attempt of a participant's write while another connection (a long write,
 * a backup, the CLI) holds the write lock. Each attempt waits at most the connection's short busy
 * timeout (server/main.ts), synchronously; the pauses are timers, so the server answers everyone
 * else meanwhile. About 1.5 s of pauses in all, then the participant is asked to try again.
 */
const RETRY_PAUSES_MS = [50, 100, 200, 400, 800];

/**
 * Runs a participant's write in the next group commit (storage/groupCommit.ts); while the database
 * is locked, runs it again after a pause, then gives up with the last error. The write runs after
 * the request's reads, in another turn of the event loop: it checks again what it relies on.
 */
async function withRetries<T>(ctx: AppContext, write: () => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await inGroupCommit(ctx.db, write);
    } catch (err) {
      const pause = RETRY_PAUSES_MS[attempt];
      if (pause === undefined || !storageFault(err)?.transient) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * True when `err` is the database refusing a write (locked, full, read-only): logs one line for the
 * operator and sets Retry-After; the caller shows the participant the page again, typed answers kept.
 */
function refusedWrite(ctx: AppContext, res: Response, err: unknown, what: string): boolean {
  const fault = storageFault(err);
  if (!fault) return false;
  console.error(`Indikator: ${what} not saved: the database ${ctx.db.name} ${fault.cause} (${fault.sqliteCode}); the participant was asked to try again`);
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  return true;
}

const isProblem = (err: unknown, code: Problem['code']): boolean => err instanceof Problem && err.code === code;

/** Loads what a code opens, or throws the problem the participant should read. */
function openSurvey(ctx: AppContext, rawCode: string, base?: string): Survey {
  const normalized = normalizeAccessCode(rawCode);
  if (!normalized) throw new Problem('codeMalformed');
  const code = findAccessCode(ctx.db, normalized);
  if (!code) throw new Problem('codeUnknown');
  if (code.status !== 'active') throw new Problem(CODE_PROBLEMS[code.status]);
  const response = getResponseByCode(ctx.db, code.code);
  const instrument = ctx.instruments.get(code.instrumentId, response?.instrumentVersion);
  if (!instrument) throw new Problem('serverError', `instrument ${code.instrumentId} is not installed`);
  return { code, response, instrument, sections: sectionsForPoint(instrument, code.point), base: base ?? `/s/${code.code}` };
}

function surveyUrl(survey: Survey, page?: number | 'review' | 'language' | 'paused'): string {
  return page === undefined ? survey.base : `${survey.base}/${page}`;
}

/** Where a participant coming back with the same code continues. */
function resumeUrl(survey: Survey): string {
  const r = survey.response;
  if (!r) return surveyUrl(survey, 'language');
  return r.lastSection >= 1 && r.lastSection <= survey.sections.length ? surveyUrl(survey, r.lastSection) : r.lastSection > survey.sections.length ? surveyUrl(survey, 'review') : surveyUrl(survey, 1);
}

function pageNumber(survey: Survey, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > survey.sections.length) throw new Problem('notFound');
  return n;
}

function requireResponse(survey: Survey): SurveyResponse {
  if (!survey.response) throw new Problem('notFound');
  return survey.response;
}

/** A questionnaire page; `notSaved` puts the message "not saved yet, try again" at its top. */
function renderSection(res: Response, survey: Survey, n: number, values: Map<string, string[]>, errors: FieldError[], returnToReview: boolean, status = 200, notice: 'notSaved' | 'staleForm' | null = null): void {
  const response = requireResponse(survey);
  setLanguage(res, response.language);
  res.status(status).render('survey/section', {
    survey, response, section: survey.sections[n - 1], n, total: survey.sections.length, values, errors, returnToReview,
    displayCode: formatAccessCode(survey.code.code), notice,
  });
}

/** The answers as posted for a page's items, to put back into its form. */
function typedValues(section: Section, body: Record<string, unknown>): Map<string, string[]> {
  return new Map(section.items.map((item) => [item.id, asStrings(body[FIELD_PREFIX + item.id])]));
}

/** What a revoked code's questionnaire continues under: the survey of its active replacement, if it was reissued. */
function replacementSurvey(ctx: AppContext, rawCode: string): Survey | undefined {
  const normalized = normalizeAccessCode(rawCode);
  const replacement = normalized ? activeReplacementOf(ctx.db, normalized) : undefined;
  if (!replacement) return undefined;
  const survey = openSurvey(ctx, replacement);
  return survey.response ? survey : undefined;
}

/**
 * A page posted with a code that staff replaced meanwhile: nothing is saved under the revoked code
 * (whoever holds it may not be the participant), but what was typed is shown with the message and
 * carried in the form, and saved once the participant types the new code. The new code is never shown.
 */
function renderReplaced(res: Response, oldCode: string, target: Survey, n: number, body: Record<string, unknown>, error: string | null, status: number): void {
  const section = target.sections[n - 1]!;
  const controls = parseForm(pageControlsForm, body);
  setLanguage(res, requireResponse(target).language);
  res.status(status).render('survey/replaced', {
    oldCode, n, section, scale: target.instrument.scale, values: typedValues(section, body),
    action: controls.ok ? controls.value.action ?? 'next' : 'next', review: controls.ok && controls.value.review === '1', error,
  });
}

export function surveyRoutes(ctx: AppContext): Router {
  const router = Router();
  const secret = appSecret(ctx.db, 'survey-cookie');
  const secure = ctx.config.secureCookies;
  const cookieCode = (req: Request) => surveyCookieCode(req, secret);
  // Every route that takes a code counts the missed guesses, per address and from all together.
  router.use('/s', codeGuessLimits(ctx.codeEntryLimit ?? 20, ctx.codeGuessCapPerMinute ?? CODE_GUESSES_PER_MINUTE, (typed) => {
    const code = normalizeAccessCode(typed);
    return code !== null && findAccessCode(ctx.db, code)?.status === 'active';
  }, (req) => (req.path.split('/').filter(Boolean)[0] === CURRENT_CODE ? cookieCode(req) : null)));

  // The pages under /s/q read the code from the participant cookie; without one (it lapsed, or
  // another browser) the participant is asked for the code again: a page is never lost, only asked for.
  router.use(CURRENT_BASE, (req, res, next) => {
    if (cookieCode(req)) return next();
    if (req.method === 'GET') return res.redirect(303, '/s');
    res.status(401).render('survey/enter-code', { errors: ['codeSessionEnded'], value: '' });
  });

  /** The survey a request's path names: the code in it, or (/s/q/…) the code in the cookie, renewed. */
  const openOf = (req: Request, res: Response): Survey => {
    const param = String(req.params.code);
    if (param !== CURRENT_CODE) return openSurvey(ctx, param);
    const code = cookieCode(req)!;
    const survey = openSurvey(ctx, code, CURRENT_BASE);
    setSurveyCookie(res, survey.code.code, secret, secure);
    return survey;
  };
  /** Entering a code (typed or from the QR link): into the cookie, and on under /s/q. */
  const enter = (res: Response, survey: Survey): Survey => {
    setSurveyCookie(res, survey.code.code, secret, secure);
    return { ...survey, base: CURRENT_BASE };
  };

  router.get('/s', (req, res) => {
    res.render('survey/enter-code', { errors: [], value: '' });
  });

  router.post('/s', (req, res) => {
    const form = parseForm(codeEntryForm, req.body);
    const typed = form.ok ? form.value.code ?? '' : '';
    try {
      const survey = openSurvey(ctx, typed);
      // A language picked on the code page (?lang=) carries over to the choice of questionnaire language.
      const query = parseForm(reviewQuery, req.query);
      const picked = query.ok && query.value.lang !== undefined && !survey.response ? `?lang=${encodeURIComponent(String(res.locals.uiLang))}` : '';
      res.redirect(303, resumeUrl(enter(res, survey)) + picked);
    } catch (err) {
      if (!(err instanceof Problem) || !err.code.startsWith('code')) throw err;
      res.status(err.status).render('survey/enter-code', { errors: [err.code], value: typed.slice(0, 20) });
    }
  });

  router.get('/s/thanks', (req, res) => res.render('survey/thanks'));

  router.get('/s/:code', (req, res) => {
    try {
      // The QR link: the code goes into the cookie and out of the address bar (/s/q resumes with the cookie).
      const survey = openOf(req, res);
      res.redirect(303, resumeUrl(String(req.params.code) === CURRENT_CODE ? survey : enter(res, survey)));
    } catch (err) {
      if (!(err instanceof Problem) || !err.code.startsWith('code')) throw err;
      res.status(err.status).render('survey/enter-code', { errors: [err.code], value: '' });
    }
  });

  /** Who is asking: the förbund and intervention the code belongs to, and the förbund's contact (the questionnaire's first page). */
  const askedBy = (survey: Survey, lang: string) => {
    const intervention = getIntervention(ctx.db, survey.code.interventionId)!;
    const federation = getFederation(ctx.db, intervention.federationId)!;
    return { intervention, noticeFederation: federation, participantTexts: participantNotice(ctx, federation, lang) };
  };

  router.get('/s/:code/language', (req, res) => {
    const survey = openOf(req, res);
    if (survey.response) setLanguage(res, survey.response.language);
    res.render('survey/language', { survey, selected: survey.response?.language ?? res.locals.lang, error: null, ...askedBy(survey, res.locals.lang) });
  });

  router.post('/s/:code/language', async (req, res) => {
    const survey = openOf(req, res);
    const form = parseForm(languageForm, req.body);
    const language = form.ok ? form.value.language ?? '' : '';
    if (!survey.instrument.languages.includes(language)) {
      res.status(422).render('survey/language', { survey, selected: null, error: 'languageUnknown', ...askedBy(survey, res.locals.lang) });
      return;
    }
    try {
      await withRetries(ctx, () => {
        const current = openSurvey(ctx, survey.code.code);
        if (current.response) setResponseLanguage(ctx.db, current.response.id, language);
        else {
          current.response = startResponse(ctx.db, {
            code: current.code.code, participantId: current.code.participantId, interventionId: current.code.interventionId,
            point: current.code.point, roundId: current.code.roundId, instrumentId: current.instrument.id,
            instrumentVersion: current.instrument.version, language,
          });
        }
        survey.response = current.response;
      });
    } catch (err) {
      if (!refusedWrite(ctx, res, err, 'The choice of language')) throw err;
      setLanguage(res, language);
      res.status(503).render('survey/language', { survey, selected: language, error: null, notice: 'storageBusy', ...askedBy(survey, language) });
      return;
    }
    // The questionnaire's language is kept for the pages around it too (thank-you page, a new code).
    rememberLanguage(req, res, language, ctx.config.secureCookies);
    res.redirect(303, resumeUrl(survey));
  });

  router.get('/s/:code/paused', (req, res) => {
    const survey = openOf(req, res);
    setLanguage(res, requireResponse(survey).language);
    // A pause ends the browser's hold on the code: the next person at a shared computer finds nothing.
    clearSurveyCookie(res, secure);
    res.render('survey/paused', { survey, displayCode: formatAccessCode(survey.code.code) });
  });

  router.get('/s/:code/review', (req, res) => {
    const survey = openOf(req, res);
    const response = requireResponse(survey);
    setLanguage(res, response.language);
    res.render('survey/review', { survey, response, answers: getAnswers(ctx.db, response.id) });
  });

  router.post('/s/:code/submit', async (req, res) => {
    const survey = openOf(req, res);
    const response = requireResponse(survey);
    try {
      await withRetries(ctx, () => {
        if (openSurvey(ctx, survey.code.code).response?.id !== response.id) throw new Problem('notFound');
        const answers = getAnswers(ctx.db, response.id);
        submitResponse(ctx.db, response, scoreResponse(survey.instrument, response.point, answers), dimensionsOf(survey.instrument, answers));
      });
    } catch (err) {
      if (!refusedWrite(ctx, res, err, 'Sending a questionnaire')) throw err;
      setLanguage(res, response.language);
      res.status(503).render('survey/review', { survey, response, answers: getAnswers(ctx.db, response.id), notice: 'notSent' });
      return;
    }
    clearSurveyCookie(res, secure);
    res.redirect(303, `/s/thanks?lang=${encodeURIComponent(response.language)}`);
  });

  router.get('/s/:code/:page', (req, res) => {
    const survey = openOf(req, res);
    if (!survey.response) return res.redirect(303, surveyUrl(survey, 'language'));
    const n = pageNumber(survey, req.params.page);
    const answers = getAnswers(ctx.db, requireResponse(survey).id);
    const values = new Map(survey.sections[n - 1]!.items.map((item) => [item.id, formValue(item, answers.get(item.id))]));
    const query = parseForm(reviewQuery, req.query);
    renderSection(res, survey, n, values, [], query.ok && query.value.review === '1');
  });

  /**
   * Saves a posted page of `survey` (what the form says: autosave, next, back, pause), retrying while
   * the database is locked. When it cannot be written, the page comes back with 503 and every typed
   * answer (an autosave gets a bare 503); when the code was replaced meanwhile, the replaced page.
   */
  async function savePage(res: Response, survey: Survey, n: number, body: Record<string, unknown>): Promise<void> {
    const response = requireResponse(survey);
    const section = survey.sections[n - 1]!;
    const parsed = parseSectionForm(section.items, body);
    if (parsed.unknownFields.length > 0) throw new Problem('unknownItems', parsed.unknownFields.join(', '));
    const controls = parseForm(pageControlsForm, body);
    if (!controls.ok) throw new Problem('badRequest', controls.errors.map((e) => e.field).join(', '));
    const { action, review } = controls.value;
    /** The write, checked again on each attempt against the code as it is then (reissued or sent meanwhile?). */
    const save = (lastSection: number, cleared: string[]) => withRetries(ctx, () => {
      if (openSurvey(ctx, survey.code.code).response?.id !== response.id) throw new Problem('notFound');
      saveAnswers(ctx.db, response.id, parsed.answers, cleared, lastSection);
    });
    if (action === 'autosave') {
      // A draft saved by public/js/autosave.js while the participant answers: the valid answers are
      // kept (a half-typed number is left for the real submit to report), the page is where to resume.
      const invalid = new Set(parsed.errors.map((e) => e.itemId));
      try {
        await save(n, parsed.cleared.filter((id) => !invalid.has(id)));
      } catch (err) {
        if (isProblem(err, 'codeRevoked')) return void res.status(410).end();
        if (!refusedWrite(ctx, res, err, `An autosaved draft of page ${n}`)) throw err;
        return void res.status(503).end();
      }
      res.status(204).end();
      return;
    }
    if (parsed.errors.length > 0) {
      renderSection(res, survey, n, typedValues(section, body), parsed.errors, review === '1', 422);
      return;
    }
    // A page opened from the review ("Ändra") goes straight back to the review when saved.
    const backToReview = review === '1' && action !== 'back' && action !== 'pause';
    const next = backToReview ? survey.sections.length + 1 : action === 'back' ? n - 1 : action === 'pause' ? n : n + 1;
    try {
      await save(Math.max(1, next), parsed.cleared);
    } catch (err) {
      if (isProblem(err, 'codeRevoked')) {
        const target = replacementSurvey(ctx, survey.code.code);
        if (target) return renderReplaced(res, survey.code.code, target, n, body, null, 410);
      }
      if (!refusedWrite(ctx, res, err, `Page ${n} of a questionnaire`)) throw err;
      return renderSection(res, survey, n, typedValues(section, body), [], review === '1', 503, 'notSaved');
    }
    if (action === 'pause') res.redirect(303, surveyUrl(survey, 'paused'));
    else if (next < 1) res.redirect(303, surveyUrl(survey, 'language'));
    else res.redirect(303, next > survey.sections.length ? surveyUrl(survey, 'review') : surveyUrl(survey, next));
  }

  router.post('/s/:code/:page', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let survey: Survey;
    try {
      survey = openOf(req, res);
    } catch (err) {
      const viaCookie = String(req.params.code) === CURRENT_CODE;
      const oldCode = viaCookie ? cookieCode(req)! : String(req.params.code);
      const target = isProblem(err, 'codeRevoked') ? replacementSurvey(ctx, oldCode) : undefined;
      if (!target) throw err;
      const n = pageNumber(target, req.params.page);
      const controls = parseForm(pageControlsForm, body);
      if (controls.ok && controls.value.action === 'autosave') return void res.status(410).end();
      return renderReplaced(res, viaCookie ? CURRENT_CODE : normalizeAccessCode(oldCode)!, target, n, body, null, 410);
    }
    const n = pageNumber(survey, req.params.page);
    if (res.locals.staleForm) {
      // The page lay open until its token went stale: nothing is saved; the answers come back with a fresh token.
      const controls = parseForm(pageControlsForm, body);
      if (controls.ok && controls.value.action === 'autosave') return void res.status(403).end();
      return renderSection(res, survey, n, typedValues(survey.sections[n - 1]!, body), [], controls.ok && controls.value.review === '1', 403, 'staleForm');
    }
    await savePage(res, survey, n, body);
  });

  // The form of the replaced page: the new code typed, and the page's answers carried along.
  router.post('/s/:code/:page/new-code', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const viaCookie = String(req.params.code) === CURRENT_CODE;
    const oldCode = normalizeAccessCode(viaCookie ? cookieCode(req)! : String(req.params.code));
    const found = oldCode ? replacementSurvey(ctx, oldCode) : undefined;
    if (!oldCode || !found) throw new Problem('codeRevoked');
    const n = pageNumber(found, String(req.params.page));
    const typed = parseForm(codeEntryForm, body);
    if (normalizeAccessCode(typed.ok ? typed.value.code ?? '' : '') !== found.code.code) {
      return renderReplaced(res, viaCookie ? CURRENT_CODE : oldCode, found, n, body, 'survey.replaced.wrongCode', 422);
    }
    // Typed right: the new code is the browser's from now on.
    const target = viaCookie ? enter(res, found) : found;
    const answers = Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'code'));
    await savePage(res, target, n, answers);
  });

  return router;
}
