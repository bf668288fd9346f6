import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db';
import { createHttpApp, type HttpApp } from '../src/http/app';
import { createMetrics } from '../src/metrics';
import { cloudEvent, type CloudEvent } from '../src/messaging/cloud-event';
import { batchingHandler, type BatchingOptions } from '../src/messaging/batching';
import { createInProcessBus } from '../src/messaging/in-process-bus';
import { createOutbox } from '../src/messaging/outbox';
import { capturedLog, type LogEntry } from '../src/testing/hostile';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { continueTrace } from '../src/trace';
import { inTraceOf, recordSpan, startPublishSpans, traceBatch, startTracing, tracingConfigured, type Tracing } from '../src/tracing';
import { outbox } from './fixtures/outbox-schema';

const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

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
  let logs: () => LogEntry[];
  let testDb: TestDatabase;

  const finished = async () => {
    await tracing.flush();
    return exporter.getFinishedSpans();
  };

  beforeAll(async () => {
    tracing = (await startTracing({ service: 'tracing-test', exporter }))!;
    const captured = capturedLog();
    logs = captured.entries;
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
    expect(logs().find((l) => l.msg === 'thing handled')).toMatchObject(named);
    expect(logs().find((l) => l.msg === 'request completed')).toMatchObject(named);
  });

  it('records no span for health probes', async () => {
    exporter.reset();
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect(await finished()).toEqual([]);
  });

  it('publishes from the outbox under a PRODUCER span child of the event, and handles under a CONSUMER span child of and linked to it', async () => {
    exporter.reset();
    const bus = createInProcessBus();
    const { log, entries } = capturedLog();
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
    expect(entries().find((l) => l.msg === 'message handled')).toMatchObject({ trace_id: TRACE_ID, span_id: consumer!.spanContext().spanId });
  });

  it("runs later work in the trace it is for, not in that of whoever started it, or in none", async () => {
    exporter.reset();
    const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const other = continueTrace(undefined);
    try {
      // Inside another span, as a loop started by some batch or request runs.
      await traceBatch('things.loop', [], async () => {
        await inTraceOf(other, () => fetch(url));
        await inTraceOf(null, () => fetch(url));
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const spans = await finished();
    const loop = spans.find((s) => s.name === 'things.loop apply batch')!;
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.spanContext().traceId).toBe(other.split('-')[1]);
    expect(calls[0]!.parentSpanContext?.spanId).toBe(other.split('-')[2]);
    expect(calls[1]!.parentSpanContext).toBeUndefined();
    expect(calls.map((c) => c.spanContext().traceId)).not.toContain(loop.spanContext().traceId);
  });

  describe('a batching consumer', () => {
    let server: Server;
    let serverUrl: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
      await once(server, 'listening');
      serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/provider`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /**
     * Publishes one message, which the handler holds, then `more`: they arrive while it is held, so
     * they are handed to `many` together. Resolves once every message is acked.
     */
    async function consume(more: number, handler: Pick<BatchingOptions, 'one' | 'many'>) {
      const bus = createInProcessBus();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const started = new Promise<void>((resolve) => (holding = resolve));
      let first = true;
      const acked = new Promise<void>((resolve) => {
        let seen = 0;
        bus.on((s) => s.kind === 'ack' && ++seen === more + 1 && resolve());
      });
      await bus.subscribe({
        queue: 'things.batch',
        bindings: [{ exchange: 'things.events', routingKey: '#' }],
        prefetch: 10,
        handler: batchingHandler({
          one: async (event, ctx) => {
            if (!first) return handler.one(event, ctx);
            first = false;
            holding();
            await held;
          },
          many: handler.many,
        }),
      });
      const events = Array.from({ length: more }, () => cloudEvent({ source: 'tracing-test', type: 'thing.happened', data: {}, traceparent: continueTrace(undefined) }));
      try {
        await bus.publish('things.events', [cloudEvent({ source: 'tracing-test', type: 'thing.happened', data: {} })]);
        await started;
        await bus.publish('things.events', events);
        await expect.poll(() => bus.queueDepth('things.batch')).toBe(0);
        release();
        await acked;
      } finally {
        await bus.close();
      }
      const spans = await finished();
      const consumerOf = (e: CloudEvent) => spans.find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === e.id)!;
      return { spans, events, consumerOf };
    }

    it('applies a batch under one INTERNAL span linked to each message, and records each message\'s part as a child of its own CONSUMER span', async () => {
      exporter.reset();
      const { spans, events, consumerOf } = await consume(3, {
        one: async () => {},
        many: async (batch) => {
          const startedAt = new Date();
          for (const e of batch) recordSpan('thing applied', e.traceparent, startedAt, { 'thing.id': e.id });
        },
      });
      const batch = spans.find((s) => s.name === 'things.batch apply batch');
      expect(batch?.kind).toBe(SpanKind.INTERNAL);
      expect(batch?.attributes).toMatchObject({ 'messaging.destination.name': 'things.batch', 'messaging.batch.message_count': 3 });
      expect(batch?.links.map((l) => l.context.spanId).sort()).toEqual(events.map((e) => consumerOf(e).spanContext().spanId).sort());
      for (const e of events) {
        const applied = spans.find((s) => s.name === 'thing applied' && s.attributes['thing.id'] === e.id);
        expect(applied?.kind).toBe(SpanKind.INTERNAL);
        expect(applied?.parentSpanContext?.spanId).toBe(consumerOf(e).spanContext().spanId);
        expect(applied?.spanContext().traceId).toBe(e.traceparent!.split('-')[1]);
      }
    });

    it('applies each message of a failed batch alone in its own trace: an HTTP call made then is a CLIENT span child of that message\'s CONSUMER span', async () => {
      exporter.reset();
      const { spans, events, consumerOf } = await consume(2, {
        one: async () => {
          expect((await fetch(serverUrl, { method: 'POST' })).status).toBe(200);
        },
        many: async () => {
          throw new Error('a batch that fails is applied again message by message');
        },
      });
      const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
      expect(calls).toHaveLength(2);
      expect(calls.map((c) => c.parentSpanContext?.spanId).sort()).toEqual(events.map((e) => consumerOf(e).spanContext().spanId).sort());
      expect(calls[0]!.attributes).toMatchObject({ 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    });
  });
});

describe('a collector that refuses the spans', () => {
  it('costs a warning in the service log, not an error anywhere else', async () => {
    const exporter = {
      export: (_spans: unknown, done: (result: { code: number; error?: Error }) => void) => done({ code: 1, error: new Error('connect ECONNREFUSED') }),
      shutdown: async () => {},
    };
    const { log, entries } = capturedLog();
    // The batch processor's own schedule, the path that reports failures (a flush hands them to its caller).
    process.env.OTEL_BSP_SCHEDULE_DELAY = '20';
    const tracing = (await startTracing({ service: 'refused', exporter, log }))!;
    delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    try {
      startPublishSpans('things.events', [cloudEvent({ source: 'tracing-test', type: 'thing.happened', data: {}, traceparent: CALLER })]).end();
      await expect.poll(() => entries().filter((l) => l.msg.startsWith('tracing:')).length, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0);
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
