import { Type } from 'typebox';
import { PROBLEM_CONTENT_TYPE } from '../errors';

/** RFC 9457 problem details; registered once per app as the shared `Problem` schema of the OpenAPI document. */
export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri', description: 'Identifies the kind of problem; stable for a given `code`.' }),
    title: Type.String({ description: 'Short summary of the kind of problem.' }),
    status: Type.Integer({ minimum: 100, maximum: 599 }),
    detail: Type.String({ description: 'What went wrong with this request, for a human.' }),
    code: Type.Optional(Type.String({ description: 'Stable error code, e.g. `ORDER.NOT_FOUND`.', examples: ['ORDER.NOT_FOUND'] })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON Pointer to the field: `/items/0/quantity`, `/query/limit`.' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem', additionalProperties: true },
);

/** Points at the shared `Problem` schema: `response: { 200: Order, ...problemResponses(404, 409) }`. */
export const ProblemRef = Type.Unsafe<{
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: { path: string; message: string }[];
}>({ $ref: 'Problem#' });

const DESCRIPTIONS: Record<string, string> = {
  400: 'Bad request: the `errors` member names each invalid field',
  401: 'Missing or invalid bearer token',
  403: 'Not allowed for this role',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Well-formed but cannot be processed',
  429: 'Too many requests: retry after the `Retry-After` header',
  503: 'Too busy to take this now: nothing was done; retry after the `Retry-After` header',
  '4xx': 'Client error',
  '5xx': 'Server error',
};

/** Documents error responses as `application/problem+json`. */
export function problemResponses<const S extends number | `${number}xx`>(...statuses: S[]) {
  const out = {} as Record<S, { description: string; content: Record<typeof PROBLEM_CONTENT_TYPE, { schema: typeof ProblemRef }> }>;
  for (const status of statuses) {
    out[status] = {
      description: DESCRIPTIONS[String(status)] ?? 'Error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemRef } },
    };
  }
  return out;
}
