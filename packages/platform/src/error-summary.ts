import { stdSerializers } from 'pino';

/** What PostgreSQL (through pg or PGlite) says of a failure, less the parts that may quote data. */
interface DatabaseFailure {
  code: string;
  severity?: string;
  routine?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

// pg and PGlite both raise the server's ErrorResponse with its fields; drizzle wraps it in a
// DrizzleQueryError whose message carries the statement's parameters.
const isDatabaseFailure = (value: unknown): value is DatabaseFailure =>
  value instanceof Error && /^[0-9A-Z]{5}$/.test(String((value as { code?: unknown }).code)) && 'severity' in value;

function databaseFailureIn(error: unknown): { failure?: DatabaseFailure; statement?: string; cause?: unknown } | undefined {
  let statement: string | undefined;
  let innermost: unknown;
  for (let inner = error, depth = 0; inner instanceof Error && depth < 8; inner = inner.cause, depth++) {
    const query: unknown = (inner as Error & { query?: unknown }).query;
    if (typeof query === 'string') statement = query;
    if (isDatabaseFailure(inner)) return { failure: inner, statement };
    // The query's own error lists its parameters: only a cause below it may speak (a timeout, a lost connection).
    if (typeof query !== 'string') innermost = inner;
  }
  return statement === undefined ? undefined : { statement, cause: innermost };
}

const describeFailure = ({ failure: f, cause }: { failure?: DatabaseFailure; cause?: unknown }) =>
  f ? `database error ${f.code}${f.routine ? ` in ${f.routine}` : ''}${f.constraint ? ` (constraint ${f.constraint})` : ''}`
  : `query failed: ${cause instanceof Error ? cause.message : 'no answer'}`;

/**
 * One line that names a failure without the data of the request behind it, for logs, dead-letter
 * headers and the outbox's last error. A database failure is told by SQLSTATE, server routine and
 * constraint only: drizzle's message lists the statement's parameters (an e-mail, a password
 * hash), and PostgreSQL's own message and detail quote values ("Key (email)=(…) already exists").
 */
export function errorSummary(error: unknown): string {
  const database = databaseFailureIn(error);
  if (database) return describeFailure(database);
  return error instanceof Error ? error.message : String(error);
}

/**
 * pino's `err` serializer with the same rule: a failed query keeps its statement (parameters are
 * placeholders in it), SQLSTATE and the names of what failed, or the driver's own reason (a
 * timeout, a lost connection), and loses every parameter list and every message of the server,
 * in its causes too; its stack keeps only the frames.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  const database = databaseFailureIn(error);
  if (!database) return stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const { failure, statement } = database;
  const message = describeFailure(database);
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return {
    type: 'DatabaseError',
    message,
    stack: [message, ...frames].join('\n'),
    code: failure?.code,
    severity: failure?.severity,
    routine: failure?.routine,
    schema: failure?.schema,
    table: failure?.table,
    column: failure?.column,
    constraint: failure?.constraint,
    statement,
  };
}

/**
 * Whether the database itself refused a statement (an error with a SQLSTATE): the statement then
 * certainly wrote nothing. Anything else around a query (a timeout, a lost connection) leaves it
 * unknown whether it committed.
 */
export const refusedByDatabase = (error: unknown): boolean => databaseFailureIn(error)?.failure !== undefined;
