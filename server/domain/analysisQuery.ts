import { Ajv, type JSONSchemaType } from 'ajv';
import { MEASUREMENT_POINTS, type MeasurementPoint } from './instrumentTypes.js';

/** Filters and choices of the analysis screens and the summary API, as they come in the URL. */
export interface AnalysisQuery {
  round?: number;
  /** At most one of gender and age band: a person filter (the form sends it as group=gender:woman). */
  gender?: string;
  ageBand?: string;
  group?: string;
  points?: MeasurementPoint[];
  indicator?: string;
  point?: MeasurementPoint;
  intervention?: number;
  /** Regional analysis: only these förbund, or only this delprojekt. */
  federations?: number[];
  subproject?: number;
  format?: 'html' | 'csv';
  table?: string;
}

const schema: JSONSchemaType<AnalysisQuery> = {
  type: 'object',
  properties: {
    round: { type: 'integer', minimum: 1, nullable: true },
    gender: { type: 'string', pattern: '^[a-z0-9_]{1,40}$', nullable: true },
    ageBand: { type: 'string', pattern: '^[a-z0-9_]{1,40}$', nullable: true },
    group: { type: 'string', pattern: '^(gender|ageBand):[a-z0-9_]{1,40}$', nullable: true },
    points: { type: 'array', items: { type: 'string', enum: [...MEASUREMENT_POINTS] }, uniqueItems: true, nullable: true },
    indicator: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,60}$', nullable: true },
    point: { type: 'string', enum: [...MEASUREMENT_POINTS], nullable: true },
    intervention: { type: 'integer', minimum: 1, nullable: true },
    federations: { type: 'array', items: { type: 'integer', minimum: 1 }, uniqueItems: true, maxItems: 200, nullable: true },
    subproject: { type: 'integer', minimum: 1, nullable: true },
    format: { type: 'string', enum: ['html', 'csv'], nullable: true },
    table: { type: 'string', pattern: '^[a-z_]{1,30}$', nullable: true },
  },
  additionalProperties: false,
};

const validate = new Ajv({ coerceTypes: 'array', removeAdditional: 'all', allErrors: false }).compile(schema);

export class QueryError extends Error {
  /** 'filterConflict' when two person filters are asked for at once. */
  constructor(message: string, readonly code: 'badRequest' | 'filterConflict' = 'badRequest') {
    super(message);
  }
}

/** Reads the URL query (empty values mean "all"); `points` and `federations` may come as repeated keys or comma-separated. */
export function parseAnalysisQuery(query: Record<string, unknown>): AnalysisQuery {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === '' || value === undefined) continue;
    input[key] = (key === 'points' || key === 'federations') && typeof value === 'string' ? value.split(',').filter(Boolean) : value;
  }
  if (!validate(input)) {
    const err = validate.errors?.[0];
    throw new QueryError(`${err?.instancePath.replace(/^\//, '') || 'query'} ${err?.message ?? 'is invalid'}`);
  }
  const { group, ...q } = input as AnalysisQuery;
  if (group) {
    const [dimension, value] = group.split(':') as ['gender' | 'ageBand', string];
    if (q[dimension] !== undefined && q[dimension] !== value) throw new QueryError('group contradicts gender or ageBand', 'filterConflict');
    q[dimension] = value;
  }
  // One person filter at a time: the disclosure plan protects each filter against everyone, not
  // their crossings (women aged 30–39 against women would need a plan of its own).
  if (q.gender !== undefined && q.ageBand !== undefined) throw new QueryError('gender and ageBand cannot be combined', 'filterConflict');
  return q;
}
