import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { formatAccessCode, normalizeAccessCode } from '../domain/accessCode.js';
import { asStrings, FIELD_PREFIX, formValue, parseSectionForm, type FieldError } from '../domain/answerForm.js';
import { sectionsForPoint } from '../domain/instrument.js';
import type { Instrument, Section } from '../domain/instrumentTypes.js';
import { dimensionsOf } from '../domain/dimensions.js';
import { scoreResponse } from '../domain/scoring.js';
import { Problem } from '../problem.js';
import { failedAttemptLimit } from '../security/rateLimits.js';
import { findAccessCode, type AccessCode } from '../storage/accessCodes.js';
import { getAnswers, getResponseByCode, saveAnswers, setResponseLanguage, startResponse, submitResponse, type SurveyResponse } from '../storage/responses.js';
import { setLanguage } from '../render/viewLocals.js';
import { parseForm } from '../forms/form.js';
import { codeEntryForm, languageForm, pageControlsForm, reviewQuery } from '../forms/schemas.js';

interface Survey {
  code: AccessCode;
  response: SurveyResponse | undefined;
  instrument: Instrument;
  sections: Section[];
}

const CODE_PROBLEMS = { spent: 'codeSpent', revoked: 'codeRevoked' } as const;

/** Loads what a code opens, or throws the problem the participant should read. */
function openSurvey(ctx: AppContext, rawCode: string): Survey {
  const normalized = normalizeAccessCode(rawCode);
  if (!normalized) throw new Problem('codeMalformed');
  const code = findAccessCode(ctx.db, normalized);
  if (!code) throw new Problem('codeUnknown');
  if (code.status !== 'active') throw new Problem(CODE_PROBLEMS[code.status]);
  const response = getResponseByCode(ctx.db, code.code);
  const instrument = ctx.instruments.get(code.instrumentId, response?.instrumentVersion);
  if (!instrument) throw new Problem('serverError', `instrument ${code.instrumentId} is not installed`);
  return { code, response, instrument, sections: sectionsForPoint(instrument, code.point) };
}

function surveyUrl(survey: Survey, page?: number | 'review' | 'language' | 'paused'): string {
  const base = `/s/${survey.code.code}`;
  return page === undefined ? base : `${base}/${page}`;
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

function renderSection(res: Response, survey: Survey, n: number, values: Map<string, string[]>, errors: FieldError[], returnToReview: boolean, status = 200): void {
  const response = requireResponse(survey);
  setLanguage(res, response.language);
  res.status(status).render('survey/section', {
    survey, response, section: survey.sections[n - 1], n, total: survey.sections.length, values, errors, returnToReview,
    displayCode: formatAccessCode(survey.code.code),
  });
}

export function surveyRoutes(ctx: AppContext): Router {
  const router = Router();
  const codeEntryLimiter = failedAttemptLimit(ctx.codeEntryLimit ?? 20);

  router.get('/s', (req, res) => {
    res.render('survey/enter-code', { errors: [], value: '' });
  });

  router.post('/s', codeEntryLimiter, (req, res) => {
    const form = parseForm(codeEntryForm, req.body);
    const typed = form.ok ? form.value.code ?? '' : '';
    try {
      const survey = openSurvey(ctx, typed);
      // A language picked on the code page (?lang=) carries over to the choice of questionnaire language.
      const query = parseForm(reviewQuery, req.query);
      const picked = query.ok && query.value.lang !== undefined && !survey.response ? `?lang=${encodeURIComponent(String(res.locals.uiLang))}` : '';
      res.redirect(303, resumeUrl(survey) + picked);
    } catch (err) {
      if (!(err instanceof Problem) || !err.code.startsWith('code')) throw err;
      res.status(err.status).render('survey/enter-code', { errors: [err.code], value: typed.slice(0, 20) });
    }
  });

  router.get('/s/thanks', (req, res) => res.render('survey/thanks'));

  router.get('/s/:code', codeEntryLimiter, (req, res) => {
    try {
      res.redirect(303, resumeUrl(openSurvey(ctx, String(req.params.code))));
    } catch (err) {
      if (!(err instanceof Problem) || !err.code.startsWith('code')) throw err;
      res.status(err.status).render('survey/enter-code', { errors: [err.code], value: '' });
    }
  });

  router.get('/s/:code/language', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    if (survey.response) setLanguage(res, survey.response.language);
    res.render('survey/language', { survey, selected: survey.response?.language ?? res.locals.lang, error: null });
  });

  router.post('/s/:code/language', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    const form = parseForm(languageForm, req.body);
    const language = form.ok ? form.value.language ?? '' : '';
    if (!survey.instrument.languages.includes(language)) {
      res.status(422).render('survey/language', { survey, selected: null, error: 'languageUnknown' });
      return;
    }
    if (survey.response) {
      setResponseLanguage(ctx.db, survey.response.id, language);
    } else {
      survey.response = startResponse(ctx.db, {
        code: survey.code.code, participantId: survey.code.participantId, interventionId: survey.code.interventionId,
        point: survey.code.point, roundId: survey.code.roundId, instrumentId: survey.instrument.id,
        instrumentVersion: survey.instrument.version, language,
      });
    }
    res.redirect(303, resumeUrl(survey));
  });

  router.get('/s/:code/paused', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    setLanguage(res, requireResponse(survey).language);
    res.render('survey/paused', { survey, displayCode: formatAccessCode(survey.code.code) });
  });

  router.get('/s/:code/review', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    const response = requireResponse(survey);
    setLanguage(res, response.language);
    res.render('survey/review', { survey, response, answers: getAnswers(ctx.db, response.id) });
  });

  router.post('/s/:code/submit', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    const response = requireResponse(survey);
    const answers = getAnswers(ctx.db, response.id);
    submitResponse(ctx.db, response, scoreResponse(survey.instrument, response.point, answers), dimensionsOf(survey.instrument, answers));
    res.redirect(303, `/s/thanks?lang=${encodeURIComponent(response.language)}`);
  });

  router.get('/s/:code/:page', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    if (!survey.response) return res.redirect(303, surveyUrl(survey, 'language'));
    const n = pageNumber(survey, req.params.page);
    const answers = getAnswers(ctx.db, requireResponse(survey).id);
    const values = new Map(survey.sections[n - 1]!.items.map((item) => [item.id, formValue(item, answers.get(item.id))]));
    const query = parseForm(reviewQuery, req.query);
    renderSection(res, survey, n, values, [], query.ok && query.value.review === '1');
  });

  router.post('/s/:code/:page', (req, res) => {
    const survey = openSurvey(ctx, req.params.code);
    const n = pageNumber(survey, req.params.page);
    const response = requireResponse(survey);
    const section = survey.sections[n - 1]!;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = parseSectionForm(section.items, body);
    if (parsed.unknownFields.length > 0) throw new Problem('unknownItems', parsed.unknownFields.join(', '));
    const controls = parseForm(pageControlsForm, body);
    if (!controls.ok) throw new Problem('badRequest', controls.errors.map((e) => e.field).join(', '));
    const { action, review } = controls.value;
    if (action === 'autosave') {
      // A draft saved by public/js/autosave.js while the participant answers: the valid answers are
      // kept (a half-typed number is left for the real submit to report), the page is where to resume.
      const invalid = new Set(parsed.errors.map((e) => e.itemId));
      saveAnswers(ctx.db, response.id, parsed.answers, parsed.cleared.filter((id) => !invalid.has(id)), n);
      res.status(204).end();
      return;
    }
    if (parsed.errors.length > 0) {
      const values = new Map(section.items.map((item) => [item.id, asStrings(body[FIELD_PREFIX + item.id])]));
      renderSection(res, survey, n, values, parsed.errors, review === '1', 422);
      return;
    }
    // A page opened from the review ("Ändra") goes straight back to the review when saved.
    const backToReview = review === '1' && action !== 'back' && action !== 'pause';
    const next = backToReview ? survey.sections.length + 1 : action === 'back' ? n - 1 : action === 'pause' ? n : n + 1;
    saveAnswers(ctx.db, response.id, parsed.answers, parsed.cleared, Math.max(1, next));
    if (action === 'pause') res.redirect(303, surveyUrl(survey, 'paused'));
    else if (next < 1) res.redirect(303, surveyUrl(survey, 'language'));
    else res.redirect(303, next > survey.sections.length ? surveyUrl(survey, 'review') : surveyUrl(survey, next));
  });

  return router;
}
