import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { loadConfig } from '@pedidos/platform/config';
import { createLogger } from '@pedidos/platform/logger';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, badTokens, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { copyToCatalog } from './support/catalog';

type Who = 'owner' | 'another customer' | 'admin';
type Route = { method: 'GET' | 'POST'; url: (orderId: string) => string; body?: object };

const ROUTES: Record<string, Route> = {
  'POST /api/orders': { method: 'POST', url: () => '/api/orders', body: { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa' } },
  'GET /api/orders': { method: 'GET', url: () => '/api/orders' },
  'GET /api/orders/{id}': { method: 'GET', url: (id) => `/api/orders/${id}` },
  'POST /api/orders/{id}/cancel': { method: 'POST', url: (id) => `/api/orders/${id}/cancel` },
  'POST /api/orders/{id}/ship': { method: 'POST', url: (id) => `/api/orders/${id}/ship` },
  'POST /api/orders/{id}/deliver': { method: 'POST', url: (id) => `/api/orders/${id}/deliver` },
  'GET /api/orders/summary': { method: 'GET', url: () => '/api/orders/summary' },
  'GET /api/orders/stats': { method: 'GET', url: () => `/api/orders/stats?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}` },
  'GET /api/orders/{id}/activity': { method: 'GET', url: (id) => `/api/orders/${id}/activity` },
  'POST /api/orders/{id}/notes': { method: 'POST', url: (id) => `/api/orders/${id}/notes`, body: { body: 'Ligar antes de entregar.' } },
};

/** What each principal gets on an order the owner placed (still pending). */
const EXPECTED: Record<string, Record<Who, number>> = {
  'POST /api/orders': { owner: 201, 'another customer': 201, admin: 201 },
  'GET /api/orders': { owner: 200, 'another customer': 200, admin: 200 },
  'GET /api/orders/{id}': { owner: 200, 'another customer': 404, admin: 200 },
  'POST /api/orders/{id}/cancel': { owner: 200, 'another customer': 404, admin: 200 },
  // Admin only; a pending order cannot be shipped or delivered, which proves the request got through.
  'POST /api/orders/{id}/ship': { owner: 403, 'another customer': 403, admin: 409 },
  'POST /api/orders/{id}/deliver': { owner: 403, 'another customer': 403, admin: 409 },
  // The back office's: figures over every order, and what staff alone see of one.
  'GET /api/orders/summary': { owner: 403, 'another customer': 403, admin: 200 },
  'GET /api/orders/stats': { owner: 403, 'another customer': 403, admin: 200 },
  'GET /api/orders/{id}/activity': { owner: 403, 'another customer': 403, admin: 200 },
  'POST /api/orders/{id}/notes': { owner: 403, 'another customer': 403, admin: 201 },
};

describe.each(SHAPES)('who may do what on the orders service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let bad: Record<string, string | null>;
  const ownerId = randomUUID();
  const tokens = {} as Record<Who, string>;
  // Everything the service logs, at the most verbose level, to search for secrets afterwards.
  const logged: string[] = [];
  const log = createLogger({ level: 'trace', service: 'orders', destination: new Writable({ write: (chunk, _enc, done) => { logged.push(String(chunk)); done(); } }) });

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    bad = await badTokens(issuer);
    tokens.owner = await issuer.bearer({ sub: ownerId, role: 'customer' });
    tokens['another customer'] = await issuer.bearer({ role: 'customer' });
    tokens.admin = await issuer.bearer({ role: 'admin' });
    app = await buildOrders({ ...adapters, log, config: loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec) });
    await app.start();
    await copyToCatalog(adapters.bus, { name: 'Café' });
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const call = (route: Route, orderId: string, authorization: string | null) =>
    app.http.inject({ method: route.method, url: route.url(orderId), ...(route.body ? { payload: route.body } : {}), headers: authorization ? { authorization } : {} });
  const ownersOrder = async () => (await call(ROUTES['POST /api/orders']!, '', tokens.owner)).json().id as string;

  for (const [name, route] of Object.entries(ROUTES)) {
    for (const who of ['owner', 'another customer', 'admin'] as const) {
      const status = EXPECTED[name]![who];
      it(`${name} as ${who} → ${status}`, async () => {
        const response = await call(route, await ownersOrder(), tokens[who]);
        expect(response.statusCode).toBe(status);
        if (status >= 400) expect(response.headers['content-type']).toContain('application/problem+json');
      });
    }
    it(`${name} with any bad token → 401 with a Bearer challenge`, async () => {
      const orderId = await ownersOrder();
      for (const [what, authorization] of Object.entries(bad)) {
        const response = await call(route, orderId, authorization);
        expect(response.statusCode, what).toBe(401);
        expect(response.headers['www-authenticate'], what).toMatch(/^Bearer/);
        expect(response.json().status, what).toBe(401);
      }
    });
  }

  it('a customer lists only their own orders; an admin lists everyone\'s', async () => {
    const mine = await ownersOrder();
    const theirs = (await call(ROUTES['POST /api/orders']!, '', tokens['another customer'])).json().id as string;
    const ids = async (who: Who) => (await call(ROUTES['GET /api/orders']!, '', tokens[who])).json().items.map((o: { id: string }) => o.id) as string[];
    expect(await ids('owner')).toContain(mine);
    expect(await ids('owner')).not.toContain(theirs);
    expect(await ids('another customer')).toContain(theirs);
    expect(await ids('another customer')).not.toContain(mine);
    expect(await ids('admin')).toEqual(expect.arrayContaining([mine, theirs]));
  });

  it('the customer id of an order and of order.created comes from the token, never the body', async () => {
    const response = await app.http.inject({
      method: 'POST', url: '/api/orders', headers: { authorization: tokens.owner },
      payload: { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa', customerId: randomUUID() },
    });
    expect(response.statusCode).toBe(400);
    const order = (await call(ROUTES['POST /api/orders']!, '', tokens.owner)).json();
    expect(order.customerId).toBe(ownerId);
  });

  it('every status change records who caused it: the customer, an admin, or nobody for a service\'s answer', async () => {
    const adminId = randomUUID();
    const admin = await issuer.bearer({ sub: adminId, role: 'admin' });
    const orderId = await ownersOrder();
    const authorized = cloudEvent({
      source: SOURCES.payments, type: 'payment.authorized', subject: orderId,
      data: { orderId, payment: { status: 'authorized', amount: 4990, captured: 0, refunded: 0, brand: 'visa', last4: '4242' }, version: 1 },
    });
    const acks = ackCounter(adapters.bus, authorized.id);
    await adapters.bus.publish(EXCHANGES.payments, [authorized]);
    await acks.reached(1);
    await call(ROUTES['POST /api/orders/{id}/ship']!, orderId, admin);
    const order = (await call(ROUTES['GET /api/orders/{id}']!, orderId, tokens.owner)).json();
    expect(order.history.map((h: { status: string; actor: string | null }) => [h.status, h.actor])).toEqual([
      ['pending', ownerId], ['confirmed', null], ['shipped', adminId],
    ]);
  });

  it('no token ever reaches the logs, valid or not', async () => {
    expect(logged.length).toBeGreaterThan(50);
    const secrets = [...Object.values(tokens), ...Object.values(bad).filter((t): t is string => t !== null)].map((t) => t.replace(/^\w+ /, ''));
    for (const secret of secrets) expect(logged.find((line) => line.includes(secret.split('.')[2] || secret))).toBeUndefined();
  });

  it('a refused request writes nothing', async () => {
    const before = await app.outbox.relay.stats();
    const all = async () => (await call(ROUTES['GET /api/orders']!, '', tokens.admin)).json().items.length as number;
    const count = await all();
    for (const authorization of Object.values(bad)) await call(ROUTES['POST /api/orders']!, '', authorization);
    expect(await all()).toBe(count);
    expect((await app.outbox.relay.stats()).backlog).toBeLessThanOrEqual(before.backlog);
  });
});
