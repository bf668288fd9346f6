import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, DomainError, PROBLEM_CONTENT_TYPE, pointerToken, problem, type FieldError, type ProblemDetails } from '../errors';
import { answerFor, type ErrorMappings } from './error-table';
import { TEXT_FORMATS } from './validator';

/** The subset of an Ajv error object that fastify hands to the error handler. */
interface SchemaIssue {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Body fields are bare pointers; other parts are prefixed so the client knows where to look. */
const PART_PREFIX: Record<string, string> = { body: '', querystring: '/query', params: '/params', headers: '/headers' };

const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; title: string; detail: (req: FastifyRequest) => string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400, code: 'REQUEST.INVALID_JSON', title: 'Malformed JSON',
    detail: () => 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400, code: 'REQUEST.INVALID_JSON', title: 'Malformed JSON',
    detail: () => 'The request body is empty but its content-type is application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400, code: 'REQUEST.INVALID_CONTENT_LENGTH', title: 'Invalid content length',
    detail: () => 'The request body size does not match its Content-Length header.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413, code: 'REQUEST.BODY_TOO_LARGE', title: 'Request body too large',
    detail: (req) => `The request body exceeds the limit of ${req.routeOptions.bodyLimit} bytes.`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type',
    detail: (req) => `Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')} is not supported; send application/json.`,
  },
  FST_ERR_BAD_URL: {
    status: 400, code: 'REQUEST.BAD_URL', title: 'Malformed URL',
    detail: () => 'The request URL is not correctly percent-encoded.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414, code: 'REQUEST.URI_TOO_LONG', title: 'URI too long',
    detail: () => 'A path parameter is longer than allowed.',
  },
};

/**
 * Turns anything thrown into problem details; only 5xx lose their message (it is logged instead).
 * A use case's refusal is answered as the service's `errors` table says; a code missing there is a 500.
 */
export function problemFromError(error: FastifyError | Error, request: FastifyRequest, errors?: ErrorMappings): ProblemDetails {
  if (error instanceof AppError) return error.toProblem();
  if (error instanceof DomainError) return answerFor(error, errors)?.details ?? internalProblem(request);

  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fieldErrors(fastifyError.validation as SchemaIssue[], fastifyError.validationContext ?? 'body');
    const summary = errors.slice(0, 5).map((e) => `${e.path || '(root)'} ${e.message}`).join('; ');
    return problem(400, 'REQUEST.VALIDATION', `Invalid request: ${summary}${errors.length > 5 ? '; …' : ''}.`, {
      title: 'Invalid request',
      errors,
    });
  }

  const known = fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined;
  if (known) return problem(known.status, known.code, known.detail(request), { title: known.title });

  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const phrase = STATUS_CODES[status] ?? 'Client error';
    return problem(status, `REQUEST.${phrase.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`, error.message || phrase, { title: phrase });
  }
  return internalProblem(request);
}

export const internalProblem = (request: FastifyRequest) =>
  problem(500, 'INTERNAL', `An unexpected error occurred. Quote request id ${request.id} when reporting it.`, {
    title: 'Internal server error',
  });

/** Bypasses the route's serializer so the body is always exactly the problem. */
export function sendProblem(reply: FastifyReply, details: ProblemDetails): FastifyReply {
  return reply.code(details.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(details));
}

/** Ajv errors → one `{ path, message }` per offending field, `path` a JSON Pointer into the request. */
export function fieldErrors(issues: SchemaIssue[], part: string): FieldError[] {
  const prefix = PART_PREFIX[part] ?? `/${part}`;
  const seen = new Set<string>();
  return collect(issues)
    .map((e) => ({ path: prefix + e.path, message: e.message }))
    .filter((e) => !seen.has(`${e.path}\0${e.message}`) && seen.add(`${e.path}\0${e.message}`));
}

const isUnion = (i: SchemaIssue) => i.keyword === 'anyOf' || i.keyword === 'oneOf';
const inBranch = (i: SchemaIssue, union: SchemaIssue) => i !== union && i.schemaPath.startsWith(`${union.schemaPath}/`);

// A failed union reports once, on the union, instead of once per branch.
function collect(issues: SchemaIssue[]): FieldError[] {
  const unions = issues.filter(isUnion);
  return issues
    .filter((i) => !unions.some((u) => inBranch(i, u)))
    .flatMap((i) => (isUnion(i) ? describeUnion(i, issues.filter((b) => inBranch(b, i))) : [describe(i)]));
}

function describeUnion(union: SchemaIssue, branchIssues: SchemaIssue[]): FieldError[] {
  const path = union.instancePath;
  if (union.keyword === 'oneOf' && union.params.passingSchemas) return [{ path, message: 'matches more than one allowed shape' }];
  const scalar = branchIssues.length > 0 && branchIssues.every((b) => b.instancePath === path && ['const', 'enum', 'type'].includes(b.keyword));
  if (scalar) {
    const options = new Set(branchIssues.flatMap((b) =>
      b.keyword === 'const' ? [JSON.stringify(b.params.allowedValue)]
      : b.keyword === 'enum' ? (b.params.allowedValues as unknown[]).map((v) => JSON.stringify(v))
      : String(b.params.type).split(',')));
    return [{ path, message: options.size === 1 ? `must be ${[...options][0]}` : `must be one of ${[...options].join(', ')}` }];
  }
  // Objects in a union (e.g. told apart by a `kind` field): the branch that came closest explains best.
  const byBranch = new Map<string, SchemaIssue[]>();
  for (const b of branchIssues) {
    const branch = b.schemaPath.slice(union.schemaPath.length + 1).split('/', 1)[0]!;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), b]);
  }
  // A branch refused only for its type (a note that is not null) says less than one whose type fitted.
  const typeFitted = [...byBranch.values()].filter((b) => !b.every((i) => i.instancePath === path && i.keyword === 'type'));
  if (typeFitted.length === 1) return collect(typeFitted[0]!);
  const sizes = [...byBranch.values()].sort((a, b) => a.length - b.length);
  const closest = sizes[0];
  if (closest && (sizes.length === 1 || closest.length < sizes[1]!.length) && closest.every((b) => b.instancePath !== path || !['const', 'enum', 'type'].includes(b.keyword))) {
    return collect(closest);
  }
  return [{ path, message: 'does not match any allowed shape' }];
}

function describe(issue: SchemaIssue): FieldError {
  const { keyword, instancePath: path, params } = issue;
  switch (keyword) {
    case 'required':
      return { path: `${path}/${pointerToken(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${path}/${pointerToken(String(params.additionalProperty))}`, message: 'is not allowed' };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'format': {
      const text = TEXT_FORMATS[params.format as keyof typeof TEXT_FORMATS];
      return { path, message: text?.message ?? issue.message ?? 'has the wrong format' };
    }
    default:
      return { path, message: issue.message ?? `fails ${keyword}` };
  }
}
