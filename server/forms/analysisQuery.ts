// The analysis filters and choices as they come in the URL of the analysis screens and the API:
// read by the one form pipeline (form.ts), then the one-person-group rule.

import { Problem } from '../problem.js';
import { parseForm, type FormOf, type FormResult, type FormRule } from './form.js';
import { analysisQueryForm } from './schemas.js';

/** Filters and choices of the analysis screens and the summary API; at most one of gender and age band. */
export type AnalysisQuery = Omit<FormOf<typeof analysisQueryForm>, 'group'>;
type Raw = FormOf<typeof analysisQueryForm>;

const dimensionOf = (group: string) => group.split(':') as ['gender' | 'ageBand', string];

/** The form's one "Grupp" select (group=gender:woman) must not contradict a gender or age band also given. */
const groupAgrees: FormRule<Raw> = (q) => {
  if (q.group === undefined) return null;
  const [dimension, value] = dimensionOf(q.group);
  return q[dimension] !== undefined && q[dimension] !== value ? { field: 'group', code: 'filterConflict' } : null;
};
// One person filter at a time: the disclosure plan protects each filter against everyone, not
// their crossings (women aged 30–39 against women would need a plan of its own).
const onePersonFilter: FormRule<Raw> = (q) => {
  const chosen = { gender: q.gender, ageBand: q.ageBand };
  if (q.group !== undefined) chosen[dimensionOf(q.group)[0]] = dimensionOf(q.group)[1];
  return chosen.gender !== undefined && chosen.ageBand !== undefined ? { field: 'ageBand', code: 'filterConflict' } : null;
};

/** Reads the URL query (empty values mean "all"); `points` and `federations` may come as repeated keys or comma-separated. */
export function parseAnalysisQuery(query: Record<string, unknown>): FormResult<AnalysisQuery> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    input[key] = (key === 'points' || key === 'federations') && typeof value === 'string' && value !== '' ? value.split(',').filter(Boolean) : value;
  }
  const form = parseForm(analysisQueryForm, input, [groupAgrees, onePersonFilter]);
  if (!form.ok) return form;
  const { group, ...q } = form.value;
  if (group !== undefined) {
    const [dimension, value] = dimensionOf(group);
    q[dimension] = value;
  }
  return { ok: true, value: q, input: form.input };
}

/** The analysis filters of a request; nonsense is a 400 naming the field (two person filters: filterConflict). */
export function readAnalysisQuery(query: Record<string, unknown>): AnalysisQuery {
  const form = parseAnalysisQuery(query);
  if (form.ok) return form.value;
  const conflict = form.errors.find((e) => e.code === 'filterConflict');
  throw new Problem(conflict ? 'filterConflict' : 'badRequest', form.errors.map((e) => `${e.field}: ${e.code}`).join(', '));
}
