import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, eventProbe, openTestAdapters, storageOptions, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { traceIdOf } from '@pedidos/platform/trace';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const orderCreated = (items: { sku: string; quantity: number }[], orderId = randomUUID()) =>
  cloudEvent({
    source: SOURCES.orders,
    type: 'order.created',
    subject: orderId,
    traceparent: TRACE,
    data: {
      orderId, number: 1001, customerId: randomUUID(), currency: 'BRL', createdAt: new Date().toISOString(),
      items: items.map((i) => ({ ...i, unitPrice: 100 })), total: 100,
    },
  });

const orderFact = (type: 'order.cancelled' | 'order.shipped', orderId: string) =>
  cloudEvent({
    source: SOURCES.orders, type, subject: orderId,
    data: type === 'order.cancelled' ? { orderId, reason: null, previousStatus: 'confirmed' } : { orderId },
  });

describe.each(SHAPES)('inventory service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildInventory>>;
  let probe: Awaited<ReturnType<typeof eventProbe>>;
  let issuer: TestIssuer;
  let admin: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    const config = loadConfig({ SEED_DEMO_DATA: 'false', OUTBOX_POLL_MS: '100', ...issuer.env }, inventoryConfigSpec);
    app = await buildInventory({ ...adapters, config });
    await app.start();
    probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.inventory, routingKey: '#' }]);
  });
  afterAll(async () => {
    await probe?.cancel();
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.http.inject({ method, url, payload, headers: { authorization: admin } });
  const product = async (sku: string) => (await inject('GET', `/api/products/${sku}`)).json();
  const publishOrderEvent = (event: ReturnType<typeof cloudEvent>) => adapters.bus.publish(EXCHANGES.orders, [event]);
  const answerTo = (orderId: string, type: string) => probe.next((e) => e.type === type && (e.data as { orderId: string }).orderId === orderId);

  it('has its outbox vacuumed after a fixed number of dead rows, not once a fifth of the table is dead', async () => {
    expect(await storageOptions(adapters.database, 'inventory')).toEqual({ outbox: ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=5000'] });
  });

  it('creates a product, announces it, and refuses the same SKU twice', async () => {
    const created = await inject('POST', '/api/products', { sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', price: 4990, onHand: 10 });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/api/products/CAFE-1KG');
    expect(created.json()).toMatchObject({ sku: 'CAFE-1KG', price: 4990, currency: 'BRL', onHand: 10, reserved: 0, available: 10 });
    const announced = await probe.next((e) => e.type === 'product.upserted' && (e.data as { sku: string }).sku === 'CAFE-1KG');
    expect(announced.data).toMatchObject({ name: 'Café em grãos 1 kg', price: 4990, currency: 'BRL' });

    const again = await inject('POST', '/api/products', { sku: 'CAFE-1KG', name: 'Outro', price: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect((await product('CAFE-1KG')).name).toBe('Café em grãos 1 kg');
  });

  it('changes a price and announces the new one', async () => {
    await inject('POST', '/api/products', { sku: 'PRICE-1', name: 'Preço', price: 100 });
    const patched = await inject('PATCH', '/api/products/PRICE-1', { price: 250 });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().price).toBe(250);
    await probe.next((e) => e.type === 'product.upserted' && (e.data as { sku: string; price: number }).price === 250);
  });

  it('reserves every line of an order and answers stock.reserved', async () => {
    await inject('POST', '/api/products', { sku: 'RES-A', name: 'A', price: 100, onHand: 5 });
    await inject('POST', '/api/products', { sku: 'RES-B', name: 'B', price: 100, onHand: 5 });
    const order = orderCreated([{ sku: 'RES-B', quantity: 2 }, { sku: 'RES-A', quantity: 3 }]);
    await publishOrderEvent(order);
    const reserved = await answerTo(order.data.orderId, 'stock.reserved');
    expect(reserved.source).toBe(SOURCES.inventory);
    expect(traceIdOf(reserved.traceparent!)).toBe(traceIdOf(TRACE));
    expect(await product('RES-A')).toMatchObject({ onHand: 5, reserved: 3, available: 2 });
    expect(await product('RES-B')).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
  });

  it('reserves nothing when one line is short, and says which', async () => {
    await inject('POST', '/api/products', { sku: 'SHORT-A', name: 'A', price: 100, onHand: 5 });
    await inject('POST', '/api/products', { sku: 'SHORT-B', name: 'B', price: 100, onHand: 1 });
    const order = orderCreated([{ sku: 'SHORT-A', quantity: 2 }, { sku: 'SHORT-B', quantity: 2 }]);
    await publishOrderEvent(order);
    const rejected = await answerTo(order.data.orderId, 'stock.rejected');
    expect(rejected.data).toEqual({ orderId: order.data.orderId, reason: 'out_of_stock', shortages: [{ sku: 'SHORT-B', requested: 2, available: 1 }] });
    expect(await product('SHORT-A')).toMatchObject({ reserved: 0, available: 5 });
  });

  it('releases a cancelled order and ships a shipped one, writing the ledger', async () => {
    await inject('POST', '/api/products', { sku: 'LEDGER', name: 'L', price: 100, onHand: 10 });
    const toCancel = orderCreated([{ sku: 'LEDGER', quantity: 4 }]);
    const toShip = orderCreated([{ sku: 'LEDGER', quantity: 3 }]);
    await publishOrderEvent(toCancel);
    await publishOrderEvent(toShip);
    await answerTo(toCancel.data.orderId, 'stock.reserved');
    await answerTo(toShip.data.orderId, 'stock.reserved');
    expect(await product('LEDGER')).toMatchObject({ onHand: 10, reserved: 7 });

    await publishOrderEvent(orderFact('order.cancelled', toCancel.data.orderId));
    await answerTo(toCancel.data.orderId, 'stock.released');
    await publishOrderEvent(orderFact('order.shipped', toShip.data.orderId));
    await answerTo(toShip.data.orderId, 'stock.shipped');
    expect(await product('LEDGER')).toMatchObject({ onHand: 7, reserved: 0, available: 7 });

    const ledger = (await inject('GET', '/api/products/LEDGER/movements')).json();
    expect(ledger.items.map((m: { kind: string; quantity: number }) => [m.kind, m.quantity])).toEqual([
      ['shipment', -3], ['release', -4], ['reservation', 3], ['reservation', 4], ['adjustment', 10],
    ]);
    expect(ledger.items[0]).toMatchObject({ orderId: toShip.data.orderId, onHand: 7, reserved: 0 });
    // Each row says apart what it did to the stock on hand and to what is reserved.
    expect(ledger.items.map((m: { onHandChange: number; reservedChange: number }) => [m.onHandChange, m.reservedChange])).toEqual([
      [-3, -3], [0, -4], [0, 3], [0, 4], [10, 0],
    ]);
  });

  it('a cancel that overtakes its order leaves nothing reserved', async () => {
    await inject('POST', '/api/products', { sku: 'RACE', name: 'R', price: 100, onHand: 3 });
    const order = orderCreated([{ sku: 'RACE', quantity: 1 }]);
    const cancel = orderFact('order.cancelled', order.data.orderId);
    // The two travel on different queues: the cancel is applied in full before its order arrives.
    const cancelAcks = ackCounter(adapters.bus, cancel.id);
    await publishOrderEvent(cancel);
    await cancelAcks.reached(1);
    const acks = ackCounter(adapters.bus, order.id);
    await publishOrderEvent(order);
    await acks.reached(1);
    expect(await product('RACE')).toMatchObject({ reserved: 0, available: 3 });
    expect(probe.seen.some((e) => (e.data as { orderId?: string }).orderId === order.data.orderId)).toBe(false);
  });

  it('a batch of new orders for more than the stock reserves them in arrival order, all lines or none, and each ledger row tells the levels it left', async () => {
    await inject('POST', '/api/products', { sku: 'LOTE-A', name: 'A', price: 100, onHand: 3 });
    await inject('POST', '/api/products', { sku: 'LOTE-B', name: 'B', price: 100, onHand: 10 });
    const orders = [
      orderCreated([{ sku: 'LOTE-B', quantity: 2 }, { sku: 'LOTE-A', quantity: 2 }]),
      orderCreated([{ sku: 'LOTE-A', quantity: 2 }, { sku: 'LOTE-B', quantity: 1 }]),
      orderCreated([{ sku: 'LOTE-A', quantity: 1 }]),
      orderCreated([{ sku: 'LOTE-B', quantity: 3 }]),
    ];
    await app.service.onOrdersCreated('novos_pedidos', orders);
    // The same batch delivered again changes nothing.
    await app.service.onOrdersCreated('novos_pedidos', orders);

    const answers = await Promise.all(orders.map((o) => probe.next((e) => e.type.startsWith('stock.') && (e.data as { orderId: string }).orderId === o.data.orderId)));
    expect(answers.map((e) => e.type)).toEqual(['stock.reserved', 'stock.rejected', 'stock.reserved', 'stock.reserved']);
    expect(answers[1]!.data).toMatchObject({ shortages: [{ sku: 'LOTE-A', requested: 2, available: 1 }] });
    expect(await product('LOTE-A')).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    expect(await product('LOTE-B')).toMatchObject({ onHand: 10, reserved: 5, available: 5 });
    const ledger = (await inject('GET', '/api/products/LOTE-B/movements')).json();
    expect(ledger.items.filter((m: { kind: string }) => m.kind === 'reservation').map((m: { quantity: number; reserved: number }) => [m.quantity, m.reserved])).toEqual([[3, 5], [2, 2]]);
    expect(probe.seen.filter((e) => e.type.startsWith('stock.') && orders.some((o) => o.data.orderId === (e.data as { orderId: string }).orderId))).toHaveLength(4);
  });

  it('the same order.created delivered three times reserves once', async () => {
    await inject('POST', '/api/products', { sku: 'DUP', name: 'D', price: 100, onHand: 10 });
    const order = orderCreated([{ sku: 'DUP', quantity: 2 }]);
    const acks = ackCounter(adapters.bus, order.id);
    await publishOrderEvent(order);
    await publishOrderEvent(order);
    await publishOrderEvent(order);
    await acks.reached(3);
    await answerTo(order.data.orderId, 'stock.reserved');
    expect(await product('DUP')).toMatchObject({ reserved: 2, available: 8 });
    expect(probe.seen.filter((e) => (e.data as { orderId?: string }).orderId === order.data.orderId)).toHaveLength(1);
  });

  it('adjusts stock with a reason, but never below what is reserved', async () => {
    await inject('POST', '/api/products', { sku: 'ADJ', name: 'Adj', price: 100, onHand: 5 });
    const order = orderCreated([{ sku: 'ADJ', quantity: 4 }]);
    await publishOrderEvent(order);
    await answerTo(order.data.orderId, 'stock.reserved');
    const tooMuch = await inject('POST', '/api/products/ADJ/adjustments', { delta: -2, reason: 'contagem' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.headers['content-type']).toContain('application/problem+json');
    expect(tooMuch.json()).toMatchObject({ code: 'STOCK.BELOW_RESERVED', maxRemovable: 1, onHand: 5, reserved: 4 });
    expect(tooMuch.json().detail).toContain('At most 1 can be removed');
    const restock = await inject('POST', '/api/products/ADJ/adjustments', { delta: 20, reason: 'reposição' });
    expect(restock.json()).toMatchObject({ onHand: 25, reserved: 4, available: 21 });
    const ledger = (await inject('GET', '/api/products/ADJ/movements?limit=1')).json();
    expect(ledger.items[0]).toMatchObject({ kind: 'adjustment', quantity: 20, reason: 'reposição', onHand: 25 });
    expect(ledger.nextCursor).toEqual(expect.any(String));
  });

  it('reports its outbox lag and its dead letters to administrators', async () => {
    await inject('POST', '/api/products', { sku: 'OPS-1', name: 'Ops', price: 100, onHand: 1 });
    const poison = cloudEvent({ source: SOURCES.orders, type: 'order.created', data: { orderId: 'not-a-uuid' } });
    const dead = new Promise<void>((resolve) => { const off = adapters.bus.on((s) => { if (s.kind === 'dead' && s.event?.id === poison.id) { off(); resolve(); } }); });
    await publishOrderEvent(poison);
    await dead;
    const report = (await inject('GET', '/api/products/operations')).json();
    expect(report).toMatchObject({ outbox: { backlog: expect.any(Number), oldestAgeSeconds: expect.any(Number) }, deadLetters: { novos_pedidos: 1, 'inventory.order-updates': 0 } });
    const anonymous = await app.http.inject({ method: 'GET', url: '/api/products/operations' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('documents every route of the contract in its OpenAPI document', async () => {
    const doc = (await inject('GET', '/docs/json')).json();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/products', '/api/products/operations', '/api/products/{sku}', '/api/products/{sku}/adjustments', '/api/products/{sku}/image',
      '/api/products/{sku}/movements',
    ]);
    expect(Object.keys(doc.paths['/api/products/{sku}/image']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/api/products']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/products/{sku}']).sort()).toEqual(['get', 'patch']);
  });

  it('lists products by name page by page and searches name or SKU', async () => {
    const page1 = (await inject('GET', '/api/products?limit=2')).json();
    expect(page1.items).toHaveLength(2);
    const page2 = (await inject('GET', `/api/products?limit=2&cursor=${page1.nextCursor}`)).json();
    const firstFour = (await inject('GET', '/api/products?limit=4')).json();
    expect([...page1.items, ...page2.items]).toEqual(firstFour.items);
    const found = (await inject('GET', '/api/products?q=caf')).json();
    expect(found.items.map((p: { sku: string }) => p.sku)).toEqual(['CAFE-1KG']);
    expect((await inject('GET', '/api/products?cursor=nope!')).statusCode).toBe(400);
  });
});

