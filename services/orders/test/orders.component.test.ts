import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, type CloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, eventProbe, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { traceIdOf } from '@pedidos/platform/trace';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';

const fromInventory = (type: string, data: object) =>
  cloudEvent({ source: SOURCES.inventory, type, data, ...('orderId' in data ? { subject: String(data.orderId) } : {}) });

const product = (sku: string, price: number, updatedAt = new Date()) =>
  fromInventory('product.upserted', { sku, name: `Produto ${sku}`, price, currency: 'BRL', updatedAt: updatedAt.toISOString() });

describe.each(SHAPES)('orders service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let probe: Awaited<ReturnType<typeof eventProbe>>;
  let issuer: TestIssuer;
  let admin: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    // No inventory runs here: the catalog arrives as events only.
    const config = loadConfig({ OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec);
    app = await buildOrders({ ...adapters, config });
    await app.start();
    probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.orders, routingKey: '#' }]);
    const catalog = [product('CAFE-1KG', 4990), product('ACUCAR-1KG', 599), product('LEITE-1L', 549)];
    const acks = catalog.map((e) => ackCounter(adapters.bus, e.id));
    await adapters.bus.publish(EXCHANGES.inventory, catalog);
    await Promise.all(acks.map((a) => a.reached(1)));
  });
  afterAll(async () => {
    await probe?.cancel();
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.http.inject({ method, url, payload, headers: { authorization: admin, ...headers } });
  const place = (items: { sku: string; quantity: number }[], headers: Record<string, string> = {}, note?: string) =>
    inject('POST', '/api/orders', { items, ...(note ? { note } : {}) }, headers);
  const getOrder = async (id: string) => (await inject('GET', `/api/orders/${id}`)).json();
  const emitted = (orderId: string, type: string) => probe.next((e) => e.type === type && (e.data as { orderId: string }).orderId === orderId);
  const tell = async (event: CloudEvent) => {
    const acks = ackCounter(adapters.bus, event.id);
    await adapters.bus.publish(EXCHANGES.inventory, [event]);
    await acks.reached(1);
  };
  const placed = async (items = [{ sku: 'CAFE-1KG', quantity: 1 }]) => {
    const response = await place(items);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; number: number; status: string };
  };
  // Whatever earlier tests left, a write shows as a new newest order.
  const newestId = async (): Promise<string | undefined> => (await inject('GET', '/api/orders?limit=1')).json().items[0]?.id;

  it('orders placed at once are each answered on their own: accepted with its own number, refused, or the same order again for a repeated Idempotency-Key', async () => {
    const key = { 'idempotency-key': `together-${adapters.shape}` };
    const replies = await Promise.all([
      ...Array.from({ length: 12 }, () => place([{ sku: 'CAFE-1KG', quantity: 1 }])),
      place([{ sku: 'NAO-EXISTE', quantity: 1 }]),
      place([{ sku: 'ACUCAR-1KG', quantity: 2 }], key),
      place([{ sku: 'ACUCAR-1KG', quantity: 2 }], key),
      place([{ sku: 'ACUCAR-1KG', quantity: 3 }], key),
    ]);
    const accepted = replies.slice(0, 12).map((r) => r.json() as { id: string; number: number });
    expect(replies.slice(0, 12).map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    expect(new Set(accepted.map((o) => o.number)).size).toBe(12);
    expect(replies[12]!.statusCode).toBe(422);
    expect(replies[13]!.statusCode).toBe(201);
    expect(replies[14]!.statusCode).toBe(201);
    expect(replies[14]!.json().id).toBe(replies[13]!.json().id);
    expect(replies[15]!.statusCode).toBe(422);
    for (const order of [...accepted, replies[13]!.json() as { id: string; number: number }]) {
      const created = await emitted(order.id, 'order.created');
      expect(created.data).toMatchObject({ orderId: order.id, number: order.number });
      expect((await getOrder(order.id)).number).toBe(order.number);
    }
  });

  it('accepts an order priced from the catalog and queues order.created with it', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await place([{ sku: 'CAFE-1KG', quantity: 2 }, { sku: 'ACUCAR-1KG', quantity: 1 }], { traceparent }, 'sem açúcar');
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(response.headers.location).toBe(`/api/orders/${order.id}`);
    expect(order).toMatchObject({
      status: 'pending', total: 2 * 4990 + 599, currency: 'BRL', note: 'sem açúcar',
      items: [
        { sku: 'CAFE-1KG', name: 'Produto CAFE-1KG', quantity: 2, unitPrice: 4990 },
        { sku: 'ACUCAR-1KG', name: 'Produto ACUCAR-1KG', quantity: 1, unitPrice: 599 },
      ],
      history: [{ status: 'pending', reason: null }],
    });
    const created = await emitted(order.id, 'order.created');
    expect(created).toMatchObject({ specversion: '1.0', source: SOURCES.orders, subject: order.id });
    expect(traceIdOf(created.traceparent!)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(created.data).toEqual({
      orderId: order.id, number: order.number, customerId: order.customerId, total: order.total, currency: 'BRL',
      createdAt: order.createdAt, items: [{ sku: 'CAFE-1KG', quantity: 2, unitPrice: 4990 }, { sku: 'ACUCAR-1KG', quantity: 1, unitPrice: 599 }],
    });
  });

  it('confirms on stock.reserved, and a duplicate or late answer changes nothing', async () => {
    const order = await placed();
    const reserved = fromInventory('stock.reserved', { orderId: order.id, items: [{ sku: 'CAFE-1KG', quantity: 1 }] });
    await tell(reserved);
    await tell(reserved);
    await tell(fromInventory('stock.rejected', { orderId: order.id, reason: 'out_of_stock', shortages: [] }));
    const after = await getOrder(order.id);
    expect(after.status).toBe('confirmed');
    expect(after.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'confirmed']);
  });

  it('rejects on stock.rejected with the reason out_of_stock', async () => {
    const order = await placed();
    await tell(fromInventory('stock.rejected', { orderId: order.id, reason: 'out_of_stock', shortages: [{ sku: 'CAFE-1KG', requested: 1, available: 0 }] }));
    const after = await getOrder(order.id);
    expect(after.status).toBe('rejected');
    expect(after.history.at(-1)).toMatchObject({ status: 'rejected', reason: 'out_of_stock' });
  });

  it('cancels a pending order once, announcing it; a second cancel is a 409', async () => {
    const order = await placed();
    const cancelled = await inject('POST', `/api/orders/${order.id}/cancel`, { reason: 'mudei de ideia' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().history.at(-1)).toMatchObject({ status: 'cancelled', reason: 'mudei de ideia' });
    expect((await emitted(order.id, 'order.cancelled')).data).toMatchObject({ previousStatus: 'pending' });
    const again = await inject('POST', `/api/orders/${order.id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, code: 'ORDER.INVALID_TRANSITION' });
  });

  it('ships only a confirmed order, then delivers it', async () => {
    const order = await placed();
    expect((await inject('POST', `/api/orders/${order.id}/ship`)).statusCode).toBe(409);
    await tell(fromInventory('stock.reserved', { orderId: order.id, items: [{ sku: 'CAFE-1KG', quantity: 1 }] }));
    expect((await inject('POST', `/api/orders/${order.id}/deliver`)).statusCode).toBe(409);
    expect((await inject('POST', `/api/orders/${order.id}/ship`)).json().status).toBe('shipped');
    await emitted(order.id, 'order.shipped');
    const delivered = (await inject('POST', `/api/orders/${order.id}/deliver`)).json();
    expect(delivered.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'confirmed', 'shipped', 'delivered']);
    expect((await inject('POST', `/api/orders/${order.id}/cancel`)).statusCode).toBe(409);
  });

  it('refuses an unknown SKU with a 422 naming the line, and writes nothing', async () => {
    const before = await newestId();
    const response = await place([{ sku: 'CAFE-1KG', quantity: 1 }, { sku: 'NAO-EXISTE', quantity: 1 }]);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'ORDER.UNKNOWN_SKU', errors: [{ path: '/items/1/sku' }] });
    expect(await newestId()).toBe(before);
  });

  it('refuses the same SKU on two lines', async () => {
    const response = await place([{ sku: 'CAFE-1KG', quantity: 1 }, { sku: 'CAFE-1KG', quantity: 2 }]);
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([{ path: '/items/1/sku', message: expect.any(String) }]);
  });

  it('honours Idempotency-Key: same body, same order and one event; other body, 422', async () => {
    const key = { 'idempotency-key': `key-${shape}-1` };
    const first = await place([{ sku: 'LEITE-1L', quantity: 3 }], key);
    const second = await place([{ sku: 'LEITE-1L', quantity: 3 }], key);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    const other = await place([{ sku: 'LEITE-1L', quantity: 4 }], key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('ORDER.IDEMPOTENCY_KEY_REUSED');
    expect(await newestId(), 'neither the replay nor the refused body wrote an order').toBe(first.json().id);
    await emitted(first.json().id, 'order.created');
    const racing = await Promise.all([1, 2, 3].map(() => place([{ sku: 'LEITE-1L', quantity: 1 }], { 'idempotency-key': `key-${shape}-race` })));
    expect(new Set(racing.map((r) => r.json().id)).size).toBe(1);
    expect(probe.seen.filter((e) => e.type === 'order.created' && (e.data as { orderId: string }).orderId === first.json().id)).toHaveLength(1);
  });

  it('lists newest first, filters by status and pages with a cursor', async () => {
    const gone = await placed();
    await tell(fromInventory('stock.rejected', { orderId: gone.id, reason: 'out_of_stock', shortages: [] }));
    const a = await placed();
    const b = await placed();
    const firstPage = (await inject('GET', '/api/orders?limit=1')).json();
    expect(firstPage.items.map((o: { id: string }) => o.id)).toEqual([b.id]);
    const secondPage = (await inject('GET', `/api/orders?limit=1&cursor=${firstPage.nextCursor}`)).json();
    expect(secondPage.items.map((o: { id: string }) => o.id)).toEqual([a.id]);
    const rejected = (await inject('GET', '/api/orders?status=rejected&limit=1')).json();
    expect(rejected.items.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([[gone.id, 'rejected']]);
  });

  it('exposes request latency, outbox lag and consumer counts as Prometheus metrics', async () => {
    const counter = (text: string, name: string) => Number(new RegExp(`^${name}\\{queue="orders.stock-updates",service="orders"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    const before = (await inject('GET', '/metrics')).body;
    const order = await placed();
    await tell(fromInventory('stock.reserved', { orderId: order.id, items: [{ sku: 'CAFE-1KG', quantity: 1 }] }));
    const text = (await inject('GET', '/metrics')).body;
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{.*route="\/api\/orders".*\} \d+/m);
    expect(text).toMatch(/^outbox_backlog\{service="orders"\} \d+/m);
    expect(text).toMatch(/^outbox_oldest_age_seconds\{service="orders"\} [\d.]+/m);
    // Counted from what earlier tests left: the message handled here is processed, not dead-lettered.
    expect(counter(text, 'messages_processed_total')).toBeGreaterThan(counter(before, 'messages_processed_total') || 0);
    expect(counter(text, 'messages_dead_lettered_total')).toBe(counter(before, 'messages_dead_lettered_total') || 0);
  });

  it('reports its outbox lag and its dead letters to administrators', async () => {
    const poison = fromInventory('stock.reserved', { orderId: 'not-a-uuid' });
    const dead = new Promise<void>((resolve) => {
      const off = adapters.bus.on((s) => {
        if (s.kind === 'dead' && s.event?.id === poison.id) {
          off();
          resolve();
        }
      });
    });
    await adapters.bus.publish(EXCHANGES.inventory, [poison]);
    await dead;
    const report = (await inject('GET', '/api/orders/operations')).json();
    expect(report).toMatchObject({ outbox: { backlog: expect.any(Number) }, deadLetters: { 'orders.stock-updates': 1, 'orders.catalog': 0 } });
    expect((await app.http.inject({ method: 'GET', url: '/api/orders/operations' })).statusCode).toBe(401);
  });

  it('documents every route of the contract in its OpenAPI document', async () => {
    const doc = (await inject('GET', '/docs/json')).json();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/orders', '/api/orders/operations', '/api/orders/stream', '/api/orders/{id}', '/api/orders/{id}/cancel', '/api/orders/{id}/deliver', '/api/orders/{id}/ship',
    ]);
    expect(Object.keys(doc.paths['/api/orders']).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/orders'].post.responses['201']).toBeDefined();
    expect(doc.paths['/api/orders'].post.responses['422'].content['application/problem+json']).toBeDefined();
  });

  it('answers 404 problem+json for an order that does not exist', async () => {
    const response = await inject('GET', '/api/orders/00000000-0000-4000-8000-00000000dead');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, code: 'ORDER.NOT_FOUND' });
  });

  it('keeps the newest catalog price when an older product.upserted arrives late', async () => {
    await tell(product('PRECO', 1000, new Date('2026-01-02T00:00:00Z')));
    await tell(product('PRECO', 500, new Date('2026-01-01T00:00:00Z')));
    expect((await place([{ sku: 'PRECO', quantity: 1 }])).json().total).toBe(1000);
    await tell(product('PRECO', 1200, new Date('2026-01-03T00:00:00Z')));
    expect((await place([{ sku: 'PRECO', quantity: 1 }])).json().total).toBe(1200);
  });

  it('expires a pending order nobody answered, and asks inventory to release it', async () => {
    const order = await placed();
    expect(await app.service.expirePending(0)).toBeGreaterThan(0);
    const after = await getOrder(order.id);
    expect(after.history.at(-1)).toMatchObject({ status: 'rejected', reason: 'expired' });
    expect((await emitted(order.id, 'order.cancelled')).data).toMatchObject({ reason: 'expired', previousStatus: 'pending' });
  });
});
