import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { createOrderAdmission, type OrderAdmissionOptions } from '../src/order-admission';

const quiet = { warn() {}, info() {} };

/** A backlog whose every read the test answers: `reads[i]` is the i-th read of the count, still open until answered. */
function scriptedBacklog() {
  const reads: { answer(pending: number): void; fail(error: Error): void }[] = [];
  return {
    countPending: () => new Promise<number>((resolve, reject) => reads.push({ answer: resolve, fail: reject })),
    reads,
    /** Resolves once the backlog was asked for `n` times in all. */
    asked: (n: number) => expect.poll(() => reads.length).toBeGreaterThanOrEqual(n),
  };
}
/** Lets every promise callback queued so far run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('order admission', () => {
  const options = { maxPending: 2, waitMs: 5_000, pollMs: 10, idlePollMs: 10, log: quiet };

  /** An admission started on a scripted backlog whose first read found `pending` orders. */
  async function startedAt(pending: number, overrides: Partial<OrderAdmissionOptions> = {}) {
    const backlog = scriptedBacklog();
    const admission = createOrderAdmission({ ...options, countPending: backlog.countPending, ...overrides });
    const started = admission.start();
    backlog.reads[0]!.answer(pending);
    await started;
    return { admission, backlog };
  }

  it('counts the orders it admitted until a read began after they were placed: those still being placed, then those placed since', async () => {
    const { admission } = await startedAt(0, { waitMs: 50, pollMs: 60_000, idlePollMs: 60_000 });
    const placedFirst = await admission.admit();
    await admission.admit();
    await expect(admission.admit()).rejects.toMatchObject({ code: 'ORDER.BUSY', facts: { retryAfterS: 1 } });
    // Placed: it still takes its place until a read that began after that.
    placedFirst();
    await expect(admission.admit()).rejects.toMatchObject({ code: 'ORDER.BUSY' });
    admission.stop();
  });

  it('lets no order in on a read that may have missed the orders placed while it ran', async () => {
    const { admission, backlog } = await startedAt(0);
    const first = await admission.admit();
    const second = await admission.admit();
    let third = false;
    const waiting = admission.admit().then((release) => {
      third = true;
      return release;
    });
    await backlog.asked(2);
    // Both are placed while the read runs, and it counts neither: the next one does.
    first();
    second();
    backlog.reads[1]!.answer(0);
    await settled();
    expect(third).toBe(false);
    await backlog.asked(3);
    backlog.reads[2]!.answer(2);
    await settled();
    expect(third).toBe(false);
    // The saga settled one of them.
    await backlog.asked(4);
    backlog.reads[3]!.answer(1);
    await waiting;
    expect(third).toBe(true);
    admission.stop();
  });

  it('holds orders while the backlog is full and lets them in first come first in, each taking its place', async () => {
    const { admission, backlog } = await startedAt(2);
    const order: string[] = [];
    const first = admission.admit().then(() => order.push('first'));
    const second = admission.admit().then(() => order.push('second'));
    await backlog.asked(2);
    backlog.reads[1]!.answer(1);
    await first;
    await settled();
    expect(order).toEqual(['first']);
    await backlog.asked(3);
    backlog.reads[2]!.answer(0);
    await second;
    expect(order).toEqual(['first', 'second']);
    admission.stop();
  });

  it('reads the backlog sooner as soon as it nears the bound, not at the idle pace', async () => {
    const { admission, backlog } = await startedAt(0, { maxPending: 4, idlePollMs: 60_000 });
    await admission.admit();
    await settled();
    expect(backlog.reads).toHaveLength(1);
    // Half the bound taken: the next read is due within pollMs.
    await admission.admit();
    await backlog.asked(2);
    admission.stop();
  });

  it('admits everything with a bound of 0, without reading the backlog', async () => {
    const backlog = scriptedBacklog();
    const admission = createOrderAdmission({ ...options, maxPending: 0, countPending: backlog.countPending });
    await admission.start();
    await Promise.all(Array.from({ length: 10 }, () => admission.admit()));
    expect(backlog.reads).toHaveLength(0);
    admission.stop();
  });

  it('counts from the last read while the backlog cannot be read, warning once, and says when it can again', async () => {
    const said: string[] = [];
    const { admission, backlog } = await startedAt(0, {
      waitMs: 50, log: { warn: (_obj, msg) => said.push(`warn: ${msg}`), info: (_obj, msg) => said.push(`info: ${msg}`) },
    });
    for (const n of [2, 3, 4]) {
      await backlog.asked(n);
      backlog.reads[n - 1]!.fail(new Error('connection refused'));
    }
    await admission.admit();
    await admission.admit();
    await expect(admission.admit()).rejects.toMatchObject({ code: 'ORDER.BUSY' });
    await backlog.asked(5);
    backlog.reads[4]!.answer(0);
    await expect.poll(() => said).toEqual([
      'warn: could not read the backlog of pending orders; counting from the last read until it can',
      'info: the backlog of pending orders can be read again',
    ]);
    admission.stop();
  });

  it('lets in the orders still waiting when it stops, and every order after', async () => {
    const { admission } = await startedAt(2);
    const waiting = admission.admit();
    admission.stop();
    await expect(waiting).resolves.toBeTypeOf('function');
    await expect(admission.admit()).resolves.toBeTypeOf('function');
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
  const place = (headers: Record<string, string> = {}) => app.http.inject({
    method: 'POST', url: '/api/orders', payload: { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa' }, headers: { authorization: admin, ...headers },
  });
  const orderCount = async () => (await inject('/api/orders?limit=100')).json().items.length as number;

  it('holds a new order while the backlog is full, refuses it with 503 and Retry-After when no room comes, writing nothing, and lets it in once an order settles; a retry of a placed order is answered at once', async () => {
    const key = { 'idempotency-key': `admission-${shape}` };
    const placed = [await place(key), await place()];
    expect(placed.map((r) => r.statusCode)).toEqual([201, 201]);

    // The retry of an order placed already is answered at once, full or not.
    const retriedAt = Date.now();
    const retry = await place(key);
    expect(Date.now() - retriedAt).toBeLessThan(WAIT_MS);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(placed[0]!.json().id);

    const started = Date.now();
    const refused = await place();
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ status: 503, code: 'ORDER.BUSY' });
    expect(await orderCount()).toBe(MAX_PENDING);
    const metrics = (await inject('/metrics')).body;
    expect(metrics).toMatch(new RegExp(`^orders_pending\\{service="orders"\\} ${MAX_PENDING}$`, 'm'));
    expect(metrics).toMatch(/^orders_admission_refused_total\{service="orders"\} 1$/m);

    // This one waits at the door until a cancel leaves room.
    const waiting = place();
    let answered = false;
    void waiting.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    const cancelled = await inject(`/api/orders/${placed[0]!.json().id}/cancel`, { reason: 'changed my mind' });
    expect(cancelled.statusCode).toBe(200);
    const admitted = await waiting;
    expect(admitted.statusCode).toBe(201);
    expect(await orderCount()).toBe(MAX_PENDING + 1);
  });
});
