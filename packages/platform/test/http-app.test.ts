import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalOf } from '../src/auth/authorize';
import { DomainError, conflict, notFound, serviceUnavailable, unprocessable } from '../src/errors';
import { createHttpApp, errorTable, problemResponses, type HttpApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { createMetrics, type Metrics } from '../src/metrics';
import type { BusSignal } from '../src/messaging/bus';
import { cloudEvent } from '../src/messaging/cloud-event';
import { batchingHandler } from '../src/messaging/batching';
import { createInProcessBus } from '../src/messaging/in-process-bus';

const ORIGIN = 'https://shop.example.com';
const ORDER_ID = '7b0d3c5e-8f5a-4a53-9f53-2f1a1f1e6c11';

const Sku = Type.String({ pattern: '^[A-Z0-9._-]{1,64}$' });
const PlaceOrder = Type.Object(
  {
    items: Type.Array(
      Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 100 },
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const Order = Type.Object({ id: Type.String(), items: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer() })) });

const ERRORS = errorTable({
  'ACCOUNT.LOCKED': { status: 429, headers: ({ retryAfterS }) => ({ 'retry-after': String(retryAfterS) }) },
  'ACCOUNT.LIMIT_REACHED': { status: 409, title: 'Limit reached' },
});

interface LogLine {
  level: string;
  msg: string;
  reqId?: string;
  url?: string;
  statusCode?: number;
  [key: string]: unknown;
}

function captureLogs() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', service: 'orders-test', destination }) };
}

let app: HttpApp;
let metrics: Metrics;
let logs: LogLine[];
let brokerFailure: Error | null = null;

beforeAll(async () => {
  const captured = captureLogs();
  logs = captured.lines;
  metrics = createMetrics({ service: 'orders-test' });
  app = await createHttpApp({
    service: 'orders-test',
    version: '1.2.3',
    log: captured.log,
    corsOrigins: [ORIGIN],
    metrics,
    readiness: {
      database: async () => {},
      broker: async () => {
        if (brokerFailure) throw brokerFailure;
      },
    },
    openapi: { title: 'Orders', description: 'Orders API' },
    errors: ERRORS,
  });

  app.post('/api/orders', { schema: { body: PlaceOrder, response: { 201: Order, ...problemResponses(400, 422) } } }, async (request, reply) => {
    if (request.body.items.some((i) => i.sku === 'UNKNOWN')) {
      throw unprocessable('PRODUCT.UNKNOWN_SKU', 'Some SKUs are not in the catalog', [{ path: '/items/0/sku', message: 'is unknown' }]);
    }
    return reply.code(201).send({ id: ORDER_ID, items: request.body.items });
  });
  app.get('/api/orders', {
    schema: {
      querystring: Type.Object(
        { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }), cursor: Type.Optional(Type.String({ minLength: 1 })), status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('confirmed')])) },
        { additionalProperties: false },
      ),
    },
  }, async (request) => ({ query: request.query }));
  app.get('/api/orders/:id', {
    schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: Order, ...problemResponses(404) } },
  }, async (request) => {
    throw notFound('ORDER.NOT_FOUND', `Order ${request.params.id} does not exist`);
  });
  app.post('/api/orders/:id/ship', async () => {
    throw conflict('ORDER.INVALID_TRANSITION', 'A delivered order cannot be shipped');
  });
  app.post('/api/payments', {
    schema: {
      body: Type.Union([
        Type.Object({ method: Type.Literal('card'), token: Type.String() }, { additionalProperties: false }),
        Type.Object({ method: Type.Literal('pix'), key: Type.String() }, { additionalProperties: false }),
      ]),
    },
  }, async () => ({ ok: true }));
  app.post('/api/accounts/:id/lock', {
    schema: { params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), ...ERRORS.responses(400, 'ACCOUNT.LOCKED', 'ACCOUNT.LIMIT_REACHED') } },
  }, async (request) => {
    if (request.params.id === 'full') throw new DomainError('ACCOUNT.LIMIT_REACHED', 'No more accounts.');
    if (request.params.id === 'unmapped') throw new DomainError('ACCOUNT.UNMAPPED', 'A code the table lacks.');
    throw new DomainError('ACCOUNT.LOCKED', 'Locked for 7 s.', { errors: [{ path: '/password', message: 'wrong too often' }], facts: { retryAfterS: 7 } });
  });
  app.get('/api/whoami', async (request) => principalOf(request));
  app.get('/api/boom', async () => {
    throw new Error('password authentication failed for postgres://app:hunter2@db');
  });
  app.get('/api/maintenance', async () => {
    throw serviceUnavailable('SERVICE.MAINTENANCE', 'Back in five minutes');
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  return body;
}

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/orders', payload: payload as object });

describe('problem details', () => {
  it('names a nested invalid field with a JSON Pointer', async () => {
    const res = await post({ items: [{ sku: 'CAFE-1KG', quantity: 2 }, { sku: 'CHA-100G', quantity: 0 }] });
    const body = expectProblem(res, 400);
    expect(body.code).toBe('REQUEST.VALIDATION');
    expect(body.type).toBe('https://pedidos.dev/problems/request-validation');
    expect(body.errors).toEqual([{ path: '/items/1/quantity', message: 'must be >= 1' }]);
  });

  it('names every invalid field at once, including unknown and missing ones', async () => {
    const res = await post({ items: [{ sku: 'bad sku', quantity: '2', price: 1 }], note: 'x'.repeat(501) });
    const body = expectProblem(res, 400);
    const paths = (body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['/items/0/price', '/items/0/quantity', '/items/0/sku', '/note']);
    expect(body.errors).toContainEqual({ path: '/items/0/price', message: 'is not allowed' });
    expect(body.errors).toContainEqual({ path: '/items/0/quantity', message: 'must be integer' });
    expect(body.detail).toContain('/note');
  });

  it('points at a missing required field', async () => {
    const body = expectProblem(await post({ note: 'no items' }), 400);
    expect(body.errors).toEqual([{ path: '/items', message: 'is required' }]);
  });

  it('prefixes querystring and path parameter errors with the part they came from', async () => {
    const query = expectProblem(await app.inject({ url: '/api/orders?limit=500&status=lost' }), 400);
    expect(query.errors).toEqual(
      expect.arrayContaining([
        { path: '/query/limit', message: 'must be <= 100' },
        { path: '/query/status', message: 'must be one of "pending", "confirmed"' },
      ]),
    );
    const params = expectProblem(await app.inject({ url: '/api/orders/not-a-uuid' }), 400);
    expect(params.errors).toEqual([{ path: '/params/id', message: 'must match format "uuid"' }]);
  });

  it('explains a union body by the branch that came closest', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/payments', payload: { method: 'pix' } });
    expect(expectProblem(res, 400).errors).toEqual([{ path: '/key', message: 'is required' }]);
    const scalar = await app.inject({ method: 'POST', url: '/api/payments', payload: [] });
    expect(expectProblem(scalar, 400).errors).toEqual([{ path: '', message: 'must be object' }]);
  });

  it('answers a malformed URL with a 400 problem that still carries the request id', async () => {
    const res = await app.inject({ url: '/api/orders/%E0%A4%A', headers: { 'x-request-id': 'bad-url-1' } });
    expect(expectProblem(res, 400).code).toBe('REQUEST.BAD_URL');
    expect(res.headers['x-request-id']).toBe('bad-url-1');
    expect(logs.filter((l) => l.reqId === 'bad-url-1')).toHaveLength(1);
  });

  it('coerces and defaults the querystring but never the body', async () => {
    const res = await app.inject({ url: '/api/orders?limit=5' });
    expect(res.json()).toEqual({ query: { limit: 5 } });
    expect((await app.inject({ url: '/api/orders' })).json()).toEqual({ query: { limit: 20 } });
  });

  it('answers invalid JSON with 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/json' }, payload: '{"items": [' });
    expect(expectProblem(res, 400).code).toBe('REQUEST.INVALID_JSON');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post({ items: [{ sku: 'CAFE-1KG', quantity: 1 }], note: 'x'.repeat(70 * 1024) });
    const body = expectProblem(res, 413);
    expect(body.code).toBe('REQUEST.BODY_TOO_LARGE');
    expect(body.detail).toContain(String(64 * 1024));
  });

  it('answers a body that is not UTF-8 with 400 instead of storing replacement characters', async () => {
    const payload = Buffer.concat([Buffer.from('{"items":[{"sku":"CAFE-1KG","quantity":1}],"note":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/json' }, payload });
    expect(expectProblem(res, 400).code).toBe('REQUEST.INVALID_UTF8');
  });

  it('answers JSON sent as text/plain with 415: a body is parsed only as what it says it is', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'text/plain' }, payload: '{"items":[{"sku":"CAFE-1KG","quantity":1}]}' });
    expect(expectProblem(res, 415).code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers headers too large for the HTTP parser with a 431 problem, on a real socket', async () => {
    const { log } = captureLogs();
    const served = await createHttpApp({
      service: 'served', version: '0.0.0', log, corsOrigins: [], metrics: createMetrics({ service: 'served' }),
      readiness: {}, openapi: { title: 'Served', description: 'Listening' },
    });
    served.get('/api/ping', async () => ({ pong: true }));
    try {
      const base = await served.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${base}/api/ping`, { headers: { authorization: `Bearer ${'a'.repeat(20 * 1024)}` } });
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 431, code: 'REQUEST.HEADERS_TOO_LARGE', title: 'Request Header Fields Too Large' });
    } finally {
      await served.close();
    }
  });

  it('closes while a keep-alive client\'s request is under way: the answer comes, saying the connection closes', async () => {
    const { log } = captureLogs();
    const served = await createHttpApp({
      service: 'served', version: '0.0.0', log, corsOrigins: [], metrics: createMetrics({ service: 'served' }),
      readiness: {}, openapi: { title: 'Served', description: 'Listening' },
    });
    let arrived!: () => void;
    const underWay = new Promise<void>((resolve) => (arrived = resolve));
    let finish!: () => void;
    served.get('/api/slow', async () => {
      arrived();
      await new Promise<void>((resolve) => (finish = resolve));
      return { done: true };
    });
    // Answered only once closing has begun (hooks run in the order they were added).
    served.addHook('preClose', (done) => {
      finish();
      done();
    });
    const agent = new Agent();
    try {
      const base = await served.listen({ port: 0, host: '127.0.0.1' });
      const answer = request(`${base}/api/slow`, { dispatcher: agent });
      await underWay;
      const closed = served.close();
      const res = await answer;
      expect(res.statusCode).toBe(200);
      expect(res.headers.connection).toBe('close');
      expect(await res.body.json()).toEqual({ done: true });
      // Without the header undici would keep the connection, and close() would wait for it.
      await closed;
    } finally {
      await agent.close();
    }
  });

  it('answers an unsupported media type with 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/xml' }, payload: '<order/>' });
    expect(expectProblem(res, 415).code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with 404 and a known path with the wrong method with 405', async () => {
    const missing = expectProblem(await app.inject({ url: '/api/nothing-here' }), 404);
    expect(missing.code).toBe('ROUTE.NOT_FOUND');
    const wrong = await app.inject({ method: 'DELETE', url: `/api/orders/${ORDER_ID}` });
    expect(expectProblem(wrong, 405).code).toBe('ROUTE.METHOD_NOT_ALLOWED');
    expect(wrong.headers.allow).toBe('GET, HEAD');
  });

  it('maps an AppError to its status, code, type and errors', async () => {
    const missing = expectProblem(await app.inject({ url: `/api/orders/${ORDER_ID}` }), 404);
    expect(missing).toEqual({
      type: 'https://pedidos.dev/problems/order-not-found',
      title: 'Order not found',
      status: 404,
      detail: `Order ${ORDER_ID} does not exist`,
      code: 'ORDER.NOT_FOUND',
    });
    const transition = expectProblem(await app.inject({ method: 'POST', url: `/api/orders/${ORDER_ID}/ship` }), 409);
    expect(transition.code).toBe('ORDER.INVALID_TRANSITION');
    const unknown = expectProblem(await post({ items: [{ sku: 'UNKNOWN', quantity: 1 }] }), 422);
    expect(unknown).toMatchObject({ code: 'PRODUCT.UNKNOWN_SKU', errors: [{ path: '/items/0/sku', message: 'is unknown' }] });
    expect(expectProblem(await app.inject({ url: '/api/maintenance' }), 503).detail).toBe('Back in five minutes');
  });

  it("answers a use case's DomainError as the service's table says: status, title, headers and body", async () => {
    const locked = await app.inject({ method: 'POST', url: '/api/accounts/a/lock' });
    expect(expectProblem(locked, 429)).toEqual({
      type: 'https://pedidos.dev/problems/account-locked',
      title: 'Account locked',
      status: 429,
      detail: 'Locked for 7 s.',
      code: 'ACCOUNT.LOCKED',
      errors: [{ path: '/password', message: 'wrong too often' }],
    });
    expect(locked.headers['retry-after']).toBe('7');
    expect(expectProblem(await app.inject({ method: 'POST', url: '/api/accounts/full/lock' }), 409)).toMatchObject({ title: 'Limit reached', code: 'ACCOUNT.LIMIT_REACHED' });
  });

  it('answers a DomainError whose code is not in the table with a generic 500, logged as a bug', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/accounts/unmapped/lock' });
    expect(expectProblem(res, 500).code).toBe('INTERNAL');
    expect(res.body).not.toContain('A code the table lacks');
    expect(logs.some((l) => l.level === 'error' && l.reqId === res.headers['x-request-id'])).toBe(true);
  });

  it('refuses with 401 a route that reads who is asking without authorizing', async () => {
    expect(expectProblem(await app.inject({ url: '/api/whoami' }), 401).code).toBe('AUTH.MISSING_TOKEN');
  });

  it('answers an unexpected throw with a generic 500 and logs the real message', async () => {
    const res = await app.inject({ url: '/api/boom' });
    const body = expectProblem(res, 500);
    expect(body.code).toBe('INTERNAL');
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('password');
    expect(body.detail).toContain(String(res.headers['x-request-id']));
    const logged = logs.find((l) => l.reqId === res.headers['x-request-id'] && l.level === 'error');
    expect((logged?.err as { message?: string } | undefined)?.message).toContain('password authentication failed');
  });
});

describe('request ids and logs', () => {
  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const given = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const unsafe = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'evil\nid' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await app.inject({ url: '/api/nothing-here' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one info line per request, with its id, and health probes only at debug', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'x-request-id': 'req-one-line' }, payload: { items: [{ sku: 'CAFE-1KG', quantity: 1 }] } });
    expect(res.statusCode).toBe(201);
    const lines = logs.filter((l) => l.reqId === 'req-one-line');
    expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'request completed', statusCode: 201, service: 'orders-test', method: 'POST', url: '/api/orders' })]);

    await app.inject({ url: '/health/ready', headers: { 'x-request-id': 'req-probe' } });
    expect(logs.filter((l) => l.reqId === 'req-probe').map((l) => l.level)).toEqual(['debug']);
  });

  it('redacts credentials from log lines', () => {
    const { lines, log } = captureLogs();
    log.info({ req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } }, user: { password: 'p', passwordHash: 'h' }, login: { accessToken: 't', token: 'u' } }, 'x');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['Bearer abc', 'sid=1', '"p"', '"h"', '"t"', '"u"']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ service: 'orders-test', level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });
});

describe('health', () => {
  it('is live', async () => {
    const res = await app.inject({ url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    brokerFailure = null;
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { database: 'ok', broker: 'ok' } });
  });

  it('answers 503 naming the failing check', async () => {
    brokerFailure = new Error('connect ECONNREFUSED 127.0.0.1:5672');
    try {
      const body = expectProblem(await app.inject({ url: '/health/ready' }), 503);
      expect(body.checks).toEqual({ database: 'ok', broker: 'down: connect ECONNREFUSED 127.0.0.1:5672' });
      expect(body.detail).toContain('broker');
    } finally {
      brokerFailure = null;
    }
  });

  it('counts a check that never answers as down', async () => {
    const { log } = captureLogs();
    const stuck = await createHttpApp({
      service: 'stuck', version: '0.0.0', log, corsOrigins: [], metrics: createMetrics({ service: 'stuck' }),
      readiness: { database: () => new Promise<void>(() => {}) }, readinessTimeoutMs: 50,
      openapi: { title: 'Stuck', description: 'Never ready' },
    });
    try {
      const body = expectProblem(await stuck.inject({ url: '/health/ready' }), 503);
      expect(body.checks).toEqual({ database: 'down: no answer within 50 ms' });
    } finally {
      await stuck.close();
    }
  });
});

describe('metrics', () => {
  it('exposes the request latency histogram with the route pattern and service label', async () => {
    await app.inject({ url: `/api/orders/${ORDER_ID}` });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const count = res.body.split('\n').find((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/api/orders/:id"') && line.includes('status_code="404"'));
    expect(count).toMatch(/service="orders-test".*\} [1-9]\d*$/);
    expect(res.body).toContain('pedidos_process_cpu_user_seconds_total');
  });

  it('counts bus outcomes for the watched queues only', async () => {
    const listeners = new Set<(s: BusSignal) => void>();
    const bus = { on: (l: (s: BusSignal) => void) => (listeners.add(l), () => listeners.delete(l)) };
    const own = createMetrics({ service: 'inventory-test' });
    const stop = own.observeBus(bus, ['novos_pedidos']);
    const event = cloudEvent({ source: 'test', type: 'order.created', data: {} });
    const emit = (s: BusSignal) => listeners.forEach((l) => l(s));
    emit({ kind: 'ack', queue: 'novos_pedidos', event, attempt: 1 });
    emit({ kind: 'retry', queue: 'novos_pedidos', event, attempt: 1, error: 'x' });
    emit({ kind: 'dead', queue: 'novos_pedidos', event, attempt: 4, error: 'x' });
    emit({ kind: 'ack', queue: 'someone_else', event, attempt: 1 });
    stop();
    emit({ kind: 'ack', queue: 'novos_pedidos', event, attempt: 1 });
    const text = await own.registry.metrics();
    expect(text).toMatch(/messages_processed_total\{queue="novos_pedidos",service="inventory-test"\} 1\n/);
    expect(text).toMatch(/messages_retried_total\{queue="novos_pedidos",service="inventory-test"\} 1\n/);
    expect(text).toMatch(/messages_dead_lettered_total\{queue="novos_pedidos",service="inventory-test"\} 1\n/);
    expect(text).not.toContain('someone_else');
  });

  it("reports each watched queue's backlog and dead letters, read from the broker at scrape time", async () => {
    const bus = createInProcessBus({ retry: { delaysMs: [] } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    try {
      const own = createMetrics({ service: 'dlq-test' });
      own.observeQueues(bus, ['novos_pedidos', 'busy', 'quiet']);
      const dead = new Promise<void>((resolve) => bus.on((s) => s.kind === 'dead' && resolve()));
      await bus.subscribe({
        queue: 'novos_pedidos',
        bindings: [{ exchange: 'orders.events', routingKey: 'order.created' }],
        handler: async () => {
          throw new Error('cannot handle it');
        },
      });
      // One message at a time, held: what else arrives waits in the queue.
      await bus.subscribe({ queue: 'busy', bindings: [{ exchange: 'orders.events', routingKey: 'order.shipped' }], prefetch: 1, handler: () => gate });
      expect(await own.registry.metrics()).toMatch(/dead_letter_queue_messages\{queue="novos_pedidos",service="dlq-test"\} 0\n/);
      await bus.publish('orders.events', [cloudEvent({ source: 'test', type: 'order.created', data: {} })]);
      await bus.publish('orders.events', [1, 2, 3].map(() => cloudEvent({ source: 'test', type: 'order.shipped', data: {} })));
      await dead;
      const text = await own.registry.metrics();
      expect(text).toMatch(/dead_letter_queue_messages\{queue="novos_pedidos",service="dlq-test"\} 1\n/);
      expect(text).toMatch(/dead_letter_queue_messages\{queue="quiet",service="dlq-test"\} 0\n/);
      expect(text).toMatch(/queue_messages\{queue="novos_pedidos",service="dlq-test"\} 0\n/);
      // Once the broker has handed the consumer the one it may hold.
      await expect.poll(() => own.registry.metrics()).toMatch(/queue_messages\{queue="busy",service="dlq-test"\} 2\n/);
    } finally {
      release();
      await bus.close();
    }
  });

  it('counts how many deliveries each batch of a batching consumer applied, by queue', async () => {
    const bus = createInProcessBus({ retry: { delaysMs: [] } });
    try {
      const own = createMetrics({ service: 'batch-test' });
      let release!: () => void;
      const first = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const holding = new Promise<void>((resolve) => (started = resolve));
      const applied: number[] = [];
      await bus.subscribe({
        queue: 'novos_pedidos',
        bindings: [{ exchange: 'orders.events', routingKey: 'order.created' }],
        prefetch: 10,
        // The first message holds the consumer, so the next three arrive together as one batch.
        handler: batchingHandler({
          one: () => {
            if (applied.push(1) > 1) return Promise.resolve();
            started();
            return first;
          },
          many: async (events) => void applied.push(events.length),
          max: 10,
          onBatch: own.observeBatch,
        }),
      });
      const acks = (n: number) => new Promise<void>((resolve) => {
        let seen = 0;
        bus.on((s) => s.kind === 'ack' && ++seen === n && resolve());
      });
      const done = acks(4);
      await bus.publish('orders.events', [cloudEvent({ source: 'test', type: 'order.created', data: {} })]);
      await holding;
      await bus.publish('orders.events', [1, 2, 3].map(() => cloudEvent({ source: 'test', type: 'order.created', data: {} })));
      // All three handed over while the first is held, then applied together.
      await expect.poll(() => bus.queueDepth('novos_pedidos')).toBe(0);
      release();
      await done;
      expect(applied).toEqual([1, 3]);
      const text = await own.registry.metrics();
      expect(text).toMatch(/consumer_batch_size_count\{service="batch-test",queue="novos_pedidos"\} 2\n/);
      expect(text).toMatch(/consumer_batch_size_sum\{service="batch-test",queue="novos_pedidos"\} 4\n/);
    } finally {
      await bus.close();
    }
  });

  it('reads a callback gauge at scrape time', async () => {
    const own = createMetrics({ service: 'relay-test' });
    let lag = 3;
    own.gaugeFromCallback('outbox_pending_messages', 'Outbox rows not yet published', async () => lag);
    expect(await own.registry.metrics()).toMatch(/outbox_pending_messages\{service="relay-test"\} 3\n/);
    lag = 0;
    expect(await own.registry.metrics()).toMatch(/outbox_pending_messages\{service="relay-test"\} 0\n/);
  });
});

describe('OpenAPI', () => {
  it('documents registered routes with problem responses and hides operational ones', async () => {
    const res = await app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; info: { version: string }; paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('1.2.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/orders', '/api/orders/{id}']));
    for (const hidden of ['/health/live', '/health/ready', '/metrics', '/docs/json']) expect(doc.paths[hidden]).toBeUndefined();
    const notFoundDoc = doc.paths['/api/orders/{id}']?.get?.responses['404'];
    expect(notFoundDoc?.content['application/problem+json']?.schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it("documents a route's codes from the service's table, grouped by status", async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    const responses = doc.paths['/api/accounts/{id}/lock'].post.responses;
    expect(responses['429'].description).toContain('`ACCOUNT.LOCKED`');
    expect(responses['409'].description).toContain('`ACCOUNT.LIMIT_REACHED`');
    expect(responses['409'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(responses['400'].description).not.toContain('ACCOUNT.');
  });

  it('serves a browsable UI', async () => {
    const res = await app.inject({ url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Swagger UI');
    // Its own policy, which lets its scripts run, not the API's `default-src 'none'`.
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });
});

describe('CORS', () => {
  it('echoes an allowed origin and says nothing to another', async () => {
    const allowed = await app.inject({ url: '/health/live', headers: { origin: ORIGIN } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    const other = await app.inject({ url: '/health/live', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/orders', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const { log } = captureLogs();
    const closed = await createHttpApp({
      service: 'closed', version: '0.0.0', log, corsOrigins: [], metrics: createMetrics({ service: 'closed' }),
      readiness: {}, openapi: { title: 'Closed', description: 'No CORS' },
    });
    try {
      const res = await closed.inject({ url: '/health/live', headers: { origin: ORIGIN } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
  });
});

describe('hardening', () => {
  it('sends security headers on every answer', async () => {
    const res = await app.inject({ url: '/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('limits requests per client address with a 429 problem and Retry-After', async () => {
    const { log } = captureLogs();
    const limited = await createHttpApp({
      service: 'limited', version: '0.0.0', log, corsOrigins: [], metrics: createMetrics({ service: 'limited' }),
      readiness: {}, openapi: { title: 'Limited', description: 'Rate limited' }, rateLimitPerMinute: 3,
    });
    limited.get('/api/ping', async () => ({ pong: true }));
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.inject({ url: '/api/ping', remoteAddress: '10.0.0.7' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await limited.inject({ url: '/api/ping', remoteAddress: '10.0.0.7' });
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.json()).toMatchObject({ status: 429, code: 'REQUEST.RATE_LIMITED' });
      expect((await limited.inject({ url: '/api/ping', remoteAddress: '10.0.0.8' })).statusCode).toBe(200);
      // Probes are never limited, or a busy load balancer would take the service out.
      for (let i = 0; i < 5; i++) expect((await limited.inject({ url: '/health/live', remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('rate limits shared through Redis', () => {
  const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

  async function limitedApp(service: string, redisUrl: string) {
    const captured = captureLogs();
    const app = await createHttpApp({
      service, version: '0.0.0', log: captured.log, corsOrigins: [], metrics: createMetrics({ service }),
      readiness: {}, openapi: { title: 'Limited', description: 'Rate limited' }, rateLimitPerMinute: 3, rateLimitRedisUrl: redisUrl,
    });
    app.get('/api/ping', async () => ({ pong: true }));
    return { app, logs: captured.lines };
  }

  it('counts every process of a service against one budget per address', async () => {
    const service = `limited-${randomUUID()}`;
    const [one, two] = [await limitedApp(service, REDIS_URL), await limitedApp(service, REDIS_URL)];
    const other = await limitedApp(`${service}-other`, REDIS_URL);
    const admin = new Redis(REDIS_URL);
    try {
      const ping = (app: HttpApp, remoteAddress = '10.0.0.7') => app.inject({ url: '/api/ping', remoteAddress }).then((r) => r.statusCode);
      // Two replicas taking turns: the fourth request is over the budget whichever one gets it.
      expect([await ping(one.app), await ping(two.app), await ping(one.app), await ping(two.app), await ping(one.app)]).toEqual([200, 200, 200, 429, 429]);
      expect(await ping(two.app, '10.0.0.8')).toBe(200);
      // Another service keeps its own count.
      expect(await ping(other.app)).toBe(200);
    } finally {
      const keys = await admin.keys(`pedidos-rate-limit:${service}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
      await Promise.all([one.app.close(), two.app.close(), other.app.close()]);
    }
  });

  it('lets requests through, and says so once, while Redis cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { app, logs: lines } = await limitedApp(`limited-${randomUUID()}`, `redis://127.0.0.1:${port}`);
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await app.inject({ url: '/api/ping', remoteAddress: '10.0.0.7' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      expect(lines.filter((l) => l.msg === 'rate limit store unreachable; requests are let through uncounted')).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

describe('behind a proxy', () => {
  it('counts each client behind a trusted proxy on its own, and ignores the header from anyone else', async () => {
    const { log } = captureLogs();
    const proxied = await createHttpApp({
      service: 'proxied', version: '0.0.0', log, corsOrigins: [], metrics: createMetrics({ service: 'proxied' }),
      readiness: {}, openapi: { title: 'Proxied', description: 'Behind a proxy' }, rateLimitPerMinute: 2, trustProxy: ['loopback'],
    });
    proxied.get('/api/ping', async () => ({ pong: true }));
    try {
      const via = (client: string, remoteAddress = '127.0.0.1') =>
        proxied.inject({ url: '/api/ping', remoteAddress, headers: { 'x-forwarded-for': client } }).then((r) => r.statusCode);
      expect([await via('203.0.113.1'), await via('203.0.113.1'), await via('203.0.113.1')]).toEqual([200, 200, 429]);
      expect(await via('203.0.113.2')).toBe(200);
      // Not from the proxy: the forwarded address is a lie and the real one is counted.
      expect([await via('198.51.100.1', '10.9.9.9'), await via('198.51.100.2', '10.9.9.9'), await via('198.51.100.3', '10.9.9.9')]).toEqual([200, 200, 429]);
    } finally {
      await proxied.close();
    }
  });
});
