// What a participant is told before answering is written by the förbund (services/participantNotice.ts
// picks the text); here, how such a text is shown. Pure.

/** A text as paragraphs (blank lines between), each printed escaped. */
export function paragraphs(text: string): string[] {
  return text.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean);
}
