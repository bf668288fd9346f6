import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';

const line = (sku = 'CAFE-1KG', quantity: unknown = 1) => ({ sku, quantity });
const PM = 'pm_card_visa';

/** [what is wrong, request, expected status, a JSON Pointer the problem must name]. */
const CORPUS: [string, { method?: 'GET' | 'POST'; url?: string; body?: unknown; raw?: string; headers?: Record<string, string> }, number, string | null][] = [
  ['no body', { raw: '', headers: { 'content-type': 'application/json' } }, 400, null],
  ['not JSON', { raw: '{"items": [', headers: { 'content-type': 'application/json' } }, 400, null],
  ['a JSON array', { body: [line()] }, 400, ''],
  ['items missing', { body: { paymentMethod: PM } }, 400, '/items'],
  ['items not an array', { body: { paymentMethod: PM, items: 'CAFE-1KG' } }, 400, '/items'],
  ['no lines', { body: { paymentMethod: PM, items: [] } }, 400, '/items'],
  ['101 lines', { body: { paymentMethod: PM, items: Array.from({ length: 101 }, (_, i) => line(`SKU-${i}`)) } }, 400, '/items'],
  ['quantity a string', { body: { paymentMethod: PM, items: [line('CAFE-1KG', '2')] } }, 400, '/items/0/quantity'],
  ['quantity zero', { body: { paymentMethod: PM, items: [line('CAFE-1KG', 0)] } }, 400, '/items/0/quantity'],
  ['quantity negative', { body: { paymentMethod: PM, items: [line('CAFE-1KG', -3)] } }, 400, '/items/0/quantity'],
  ['quantity fractional', { body: { paymentMethod: PM, items: [line('CAFE-1KG', 1.5)] } }, 400, '/items/0/quantity'],
  ['quantity over 1000', { body: { paymentMethod: PM, items: [line('CAFE-1KG', 1001)] } }, 400, '/items/0/quantity'],
  ['quantity missing', { body: { paymentMethod: PM, items: [{ sku: 'CAFE-1KG' }] } }, 400, '/items/0/quantity'],
  ['sku lower case', { body: { paymentMethod: PM, items: [line('cafe-1kg')] } }, 400, '/items/0/sku'],
  ['sku too long', { body: { paymentMethod: PM, items: [line('A'.repeat(65))] } }, 400, '/items/0/sku'],
  ['sku a number', { body: { paymentMethod: PM, items: [line(42 as unknown as string)] } }, 400, '/items/0/sku'],
  ['a client-set price', { body: { paymentMethod: PM, items: [{ sku: 'CAFE-1KG', quantity: 1, unitPrice: 1 }] } }, 400, '/items/0/unitPrice'],
  ['an unknown field', { body: { paymentMethod: PM, items: [line()], total: 1 } }, 400, '/total'],
  ['note too long', { body: { paymentMethod: PM, items: [line()], note: 'x'.repeat(501) } }, 400, '/note'],
  ['paymentMethod missing', { body: { items: [line()] } }, 400, '/paymentMethod'],
  ['paymentMethod empty', { body: { items: [line()], paymentMethod: '' } }, 400, '/paymentMethod'],
  ['paymentMethod null', { body: { items: [line()], paymentMethod: null } }, 400, '/paymentMethod'],
  ['paymentMethod a number', { body: { items: [line()], paymentMethod: 4242 } }, 400, '/paymentMethod'],
  ['paymentMethod a card number with spaces', { body: { items: [line()], paymentMethod: '4242 4242 4242 4242' } }, 400, '/paymentMethod'],
  ['paymentMethod with a hyphen', { body: { items: [line()], paymentMethod: 'pm-card-visa' } }, 400, '/paymentMethod'],
  ['paymentMethod an object', { body: { items: [line()], paymentMethod: { token: PM } } }, 400, '/paymentMethod'],
  ['paymentMethod over 100 characters', { body: { items: [line()], paymentMethod: 'a'.repeat(101) } }, 400, '/paymentMethod'],
  ['note an object', { body: { paymentMethod: PM, items: [line()], note: { a: 1 } } }, 400, '/note'],
  ['unknown SKU', { body: { paymentMethod: PM, items: [line('NAO-EXISTE')] } }, 422, '/items/0/sku'],
  ['the same SKU twice', { body: { paymentMethod: PM, items: [line(), line('ACUCAR-1KG'), line()] } }, 422, '/items/2/sku'],
  ['a huge body', { raw: JSON.stringify({ items: [line()], paymentMethod: PM, note: 'x'.repeat(200_000) }), headers: { 'content-type': 'application/json' } }, 413, null],
  ['form encoded', { raw: 'items=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, null],
  ['an empty Idempotency-Key', { body: { paymentMethod: PM, items: [line()] }, headers: { 'idempotency-key': '' } }, 400, '/headers/idempotency-key'],
  ['a bad cursor', { method: 'GET', url: '/api/orders?cursor=%%%' }, 400, '/query/cursor'],
  ['a forged cursor', { method: 'GET', url: '/api/orders?cursor=YWJj' }, 400, '/query/cursor'],
  ['limit 0', { method: 'GET', url: '/api/orders?limit=0' }, 400, '/query/limit'],
  ['limit 101', { method: 'GET', url: '/api/orders?limit=101' }, 400, '/query/limit'],
  ['an unknown status', { method: 'GET', url: '/api/orders?status=lost' }, 400, '/query/status'],
  ['an order id that is no uuid', { method: 'GET', url: '/api/orders/42' }, 400, '/params/id'],
  ['cancelling a malformed id', { method: 'POST', url: '/api/orders/nope/cancel' }, 400, '/params/id'],
];

describe.each(SHAPES)('bad requests to the orders service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let issuer: TestIssuer;
  let customer: string;
  const asCustomer = (request: InjectOptions) => app.http.inject({ ...request, headers: { authorization: customer, ...request.headers } });

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    customer = await issuer.bearer({ role: 'customer' });
    app = await buildOrders({ ...adapters, config: loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec) });
    await app.start();
    const catalog = ['CAFE-1KG', 'ACUCAR-1KG'].map((sku) =>
      cloudEvent({ source: SOURCES.inventory, type: 'product.upserted', data: { sku, name: sku, price: 100, currency: 'BRL', updatedAt: new Date().toISOString() } }));
    const acks = catalog.map((e) => ackCounter(adapters.bus, e.id));
    await adapters.bus.publish(EXCHANGES.inventory, catalog);
    await Promise.all(acks.map((a) => a.reached(1)));
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  for (const [what, request, status, path] of CORPUS) {
    it(`${what}: ${status} problem+json${path !== null ? ` naming "${path}"` : ''}, nothing written`, async () => {
      const before = await app.outbox.relay.stats();
      const ordersBefore = (await asCustomer({ method: 'GET', url: '/api/orders?limit=100' })).json().items.length;
      const response = await asCustomer({
        method: request.method ?? 'POST',
        url: request.url ?? '/api/orders',
        headers: request.headers ?? {},
        ...(request.raw !== undefined ? { payload: request.raw } : request.body !== undefined ? { payload: request.body as object } : {}),
      });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json();
      expect(problem).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      if (path !== null) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect((await asCustomer({ method: 'GET', url: '/api/orders?limit=100' })).json().items.length).toBe(ordersBefore);
      expect((await app.outbox.relay.stats()).backlog).toBe(before.backlog);
    });
  }

  it('accepts the corpus\'s good request, so the refusals above are about what was wrong', async () => {
    const response = await asCustomer({ method: 'POST', url: '/api/orders', payload: { items: [line()], paymentMethod: PM } });
    expect(response.statusCode).toBe(201);
  });
});
