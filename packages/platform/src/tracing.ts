import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { CloudEvent } from './messaging/cloud-event';
import { keepValidTraceparents } from './trace';
import { startProvider } from './tracing-sdk';

// Stable HTTP names from the semantic conventions.
const HTTP_REQUEST_METHOD = 'http.request.method';
const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const HTTP_ROUTE = 'http.route';
const URL_PATH = 'url.path';
const CLIENT_ADDRESS = 'client.address';
const USER_AGENT = 'user_agent.original';
// Messaging conventions are still "development" in semantic-conventions: their names are copied
// here, as that package advises, rather than imported from its unstable entry point.
const MESSAGING_SYSTEM = 'messaging.system';
const MESSAGING_DESTINATION = 'messaging.destination.name';
const MESSAGING_MESSAGE_ID = 'messaging.message.id';
const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const MESSAGING_OPERATION_NAME = 'messaging.operation.name';
const MESSAGING_ROUTING_KEY = 'messaging.rabbitmq.destination.routing_key';
const MESSAGING_BATCH_COUNT = 'messaging.batch.message_count';
// Ours: the conventions have no attribute for how many times a message was tried.
const DELIVERY_ATTEMPT = 'pedidos.delivery.attempt';
const CLOUDEVENTS_EVENT_TYPE = 'cloudevents.event_type';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface Tracing {
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops recording; every helper here turns back into a no-op. */
  shutdown(): Promise<void>;
}

let tracer: Tracer | null = null;

/** The most a graceful stop waits for the last spans to be exported. */
const SHUTDOWN_EXPORT_MS = 3_000;

/** True when `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces-only form) is set and the SDK is not disabled. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Starts recording spans for this process when tracing is configured (or an `exporter` is given,
 * for tests), exported in batches over OTLP/HTTP as the standard OTEL_* variables say. The service
 * name is `service` unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) names another.
 * Null otherwise: the SDK is not even loaded (tracing-sdk.ts), and every helper below is a no-op.
 */
export async function startTracing(opts: {
  service: string;
  env?: NodeJS.ProcessEnv;
  exporter?: SpanExporter;
  /** Where the SDK's own complaints go (an export that failed, say); else they are dropped. */
  log?: { warn(obj: object, msg: string): void };
}): Promise<Tracing | null> {
  if (tracer) throw new Error('tracing already started in this process');
  if (!opts.exporter && !tracingConfigured(opts.env)) return null;
  const log = opts.log;
  if (log) {
    const warn = (message: string, ...args: unknown[]) => log.warn({ details: args.map((a) => (a instanceof Error ? a.message : String(a))) }, `tracing: ${message}`);
    diag.setLogger({ error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  }
  const { provider, unregister } = await startProvider(opts.service, opts.exporter);
  tracer = provider.getTracer('@pedidos/platform');
  keepValidTraceparents(true);
  let stopped: Promise<void> | undefined;
  return {
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        tracer = null;
        keepValidTraceparents(false);
        unregister();
        // A collector that does not answer must not eat the whole shutdown budget: spans are the first to go.
        let timer: NodeJS.Timeout | undefined;
        const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_EXPORT_MS)));
        try {
          await Promise.race([provider.shutdown(), giveUp]);
        } finally {
          clearTimeout(timer);
          trace.disable();
          context.disable();
          propagation.disable();
          diag.disable();
        }
      })();
      return stopped;
    },
  };
}

/** The remote span a W3C traceparent names, or undefined when it is absent or malformed. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16), isRemote: true };
}

export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

function parentContext(traceparent: string | undefined): { ctx: Context; links: Link[] } {
  const remote = spanContextOf(traceparent);
  return remote ? { ctx: trace.setSpanContext(ROOT_CONTEXT, remote), links: [{ context: remote }] } : { ctx: ROOT_CONTEXT, links: [] };
}

/**
 * The standard variables the OpenTelemetry SDK reads itself (besides OTEL_EXPORTER_OTLP_ENDPOINT,
 * which the common configuration checks): what docs/operations.md may name.
 */
export const OTEL_SDK_VARIABLES = [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_SDK_DISABLED',
] as const;

/** The fields a log line written inside a span carries. */
export const TRACE_LOG_FIELDS = ['trace_id', 'span_id'] as const;

/** `trace_id` and `span_id` of the active span, for every log line (a pino mixin). */
export function traceLogFields(): Record<string, string> {
  // A fresh object each time: pino merges the line's own fields into it.
  if (!tracer) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

export interface ServerSpan {
  /** The span's own context: what the events this request causes continue. */
  traceparent: string;
  traceId: string;
  spanId: string;
  end(statusCode: number | undefined): void;
}

/**
 * A SERVER span for one HTTP request, child of the caller's `traceparent` header; named for the
 * route template so that spans group by operation, not by id. Undefined while tracing is off.
 */
export function startServerSpan(req: {
  method: string;
  route: string | undefined;
  path: string;
  traceparent: string | undefined;
  clientAddress: string;
  userAgent: string | undefined;
}): ServerSpan | undefined {
  if (!tracer) return undefined;
  const remote = spanContextOf(req.traceparent);
  const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
  const span = tracer.startSpan(req.route ? `${req.method} ${req.route}` : req.method, {
    kind: SpanKind.SERVER,
    attributes: {
      [HTTP_REQUEST_METHOD]: req.method,
      [URL_PATH]: req.path,
      [CLIENT_ADDRESS]: req.clientAddress,
      ...(req.route ? { [HTTP_ROUTE]: req.route } : {}),
      ...(req.userAgent ? { [USER_AGENT]: req.userAgent } : {}),
    },
  }, parent);
  const { traceId, spanId } = span.spanContext();
  return {
    traceparent: traceparentOf(span),
    traceId,
    spanId,
    end(statusCode) {
      if (statusCode !== undefined) {
        span.setAttribute(HTTP_RESPONSE_STATUS_CODE, statusCode);
        // Server spans count only 5xx as errors: a 4xx is the caller's mistake, answered correctly.
        if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } else {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted' });
      }
      span.end();
    },
  };
}

export interface Publishing {
  /** The events to publish: each one's traceparent now names its PRODUCER span. */
  events: CloudEvent[];
  end(error?: unknown): void;
}

/**
 * One PRODUCER span `<exchange> publish` per event, child of the context the event was written
 * with (the request or message that caused it), so the consumer continues from the publish.
 */
export function startPublishSpans(exchange: string, events: CloudEvent[]): Publishing {
  if (!tracer) return { events, end: () => {} };
  const t = tracer;
  const spans = events.map((event) =>
    t.startSpan(`${exchange} publish`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MESSAGING_SYSTEM]: 'rabbitmq',
        [MESSAGING_OPERATION_TYPE]: 'send',
        [MESSAGING_OPERATION_NAME]: 'publish',
        [MESSAGING_DESTINATION]: exchange,
        [MESSAGING_ROUTING_KEY]: event.type,
        [MESSAGING_MESSAGE_ID]: event.id,
        [CLOUDEVENTS_EVENT_TYPE]: event.type,
      },
    }, parentContext(event.traceparent).ctx),
  );
  return {
    events: events.map((event, i) => ({ ...event, traceparent: traceparentOf(spans[i]!) })),
    end(error) {
      for (const span of spans) {
        if (error !== undefined) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      }
    },
  };
}

/** Whether spans are being recorded in this process: callers skip gathering what a span would hold when not. */
export const tracingActive = (): boolean => tracer !== null;

/** The active trace context, to run later work in it (`inContext`); undefined while tracing is off. */
export const activeContext = (): Context | undefined => (tracer ? context.active() : undefined);

/**
 * Runs `work` in the trace `traceparent` names (its spans children of that span), or in no trace
 * without one: never in the context of whoever happened to start it (a loop kicked by a request).
 */
export const inTraceOf = <T>(traceparent: string | null | undefined, work: () => T): T =>
  (tracer ? context.with(parentContext(traceparent ?? undefined).ctx, work) : work());

/** Runs `work` in a context `activeContext` gave, or as it is without one. */
export const inContext = <T>(ctx: Context | undefined, work: () => T): T => (ctx ? context.with(ctx, work) : work());

/**
 * Records a finished INTERNAL span, child of `parent` (a traceparent), for one caller's part of
 * work done for several at once (a batch of messages applied in one transaction). Recorded once
 * that work has committed, from `startTime` to now, so a batch rolled back and redone leaves one
 * span per thing that actually happened.
 */
export function recordSpan(name: string, parent: string | undefined, startTime: Date, attributes: Record<string, string | number>): void {
  if (!tracer) return;
  tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime, attributes }, parentContext(parent).ctx).end();
}

/**
 * Runs `apply` (one transaction for several messages of `queue`) inside an INTERNAL span
 * `<queue> apply batch`, linked to each message's CONSUMER span: a batch has many parents, which
 * is what the messaging conventions use links for. It is the root of a trace of its own.
 */
export async function traceBatch<T>(queue: string, events: CloudEvent[], apply: () => Promise<T>): Promise<T> {
  if (!tracer) return apply();
  const links = events.flatMap((e) => parentContext(e.traceparent).links);
  const span = tracer.startSpan(`${queue} apply batch`, {
    kind: SpanKind.INTERNAL,
    links,
    attributes: { [MESSAGING_DESTINATION]: queue, [MESSAGING_BATCH_COUNT]: events.length },
  }, ROOT_CONTEXT);
  return runInSpan(span, ROOT_CONTEXT, apply);
}

/** Runs `work` with `span` active (a child of `parent`), marks the span failed if `work` throws, and ends it. */
async function runInSpan<T>(span: Span, parent: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `handle` inside a CONSUMER span `<queue> process`: child of the event's traceparent (its
 * PRODUCER span) and linked to it, as the messaging conventions advise for one message processed.
 * The handler sees the event with the span's own traceparent, so what it emits continues from here.
 */
export async function processTraced<T>(
  queue: string,
  event: CloudEvent,
  attempt: number,
  handle: (event: CloudEvent) => Promise<T>,
): Promise<T> {
  if (!tracer) return handle(event);
  const { ctx, links } = parentContext(event.traceparent);
  const span = tracer.startSpan(`${queue} process`, {
    kind: SpanKind.CONSUMER,
    links,
    attributes: {
      [MESSAGING_SYSTEM]: 'rabbitmq',
      [MESSAGING_OPERATION_TYPE]: 'process',
      [MESSAGING_OPERATION_NAME]: 'process',
      [MESSAGING_DESTINATION]: queue,
      [MESSAGING_ROUTING_KEY]: event.type,
      [MESSAGING_MESSAGE_ID]: event.id,
      [DELIVERY_ATTEMPT]: attempt,
      [CLOUDEVENTS_EVENT_TYPE]: event.type,
    },
  }, ctx);
  return runInSpan(span, ctx, () => handle({ ...event, traceparent: traceparentOf(span) }));
}
