import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db';
import { createHttpApp, type HttpApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { cloudEvent, type CloudEvent } from '../src/messaging/cloud-event';
import { createInProcessBus } from '../src/messaging/in-process-bus';
import { createOutbox } from '../src/messaging/outbox';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { continueTrace } from '../src/trace';
import { startPublishSpans, startTracing, tracingConfigured, type Tracing } from '../src/tracing';
import { outbox } from './fixtures/outbox-schema';

const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

interface LogLine {
  msg: string;
  trace_id?: string;
  span_id?: string;
}

function captureLogs() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', service: 'tracing-test', destination }) };
}

const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe('tracing switched off', () => {
  it('starts only when an OTLP endpoint is configured and the SDK is not disabled', async () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(await startTracing({ service: 'off', env: {} })).toBeNull();
    // Without recorded spans, events still get a span id of their own.
    expect(continueTrace(CALLER)).not.toBe(CALLER);
  });
});

describe('tracing switched on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let app: HttpApp;
  let logs: LogLine[];
  let testDb: TestDatabase;

  const finished = async () => {
    await tracing.flush();
    return exporter.getFinishedSpans();
  };

  beforeAll(async () => {
    tracing = (await startTracing({ service: 'tracing-test', exporter }))!;
    const captured = captureLogs();
    logs = captured.lines;
    app = await createHttpApp({
      service: 'tracing-test', version: '0.0.0', log: captured.log, corsOrigins: [], metrics: createMetrics({ service: 'tracing-test' }),
      readiness: {}, openapi: { title: 'Tracing', description: 'Spans' },
    });
    app.post('/api/things/:id', async (request) => {
      request.log.info('thing handled');
      return { traceparent: request.traceparent, continued: continueTrace(request.traceparent) };
    });
    testDb = await createTestDatabase('pglite');
    await migrate(testDb.database, { schema: 'outbox_test', migrationsFolder });
  });

  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
    await tracing?.shutdown();
  });

  it('records a SERVER span per request, named by its route, child of the caller, and its context is what events continue', async () => {
    exporter.reset();
    const res = await app.inject({ method: 'POST', url: '/api/things/42?x=1', headers: { traceparent: CALLER }, payload: {} });
    expect(res.statusCode).toBe(200);

    const [span, ...others] = await finished();
    expect(others).toEqual([]);
    expect(span).toBeDefined();
    expect(span!.name).toBe('POST /api/things/:id');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'POST', 'http.route': '/api/things/:id', 'url.path': '/api/things/42', 'http.response.status_code': 200,
    });
    expect(span!.resource.attributes['service.name']).toBe('tracing-test');

    const body = res.json<{ traceparent: string; continued: string }>();
    expect(body.traceparent).toBe(traceparentOf(span!));
    expect(body.continued).toBe(body.traceparent);
    const named = { trace_id: TRACE_ID, span_id: span!.spanContext().spanId };
    expect(logs.find((l) => l.msg === 'thing handled')).toMatchObject(named);
    expect(logs.find((l) => l.msg === 'request completed')).toMatchObject(named);
  });

  it('records no span for health probes', async () => {
    exporter.reset();
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect(await finished()).toEqual([]);
  });

  it('publishes from the outbox under a PRODUCER span child of the event, and handles under a CONSUMER span child of and linked to it', async () => {
    exporter.reset();
    const bus = createInProcessBus();
    const { log, lines } = captureLogs();
    const handled: CloudEvent[] = [];
    await bus.subscribe({
      queue: 'things.process',
      bindings: [{ exchange: 'things.events', routingKey: '#' }],
      handler: async (event) => {
        log.info('message handled');
        handled.push(event);
      },
    });
    const { enqueue, relay } = createOutbox({ db: testDb.database.db, table: outbox, bus, pollIntervalMs: 20 });
    const sent = cloudEvent({ source: 'tracing-test', type: 'thing.happened', data: {}, traceparent: CALLER });
    await testDb.database.db.transaction((tx) => enqueue(tx, 'things.events', [sent]));
    relay.start();
    try {
      await expect.poll(() => handled.length, { timeout: 10_000, interval: 10 }).toBe(1);
    } finally {
      await relay.stop();
      await bus.close();
    }

    const spans = await finished();
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER);
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER);
    expect(producer?.name).toBe('things.events publish');
    expect(producer?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(producer?.attributes).toMatchObject({
      'messaging.system': 'rabbitmq', 'messaging.destination.name': 'things.events', 'messaging.message.id': sent.id, 'messaging.operation.type': 'send',
    });
    expect(consumer?.name).toBe('things.process process');
    expect(consumer?.spanContext().traceId).toBe(TRACE_ID);
    expect(consumer?.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
    expect(consumer?.links.map((l) => l.context.spanId)).toEqual([producer!.spanContext().spanId]);
    expect(consumer?.attributes).toMatchObject({ 'messaging.destination.name': 'things.process', 'messaging.message.id': sent.id, 'messaging.operation.type': 'process' });

    // The handler sees its own span's context, so what it emits continues from it; its logs name it.
    expect(handled[0]!.traceparent).toBe(traceparentOf(consumer!));
    expect(lines.find((l) => l.msg === 'message handled')).toMatchObject({ trace_id: TRACE_ID, span_id: consumer!.spanContext().spanId });
  });
});

describe('a collector that refuses the spans', () => {
  it('costs a warning in the service log, not an error anywhere else', async () => {
    const exporter = {
      export: (_spans: unknown, done: (result: { code: number; error?: Error }) => void) => done({ code: 1, error: new Error('connect ECONNREFUSED') }),
      shutdown: async () => {},
    };
    const { log, lines } = captureLogs();
    // The batch processor's own schedule, the path that reports failures (a flush hands them to its caller).
    process.env.OTEL_BSP_SCHEDULE_DELAY = '20';
    const tracing = (await startTracing({ service: 'refused', exporter, log }))!;
    delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    try {
      startPublishSpans('things.events', [cloudEvent({ source: 'tracing-test', type: 'thing.happened', data: {}, traceparent: CALLER })]).end();
      await expect.poll(() => lines.filter((l) => l.msg.startsWith('tracing:')).length, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0);
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('stopping with a collector that never answers', () => {
  it('gives up on the last spans after a few seconds instead of holding the shutdown', async () => {
    const exporter = { export: () => {}, shutdown: () => new Promise<void>(() => {}), forceFlush: () => new Promise<void>(() => {}) };
    const tracing = (await startTracing({ service: 'stuck', exporter }))!;
    const started = Date.now();
    await tracing.shutdown();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await startTracing({ service: 'off-again', env: {} })).toBeNull();
  });
});
