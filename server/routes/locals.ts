import type { NextFunction, Request, Response } from 'express';
import { htmlLang, languageName, textDirection } from '../domain/languages.js';
import { negotiateLanguage, translator, UI_LANGUAGES } from '../i18n/index.js';

/** Sets the language every view is rendered in (t, lang, htmlLang, dir). */
export function setLanguage(res: Response, lang: string): void {
  const ui = negotiateLanguage(lang, undefined);
  res.locals.lang = lang;
  res.locals.htmlLang = htmlLang(lang);
  res.locals.uiLang = ui;
  res.locals.dir = textDirection(lang);
  res.locals.t = translator(ui);
  res.locals.txt = (text: Record<string, string> | undefined) => (text ? text[lang] ?? text[ui] ?? Object.values(text)[0] ?? '' : '');
}

/** Per request: the UI language from ?lang= or Accept-Language, helpers for the views. */
export function viewLocals(req: Request, res: Response, next: NextFunction): void {
  setLanguage(res, negotiateLanguage(req.query.lang, req.get('accept-language')));
  res.locals.uiLanguages = UI_LANGUAGES;
  res.locals.languageName = languageName;
  res.locals.htmlLangOf = htmlLang;
  res.locals.path = req.path;
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
  res.locals.escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.locals.formatNumber = (value: number | null, digits = 1) =>
    value === null || !Number.isFinite(value) ? '–' : value.toLocaleString(htmlLang(res.locals.uiLang) === 'sv' ? 'sv-SE' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  next();
}
