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

// Trace and span ids must be unique, not secret: made from Math.random as OpenTelemetry's own
// RandomIdGenerator makes them, since crypto.randomBytes for each of them (a request's, every
// event's) was 1-2% of a busy service's CPU.
const ID_BYTES = Buffer.alloc(16);

/** `bytes` random bytes in hex, never all zero (an invalid id). */
function randomId(bytes: 8 | 16): string {
  for (let i = 0; i < bytes; i += 4) ID_BYTES.writeUInt32BE(Math.floor(Math.random() * 2 ** 32), i);
  if (ID_BYTES.readUInt32BE(0) === 0) ID_BYTES[0] = 1;
  return ID_BYTES.toString('hex', 0, bytes);
}

/**
 * The trace context for work caused by `incoming`: the same trace with a new span id,
 * or a new sampled trace when there is none or it is malformed (the spec says: restart).
 * While spans are recorded, a valid `incoming` is returned as it is.
 */
export function continueTrace(incoming: string | undefined): string {
  const match = incoming ? TRACEPARENT.exec(incoming.trim()) : null;
  if (keepSpan && match && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) return incoming!.trim();
  const span = randomId(8);
  if (match && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) return `00-${match[1]}-${span}-${match[3]}`;
  return `00-${randomId(16)}-${span}-01`;
}

export const traceIdOf = (traceparent: string) => traceparent.split('-')[1] ?? '';
