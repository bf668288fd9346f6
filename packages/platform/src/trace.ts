import { randomBytes } from 'node:crypto';

// W3C Trace Context, version 00: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

// While spans are recorded (tracing.ts), a valid incoming context is that of a recorded span (the
// request's SERVER span, a message's CONSUMER span): events point at it as it is, or the trace
// would name parents that were never exported.
let keepSpan = false;

/** Set by tracing.ts while it records spans. */
export function keepValidTraceparents(on: boolean): void {
  keepSpan = on;
}

/**
 * The trace context for work caused by `incoming`: the same trace with a new span id,
 * or a new sampled trace when there is none or it is malformed (the spec says: restart).
 * While spans are recorded, a valid `incoming` is returned as it is.
 */
export function continueTrace(incoming: string | undefined): string {
  const match = incoming ? TRACEPARENT.exec(incoming.trim()) : null;
  if (keepSpan && match && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) return incoming!.trim();
  const span = randomBytes(8).toString('hex');
  if (match && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) return `00-${match[1]}-${span}-${match[3]}`;
  return `00-${randomBytes(16).toString('hex')}-${span}-01`;
}

export const traceIdOf = (traceparent: string) => traceparent.split('-')[1] ?? '';
