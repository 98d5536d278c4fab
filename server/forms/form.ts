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
import { looksLikePersonnummer } from '../domain/pseudonym.js';

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
 * treats empty fields as absent, drops fields the schema does not name (and the CSRF token),
 * coerces numbers and lists, and maps each failing field to one error. Then the rules run, in
 * order; a field keeps its first error.
 */
export function parseForm<const S extends FormSchema, T = FormOf<S>>(schema: S, body: unknown, rules: ReadonlyArray<FormRule<NoInfer<T>>> = []): FormResult<T> {
  let validate = compiled.get(schema as object) as ValidateFunction<T> | undefined;
  if (!validate) compiled.set(schema as object, (validate = ajv.compile<T>(schema as object)));
  const properties = (schema as { properties?: Record<string, { errorCodes?: ErrorCodes; verbatim?: boolean }> }).properties ?? {};
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    const v = typeof value === 'string' && !properties[key]?.verbatim ? value.trim() : value;
    if (v !== '') input[key] = v;
  }
  const candidate = structuredClone(input);
  if (validate(candidate)) {
    const errors = rules.map((rule) => rule(candidate)).filter((e): e is FormError => !!e);
    return errors.length === 0 ? { ok: true, value: candidate, input } : { ok: false, errors: firstPerField(errors), input };
  }
  const errors = (validate.errors ?? []).map((e) => {
    const field = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : e.instancePath.split('/')[1] ?? '';
    const codes = properties[field]?.errorCodes;
    return { field, code: codes?.[e.keyword] ?? codes?.['*'] ?? genericCode(e) };
  });
  return { ok: false, errors: firstPerField(errors), input };
}

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
