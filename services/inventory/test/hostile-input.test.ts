import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { SHAPES, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

const sku = fc.oneof(fc.stringMatching(/^[A-Z0-9._-]{1,8}$/), fc.string({ maxLength: 70 }), fc.integer());
const money = fc.oneof(fc.integer({ min: -10, max: 2_000_000_000 }), fc.double(), fc.string(), fc.constant(null));
const product = fc.oneof(
  fc.record({ sku, name: fc.oneof(fc.string({ maxLength: 210 }), fc.anything()), price: money, onHand: money, reserved: fc.anything() }, { requiredKeys: [] }),
  fc.record({ sku: fc.stringMatching(/^[A-Z0-9]{1,10}$/), name: fc.string({ minLength: 1, maxLength: 20 }), price: fc.integer({ min: 0, max: 10_000 }) }),
  fc.jsonValue(),
);
const adjustment = fc.oneof(
  fc.record({ delta: fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double(), fc.string()), reason: fc.oneof(fc.string({ maxLength: 210 }), fc.anything()) }, { requiredKeys: [] }),
  fc.jsonValue(),
);

describe.each(SHAPES)('hostile input to the inventory service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let admin: string;
  let app: Awaited<ReturnType<typeof buildInventory>>;
  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.http.inject({ method, url, headers: { authorization: admin, 'content-type': 'application/json' }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) ?? 'null' }) });

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin', expiresIn: 3600 });
    app = await buildInventory({ ...adapters, config: loadConfig({ SEED_DEMO_DATA: 'false', RATE_LIMIT_PER_MIN: '0', ...issuer.env }, inventoryConfigSpec) });
    await app.start();
    await inject('POST', '/api/products', { sku: 'FUZZ', name: 'Alvo', price: 100, onHand: 50 });
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  it('5,000 generated products, patches and adjustments: never a 5xx, and only accepted changes are stored', async () => {
    const created = new Set<string>(['FUZZ']);
    let onHand = 50;
    let adjustments = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('create', 'patch', 'adjust'), product, adjustment, async (what, body, change) => {
        const response =
          what === 'create' ? await inject('POST', '/api/products', body)
          : what === 'patch' ? await inject('PATCH', '/api/products/FUZZ', body)
          : await inject('POST', '/api/products/FUZZ/adjustments', change);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 300) expect(response.headers['content-type']).toContain('application/problem+json');
        if (what === 'create' && response.statusCode === 201) created.add(response.json().sku);
        if (what === 'adjust' && response.statusCode === 200) {
          onHand += (change as { delta: number }).delta;
          adjustments += 1;
        }
      }),
      { numRuns: 5_000 },
    );
    const listed: string[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { items: { sku: string }[]; nextCursor: string | null } = (await inject('GET', `/api/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json();
      listed.push(...page.items.map((p: { sku: string }) => p.sku));
      cursor = page.nextCursor;
    }
    expect(new Set(listed)).toEqual(created);
    expect((await inject('GET', '/api/products/FUZZ')).json().onHand).toBe(onHand);
    const ledger = (await inject('GET', '/api/products/FUZZ/movements?limit=100')).json();
    expect(ledger.items.filter((m: { kind: string }) => m.kind === 'adjustment')).toHaveLength(Math.min(100, adjustments + 1));
  });

  it('5,000 generated queries and paths: never a 5xx', async () => {
    const query = fc.dictionary(fc.constantFrom('q', 'limit', 'cursor', 'x'), fc.oneof(fc.string({ maxLength: 120 }), fc.integer().map(String)), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(query, fc.string({ maxLength: 80 }), async (params, path) => {
        expect((await app.http.inject({ method: 'GET', url: '/api/products', query: params })).statusCode).toBeLessThan(500);
        expect((await inject('GET', `/api/products/${encodeURIComponent(path)}/movements`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 5_000 },
    );
  });
});
