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

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'prs', 'he', 'ur', 'ckb', 'ps']);

/** Writing direction of a language code (its base part decides: "ar-x" is right to left). */
export function textDirection(code: string): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(code.split('-')[0]!) ? 'rtl' : 'ltr';
}
