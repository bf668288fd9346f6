import { DomainError, problem, type ProblemDetails } from '../errors';
import { problemResponses } from './schemas';

/** How HTTP answers one code. */
export interface ErrorMapping {
  status: number;
  /** Defaults to the code in words: `ORDER.NOT_FOUND` → `Order not found`. */
  title?: string;
  /** Headers the answer carries, from the error's facts (`retry-after`, `www-authenticate`). */
  headers?: (facts: DomainError['facts']) => Record<string, string>;
  /** Facts the problem carries as extension members (RFC 9457 §3.2), so a client can word them itself. */
  members?: readonly string[];
}

/** What `createHttpApp` reads of a table: the mapping of each code. */
export interface ErrorMappings {
  readonly mappings: Readonly<Record<string, ErrorMapping>>;
}

type Status = number | `${number}xx`;
type StatusOf<T extends Record<string, ErrorMapping>, E> = E extends keyof T ? T[E]['status'] : E;

/**
 * A service's codes and how HTTP answers them: the one place a use case's refusal gets its status,
 * title and headers. Given to `createHttpApp({ errors })`; each route documents its codes from it
 * with `responses(400, 401, 'ORDER.NOT_FOUND')`, so the OpenAPI document and the answers agree.
 */
export function errorTable<const T extends Record<string, ErrorMapping>>(mappings: T) {
  return {
    mappings: mappings as Readonly<Record<string, ErrorMapping>>,
    /** A route's problem responses: statuses every route may answer (400, 401, ...) and this table's codes, grouped by status. */
    responses<const E extends readonly (Status | (keyof T & string))[]>(...entries: E) {
      const codes = new Map<string, string[]>();
      const statuses = entries.map((entry): Status => {
        if (typeof entry !== 'string' || !Object.hasOwn(mappings, entry)) return entry as Status;
        const status = mappings[entry]!.status;
        codes.set(String(status), [...(codes.get(String(status)) ?? []), entry]);
        return status;
      });
      const out = problemResponses(...new Set(statuses));
      for (const [status, listed] of codes) {
        const response = out[status as keyof typeof out]!;
        response.description = `${response.description} (${listed.map((c) => `\`${c}\``).join(', ')})`;
      }
      return out as Record<StatusOf<T, E[number]>, (typeof out)[keyof typeof out]>;
    },
  };
}

/** The answer to a use case's refusal, or undefined when its code is not in the table (a bug: a 500). */
export function answerFor(error: DomainError, table: ErrorMappings | undefined): { details: ProblemDetails; headers: Record<string, string> } | undefined {
  const mapping = table && Object.hasOwn(table.mappings, error.code) ? table.mappings[error.code]! : undefined;
  if (!mapping) return undefined;
  return {
    details: problem(mapping.status, error.code, error.detail, {
      ...Object.fromEntries((mapping.members ?? []).filter((name) => Object.hasOwn(error.facts, name)).map((name) => [name, error.facts[name]])),
      title: mapping.title, errors: error.errors,
    }),
    headers: mapping.headers?.(error.facts) ?? {},
  };
}
