/** One offending input: `path` is a JSON Pointer into the request (`/items/0/quantity`, `/query/limit`). */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, with our stable `code` as an extension member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://pedidos.dev/problems/';

/** `ORDER.INVALID_TRANSITION` → `https://pedidos.dev/problems/order-invalid-transition`. */
export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/[._]+/g, '-');
}

/** `ORDER.INVALID_TRANSITION` → `Order invalid transition`: one title per type, as RFC 9457 asks. */
export function problemTitle(code: string): string {
  const words = code.toLowerCase().split(/[._]+/).filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A failure the client can act on. Thrown anywhere; the HTTP layer turns it into problem+json. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly title: string;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    options?: { title?: string; cause?: unknown },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.title = options?.title ?? problemTitle(code);
  }

  toProblem(): ProblemDetails {
    return problem(this.status, this.code, this.detail, { title: this.title, errors: this.errors });
  }
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: { title?: string; errors?: FieldError[] | undefined; [extension: string]: unknown } = {},
): ProblemDetails {
  const { title, errors, ...extensions } = extra;
  return {
    type: problemType(code),
    title: title ?? problemTitle(code),
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extensions,
  };
}

/**
 * A refusal as a use case states it: a stable code, what went wrong, and the facts a client may
 * need (`retryAfterS`), but no HTTP. The service's HTTP layer has one table (`errorTable` in
 * `http/`) that gives each code its status, title and headers.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly errors: FieldError[] | undefined;
  readonly facts: Readonly<Record<string, string | number>>;

  constructor(readonly code: string, readonly detail: string, options: { errors?: FieldError[]; facts?: Record<string, string | number> } = {}) {
    super(detail);
    this.errors = options.errors;
    this.facts = options.facts ?? {};
  }
}

type Options = { title?: string; cause?: unknown };

export const badRequest = (code: string, detail: string, errors?: FieldError[], options?: Options) =>
  new AppError(400, code, detail, errors, options);
export const unauthorized = (code: string, detail: string, options?: Options) =>
  new AppError(401, code, detail, undefined, options);
export const forbidden = (code: string, detail: string, options?: Options) =>
  new AppError(403, code, detail, undefined, options);
export const notFound = (code: string, detail: string, options?: Options) =>
  new AppError(404, code, detail, undefined, options);
export const conflict = (code: string, detail: string, options?: Options) =>
  new AppError(409, code, detail, undefined, options);
export const unprocessable = (code: string, detail: string, errors?: FieldError[], options?: Options) =>
  new AppError(422, code, detail, errors, options);
export const serviceUnavailable = (code: string, detail: string, options?: Options) =>
  new AppError(503, code, detail, undefined, options);

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
export const pointerToken = (token: string | number) => String(token).replace(/~/g, '~0').replace(/\//g, '~1');
