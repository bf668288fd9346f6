import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import {
  SHAPES, ackCounter, capturedLog, createTestIssuer, expectHandled, expectNoSecretsLogged, hostileText, invalidUtf8, isAcceptableText,
  openTestAdapters, percentEncode, withRawBytes, type TestAdapters, type TestIssuer,
} from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';

const SKUS = ['CAFE-1KG', 'ACUCAR-1KG'];
const PAYMENT_METHODS = ['pm_card_visa', 'pm_card_mastercard'];

/** Bodies near the valid shape (the interesting edge) mixed with anything JSON can be. */
const line = fc.record(
  {
    sku: fc.oneof(fc.constantFrom(...SKUS, 'NOPE', 'cafe-1kg', '', 'A'.repeat(65)), fc.string(), fc.integer()),
    quantity: fc.oneof(fc.integer({ min: -5, max: 1005 }), fc.double(), fc.string(), fc.constant(null)),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.record({
    items: fc.oneof(fc.array(line, { maxLength: 4 }), fc.anything()),
    note: fc.oneof(fc.string({ maxLength: 600 }), fc.anything()),
    paymentMethod: fc.oneof(fc.constantFrom(...PAYMENT_METHODS, '', 'pm-card-visa', 'A'.repeat(101)), fc.string(), fc.anything()),
  }, { requiredKeys: [] }),
  fc.record({
    items: fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2 }),
    paymentMethod: fc.constantFrom(...PAYMENT_METHODS),
  }),
  fc.jsonValue(),
);
const headers = fc.record(
  {
    'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^[\x21-\x7e]{1,20}$/)),
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
    traceparent: fc.string({ maxLength: 120 }),
    'x-request-id': fc.string({ maxLength: 300 }),
  },
  { requiredKeys: ['content-type'] },
);
const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'other', 'limit[]'), fc.oneof(fc.string({ maxLength: 50 }), fc.integer().map(String)), { maxKeys: 4 });

describe.each(SHAPES)('hostile input to the orders service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let customer: string;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  const accepted = new Set<string>();
  const logged = capturedLog();

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    customer = await issuer.bearer({ role: 'customer', expiresIn: 3600 });
    // Thousands of orders, and no saga to settle them: admission control would hold them at the door.
    app = await buildOrders({
      ...adapters, log: logged.log,
      config: loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', RATE_LIMIT_PER_MIN: '0', MAX_PENDING_ORDERS: '0', ...issuer.env }, ordersConfigSpec),
    });
    await app.start();
    const products = SKUS.map((sku) => cloudEvent({ source: SOURCES.inventory, type: 'product.upserted', data: { sku, name: sku, price: 100, currency: 'BRL', updatedAt: new Date().toISOString() } }));
    const acks = products.map((e) => ackCounter(adapters.bus, e.id));
    await adapters.bus.publish(EXCHANGES.inventory, products);
    await Promise.all(acks.map((a) => a.reached(1)));
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  it('2,000 generated order bodies and headers: never a 5xx, and only accepted orders are stored', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, async (payload, extra) => {
        const response = await app.http.inject({
          method: 'POST', url: '/api/orders', headers: { ...extra, authorization: customer },
          payload: JSON.stringify(payload) ?? 'null',
        });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode === 201) accepted.add(response.json().id);
        else expect(response.headers['content-type']).toContain('application/problem+json');
      }),
      { numRuns: 2_000 },
    );
    const stored = (await app.http.inject({ method: 'GET', url: '/api/orders?limit=100', headers: { authorization: customer } })).json();
    let count = stored.items.length;
    for (let cursor = stored.nextCursor; cursor; ) {
      const page = (await app.http.inject({ method: 'GET', url: `/api/orders?limit=100&cursor=${cursor}`, headers: { authorization: customer } })).json();
      count += page.items.length;
      cursor = page.nextCursor;
    }
    expect(accepted.size).toBeGreaterThan(0);
    expect(count).toBe(accepted.size);
  });

  it('2,000 generated list queries and order ids: never a 5xx', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(query, fc.oneof(fc.uuid(), fc.string({ maxLength: 80 })), async (params, id) => {
        const list = await app.http.inject({ method: 'GET', url: '/api/orders', query: params, headers: { authorization: customer } });
        expect(list.statusCode).toBeLessThan(500);
        const one = await app.http.inject({ method: 'GET', url: `/api/orders/${encodeURIComponent(id)}`, headers: { authorization: customer } });
        expect(one.statusCode).toBeLessThan(500);
      }),
      { numRuns: 2_000 },
    );
  });

  it('1,500 requests with control characters, lone surrogates or invalid UTF-8 in every text field, header and query parameter: refused as problem+json naming the field, nothing stored, nothing secret logged', { timeout: 120_000 }, async () => {
    const target = (await app.http.inject({
      method: 'POST', url: '/api/orders', headers: { authorization: customer, 'content-type': 'application/json' },
      payload: JSON.stringify({ items: [{ sku: SKUS[0], quantity: 1 }], paymentMethod: PAYMENT_METHODS[0] }),
    })).json();
    accepted.add(target.id);
    const send = (method: 'GET' | 'POST', url: string, payload?: string | Buffer, headers: Record<string, string> = {}) =>
      app.http.inject({ method, url, headers: { authorization: customer, 'content-type': 'application/json', ...headers }, ...(payload === undefined ? {} : { payload }) });
    const validOrder = { items: [{ sku: SKUS[1], quantity: 1 }], paymentMethod: PAYMENT_METHODS[0] };
    const route = fc.constantFrom('note', 'note-bytes', 'sku', 'payment-method', 'idempotency-key', 'list', 'get', 'cancel', 'stream');

    await fc.assert(
      fc.asyncProperty(route, hostileText(), invalidUtf8, async (where, text, bytes) => {
        switch (where) {
          case 'note': {
            const reply = await send('POST', '/api/orders', JSON.stringify({ ...validOrder, note: text }));
            expectHandled(reply, `note ${JSON.stringify(text)}`);
            if (isAcceptableText(text, true)) {
              expect(reply.statusCode).toBe(201);
              expect(reply.json().note).toBe(text);
              accepted.add(reply.json().id);
            } else {
              expect(reply.statusCode).toBe(400);
              expect(reply.json().errors).toContainEqual({ path: '/note', message: expect.stringContaining('printable') });
            }
            return;
          }
          case 'note-bytes': {
            const reply = await send('POST', '/api/orders', withRawBytes({ ...validOrder, note: text }, 'note', bytes));
            expectHandled(reply, 'note with invalid UTF-8');
            expect(reply.statusCode).toBe(400);
            return;
          }
          case 'sku': {
            const reply = await send('POST', '/api/orders', JSON.stringify({ items: [{ sku: `CAFE${text}`, quantity: 1 }] }));
            expectHandled(reply, `sku ${JSON.stringify(text)}`);
            expect([400, 422]).toContain(reply.statusCode);
            return;
          }
          case 'payment-method': {
            const reply = await send('POST', '/api/orders', JSON.stringify({ ...validOrder, paymentMethod: `pm_${text}` }));
            expectHandled(reply, `payment method ${JSON.stringify(text)}`);
            if (/^[A-Za-z0-9_]{0,97}$/.test(text)) {
              expect(reply.statusCode).toBe(201);
              accepted.add(reply.json().id);
            } else {
              expect(reply.statusCode).toBe(400);
              expect(reply.json().errors.map((e: { path: string }) => e.path)).toContain('/paymentMethod');
            }
            return;
          }
          case 'idempotency-key': {
            const reply = await send('POST', '/api/orders', JSON.stringify(validOrder), { 'idempotency-key': `k${text}` });
            expectHandled(reply, `idempotency key ${JSON.stringify(text)}`);
            if (reply.statusCode === 201) accepted.add(reply.json().id);
            return;
          }
          case 'list':
            for (const param of ['status', 'cursor', 'limit']) {
              expectHandled(await send('GET', `/api/orders?${param}=${percentEncode(text)}`), `list ${param}`);
              expectHandled(await send('GET', `/api/orders?${param}=${percentEncode(bytes)}`), `list ${param} with invalid UTF-8`);
            }
            return;
          case 'get':
            expectHandled(await send('GET', `/api/orders/${percentEncode(text)}`), 'get by id');
            expectHandled(await send('GET', `/api/orders/${percentEncode(bytes)}`), 'get by id with invalid UTF-8');
            return;
          case 'cancel': {
            const reply = await send('POST', `/api/orders/${target.id}/cancel`, JSON.stringify({ reason: text }));
            expectHandled(reply, `cancel reason ${JSON.stringify(text)}`);
            if (!isAcceptableText(text, false)) expect(reply.statusCode).toBe(400);
            return;
          }
          case 'stream': {
            // Never all digits, so it can never open a stream that would hold the request open.
            const reply = await send('GET', `/api/orders/stream?lastEventId=x${percentEncode(text)}`);
            expectHandled(reply, 'stream position');
            expect(reply.statusCode).toBe(400);
            return;
          }
        }
      }),
      { numRuns: 1_500 },
    );
    const history = (await send('GET', `/api/orders/${target.id}`)).json().history as { reason: string | null }[];
    expect(history.filter((h) => h.reason !== null && !isAcceptableText(h.reason, false))).toEqual([]);
    expectNoSecretsLogged(logged.lines(), [customer.replace(/^Bearer /, '')]);
  });

  it('a JSON body sent as text/plain is refused with 415 and nothing is stored', async () => {
    const reply = await app.http.inject({
      method: 'POST', url: '/api/orders', headers: { authorization: customer, 'content-type': 'text/plain' },
      payload: JSON.stringify({ items: [{ sku: SKUS[0], quantity: 1 }], paymentMethod: PAYMENT_METHODS[0] }),
    });
    expect(reply.statusCode).toBe(415);
    expect(reply.headers['content-type']).toContain('application/problem+json');
  });
});
