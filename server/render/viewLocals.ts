import type { NextFunction, Request, Response } from 'express';
import { auditActionKey } from '../domain/auditEvent.js';
import { changeNumbers, changeVerdict, differenceVerdict } from '../domain/changeReading.js';
import { htmlLang, languageName, localizedText, textDirection } from '../domain/languages.js';
import { formatDecimal, formatInteger, formatP, formatPercent, numberLocale } from '../domain/numberFormat.js';
import type { SuppressionReason } from '../domain/suppression.js';
import { isUiLanguage, negotiateLanguage, translator, UI_LANGUAGES } from '../i18n/index.js';

/**
 * Sets the language every view is rendered in (t, lang, htmlLang, dir) and the one set of view
 * helpers that write numbers, dates, points and hidden figures in that language.
 */
export function setLanguage(res: Response, lang: string): void {
  Object.assign(res.locals, languageLocals(lang));
}

/** The helpers of one language, made once: a date format or a translator is costly to build per request. */
const localsByLanguage = new Map<string, Record<string, unknown>>();

function languageLocals(lang: string): Record<string, unknown> {
  const known = localsByLanguage.get(lang);
  if (known) return known;
  const ui = negotiateLanguage(lang, undefined);
  const t = translator(ui);
  const dateFormat = new Intl.DateTimeFormat(numberLocale(ui), { dateStyle: 'long', timeZone: 'Europe/Stockholm' });
  const listFormat = new Intl.ListFormat(numberLocale(ui), { type: 'conjunction' });
  const locals = {
    lang,
    htmlLang: htmlLang(lang),
    uiLang: ui,
    dir: textDirection(lang),
    t,
    txt: (text: Record<string, string> | undefined) => (text ? localizedText(text, lang, ui) : ''),
    decimal: (value: number | null, digits = 1) => formatDecimal(value, ui, digits),
    signed: (value: number | null, digits = 1) => formatDecimal(value, ui, digits, true),
    integer: (value: number | null) => formatInteger(value, ui),
    percent: (share: number | null) => formatPercent(share, ui),
    pValue: (p: number | null) => formatP(p, ui),
    /** A calendar date (YYYY-MM-DD) or a timestamp, written out: "25 november 2026". */
    longDate: (value: string) => dateFormat.format(new Date(value.length === 10 ? `${value}T12:00:00Z` : value)),
    pointLabel: (point: string) => t(`points.${point}`),
    /** Words joined as the language joins a list: "1.0, 1.1 och 2.0". */
    listOf: (words: readonly string[]) => listFormat.format(words),
    /** Why a figure is not shown, in the one vocabulary: too few answers, hidden to protect another group, not asked, changed between versions. */
    hiddenText: (reason: SuppressionReason | null) => (reason === null ? '' : t(`disclosure.${reason}`)),
    /** An audit event's name for people ("Koder utdelade"); the code itself when it has none. */
    auditLabel: (action: string) => {
      const key = auditActionKey(action);
      const label = t(key);
      return label === key ? action : label;
    },
    changeNumbers,
    changeVerdict,
    differenceVerdict,
  };
  // Languages come from the instruments and the UI files, so the map stays small; the bound is a guard.
  if (localsByLanguage.size < 100) localsByLanguage.set(lang, locals);
  return locals;
}

/** A link parameter's value; undefined or null leaves the parameter out. */
export type LinkParam = string | number | null | undefined;

/**
 * A path with a query string made of the parameters in order (a later one of the same name wins),
 * leaving out those without a value; the bare path when none has one. Views print it with <%= %>.
 */
export function hrefWith(path: string, ...params: Record<string, LinkParam>[]): string {
  const query = new URLSearchParams();
  for (const set of params) {
    for (const [key, value] of Object.entries(set)) if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The cookie that keeps a language chosen on any page (a year; nothing but the language code is in it). */
export const LANGUAGE_COOKIE = 'lang';

/**
 * Keeps a chosen language for the next pages (home, code entry, the questionnaire's own choice,
 * staff pages); Secure as every cookie of the installation (INDIKATOR_SECURE_COOKIES).
 */
export function rememberLanguage(req: Request, res: Response, lang: string, secureCookies: boolean): void {
  if (!isUiLanguage(lang) || (req.cookies as Record<string, unknown> | undefined)?.[LANGUAGE_COOKIE] === lang) return;
  res.cookie(LANGUAGE_COOKIE, lang, { maxAge: 365 * 86_400_000, httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/' });
}

/** Per request: the UI language from ?lang=, else the one chosen before (cookie), else Accept-Language; helpers for the views. */
export const viewLocals = (secureCookies: boolean) => (req: Request, res: Response, next: NextFunction): void => {
  const chosen = typeof req.query.lang === 'string' && isUiLanguage(req.query.lang) ? req.query.lang : undefined;
  if (chosen) rememberLanguage(req, res, chosen, secureCookies);
  const kept = (req.cookies as Record<string, unknown> | undefined)?.[LANGUAGE_COOKIE];
  setLanguage(res, negotiateLanguage(chosen ?? kept, req.get('accept-language')));
  res.locals.uiLanguages = UI_LANGUAGES;
  res.locals.languageName = languageName;
  res.locals.htmlLangOf = htmlLang;
  res.locals.path = req.path;
  res.locals.href = hrefWith;
  // A language link keeps the rest of the query (filters, slips), changing only lang.
  res.locals.langHref = (code: string) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query)) {
      if (key === 'lang') continue;
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') params.append(key, v);
    }
    params.set('lang', code);
    return `${req.path}?${params}`;
  };
  next();
};
