/** The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json; tests validate it and every response against it. */
const nullableNumber = { type: 'number', nullable: true };
const interval = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, nullable: true, description: '95 % confidence interval [low, high]' };
const reason = {
  type: 'string', enum: ['tooFew', 'complementary', 'notAsked', 'versionChanged', null], nullable: true,
  description: 'Why the figure is hidden: fewer than 5 people (tooFew), hidden so that another small group cannot be worked out (complementary), the question is not asked at this point (notAsked), or the indicator\'s questions changed between the instrument versions the answers were given in (versionChanged); null when shown',
};
const cell = { type: 'string', description: 'The name of the figure cell (what | whose | which people | when); the same cell has the same figures on every page and in every export' };
const described = {
  n: { type: 'integer', nullable: true }, mean: nullableNumber, sd: nullableNumber, ci95: interval,
  median: nullableNumber, q1: { ...nullableNumber, description: 'First quartile, R quantile type 7' }, q3: { ...nullableNumber, description: 'Third quartile, R quantile type 7' },
  sharePositive: { type: 'number', minimum: 0, maximum: 1, nullable: true, description: 'Share of scores 5–7' },
  distribution: {
    type: 'array', nullable: true, description: 'People per scale step 1–7 (a score counted on its rounded step)',
    items: { type: 'object', required: ['value', 'count'], additionalProperties: false, properties: { value: { type: 'integer' }, count: { type: 'integer' } } },
  },
  suppressed: { type: 'boolean' }, reason, cell,
};
const describedRequired = ['n', 'mean', 'sd', 'ci95', 'median', 'q1', 'q3', 'sharePositive', 'distribution', 'suppressed', 'reason', 'cell'];
const filters = {
  type: 'object', required: ['round', 'gender', 'ageBand'], additionalProperties: false,
  properties: { round: { type: 'integer', nullable: true }, gender: { type: 'string', nullable: true }, ageBand: { type: 'string', nullable: true } },
};
const filterParameters = [
  { name: 'round', in: 'query', schema: { type: 'integer' }, description: 'Only this measurement round: each person once, with their latest answer in the round' },
  { name: 'gender', in: 'query', schema: { type: 'string' }, description: 'An option value of the instrument\'s gender item (not together with ageBand)' },
  { name: 'ageBand', in: 'query', schema: { type: 'string' }, description: 'An option value of the instrument\'s age band item (not together with gender)' },
];

export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Indikator API',
    version: '2.0.0',
    description:
      'Read-only results of NNS indicator measurements. Authenticate with `Authorization: Bearer <token>` (a token is created by a förbund admin, scoped to one förbund and role). ' +
      'Each person counts once per measurement point, with their latest answer in the scope asked for. Every figure passes the same disclosure control as the screens: ' +
      'a group of fewer than 5 people is hidden, and so is any figure that together with others would let such a group be worked out; a hidden figure has its statistics null, ' +
      '`suppressed` true and `reason` saying why. Free text is never returned.',
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
        summary: 'Per indicator and measurement point: n, mean, SD, 95 % CI, quartiles, share positive, distribution; every paired change; the equality table',
        operationId: 'interventionSummary',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'points', in: 'query', schema: { type: 'string' }, description: 'Comma-separated measurement points, e.g. start,exit' },
          ...filterParameters,
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
    '/federations/{id}/comparison': {
      get: {
        summary: 'One indicator at one point: the förbund\'s interventions side by side, one against the others (Welch CI, Mann–Whitney p), over rounds, and the last two rounds',
        operationId: 'federationComparison',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'indicator', in: 'query', schema: { type: 'string' } },
          { name: 'point', in: 'query', schema: { type: 'string', enum: ['start', 'ongoing', 'exit', 'followup'] } },
          { name: 'intervention', in: 'query', schema: { type: 'integer' }, description: 'The intervention compared with the others and over the last two rounds' },
          ...filterParameters,
        ],
        responses: {
          '200': { description: 'The comparison', content: { 'application/json': { schema: { $ref: '#/components/schemas/Comparison' } } } },
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
        type: 'object', required: ['point', ...describedRequired], additionalProperties: false,
        properties: { point: { type: 'string' }, ...described },
      },
      GroupStats: {
        type: 'object', required: ['key', ...describedRequired], additionalProperties: false,
        properties: { key: { type: 'string', description: 'The group: an option value, a round id, an intervention id, or total' }, ...described },
      },
      Change: {
        type: 'object', additionalProperties: false,
        required: ['from', 'to', 'pairs', 'before', 'after', 'meanDiff', 'ci95', 'verdict', 'wilcoxon', 'dz', 'improved', 'unchanged', 'worse', 'suppressed', 'reason', 'meansReason', 'cell'],
        properties: {
          from: { type: 'string' }, to: { type: 'string' }, pairs: { type: 'integer', nullable: true },
          before: { ...nullableNumber, description: 'Mean at `from` of the paired people (null when hidden on its own, see meansReason)' },
          after: { ...nullableNumber, description: 'Mean at `to` of the paired people' },
          meanDiff: nullableNumber, ci95: interval,
          verdict: { type: 'string', enum: ['improved', 'uncertain', 'worsened', null], nullable: true, description: 'improved/worsened only when the whole 95 % CI lies above/below zero' },
          wilcoxon: {
            type: 'object', nullable: true, additionalProperties: false, required: ['p', 'method', 'zeroDifferences', 'tieCorrection', 'continuityCorrection'],
            description: 'Two-sided Wilcoxon signed-rank test as R\'s wilcox.test(paired = TRUE): exact null distribution with fewer than 50 non-zero differences and no ties or zeros, else the normal approximation with tie and continuity correction',
            properties: {
              p: { type: 'number', minimum: 0, maximum: 1 }, method: { type: 'string', enum: ['exact', 'normal'] },
              zeroDifferences: { type: 'string', enum: ['dropped'] }, tieCorrection: { type: 'boolean' }, continuityCorrection: { type: 'boolean' },
            },
          },
          dz: { ...nullableNumber, description: 'Cohen\'s d_z: mean difference / SD of the differences' },
          improved: { type: 'integer', nullable: true }, unchanged: { type: 'integer', nullable: true }, worse: { type: 'integer', nullable: true },
          suppressed: { type: 'boolean' }, reason, meansReason: reason, cell,
        },
      },
      UnpairedComparison: {
        type: 'object', nullable: true, additionalProperties: false,
        required: ['nA', 'nB', 'meanA', 'meanB', 'diff', 'welchCi95', 'mannWhitneyP', 'verdict', 'suppressed', 'reason'],
        properties: {
          nA: { type: 'integer', nullable: true }, nB: { type: 'integer', nullable: true }, meanA: nullableNumber, meanB: nullableNumber,
          diff: { ...nullableNumber, description: 'meanB − meanA' }, welchCi95: interval,
          mannWhitneyP: { type: 'number', minimum: 0, maximum: 1, nullable: true, description: 'Two-sided, normal approximation with tie and continuity correction' },
          verdict: { type: 'string', enum: ['higher', 'similar', 'lower', null], nullable: true, description: 'higher/lower only when the whole Welch 95 % CI lies above/below zero' }, suppressed: { type: 'boolean' }, reason,
        },
      },
      Comparison: {
        type: 'object', additionalProperties: false,
        required: ['federationId', 'indicator', 'point', 'filters', 'minGroupSize', 'interventions', 'selected', 'versusOthers', 'rounds', 'trend', 'lastTwoRounds'],
        properties: {
          federationId: { type: 'integer' }, indicator: { type: 'string' }, point: { type: 'string' }, filters, minGroupSize: { type: 'integer' },
          interventions: {
            type: 'array',
            items: { type: 'object', required: ['id', 'name', 'key', ...describedRequired], additionalProperties: false, properties: { id: { type: 'integer' }, name: { type: 'string' }, key: { type: 'string' }, ...described } },
          },
          selected: { type: 'integer', nullable: true },
          versusOthers: { $ref: '#/components/schemas/UnpairedComparison' },
          rounds: { type: 'array', items: { type: 'object', required: ['id', 'name'], additionalProperties: false, properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
          trend: {
            type: 'array',
            items: { type: 'object', required: ['intervention', 'rounds'], additionalProperties: false, properties: { intervention: { type: 'integer' }, rounds: { type: 'array', items: { $ref: '#/components/schemas/GroupStats' } } } },
          },
          lastTwoRounds: { $ref: '#/components/schemas/UnpairedComparison' },
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
        type: 'object', required: ['intervention', 'filters', 'points', 'minGroupSize', 'indicators', 'equality'], additionalProperties: false,
        properties: {
          intervention: {
            type: 'object', required: ['id', 'federationId', 'name'], additionalProperties: false,
            properties: { id: { type: 'integer' }, federationId: { type: 'integer' }, name: { type: 'string' } },
          },
          filters,
          points: { type: 'array', items: { type: 'string' } },
          minGroupSize: { type: 'integer' },
          indicators: { type: 'array', items: { $ref: '#/components/schemas/IndicatorSummary' } },
          equality: {
            type: 'object', nullable: true, additionalProperties: false, required: ['point', 'indicators'],
            description: 'Each indicator per gender at the last point asked for (null under a gender or age filter)',
            properties: {
              point: { type: 'string' },
              indicators: {
                type: 'array',
                items: {
                  type: 'object', required: ['id', 'genders', 'total'], additionalProperties: false,
                  properties: { id: { type: 'string' }, genders: { type: 'array', items: { $ref: '#/components/schemas/GroupStats' } }, total: { $ref: '#/components/schemas/GroupStats' } },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
