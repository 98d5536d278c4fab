// What a participant is told before answering: the förbund's privacy notice and whom to contact,
// in the questionnaire's language; the förbund's own text where it wrote one, else the default
// (server/i18n: participantNotice.*). Pure.

/** The text to show: the förbund's own in this language, else in Swedish, else the default. */
export function noticeText(own: ReadonlyMap<string, string>, lang: string, fallback: () => string): string {
  return own.get(lang) ?? fallback();
}

/** A text as paragraphs (blank lines between), each printed escaped. */
export function paragraphs(text: string): string[] {
  return text.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean);
}
