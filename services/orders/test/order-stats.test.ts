import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import type { OrderStatus } from '@pedidos/contracts/orders';
import type { PaymentSummary } from '@pedidos/contracts/payments';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';

const zeros = { pending: 0, confirmed: 0, shipped: 0, delivered: 0, rejected: 0, cancelled: 0 };

describe.each(SHAPES)('order statistics over a range (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let admin: string;

  const stats = async (query: string, authorization = admin) =>
    app.http.inject({ method: 'GET', url: `/api/orders/stats?${query}`, headers: { authorization } });

  /** An order as if placed at `createdAt` and moved on to `status` since, with its lines: the statistics read only these columns. */
  const order = async (createdAt: string, status: OrderStatus, total: number, currency = 'BRL', lines: [sku: string, name: string, quantity: number, unitPrice: number][] = []) => {
    const id = randomUUID();
    await adapters.database.db.execute(sql`
      INSERT INTO orders.orders (id, number, customer_id, status, total, currency, created_at, updated_at)
      VALUES (${id}, nextval('orders.order_number_seq'), ${randomUUID()}, ${status}, ${total}, ${currency}, ${createdAt}::timestamptz, ${createdAt}::timestamptz)`);
    for (const [i, [sku, name, quantity, unitPrice]] of lines.entries()) {
      await adapters.database.db.execute(sql`
        INSERT INTO orders.order_items (order_id, line, sku, name, quantity, unit_price) VALUES (${id}, ${i + 1}, ${sku}, ${name}, ${quantity}, ${unitPrice})`);
    }
    return id;
  };
  const seed = async (...rows: [createdAt: string, status: OrderStatus, total: number, currency?: string][]) => {
    for (const row of rows) await order(...row);
  };
  /** A `payment.*` event as the payments service publishes it; resolves once the orders service has handled it. */
  const paymentNews = async (type: string, orderId: string, version: number, payment: Partial<PaymentSummary>, extra: object = {}) => {
    const event = cloudEvent({
      source: SOURCES.payments, type, subject: orderId,
      data: { orderId, payment: { status: 'authorized', amount: 0, captured: 0, refunded: 0, brand: 'visa', last4: '4242', ...payment }, version, ...extra },
    });
    const acks = ackCounter(adapters.bus, event.id);
    await adapters.bus.publish(EXCHANGES.payments, [event]);
    await acks.reached(1);
  };

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    app = await buildOrders({ ...adapters, config: loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec) });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  it('counts every order by status, but revenue and the average only of orders that took money, per currency', async () => {
    await seed(
      ['2021-03-10T10:00:00Z', 'pending', 1000],
      ['2021-03-10T11:00:00Z', 'confirmed', 2000],
      ['2021-03-10T12:00:00Z', 'shipped', 3000],
      ['2021-03-12T09:00:00Z', 'delivered', 4001],
      ['2021-03-12T09:30:00Z', 'rejected', 50_000],
      ['2021-03-12T10:00:00Z', 'cancelled', 60_000],
      ['2021-03-12T10:30:00Z', 'confirmed', 700, 'USD'],
      // Outside [from, to): the instant before `from`, and `to` itself.
      ['2021-03-09T23:59:59.999Z', 'confirmed', 90_000],
      ['2021-03-13T00:00:00Z', 'confirmed', 90_000],
    );
    const response = await stats('from=2021-03-10T00:00:00Z&to=2021-03-13T00:00:00Z&bucket=day');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      from: '2021-03-10T00:00:00.000Z',
      to: '2021-03-13T00:00:00.000Z',
      bucket: 'day',
      tz: 'UTC',
      orders: 7,
      byStatus: { pending: 1, confirmed: 2, shipped: 1, delivered: 1, rejected: 1, cancelled: 1 },
      revenue: [{ currency: 'BRL', amount: 9001 }, { currency: 'USD', amount: 700 }],
      averageOrder: [{ currency: 'BRL', amount: 3000 }, { currency: 'USD', amount: 700 }],
      captured: [],
      refunded: [],
      topProducts: [],
      series: [
        { start: '2021-03-10T00:00:00.000Z', orders: 3, revenue: [{ currency: 'BRL', amount: 5000 }] },
        { start: '2021-03-11T00:00:00.000Z', orders: 0, revenue: [] },
        { start: '2021-03-12T00:00:00.000Z', orders: 4, revenue: [{ currency: 'BRL', amount: 4001 }, { currency: 'USD', amount: 700 }] },
      ],
    });
  });

  it('answers a range without orders with zeros in every bucket', async () => {
    const response = await stats('from=2019-06-01T10:30:00Z&to=2019-06-01T16:00:00Z&bucket=hour');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ orders: 0, byStatus: zeros, revenue: [], averageOrder: [], captured: [], refunded: [], topProducts: [] });
    expect(body.series.map((b: { start: string }) => b.start)).toEqual(
      ['10', '11', '12', '13', '14', '15'].map((h) => `2019-06-01T${h}:00:00.000Z`),
    );
    expect(body.series.every((b: { orders: number; revenue: unknown[] }) => b.orders === 0 && b.revenue.length === 0)).toBe(true);
  });

  it('sums the money captured and refunded on the payments of the orders in the range, per currency, whatever the order became', async () => {
    const shipped = await order('2023-05-01T10:00:00Z', 'shipped', 10_000);
    const cancelled = await order('2023-05-01T12:00:00Z', 'cancelled', 5000);
    const confirmed = await order('2023-05-02T09:00:00Z', 'confirmed', 2000);
    const dollars = await order('2023-05-02T10:00:00Z', 'delivered', 700, 'USD');
    const later = await order('2023-05-03T00:00:00Z', 'shipped', 90_000);
    await paymentNews('payment.authorized', confirmed, 1, { amount: 2000 });
    await paymentNews('payment.captured', shipped, 2, { status: 'captured', amount: 10_000, captured: 10_000 }, { amount: 10_000 });
    await paymentNews('payment.refunded', shipped, 3, { status: 'partially_refunded', amount: 10_000, captured: 10_000, refunded: 3000 }, { amount: 3000, reason: 'crushed box' });
    await paymentNews('payment.refunded', cancelled, 3, { status: 'refunded', amount: 5000, captured: 5000, refunded: 5000 }, { amount: 5000, reason: null });
    await paymentNews('payment.captured', dollars, 2, { status: 'captured', amount: 700, captured: 700 }, { amount: 700 });
    await paymentNews('payment.captured', later, 2, { status: 'captured', amount: 90_000, captured: 90_000 }, { amount: 90_000 });

    const response = await stats('from=2023-05-01T00:00:00Z&to=2023-05-03T00:00:00Z');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      orders: 4,
      revenue: [{ currency: 'BRL', amount: 12_000 }, { currency: 'USD', amount: 700 }],
      captured: [{ currency: 'BRL', amount: 15_000 }, { currency: 'USD', amount: 700 }],
      refunded: [{ currency: 'BRL', amount: 8000 }],
    });
    // A late copy of an older summary changes nothing.
    await paymentNews('payment.captured', shipped, 2, { status: 'captured', amount: 10_000, captured: 10_000 }, { amount: 10_000 });
    expect((await stats('from=2023-05-01T00:00:00Z&to=2023-05-02T00:00:00Z')).json()).toMatchObject({
      captured: [{ currency: 'BRL', amount: 15_000 }],
      refunded: [{ currency: 'BRL', amount: 8000 }],
    });
  });

  it('ranks the five products most sold by units in orders that took money, with their revenue per currency', async () => {
    await order('2023-07-01T09:00:00Z', 'confirmed', 800, 'BRL', [['MATE', 'Mate', 3, 100], ['CAFE', 'Café', 1, 500]]);
    await order('2023-07-01T10:00:00Z', 'shipped', 600, 'BRL', [['CAFE', 'Café', 1, 500], ['CHA', 'Chá', 2, 50]]);
    await order('2023-07-01T11:00:00Z', 'delivered', 90, 'USD', [['MATE', 'Mate tostado', 1, 90]]);
    await order('2023-07-01T12:00:00Z', 'confirmed', 30, 'BRL', [['G-1', 'G', 1, 10], ['E-1', 'E', 1, 10], ['F-1', 'F', 1, 10]]);
    // Orders that took no money sell nothing, however large.
    await order('2023-07-01T13:00:00Z', 'rejected', 10_000, 'BRL', [['SAL', 'Sal', 100, 100]]);
    await order('2023-07-01T14:00:00Z', 'pending', 10_000, 'BRL', [['SAL', 'Sal', 100, 100]]);
    await order('2023-07-01T15:00:00Z', 'cancelled', 10_000, 'BRL', [['SAL', 'Sal', 100, 100]]);
    // Outside the range.
    await order('2023-07-02T00:00:00Z', 'confirmed', 10_000, 'BRL', [['SAL', 'Sal', 100, 100]]);

    const response = await stats('from=2023-07-01T00:00:00Z&to=2023-07-02T00:00:00Z');
    expect(response.statusCode).toBe(200);
    expect(response.json().topProducts).toEqual([
      { sku: 'MATE', name: 'Mate tostado', units: 4, revenue: [{ currency: 'BRL', amount: 300 }, { currency: 'USD', amount: 90 }] },
      { sku: 'CAFE', name: 'Café', units: 2, revenue: [{ currency: 'BRL', amount: 1000 }] },
      { sku: 'CHA', name: 'Chá', units: 2, revenue: [{ currency: 'BRL', amount: 100 }] },
      { sku: 'E-1', name: 'E', units: 1, revenue: [{ currency: 'BRL', amount: 10 }] },
      { sku: 'F-1', name: 'F', units: 1, revenue: [{ currency: 'BRL', amount: 10 }] },
    ]);
  });

  it('cuts day buckets at the midnights of the time zone asked for', async () => {
    // 02:00 UTC on the 16th is still the 15th in São Paulo (UTC-3).
    await seed(['2022-08-16T02:00:00Z', 'delivered', 1500], ['2022-08-16T04:00:00Z', 'delivered', 2500]);
    const range = 'from=2022-08-15T03:00:00Z&to=2022-08-17T03:00:00Z&bucket=day';
    const local = (await stats(`${range}&tz=America/Sao_Paulo`)).json();
    expect(local.tz).toBe('America/Sao_Paulo');
    expect(local.series).toEqual([
      { start: '2022-08-15T03:00:00.000Z', orders: 1, revenue: [{ currency: 'BRL', amount: 1500 }] },
      { start: '2022-08-16T03:00:00.000Z', orders: 1, revenue: [{ currency: 'BRL', amount: 2500 }] },
    ]);
    const utc = (await stats(range)).json();
    expect(utc.series.map((b: { start: string; orders: number }) => [b.start, b.orders])).toEqual([
      ['2022-08-15T00:00:00.000Z', 0],
      ['2022-08-16T00:00:00.000Z', 2],
      ['2022-08-17T00:00:00.000Z', 0],
    ]);
  });

  it('counts each order once in hour buckets across a spring-forward, the skipped hour giving no bucket of its own', async () => {
    // New York skips 02:00 on 2026-03-08: 01:00 EST is 06:00 UTC, the next local hour (03:00 EDT) 07:00 UTC.
    await seed(['2026-03-08T06:30:00Z', 'delivered', 1000], ['2026-03-08T07:30:00Z', 'delivered', 2000]);
    const response = await stats('from=2026-03-08T05:00:00Z&to=2026-03-08T09:00:00Z&bucket=hour&tz=America/New_York');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ orders: 2, byStatus: { ...zeros, delivered: 2 }, revenue: [{ currency: 'BRL', amount: 3000 }] });
    expect(body.series).toEqual([
      { start: '2026-03-08T05:00:00.000Z', orders: 0, revenue: [] },
      { start: '2026-03-08T06:00:00.000Z', orders: 1, revenue: [{ currency: 'BRL', amount: 1000 }] },
      { start: '2026-03-08T07:00:00.000Z', orders: 1, revenue: [{ currency: 'BRL', amount: 2000 }] },
      { start: '2026-03-08T08:00:00.000Z', orders: 0, revenue: [] },
    ]);
  });

  it('is answered at /api/orders/stats, not taken for an order id', async () => {
    const response = await stats('from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ bucket: 'day', orders: 0, series: [{ start: '2020-01-01T00:00:00.000Z', orders: 0, revenue: [] }] });
  });

  it('is for admins only', async () => {
    expect((await stats('from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z', await issuer.bearer({ role: 'customer' }))).statusCode).toBe(403);
    expect((await app.http.inject({ method: 'GET', url: '/api/orders/stats?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z' })).statusCode).toBe(401);
  });

  const REFUSED: [string, string, string][] = [
    ['no from', 'to=2020-01-02T00:00:00Z', '/query/from'],
    ['no to', 'from=2020-01-01T00:00:00Z', '/query/to'],
    ['from not a date', 'from=yesterday&to=2020-01-02T00:00:00Z', '/query/from'],
    ['to before from', 'from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z', '/query/to'],
    ['to equal to from', 'from=2020-01-02T00:00:00Z&to=2020-01-02T00:00:00Z', '/query/to'],
    ['over 366 days', 'from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:01Z', '/query/to'],
    ['an unknown bucket', 'from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&bucket=week', '/query/bucket'],
    ['over 400 hour buckets', 'from=2020-01-01T00:00:00Z&to=2020-01-18T00:00:00Z&bucket=hour', '/query/bucket'],
    ['an unknown time zone', 'from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&tz=Mars/Olympus_Mons', '/query/tz'],
    ['a time zone that is no name', 'from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&tz=%27%3B%20select%201', '/query/tz'],
    ['an unknown parameter', 'from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&status=pending', '/query/status'],
  ];
  for (const [what, query, path] of REFUSED) {
    it(`refuses ${what} with a 400 problem naming ${path}`, async () => {
      const response = await stats(query);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    });
  }

  it('accepts the longest ranges: 366 days by day, 399 hours by hour', async () => {
    const days = await stats('from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z&bucket=day');
    expect(days.statusCode).toBe(200);
    expect(days.json().series).toHaveLength(366);
    const hours = await stats('from=2020-01-01T00:30:00Z&to=2020-01-17T15:30:00Z&bucket=hour');
    expect(hours.statusCode).toBe(200);
    expect(hours.json().series).toHaveLength(400);
  });
});
