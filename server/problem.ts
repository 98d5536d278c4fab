/**
 * The catalogue of user-facing errors: each has a stable code, an HTTP status, and its text under
 * `errors.<code>` in every translation file (test/unit/i18n.test.ts checks that they exist).
 */
export const PROBLEMS = {
  notFound: 404,
  badRequest: 400,
  filterConflict: 400,
  payloadTooLarge: 413,
  csrf: 403,
  forbidden: 403,
  unauthenticated: 401,
  rateLimited: 429,
  codeUnknown: 404,
  codeMalformed: 400,
  codeSpent: 410,
  codeRevoked: 410,
  unknownItems: 400,
  languageUnknown: 400,
  busy: 503,
  serverError: 500,
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export class Problem extends Error {
  readonly status: number;
  constructor(readonly code: ProblemCode, readonly detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.status = PROBLEMS[code];
  }
}

/** Any error thrown while answering a request, as the problem the user reads. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const status = (err as { status?: number; type?: string })?.status;
  if (status === 413) return new Problem('payloadTooLarge');
  if (status && status >= 400 && status < 500) return new Problem('badRequest');
  return new Problem('serverError');
}
