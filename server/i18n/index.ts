import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { PATHS } from '../paths.js';

export const DEFAULT_LANGUAGE = 'sv';

interface LanguageInfo { code: string; name: string }

const resources: Record<string, { translation: Record<string, unknown> }> = {};
for (const file of fs.readdirSync(PATHS.i18n).filter((f) => f.endsWith('.json')).sort()) {
  resources[path.basename(file, '.json')] = { translation: JSON.parse(fs.readFileSync(path.join(PATHS.i18n, file), 'utf8')) as Record<string, unknown> };
}

/** Languages the user interface is translated into, Swedish first; each file names itself in meta. */
export const UI_LANGUAGES: LanguageInfo[] = Object.keys(resources)
  .sort((a, b) => (a === DEFAULT_LANGUAGE ? -1 : b === DEFAULT_LANGUAGE ? 1 : a.localeCompare(b)))
  .map((code) => {
    const meta = resources[code]!.translation.meta as { name: string };
    return { code, name: meta.name };
  });

const instance = i18next.createInstance();
void instance.init({
  resources,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  // Keeps codes as our files name them: else i18next reads "sv-easy" as the script tag "sv-Easy" and misses sv-easy.json.
  lowerCaseLng: true,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The translator for a language; unknown languages fall back to Swedish. EJS escapes on output. */
export function translator(lang: string): TFunction {
  return instance.getFixedT(isUiLanguage(lang) ? lang : DEFAULT_LANGUAGE);
}

export function isUiLanguage(lang: string): boolean {
  return lang in resources;
}


/** Picks the UI language: an explicit choice, else the best Accept-Language match, else Swedish. */
export function negotiateLanguage(explicit: unknown, acceptLanguage: string | undefined): string {
  if (typeof explicit === 'string' && isUiLanguage(explicit)) return explicit;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (isUiLanguage(tag)) return tag;
    const base = tag.split('-')[0]!;
    if (isUiLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}
