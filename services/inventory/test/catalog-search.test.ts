import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { migrate } from '@pedidos/platform/db';
import { SHAPES, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { MIGRATIONS, buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

type Page = { items: { sku: string; name: string }[]; nextCursor: string | null };

/** Names chosen so that a plain `ORDER BY name` (uppercase first, accented letters last) would differ. */
const CATALOG = [
  { sku: 'PAO-QUEIJO', name: 'Pão de queijo congelado 1 kg' },
  { sku: 'PAO-FRANCES', name: 'pão francês' },
  { sku: 'BISCOITO-QUEIJO', name: 'Biscoito de queijo' },
  { sku: 'CAFE-250G', name: 'Café' },
  { sku: 'CAFE-500G', name: 'café' },
  { sku: 'CAFE-MOIDO', name: 'Café moído 500 g' },
  { sku: 'BOLO-CAFE', name: 'Bolo de café' },
  { sku: 'DESCAFEINADO', name: 'Descafeinado solúvel' },
  { sku: 'CAFE-KIT', name: 'Kit presente' },
  { sku: 'MATE-XCAFE', name: 'Chá mate' },
  { sku: 'ACUCAR', name: 'Açúcar cristal' },
  { sku: 'ARROZ', name: 'Arroz agulhinha' },
  { sku: 'ECLAIR', name: 'Éclair' },
  { sku: 'ZEBRA', name: 'Zebra de chocolate' },
  { sku: 'CACAU_100', name: '100% cacau' },
] as const;
const FIXTURE = new Set<string>(CATALOG.map((p) => p.sku));

const config = (env: Record<string, string>) => loadConfig({ SEED_DEMO_DATA: 'false', ...env }, inventoryConfigSpec);

describe.each(SHAPES)('catalog search and order (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let admin: string;
  let app: Awaited<ReturnType<typeof buildInventory>>;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    app = await buildInventory({ ...adapters, config: config(issuer.env) });
    await app.start();
    for (const product of CATALOG) {
      const created = await app.http.inject({ method: 'POST', url: '/api/products', payload: { ...product, price: 100 }, headers: { authorization: admin } });
      expect(created.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const list = async (query: Record<string, string>): Promise<Page> => {
    const reply = await app.http.inject({ method: 'GET', url: '/api/products', query });
    expect(reply.statusCode).toBe(200);
    return reply.json();
  };
  const skus = async (q: string) => (await list({ q, limit: '100' })).items.map((p) => p.sku);
  /** Every page of a listing, followed by its cursors. */
  const allPages = async (query: Record<string, string>) => {
    const pages: Page[] = [];
    for (let cursor: string | null | undefined; cursor !== null; cursor = pages.at(-1)!.nextCursor) {
      pages.push(await list(cursor === undefined ? query : { ...query, cursor }));
    }
    return pages;
  };

  it('finds a product whatever the case and accents of the search or of its name', async () => {
    for (const q of ['pao de queijo', 'PAO DE QUEIJO', 'Pão De Queijo', 'pão de queijo']) expect(await skus(q)).toEqual(['PAO-QUEIJO']);
    expect(await skus('PAO')).toEqual(['PAO-QUEIJO', 'PAO-FRANCES']);
    expect(await skus('frances')).toEqual(['PAO-FRANCES']);
    expect(await skus('ACUCAR')).toEqual(['ACUCAR']);
    expect(await skus('éclair')).toEqual(['ECLAIR']);
    expect(await skus('cafe')).toContain('CAFE-MOIDO');
    expect(await skus('cha mate')).toEqual(['MATE-XCAFE']);
  });

  it('puts the whole name or SKU first, then its start, then the start of a word, then anywhere; equal matches by name, then SKU', async () => {
    expect(await skus('cafe')).toEqual([
      // the whole name (two products named alike, by SKU)
      'CAFE-250G', 'CAFE-500G',
      // the start of the name or of the SKU, by name: "cafe moido", "kit presente"
      'CAFE-MOIDO', 'CAFE-KIT',
      // the start of a word of the name
      'BOLO-CAFE',
      // anywhere, by name: "cha mate" (its SKU), "descafeinado"
      'MATE-XCAFE', 'DESCAFEINADO',
    ]);
    expect(await skus('queijo')).toEqual(['BISCOITO-QUEIJO', 'PAO-QUEIJO']);
    expect(await skus('pao-queijo')).toEqual(['PAO-QUEIJO']);
  });

  it('takes the search literally: % and _ are characters, not wildcards', async () => {
    expect(await skus('%')).toEqual(['CACAU_100']);
    expect(await skus('_')).toEqual(['CACAU_100']);
    expect(await skus('c%o')).toEqual([]);
  });

  it('without a search, lists the catalog by name ignoring case and accents, then by SKU', async () => {
    const listed = (await list({ limit: '100' })).items.map((p) => p.sku).filter((sku) => FIXTURE.has(sku));
    expect(listed).toEqual([
      'CACAU_100', 'ACUCAR', 'ARROZ', 'BISCOITO-QUEIJO', 'BOLO-CAFE', 'CAFE-250G', 'CAFE-500G', 'CAFE-MOIDO', 'MATE-XCAFE',
      'DESCAFEINADO', 'ECLAIR', 'CAFE-KIT', 'PAO-QUEIJO', 'PAO-FRANCES', 'ZEBRA',
    ]);
  });

  it.each<[string, Record<string, string>]>([
    ['without a search', {}],
    ['with a search', { q: 'cafe' }],
    ['with a search that matches names and SKUs', { q: 'e' }],
  ])('pages %s through every product once, in the order of a single page', async (_, query) => {
    const whole = (await list({ ...query, limit: '100' })).items.map((p) => p.sku);
    expect(whole.length).toBeGreaterThan(4);
    const pages = await allPages({ ...query, limit: '2' });
    expect(pages.flatMap((p) => p.items.map((i) => i.sku))).toEqual(whole);
    expect(pages.slice(0, -1).every((p) => p.items.length === 2)).toBe(true);
  });

  it('goes on after the last product of a page even when that product is renamed in between', async () => {
    for (const [sku, name] of [['GELEIA-1', 'Geleia de morango'], ['GELEIA-2', 'Geleia de uva'], ['GELEIA-3', 'Geleia de amora']]) {
      await app.http.inject({ method: 'POST', url: '/api/products', payload: { sku, name, price: 100 }, headers: { authorization: admin } });
    }
    const first = await list({ q: 'geleia', limit: '2' });
    expect(first.items.map((p) => p.sku)).toEqual(['GELEIA-3', 'GELEIA-1']);
    const renamed = await app.http.inject({ method: 'PATCH', url: '/api/products/GELEIA-1', payload: { name: 'Geleia de abacaxi' }, headers: { authorization: admin } });
    expect(renamed.statusCode).toBe(200);
    const next = await list({ q: 'geleia', limit: '2', cursor: first.nextCursor! });
    expect(next).toEqual({ items: [expect.objectContaining({ sku: 'GELEIA-2' })], nextCursor: null });
  });

  it('finds a renamed product by its new name, no longer by its old one, and lists it in its new place', async () => {
    await app.http.inject({ method: 'POST', url: '/api/products', payload: { sku: 'XAROPE', name: 'Xarope de groselha', price: 100 }, headers: { authorization: admin } });
    expect(await skus('groselha')).toEqual(['XAROPE']);
    const renamed = await app.http.inject({ method: 'PATCH', url: '/api/products/XAROPE', payload: { name: 'Melaço de cana' }, headers: { authorization: admin } });
    expect(renamed.statusCode).toBe(200);
    expect(await skus('groselha')).toEqual([]);
    expect(await skus('MELACO')).toEqual(['XAROPE']);
    const listed = (await list({ limit: '100' })).items.map((p) => p.sku);
    expect(listed.indexOf('XAROPE')).toBe(listed.indexOf('PAO-QUEIJO') - 1);
  });

  it.each([
    ['an old SKU cursor', Buffer.from('CAFE-250G').toString('base64url')],
    ['a rank out of range', Buffer.from(JSON.stringify([9, 'cafe', 'CAFE-250G'])).toString('base64url')],
    ['a NUL in the name', Buffer.from(JSON.stringify([0, 'ca\u0000fe', 'CAFE-250G'])).toString('base64url')],
    ['a lone surrogate in the name', Buffer.from('[0,"ca\\ud800fe","CAFE-250G"]').toString('base64url')],
    ['a malformed SKU', Buffer.from(JSON.stringify([0, 'cafe', 'café'])).toString('base64url')],
    ['a key of the wrong shape', Buffer.from(JSON.stringify({ rank: 0, searchName: 'cafe', sku: 'CAFE-250G' })).toString('base64url')],
  ])('refuses %s as a 400 naming /query/cursor', async (_, cursor) => {
    const reply = await app.http.inject({ method: 'GET', url: '/api/products', query: { q: 'cafe', cursor } });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json().errors).toEqual([expect.objectContaining({ path: '/query/cursor' })]);
  });
});

describe.each(SHAPES)('catalog search after an upgrade (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let app: Awaited<ReturnType<typeof buildInventory>> | undefined;
  let before: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    // The migrations as they were before the search column, so products exist when it arrives.
    before = mkdtempSync(join(tmpdir(), 'inventory-migrations-'));
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const earlier = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag.endsWith('_catalog_search')));
    for (const { tag } of earlier) cpSync(join(MIGRATIONS, `${tag}.sql`), join(before, `${tag}.sql`));
    cpSync(join(MIGRATIONS, 'meta'), join(before, 'meta'), { recursive: true });
    writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: earlier }));
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
    rmSync(before, { recursive: true, force: true });
  });

  it('finds the products that existed before the search column was added', async () => {
    await migrate(adapters.database, { schema: 'inventory', migrationsFolder: before });
    await adapters.database.db.execute(sql`
      INSERT INTO inventory.products (sku, name, price, currency, on_hand, updated_at)
      VALUES ('PAO-QUEIJO', 'Pão de queijo', 100, 'BRL', 1, now()), ('ACAI', 'Polpa de AÇAÍ', 100, 'BRL', 1, now())`);
    app = await buildInventory({ ...adapters, config: config(issuer.env) });
    await app.start();
    const found = async (q: string) => ((await app!.http.inject({ method: 'GET', url: '/api/products', query: { q } })).json() as Page).items.map((p) => p.sku);
    expect(await found('pao de queijo')).toEqual(['PAO-QUEIJO']);
    expect(await found('acai')).toEqual(['ACAI']);
  });
});
