import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { SHAPES, badTokens, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

type Who = 'anonymous' | 'customer' | 'admin';
type Route = { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: () => object };

let n = 0;
const ROUTES: Record<string, Route & { expected: Record<Who, number> }> = {
  'GET /api/products': { method: 'GET', url: '/api/products', expected: { anonymous: 200, customer: 200, admin: 200 } },
  'GET /api/products/{sku}': { method: 'GET', url: '/api/products/AUTH-1', expected: { anonymous: 200, customer: 200, admin: 200 } },
  'POST /api/products': {
    method: 'POST', url: '/api/products', body: () => ({ sku: `AUTH-NEW-${(n += 1)}`, name: 'Novo', price: 100 }),
    expected: { anonymous: 401, customer: 403, admin: 201 },
  },
  'PATCH /api/products/{sku}': { method: 'PATCH', url: '/api/products/AUTH-1', body: () => ({ price: 150 }), expected: { anonymous: 401, customer: 403, admin: 200 } },
  'POST /api/products/{sku}/adjustments': {
    method: 'POST', url: '/api/products/AUTH-1/adjustments', body: () => ({ delta: 1, reason: 'contagem' }),
    expected: { anonymous: 401, customer: 403, admin: 200 },
  },
  'GET /api/products/{sku}/movements': { method: 'GET', url: '/api/products/AUTH-1/movements', expected: { anonymous: 401, customer: 403, admin: 200 } },
};

describe.each(SHAPES)('who may do what on the inventory service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let app: Awaited<ReturnType<typeof buildInventory>>;
  let bad: Record<string, string | null>;
  const tokens = {} as Record<Who, string | null>;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    bad = await badTokens(issuer);
    tokens.anonymous = null;
    tokens.customer = await issuer.bearer({ role: 'customer' });
    tokens.admin = await issuer.bearer({ role: 'admin' });
    app = await buildInventory({ ...adapters, config: loadConfig({ SEED_DEMO_DATA: 'false', ...issuer.env }, inventoryConfigSpec) });
    await app.start();
    await app.http.inject({ method: 'POST', url: '/api/products', payload: { sku: 'AUTH-1', name: 'Produto', price: 100, onHand: 5 }, headers: { authorization: tokens.admin } });
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const call = (route: Route, authorization: string | null) =>
    app.http.inject({ method: route.method, url: route.url, ...(route.body ? { payload: route.body() } : {}), headers: authorization ? { authorization } : {} });

  for (const [name, route] of Object.entries(ROUTES)) {
    for (const who of ['anonymous', 'customer', 'admin'] as const) {
      it(`${name} as ${who} → ${route.expected[who]}`, async () => {
        expect((await call(route, tokens[who])).statusCode).toBe(route.expected[who]);
      });
    }
    const guarded = route.expected.anonymous === 401;
    it(`${name} with any bad token → ${guarded ? '401' : 'served, the route is public'}`, async () => {
      for (const [what, authorization] of Object.entries(bad)) {
        const response = await call(route, authorization);
        expect(response.statusCode, what).toBe(guarded ? 401 : 200);
        if (guarded) expect(response.headers['www-authenticate'], what).toMatch(/^Bearer/);
      }
    });
  }

  it('the ledger records which admin adjusted the stock', async () => {
    const adminId = '7d444840-9dc0-41d6-9e8e-a1b0d2b7c9f1';
    const admin = await issuer.bearer({ sub: adminId, role: 'admin' });
    await call({ ...ROUTES['POST /api/products/{sku}/adjustments']!, body: () => ({ delta: 2, reason: 'recontagem' }) }, admin);
    const [latest] = (await call(ROUTES['GET /api/products/{sku}/movements']!, tokens.admin)).json().items;
    expect(latest).toMatchObject({ kind: 'adjustment', quantity: 2, reason: 'recontagem', actor: adminId });
  });

  it('a customer cannot move stock: the product and its ledger are unchanged', async () => {
    const before = (await call(ROUTES['GET /api/products/{sku}/movements']!, tokens.admin)).json();
    const product = (await call(ROUTES['GET /api/products/{sku}']!, null)).json();
    await call(ROUTES['POST /api/products/{sku}/adjustments']!, tokens.customer);
    await call(ROUTES['PATCH /api/products/{sku}']!, tokens.customer);
    expect((await call(ROUTES['GET /api/products/{sku}/movements']!, tokens.admin)).json()).toEqual(before);
    expect((await call(ROUTES['GET /api/products/{sku}']!, null)).json()).toEqual(product);
  });
});
