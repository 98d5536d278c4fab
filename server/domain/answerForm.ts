import type { Item } from './instrumentTypes.js';
import type { Answer } from './scoring.js';
import { SCALE_MAX, SCALE_MIN } from './scoring.js';

/** The value posted for "vet ej / vill inte svara". */
export const DONT_KNOW = 'dk';
/** "Vet ej" in a data file (the response export writes it, the import reads it): a number outside the scale, as SPSS and R users expect. */
export const DONT_KNOW_CODE = -9;
/** Separates the chosen options of a multiple-choice item in one cell of a data file. */
export const MULTI_SEPARATOR = '|';
export const FIELD_PREFIX = 'item_';
export const DEFAULT_TEXT_MAX = 2000;

export interface FieldError {
  itemId: string;
  /** A key in the translation files, under errors. */
  code: 'answer.outOfRange' | 'answer.notAnOption' | 'answer.notANumber' | 'answer.tooLong' | 'answer.dontKnowNotOffered';
}

export interface ParsedSection {
  answers: Answer[];
  /** Items of the section left empty: any earlier answer to them is cleared. */
  cleared: string[];
  errors: FieldError[];
  /** Fields that name no item of this section: the request was not made by our form. */
  unknownFields: string[];
}

type Body = Record<string, unknown>;

/** A posted form field as a list of strings (absent → none, repeated keys → several). */
export function asStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
  return Array.isArray(value) ? value.map(text) : [text(value)];
}

/**
 * A number as people and spreadsheets write it: digits with a decimal point or a decimal comma
 * ("3.5", "3,5": Excel with Swedish settings writes the comma), a sign allowed; null for anything
 * else ("3,5,1", "1e3", "0x10", "" are not numbers here, though JavaScript's Number reads some).
 */
export function decimalNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[+-]?\d+([.,]\d+)?$/.test(trimmed)) return null;
  return Number(trimmed.replace(',', '.'));
}

/**
 * Reads the raw values given for one item (a form field's values, or a CSV cell split into them)
 * into an answer, checked against the item; null when nothing was given.
 */
export function parseItem(item: Item, raw: string[]): Answer | FieldError | null {
  const blank = raw.filter((v) => v.trim() !== '');
  if (blank.length === 0) return null;
  const answer = (num: number | null, text: string | null, dontKnow = false): Answer => ({ itemId: item.id, num, text, dontKnow });
  if (blank.includes(DONT_KNOW) && item.type !== 'text' && item.type !== 'number') {
    return item.dontKnow ? answer(null, null, true) : { itemId: item.id, code: 'answer.dontKnowNotOffered' };
  }
  const first = blank[0]!.trim();
  switch (item.type) {
    case 'agree7': {
      const n = decimalNumber(first);
      if (blank.length > 1 || n === null || !Number.isInteger(n) || n < SCALE_MIN || n > SCALE_MAX) return { itemId: item.id, code: 'answer.outOfRange' };
      return answer(n, null);
    }
    case 'single': {
      if (blank.length > 1 || !item.options?.some((o) => o.value === first)) return { itemId: item.id, code: 'answer.notAnOption' };
      return answer(null, first);
    }
    case 'multi': {
      const values = [...new Set(blank)];
      if (!values.every((v) => item.options?.some((o) => o.value === v))) return { itemId: item.id, code: 'answer.notAnOption' };
      return answer(null, JSON.stringify(values));
    }
    case 'number': {
      const n = decimalNumber(first);
      if (blank.length > 1 || n === null) return { itemId: item.id, code: 'answer.notANumber' };
      if ((item.min !== undefined && n < item.min) || (item.max !== undefined && n > item.max)) return { itemId: item.id, code: 'answer.outOfRange' };
      return answer(n, null);
    }
    case 'text': {
      // Browsers post a textarea's line breaks as CRLF but count them as one character for maxlength.
      const text = blank.join('\n').replace(/\r\n?/g, '\n').trim();
      if (text.length > (item.maxLength ?? DEFAULT_TEXT_MAX)) return { itemId: item.id, code: 'answer.tooLong' };
      return answer(null, text);
    }
  }
}

/** Reads one questionnaire page's form fields (`item_<id>`) into answers, checked against the instrument. */
export function parseSectionForm(items: Item[], body: Body): ParsedSection {
  const byId = new Map(items.map((item) => [item.id, item]));
  const unknownFields = Object.keys(body).filter((key) => key.startsWith(FIELD_PREFIX) && !byId.has(key.slice(FIELD_PREFIX.length)));
  const result: ParsedSection = { answers: [], cleared: [], errors: [], unknownFields };
  for (const item of items) {
    const parsed = parseItem(item, asStrings(body[FIELD_PREFIX + item.id]));
    if (parsed === null) result.cleared.push(item.id);
    else if ('code' in parsed) result.errors.push(parsed);
    else result.answers.push(parsed);
  }
  return result;
}

/** The values to put back into a form field for a stored answer. */
export function formValue(item: Item, answer: Answer | undefined): string[] {
  if (!answer) return [];
  if (answer.dontKnow) return [DONT_KNOW];
  if (answer.num !== null) return [String(answer.num)];
  if (answer.text === null) return [];
  if (item.type === 'multi') {
    const parsed: unknown = JSON.parse(answer.text);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  }
  return [answer.text];
}
