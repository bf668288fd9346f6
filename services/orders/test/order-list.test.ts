import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { SHAPES, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import type { OrderList } from '@pedidos/contracts/orders';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';

/** The orders one test writes, all found by `q=<tag>`: equal totals and equal names on purpose, so only the tie-breaker separates them. */
const SEED = [
  { total: 500, currency: 'BRL', name: 'ana', email: 'b' },
  { total: 500, currency: 'BRL', name: 'Ana', email: 'a' },
  { total: 300, currency: 'BRL', name: 'Bruno', email: 'a' },
  { total: 500, currency: 'BRL', name: 'ana', email: 'b' },
  { total: 900, currency: 'BRL', name: null, email: 'c' },
  { total: 300, currency: 'USD', name: 'carla', email: 'a' },
  { total: 500, currency: 'BRL', name: 'ANA', email: 'a' },
] as const;

describe.each(SHAPES)('finding orders: sorts, paging and the summary (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let issuer: TestIssuer;
  let admin: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    const config = loadConfig({ OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec);
    app = await buildOrders({ ...adapters, config });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.http.inject({ method: 'GET', url, headers: { authorization: admin, ...headers } });

  /** Writes `orders` under a fresh tag (in every e-mail); answers the tag and the rows with their numbers, in insertion order. */
  async function seed(orders: readonly { total: number; currency: string; name: string | null; email: string }[] = SEED) {
    const tag = Math.random().toString(36).slice(2, 10);
    const rows: { number: number; total: number; currency: string; name: string | null; email: string }[] = [];
    for (const o of orders) {
      const email = `${o.email}.${tag}@example.com`;
      const { rows: [row] } = await adapters.database.db.execute<{ number: string }>(sql`
        INSERT INTO orders.orders (id, number, customer_id, status, total, currency, customer_name, customer_email, created_at, updated_at)
        VALUES (gen_random_uuid(), nextval('orders.order_number_seq'), gen_random_uuid(), 'confirmed', ${o.total}, ${o.currency}, ${o.name}, ${email}, now(), now())
        RETURNING number`);
      rows.push({ ...o, email, number: Number(row!.number) });
    }
    return { tag, rows };
  }

  /** Every page of a list, `limit` at a time, following nextCursor to the end. */
  async function allPages(query: string, limit: number): Promise<number[][]> {
    const pages: number[][] = [];
    for (let cursor: string | null | undefined; cursor !== null;) {
      const response = await get(`/api/orders?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as OrderList;
      pages.push(page.items.map((o) => o.number));
      cursor = page.nextCursor;
    }
    return pages;
  }

  type Row = Awaited<ReturnType<typeof seed>>['rows'][number];
  const byNumber = (a: Row, b: Row) => a.number - b.number;
  const byTotal = (a: Row, b: Row) => a.total - b.total || byNumber(a, b);
  const text = (s: string | null) => (s ?? '').toLowerCase();
  const byCustomer = (a: Row, b: Row) => text(a.name).localeCompare(text(b.name), 'en') || text(a.email).localeCompare(text(b.email), 'en') || byNumber(a, b);
  const numbersOf = (rows: Row[]) => rows.map((r) => r.number);

  it('pages through every sort exactly, equal totals and equal names included: each order once, in the sort\'s order, ties by number', async () => {
    const { tag, rows } = await seed();
    const expected: Record<string, number[]> = {
      '-number': numbersOf([...rows].sort(byNumber).reverse()),
      number: numbersOf([...rows].sort(byNumber)),
      total: numbersOf([...rows].sort(byTotal)),
      '-total': numbersOf([...rows].sort(byTotal).reverse()),
      customer: numbersOf([...rows].sort(byCustomer)),
      '-customer': numbersOf([...rows].sort(byCustomer).reverse()),
    };
    for (const [sort, numbers] of Object.entries(expected)) {
      for (const limit of [1, 2, 3]) {
        const pages = await allPages(`q=${tag}&sort=${sort}`, limit);
        expect(pages.flat(), `sort=${sort} limit=${limit}`).toEqual(numbers);
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
      }
    }
    // Sorting does not loosen the filters: a status narrows a sorted list too.
    expect((await allPages(`q=${tag}&sort=total&status=pending`, 2)).flat()).toEqual([]);
  });

  it('pages by customer however long the names are: a cursor holds the sort and an order number, not the row', async () => {
    // An external issuer's name claim has no length limit, and each order keeps the name it was placed with.
    const long = 'Ana '.repeat(2500);
    const { tag, rows } = await seed([
      { total: 100, currency: 'BRL', name: `${long}b`, email: 'a' },
      { total: 100, currency: 'BRL', name: `${long}a`, email: 'b' },
      { total: 100, currency: 'BRL', name: long.toUpperCase(), email: 'c' },
      { total: 100, currency: 'BRL', name: `${long}a`, email: 'a' },
    ]);
    const first = (await get(`/api/orders?q=${tag}&sort=customer&limit=1`)).json() as OrderList;
    expect(first.nextCursor!.length).toBeLessThan(64);
    for (const limit of [1, 3]) {
      expect((await allPages(`q=${tag}&sort=customer`, limit)).flat()).toEqual(numbersOf([...rows].sort(byCustomer)));
      expect((await allPages(`q=${tag}&sort=-customer`, limit)).flat()).toEqual(numbersOf([...rows].sort(byCustomer).reverse()));
    }
  });

  it('exports the filtered list in the order the sort asks for', async () => {
    const { tag, rows } = await seed();
    const response = await get(`/api/orders?q=${tag}&sort=-total`, { accept: 'text/csv' });
    expect(response.statusCode).toBe(200);
    const numbers = response.body.trimEnd().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
    expect(numbers).toEqual(numbersOf([...rows].sort(byTotal).reverse()));
  });

  it('refuses a cursor from another sort, or one it did not make, with a 400 naming /query/cursor', async () => {
    const { tag } = await seed();
    const cursorOf = async (sort: string) => ((await get(`/api/orders?q=${tag}&sort=${sort}&limit=1`)).json() as OrderList).nextCursor!;
    const byTotal = await cursorOf('total');
    const newest = await cursorOf('-number');
    const forged = Buffer.from(JSON.stringify(['total', 'x', 1])).toString('base64url');
    const nowhere = Buffer.from(JSON.stringify(['total', Number.MAX_SAFE_INTEGER])).toString('base64url');
    for (const url of [
      `/api/orders?q=${tag}&sort=-total&cursor=${byTotal}`,
      `/api/orders?q=${tag}&sort=customer&cursor=${byTotal}`,
      `/api/orders?q=${tag}&cursor=${byTotal}`,
      `/api/orders?q=${tag}&sort=total&cursor=${newest}`,
      `/api/orders?q=${tag}&sort=total&cursor=${forged}`,
      `/api/orders?q=${tag}&sort=total&cursor=${nowhere}`,
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'REQUEST.BAD_CURSOR', errors: [{ path: '/query/cursor' }] });
    }
    expect((await get(`/api/orders?q=${tag}&sort=total&cursor=${byTotal}`)).statusCode).toBe(200);
    // Another customer's order is no place to start from: its total is not the caller's to compare with.
    const customer = await issuer.bearer({ role: 'customer' });
    const stranger = await app.http.inject({ method: 'GET', url: `/api/orders?sort=total&cursor=${byTotal}`, headers: { authorization: customer } });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json()).toMatchObject({ code: 'REQUEST.BAD_CURSOR', errors: [{ path: '/query/cursor' }] });
    const unknownSort = await get(`/api/orders?sort=price`);
    expect(unknownSort.statusCode).toBe(400);
    expect(JSON.stringify(unknownSort.json().errors)).toContain('sort');
  });

  it('counts the filtered orders and sums their totals per currency, for admins only', async () => {
    const { tag, rows } = await seed();
    const sum = (currency: string) => rows.filter((r) => r.currency === currency).reduce((n, r) => n + r.total, 0);
    const summary = await get(`/api/orders/summary?q=${tag}`);
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toEqual({ count: rows.length, totals: [{ currency: 'BRL', amount: sum('BRL') }, { currency: 'USD', amount: sum('USD') }] });
    expect((await get(`/api/orders/summary?q=${encodeURIComponent(`a.${tag}@`)}`)).json()).toEqual({
      count: 4, totals: [{ currency: 'BRL', amount: 500 + 300 + 500 }, { currency: 'USD', amount: 300 }],
    });
    expect((await get(`/api/orders/summary?q=${tag}&status=delivered`)).json()).toEqual({ count: 0, totals: [] });
    expect((await get(`/api/orders/summary?q=${tag}&to=2000-01-01T00:00:00Z`)).json()).toEqual({ count: 0, totals: [] });

    const badDate = await get('/api/orders/summary?from=yesterday');
    expect(badDate.statusCode).toBe(400);
    expect(JSON.stringify(badDate.json().errors)).toContain('from');
    expect((await get('/api/orders/summary?sort=total')).statusCode).toBe(400);
    const customer = await issuer.bearer({ role: 'customer' });
    expect((await app.http.inject({ method: 'GET', url: '/api/orders/summary', headers: { authorization: customer } })).statusCode).toBe(403);
    expect((await app.http.inject({ method: 'GET', url: '/api/orders/summary' })).statusCode).toBe(401);
  });
});
