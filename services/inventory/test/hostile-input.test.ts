import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import {
  SHAPES, capturedLog, createTestIssuer, expectHandled, expectNoSecretsLogged, hostileText, invalidUtf8, isAcceptableText, openTestAdapters,
  percentEncode, withRawBytes, type TestAdapters, type TestIssuer,
} from '@pedidos/platform/testing';
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
  const logged = capturedLog();
  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.http.inject({ method, url, headers: { authorization: admin, 'content-type': 'application/json' }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) ?? 'null' }) });

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin', expiresIn: 3600 });
    app = await buildInventory({ ...adapters, log: logged.log, config: loadConfig({ SEED_DEMO_DATA: 'false', RATE_LIMIT_PER_MIN: '0', ...issuer.env }, inventoryConfigSpec) });
    await app.start();
    await inject('POST', '/api/products', { sku: 'FUZZ', name: 'Alvo', price: 100, onHand: 50 });
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  it('2,000 generated products, patches and adjustments: never a 5xx, and only accepted changes are stored', { timeout: 120_000 }, async () => {
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
      { numRuns: 2_000 },
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

  it('2,000 generated queries and paths: never a 5xx', { timeout: 120_000 }, async () => {
    const query = fc.dictionary(fc.constantFrom('q', 'limit', 'cursor', 'x'), fc.oneof(fc.string({ maxLength: 120 }), fc.integer().map(String)), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(query, fc.string({ maxLength: 80 }), async (params, path) => {
        expect((await app.http.inject({ method: 'GET', url: '/api/products', query: params })).statusCode).toBeLessThan(500);
        expect((await inject('GET', `/api/products/${encodeURIComponent(path)}/movements`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 2_000 },
    );
  });

  it('1,500 requests with control characters, lone surrogates or invalid UTF-8 in every text field and query parameter: refused as problem+json, nothing stored, nothing secret logged', { timeout: 120_000 }, async () => {
    await inject('POST', '/api/products', { sku: 'TEXTO', name: 'Alvo de texto', price: 100, onHand: 50 });
    const raw = (method: 'POST' | 'PATCH', url: string, payload: Buffer) =>
      app.http.inject({ method, url, headers: { authorization: admin, 'content-type': 'application/json' }, payload });
    const route = fc.constantFrom('create', 'rename', 'adjust', 'bytes', 'search', 'paths');
    let created = 0;
    let adjusted = 0;

    await fc.assert(
      fc.asyncProperty(route, hostileText(), invalidUtf8, fc.nat(), async (where, text, bytes, n) => {
        switch (where) {
          case 'create': {
            const reply = await inject('POST', '/api/products', { sku: `TXT-${n}`, name: `N${text}`, price: 100 });
            expectHandled(reply, `name ${JSON.stringify(text)}`);
            if (isAcceptableText(text, false)) expect([201, 409]).toContain(reply.statusCode);
            else expect(reply.statusCode).toBe(400);
            if (reply.statusCode === 201) created += 1;
            return;
          }
          case 'rename': {
            const reply = await inject('PATCH', '/api/products/TEXTO', { name: `N${text}` });
            expectHandled(reply, `rename ${JSON.stringify(text)}`);
            expect(reply.statusCode).toBe(isAcceptableText(text, false) ? 200 : 400);
            return;
          }
          case 'adjust': {
            const reply = await inject('POST', '/api/products/TEXTO/adjustments', { delta: 1, reason: `R${text}` });
            expectHandled(reply, `reason ${JSON.stringify(text)}`);
            expect(reply.statusCode).toBe(isAcceptableText(text, false) ? 200 : 400);
            if (reply.statusCode === 200) adjusted += 1;
            return;
          }
          case 'bytes': {
            expect((await raw('POST', '/api/products', withRawBytes({ sku: `TXT-B${n}`, name: `N${text}`, price: 1 }, 'name', bytes))).statusCode).toBe(400);
            expect((await raw('PATCH', '/api/products/TEXTO', withRawBytes({ name: `N${text}` }, 'name', bytes))).statusCode).toBe(400);
            expect((await raw('POST', '/api/products/TEXTO/adjustments', withRawBytes({ delta: 1, reason: `R${text}` }, 'reason', bytes))).statusCode).toBe(400);
            return;
          }
          case 'search':
            for (const param of ['q', 'cursor', 'limit']) {
              expectHandled(await app.http.inject({ method: 'GET', url: `/api/products?${param}=${percentEncode(text)}` }), `list ${param}`);
              expectHandled(await app.http.inject({ method: 'GET', url: `/api/products?${param}=${percentEncode(bytes)}` }), `list ${param} with invalid UTF-8`);
            }
            expectHandled(await inject('GET', `/api/products/TEXTO/movements?cursor=${percentEncode(text)}`), 'movements cursor');
            return;
          case 'paths':
            for (const path of [`/api/products/${percentEncode(text)}`, `/api/products/${percentEncode(bytes)}/movements`]) expectHandled(await inject('GET', path), path);
            return;
        }
      }),
      { numRuns: 1_500 },
    );
    const product = (await inject('GET', '/api/products/TEXTO')).json();
    expect(isAcceptableText(product.name, false)).toBe(true);
    expect(product.onHand).toBe(50 + adjusted);
    const texts = (await inject('GET', '/api/products?q=TXT-&limit=100')).json().items as { name: string }[];
    expect(texts.filter((p) => !isAcceptableText(p.name, false))).toEqual([]);
    expect(created).toBeGreaterThan(0);
    expectNoSecretsLogged(logged.lines(), [admin.replace(/^Bearer /, '')]);
  });
});
