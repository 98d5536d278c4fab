// The one pipeline for what people post and put in query strings: a JSON schema per form (ajv),
// its TypeScript type derived from that schema (json-schema-to-ts), one FormError whose code is a
// key under `errors` in the translation files, and the rules across fields. The schemas of the
// staff and administrators' forms are in schemas.ts; a participant's answers are read against
// the instrument in domain/answerForm.ts.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { ExtendedJSONSchema, FromExtendedSchema } from 'json-schema-to-ts';
import { normalizeAccessCode } from '../domain/accessCode.js';
import { isCalendarDate } from '../domain/calendarDate.js';
import { normalizeOrganisationNumber } from '../domain/organisationNumber.js';
import { looksLikePersonnummer } from '../domain/pseudonym.js';
import { Problem } from '../problem.js';

/**
 * A field's error texts by the keyword that failed (`required`, `format`, `maxLength`, `enum`,
 * `notPersonnummer` …), `*` for any other; without one the generic texts under `errors.form` apply.
 */
type ErrorCodes = Readonly<Partial<Record<string, string>>>;
/** `verbatim`: a field read as typed, spaces kept (a password, a pasted file). */
type Extension = { errorCodes: ErrorCodes; notPersonnummer: boolean; verbatim: boolean };
export type FormSchema = ExtendedJSONSchema<Extension>;
/** The value a schema accepts, as a type. */
export type FormOf<S extends FormSchema> = FromExtendedSchema<Extension, S>;

/** A problem with one field; `code` is a key under `errors` in the translation files. */
export interface FormError { field: string; code: string }

/** The value, or the errors; either way the fields as sent (trimmed), to fill the form in again. */
export type FormResult<T> = { ok: true; value: T; input: Record<string, unknown> } | { ok: false; errors: FormError[]; input: Record<string, unknown> };

/** A rule across fields (or against what the database holds), run once the schema has passed. */
export type FormRule<T> = (value: T) => FormError | null | undefined;

const ajv = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: 'all' });
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv, formats: string[]) => Ajv;
addFormats(ajv, ['email']);
// A date is a real calendar date as YYYY-MM-DD: the rule's home is calendarDate.ts.
ajv.addFormat('date', isCalendarDate);
ajv.addFormat('accessCode', (text: string) => normalizeAccessCode(text) !== null);
ajv.addFormat('organisationNumber', (text: string) => normalizeOrganisationNumber(text) !== null);
ajv.addKeyword({ keyword: 'errorCodes', schemaType: 'object' });
ajv.addKeyword({ keyword: 'verbatim', schemaType: 'boolean' });
ajv.addKeyword({
  keyword: 'notPersonnummer',
  type: 'string',
  schemaType: 'boolean',
  errors: false,
  validate: (on: boolean, text: string) => !on || !looksLikePersonnummer(text),
});

const compiled = new WeakMap<object, ValidateFunction>();

function genericCode(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required': case 'minLength': return 'form.required';
    case 'maxLength': case 'maximum': case 'maxItems': return 'form.tooLong';
    case 'format': return (err.params as { format?: string }).format === 'date' ? 'form.dateInvalid' : 'form.invalid';
    default: return 'form.invalid';
  }
}

/**
 * Reads a posted form or a query string against its schema: trims text (not verbatim fields),
 * treats empty fields as absent, drops fields the schema does not name (the CSRF token among them),
 * coerces numbers and lists, and maps each failing field to one error. Then the rules run, in
 * order; a field keeps its first error.
 */
export function parseForm<const S extends FormSchema, T = FormOf<S>>(schema: S, body: unknown, rules: ReadonlyArray<FormRule<NoInfer<T>>> = []): FormResult<T> {
  let validate = compiled.get(schema as object) as ValidateFunction<T> | undefined;
  if (!validate) compiled.set(schema as object, (validate = ajv.compile<T>(schema as object)));
  const properties = (schema as { properties?: Record<string, { errorCodes?: ErrorCodes; verbatim?: boolean }> }).properties ?? {};
  const input: Record<string, unknown> = {};
  // What a form can send: text, or a list of texts (numbers and booleans from a JSON body too).
  // Anything else (a nested object, text with NUL or a lone surrogate) is refused by field.
  const refused: FormError[] = [];
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(fields)) {
    // Fields the schema does not name are dropped (the CSRF token; a questionnaire page's answers, read by answerForm.ts).
    if (!Object.hasOwn(properties, key)) continue;
    if (!isFieldValue(value)) {
      refused.push({ field: key, code: 'form.invalid' });
      continue;
    }
    const v = typeof value === 'string' && !properties[key]?.verbatim ? value.trim() : value;
    if (v !== '') input[key] = v;
  }
  const candidate: Record<string, unknown> = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Array.isArray(v) ? [...(v as unknown[])] : v]));
  if (refused.length > 0) return { ok: false, errors: firstPerField(refused), input };
  if (validate(candidate)) {
    const value = candidate as T;
    const errors = rules.map((rule) => rule(value)).filter((e): e is FormError => !!e);
    return errors.length === 0 ? { ok: true, value, input } : { ok: false, errors: firstPerField(errors), input };
  }
  const errors = (validate.errors ?? []).map((e) => {
    const field = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : e.instancePath.split('/')[1] ?? '';
    const codes = properties[field]?.errorCodes;
    return { field, code: codes?.[e.keyword] ?? codes?.['*'] ?? genericCode(e) };
  });
  return { ok: false, errors: firstPerField(errors), input };
}

/** Text as people type it: well-formed Unicode, no control characters but tab and line breaks. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function isCleanText(text: string): boolean {
  if (LONE_SURROGATE.test(text)) return false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return false;
  }
  return true;
}
const isScalar = (v: unknown) => (typeof v === 'string' ? isCleanText(v) : typeof v === 'number' || typeof v === 'boolean');
const isFieldValue = (v: unknown) => isScalar(v) || (Array.isArray(v) && v.length <= 1000 && v.every(isScalar));

function firstPerField(errors: FormError[]): FormError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.field) && seen.add(e.field));
}

/** The rule "an end date is not before its start date" (both optional; checked when both are given). */
export const endNotBeforeStart = <T extends { startsOn?: string; endsOn?: string }>(value: T): FormError | null =>
  value.startsOn !== undefined && value.endsOn !== undefined && value.endsOn < value.startsOn ? { field: 'endsOn', code: 'form.endBeforeStart' } : null;

/** The rule "the chosen id is one of these" (a round of the förbund, a point of the intervention …); an absent field passes. */
export const oneOf = <K extends string>(field: K, allowed: readonly unknown[], code = 'form.invalid'): FormRule<Partial<Record<K, unknown>>> =>
  (value) => (value[field] === undefined || allowed.includes(value[field]) ? null : { field, code });

/** An id in a path (/f/12): digits only, no sign, exponent, hex or leading zero; else the page does not exist. */
export function idParam(text: unknown): number {
  if (typeof text !== 'string' || !/^[1-9]\d{0,14}$/.test(text)) throw new Problem('notFound');
  return Number(text);
}
