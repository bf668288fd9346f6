import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { createOrderAdmission } from '../src/order-admission';

const quiet = { warn() {} };

describe('order admission', () => {
  /** A backlog the test sets, read as the database's count would be. */
  function backlog(initial: number) {
    let pending = initial;
    let reads = 0;
    return {
      countPending: async () => {
        reads += 1;
        return pending;
      },
      set: (n: number) => (pending = n),
      reads: () => reads,
    };
  }
  /** Resolves once the backlog was read `times` times in all. */
  const readSoon = (b: ReturnType<typeof backlog>, times: number) => expect.poll(b.reads).toBeGreaterThanOrEqual(times);

  it('lets orders in at once up to the bound, counting those admitted since the last read', async () => {
    const b = backlog(3);
    // Read once only: no later read counts the orders admitted here.
    const admission = createOrderAdmission({ countPending: b.countPending, maxPending: 5, waitMs: 50, pollMs: 60_000, idlePollMs: 60_000, log: quiet });
    admission.start();
    await readSoon(b, 1);
    await admission.admit();
    await admission.admit();
    await expect(admission.admit()).rejects.toMatchObject({ code: 'ORDER.BUSY', facts: { retryAfterS: 1 } });
    await admission.stop();
  });

  it('holds an order while the backlog is full and lets it in, first come first in, as the backlog shrinks', async () => {
    const b = backlog(2);
    const admission = createOrderAdmission({ countPending: b.countPending, maxPending: 2, waitMs: 5_000, pollMs: 10, idlePollMs: 10, log: quiet });
    admission.start();
    await readSoon(b, 1);
    const order: string[] = [];
    const first = admission.admit().then(() => order.push('first'));
    const second = admission.admit().then(() => order.push('second'));
    await readSoon(b, b.reads() + 2);
    expect(order).toEqual([]);
    b.set(1);
    await first;
    // The next read counts the order just admitted.
    b.set(2);
    await readSoon(b, b.reads() + 2);
    // The first took the one place: the second still waits.
    expect(order).toEqual(['first']);
    b.set(0);
    await second;
    expect(order).toEqual(['first', 'second']);
    await admission.stop();
  });

  it('admits everything with a bound of 0, without reading the backlog', async () => {
    const b = backlog(1_000_000);
    const admission = createOrderAdmission({ countPending: b.countPending, maxPending: 0, waitMs: 0, log: quiet });
    admission.start();
    await Promise.all(Array.from({ length: 10 }, () => admission.admit()));
    expect(b.reads()).toBe(0);
    await admission.stop();
  });

  it('keeps admitting by the last count while the backlog cannot be read', async () => {
    const b = backlog(0);
    const warnings: string[] = [];
    let failing = false;
    const admission = createOrderAdmission({
      countPending: async () => {
        if (failing) throw new Error('connection refused');
        return b.countPending();
      },
      maxPending: 2, waitMs: 50, pollMs: 10, idlePollMs: 10, log: { warn: (_obj, msg) => warnings.push(msg) },
    });
    admission.start();
    await readSoon(b, 1);
    failing = true;
    await expect.poll(() => warnings.length).toBeGreaterThan(0);
    await admission.admit();
    await admission.admit();
    await expect(admission.admit()).rejects.toMatchObject({ code: 'ORDER.BUSY' });
    await admission.stop();
  });

  it('lets in the orders still waiting when it stops', async () => {
    const b = backlog(1);
    const admission = createOrderAdmission({ countPending: b.countPending, maxPending: 1, waitMs: 5_000, pollMs: 10, idlePollMs: 10, log: quiet });
    admission.start();
    await readSoon(b, 1);
    const waiting = admission.admit();
    await admission.stop();
    await expect(waiting).resolves.toBeUndefined();
  });
});

describe.each(SHAPES)('POST /api/orders under MAX_PENDING_ORDERS (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let issuer: TestIssuer;
  let admin: string;
  /** The bound here; no inventory or payments run, so every order placed stays pending until cancelled. */
  const MAX_PENDING = 2;
  const WAIT_MS = 1_500;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    const config = loadConfig({
      OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', MAX_PENDING_ORDERS: String(MAX_PENDING), ADMISSION_WAIT_MS: String(WAIT_MS), ...issuer.env,
    }, ordersConfigSpec);
    app = await buildOrders({ ...adapters, config });
    await app.start();
    const product = cloudEvent({
      source: SOURCES.inventory, type: 'product.upserted',
      data: { sku: 'CAFE-1KG', name: 'Café', price: 4990, currency: 'BRL', updatedAt: new Date().toISOString() },
    });
    const acks = ackCounter(adapters.bus, product.id);
    await adapters.bus.publish(EXCHANGES.inventory, [product]);
    await acks.reached(1);
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (url: string, payload?: object) => app.http.inject({ method: payload ? 'POST' : 'GET', url, payload, headers: { authorization: admin } });
  const place = () => inject('/api/orders', { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa' });
  const orderCount = async () => (await inject('/api/orders?limit=100')).json().items.length as number;

  it('holds a new order while the backlog is full, refuses it with 503 and Retry-After when no room comes, writing nothing, and lets it in once an order settles', async () => {
    const placed = [await place(), await place()];
    expect(placed.map((r) => r.statusCode)).toEqual([201, 201]);

    const started = Date.now();
    const refused = await place();
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ status: 503, code: 'ORDER.BUSY' });
    expect(await orderCount()).toBe(MAX_PENDING);
    expect((await inject('/metrics')).body).toMatch(new RegExp(`^orders_pending\\{service="orders"\\} ${MAX_PENDING}$`, 'm'));

    // This one waits at the door until a cancel leaves room.
    const waiting = place();
    const cancelled = await inject(`/api/orders/${placed[0]!.json().id}/cancel`, { reason: 'changed my mind' });
    expect(cancelled.statusCode).toBe(200);
    const admitted = await waiting;
    expect(admitted.statusCode).toBe(201);
    expect(await orderCount()).toBe(MAX_PENDING + 1);
  });
});
