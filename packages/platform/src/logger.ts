import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { serializeError } from './error-summary';
import { traceLogFields } from './tracing';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'passwordHash',
  'accessToken',
  'token',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.token',
];

/** JSON lines on stdout (or `destination`), one `service` field on every line. */
export function createLogger(opts: { level: LogLevel; service: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      // The pid tells workers of one service apart (WEB_CONCURRENCY).
      base: { service: opts.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // A failed query's parameters and PostgreSQL's quoted values never reach a line.
      serializers: { err: serializeError },
      // While tracing is on, a line written inside a span says which one (`trace_id`, `span_id`).
      mixin: traceLogFields,
    },
    opts.destination,
  );
}
