import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: 'all' });
const compiled = new WeakMap<object, ValidateFunction>();

export interface FormError { field: string; code: string }

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FormError[]; input: Record<string, unknown> };

function codeFor(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required': return 'form.required';
    case 'maxLength': case 'maximum': case 'maxItems': return 'form.tooLong';
    case 'minLength': return 'form.required';
    default: return 'form.invalid';
  }
}

/**
 * Reads a posted form against a JSON schema (ajv): trims text, treats empty fields as absent,
 * drops fields the schema does not name, and maps failures to translation keys per field.
 */
export function parseForm<T>(schema: JSONSchemaType<T>, body: unknown): FormResult<T> {
  let validate = compiled.get(schema) as ValidateFunction<T> | undefined;
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    const v = typeof value === 'string' ? value.trim() : value;
    if (v !== '') input[key] = v;
  }
  const candidate = structuredClone(input);
  if (validate(candidate)) return { ok: true, value: candidate };
  const errors = (validate.errors ?? []).map((e) => ({
    field: e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : e.instancePath.split('/')[1] ?? '',
    code: codeFor(e),
  }));
  const seen = new Set<string>();
  return { ok: false, errors: errors.filter((e) => !seen.has(e.field) && seen.add(e.field)), input };
}

export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
