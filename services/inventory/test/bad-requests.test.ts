import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { SHAPES, createTestIssuer, eventually, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

type Request = { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown };

/** [what is wrong, request, expected status, a JSON Pointer the problem must name]. */
const CORPUS: [string, Request, number, string | null][] = [
  ['a product without a name', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', price: 100 } }, 400, '/name'],
  ['a negative price', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', name: 'N', price: -1 } }, 400, '/price'],
  ['a fractional price', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', name: 'N', price: 9.99 } }, 400, '/price'],
  ['a price as a string', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', name: 'N', price: '10' } }, 400, '/price'],
  ['a SKU with spaces', { method: 'POST', url: '/api/products', body: { sku: 'NEW 1', name: 'N', price: 1 } }, 400, '/sku'],
  ['negative stock', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', name: 'N', price: 1, onHand: -5 } }, 400, '/onHand'],
  ['a client-set reserved count', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', name: 'N', price: 1, reserved: 3 } }, 400, '/reserved'],
  ['a description too long', { method: 'POST', url: '/api/products', body: { sku: 'NEW-1', name: 'N', price: 1, description: 'a'.repeat(2001) } }, 400, '/description'],
  ['a description with a control character', { method: 'PATCH', url: '/api/products/STOCK-1', body: { description: 'linha\u0000' } }, 400, '/description'],
  ['a description that is a number', { method: 'PATCH', url: '/api/products/STOCK-1', body: { description: 5 } }, 400, '/description'],
  ['an empty patch', { method: 'PATCH', url: '/api/products/STOCK-1', body: {} }, 400, ''],
  ['a patch of the stock', { method: 'PATCH', url: '/api/products/STOCK-1', body: { onHand: 1000 } }, 400, '/onHand'],
  ['an adjustment of zero', { method: 'POST', url: '/api/products/STOCK-1/adjustments', body: { delta: 0, reason: 'x' } }, 400, '/delta'],
  ['an adjustment without a reason', { method: 'POST', url: '/api/products/STOCK-1/adjustments', body: { delta: 5 } }, 400, '/reason'],
  ['an adjustment below what is reserved', { method: 'POST', url: '/api/products/STOCK-1/adjustments', body: { delta: -11, reason: 'perda' } }, 409, null],
  ['an adjustment of an unknown product', { method: 'POST', url: '/api/products/NOPE/adjustments', body: { delta: 1, reason: 'x' } }, 404, null],
  ['a patch of an unknown product', { method: 'PATCH', url: '/api/products/NOPE', body: { price: 1 } }, 404, null],
  ['a malformed SKU in the path', { method: 'GET', url: '/api/products/not%20a%20sku' }, 400, '/params/sku'],
  ['a forged cursor', { method: 'GET', url: '/api/products?cursor=AAAA' }, 400, '/query/cursor'],
  ['a search too long', { method: 'GET', url: `/api/products?q=${'a'.repeat(101)}` }, 400, '/query/q'],
  ['movements with limit 0', { method: 'GET', url: '/api/products/STOCK-1/movements?limit=0' }, 400, '/query/limit'],
];

describe.each(SHAPES)('bad requests to the inventory service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildInventory>>;
  let issuer: TestIssuer;
  let admin: string;
  const snapshot = async () => JSON.stringify([
    (await app.http.inject({ method: 'GET', url: '/api/products?limit=100' })).json(),
    (await app.http.inject({ method: 'GET', url: '/api/products/STOCK-1/movements?limit=100', headers: { authorization: admin } })).json(),
    (await app.outbox.relay.stats()).backlog,
  ]);

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    app = await buildInventory({ ...adapters, config: loadConfig({ SEED_DEMO_DATA: 'false', ...issuer.env }, inventoryConfigSpec) });
    await app.start();
    await app.http.inject({ method: 'POST', url: '/api/products', payload: { sku: 'STOCK-1', name: 'Estoque', price: 100, onHand: 10 }, headers: { authorization: admin } });
    // Its product.upserted must be gone from the outbox before the snapshots compare backlogs.
    await eventually(async () => ((await app.outbox.relay.stats()).backlog === 0 ? true : undefined), 10_000, 'outbox drained');
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  for (const [what, request, status, path] of CORPUS) {
    it(`${what}: ${status} problem+json${path !== null ? ` naming "${path}"` : ''}, nothing written`, async () => {
      const before = await snapshot();
      const response = await app.http.inject({
        method: request.method, url: request.url, headers: { authorization: admin },
        ...(request.body === undefined ? {} : { payload: request.body as object }),
      });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json();
      expect(problem).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      if (path !== null) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await snapshot()).toBe(before);
    });
  }
});
