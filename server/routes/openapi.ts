/** The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json; tests validate it and every response against it. */
const nullableNumber = { type: 'number', nullable: true };
const interval = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, nullable: true, description: '95 % confidence interval [low, high]' };

export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Indikator API',
    version: '1.0.0',
    description:
      'Read-only results of NNS indicator measurements. Authenticate with `Authorization: Bearer <token>` (a token is created by a förbund admin, scoped to one förbund and role). ' +
      'Every group with fewer than 5 respondents is suppressed: its statistics are null and `suppressed` is true. Free text is never returned.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearerAuth: [] }],
  paths: {
    '/interventions': {
      get: {
        summary: 'Interventions of the förbund(s) the caller may read results of',
        operationId: 'listInterventions',
        responses: {
          '200': { description: 'The interventions', content: { 'application/json': { schema: { $ref: '#/components/schemas/InterventionList' } } } },
          '401': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/interventions/{id}/summary': {
      get: {
        summary: 'Per indicator and measurement point: n, mean, SD, 95 % CI, median, share positive; and paired change',
        operationId: 'interventionSummary',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'round', in: 'query', schema: { type: 'integer' }, description: 'Only responses of this measurement round' },
          { name: 'points', in: 'query', schema: { type: 'string' }, description: 'Comma-separated measurement points, e.g. start,exit' },
          { name: 'gender', in: 'query', schema: { type: 'string' }, description: 'An option value of the instrument\'s gender item' },
          { name: 'ageBand', in: 'query', schema: { type: 'string' }, description: 'An option value of the instrument\'s age band item' },
        ],
        responses: {
          '200': { description: 'The summary', content: { 'application/json': { schema: { $ref: '#/components/schemas/Summary' } } } },
          '400': { $ref: '#/components/responses/Error' },
          '401': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
        },
      },
    },
  },
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    responses: {
      Error: { description: 'An error with a stable code', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
    schemas: {
      Error: {
        type: 'object', required: ['error', 'message'], additionalProperties: false,
        properties: { error: { type: 'string', description: 'Stable error code' }, message: { type: 'string' } },
      },
      Intervention: {
        type: 'object', required: ['id', 'federationId', 'name', 'kind'], additionalProperties: false,
        properties: {
          id: { type: 'integer' }, federationId: { type: 'integer' }, name: { type: 'string' },
          kind: { type: 'string', enum: ['individual', 'structural'] },
          targetGroup: { type: 'string', nullable: true }, startsOn: { type: 'string', nullable: true }, endsOn: { type: 'string', nullable: true },
        },
      },
      InterventionList: {
        type: 'object', required: ['interventions'], additionalProperties: false,
        properties: { interventions: { type: 'array', items: { $ref: '#/components/schemas/Intervention' } } },
      },
      PointStats: {
        type: 'object', required: ['point', 'n', 'mean', 'sd', 'ci95', 'median', 'sharePositive', 'suppressed'], additionalProperties: false,
        properties: {
          point: { type: 'string' }, n: { type: 'integer', nullable: true }, mean: nullableNumber, sd: nullableNumber, ci95: interval,
          median: nullableNumber, sharePositive: { type: 'number', minimum: 0, maximum: 1, nullable: true }, suppressed: { type: 'boolean' },
        },
      },
      Change: {
        type: 'object', additionalProperties: false,
        required: ['from', 'to', 'pairs', 'meanDiff', 'ci95', 'wilcoxonP', 'dz', 'improved', 'unchanged', 'worse', 'suppressed'],
        properties: {
          from: { type: 'string' }, to: { type: 'string' }, pairs: { type: 'integer', nullable: true }, meanDiff: nullableNumber, ci95: interval,
          wilcoxonP: { type: 'number', minimum: 0, maximum: 1, nullable: true }, dz: nullableNumber,
          improved: { type: 'integer', nullable: true }, unchanged: { type: 'integer', nullable: true }, worse: { type: 'integer', nullable: true },
          suppressed: { type: 'boolean' },
        },
      },
      IndicatorSummary: {
        type: 'object', required: ['id', 'area', 'text', 'points', 'change', 'changes'], additionalProperties: false,
        properties: {
          id: { type: 'string' }, area: { type: 'string' },
          text: { type: 'object', additionalProperties: { type: 'string' }, description: 'The indicator name per language' },
          points: { type: 'array', items: { $ref: '#/components/schemas/PointStats' } },
          change: { type: 'object', allOf: [{ $ref: '#/components/schemas/Change' }], nullable: true, description: 'The default paired change (start → exit where both exist)' },
          changes: { type: 'array', items: { $ref: '#/components/schemas/Change' } },
        },
      },
      Summary: {
        type: 'object', required: ['intervention', 'filters', 'points', 'minGroupSize', 'indicators'], additionalProperties: false,
        properties: {
          intervention: {
            type: 'object', required: ['id', 'federationId', 'name'], additionalProperties: false,
            properties: { id: { type: 'integer' }, federationId: { type: 'integer' }, name: { type: 'string' } },
          },
          filters: {
            type: 'object', required: ['round', 'gender', 'ageBand'], additionalProperties: false,
            properties: { round: { type: 'integer', nullable: true }, gender: { type: 'string', nullable: true }, ageBand: { type: 'string', nullable: true } },
          },
          points: { type: 'array', items: { type: 'string' } },
          minGroupSize: { type: 'integer' },
          indicators: { type: 'array', items: { $ref: '#/components/schemas/IndicatorSummary' } },
        },
      },
    },
  },
} as const;
