/** Each language's name in itself, as a participant looks for it in a list. */
export const LANGUAGE_NAMES: Record<string, string> = {
  sv: 'Svenska',
  'sv-easy': 'Lätt svenska',
  en: 'English',
  ar: 'العربية',
  fa: 'فارسی',
  so: 'Soomaali',
  ti: 'ትግርኛ',
  uk: 'Українська',
  fi: 'Suomi',
  es: 'Español',
  tr: 'Türkçe',
  ru: 'Русский',
  pl: 'Polski',
  'prs': 'دری',
};

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code;
}

/** Codes of ours that are no valid BCP 47 tag, and the tag to put in HTML `lang` for them. */
const HTML_LANG: Record<string, string> = { 'sv-easy': 'sv' };

/** The value of an HTML `lang` attribute for a language code: easy-to-read Swedish ("sv-easy") is Swedish, "sv". */
export function htmlLang(code: string): string {
  return HTML_LANG[code] ?? code;
}

// The one home of writing direction: a property of the language, not of an instrument file.
const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'prs', 'he', 'ur', 'ckb', 'ps']);

/** Writing direction of a language code (its base part decides: "ar-x" is right to left). */
export function textDirection(code: string): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(code.split('-')[0]!) ? 'rtl' : 'ltr';
}

/**
 * A text given in several languages, in `lang`; else in its base language ("sv" for "sv-easy");
 * else in `fallbackLang` (the page's UI language); else in the first language the text has.
 */
export function localizedText(localized: Readonly<Record<string, string>>, lang: string, fallbackLang: string): string {
  const baseLang = lang.split('-')[0] ?? lang;
  return localized[lang] ?? localized[baseLang] ?? localized[fallbackLang] ?? Object.values(localized)[0] ?? '';
}
