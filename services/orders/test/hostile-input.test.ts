import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';

const SKUS = ['CAFE-1KG', 'ACUCAR-1KG'];

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
  fc.record({ items: fc.oneof(fc.array(line, { maxLength: 4 }), fc.anything()), note: fc.oneof(fc.string({ maxLength: 600 }), fc.anything()) }, { requiredKeys: [] }),
  fc.record({ items: fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2 }) }),
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

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    customer = await issuer.bearer({ role: 'customer', expiresIn: 3600 });
    app = await buildOrders({ ...adapters, config: loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', RATE_LIMIT_PER_MIN: '0', ...issuer.env }, ordersConfigSpec) });
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

  it('5,000 generated order bodies and headers: never a 5xx, and only accepted orders are stored', async () => {
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
      { numRuns: 5_000 },
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

  it('5,000 generated list queries and order ids: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(query, fc.oneof(fc.uuid(), fc.string({ maxLength: 80 })), async (params, id) => {
        const list = await app.http.inject({ method: 'GET', url: '/api/orders', query: params, headers: { authorization: customer } });
        expect(list.statusCode).toBeLessThan(500);
        const one = await app.http.inject({ method: 'GET', url: `/api/orders/${encodeURIComponent(id)}`, headers: { authorization: customer } });
        expect(one.statusCode).toBeLessThan(500);
      }),
      { numRuns: 5_000 },
    );
  });
});
