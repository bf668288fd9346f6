import { connect as amqpConnect } from 'amqplib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, type CloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, eventProbe, openTestAdapters, storageOptions, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { traceIdOf } from '@pedidos/platform/trace';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import type { Order } from '@pedidos/contracts/orders';
import type { PaymentSummary } from '@pedidos/contracts/payments';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { QUEUES } from '../src/messaging/handlers';

const fromInventory = (type: string, data: object) =>
  cloudEvent({ source: SOURCES.inventory, type, data, ...('orderId' in data ? { subject: String(data.orderId) } : {}) });

/** A `payment.*` event as the payments service publishes it: the payment as it stands after its `version`-th change. */
const fromPayments = (type: string, orderId: string, version: number, payment: Partial<PaymentSummary> = {}, extra: object = {}) =>
  cloudEvent({
    source: SOURCES.payments, type, subject: orderId,
    data: { orderId, payment: { status: 'authorized', amount: 4990, captured: 0, refunded: 0, brand: 'visa', last4: '4242', ...payment }, version, ...extra },
  });

const PAYMENT_METHOD = 'pm_card_visa';

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
  const place = (items: { sku: string; quantity: number }[], headers: Record<string, string> = {}, note?: string, paymentMethod = PAYMENT_METHOD) =>
    inject('POST', '/api/orders', { items, ...(note ? { note } : {}), paymentMethod }, headers);
  const getOrder = async (id: string) => (await inject('GET', `/api/orders/${id}`)).json();
  const emitted = (orderId: string, type: string) => probe.next((e) => e.type === type && (e.data as { orderId: string }).orderId === orderId);
  /** Publishes as the event's source would, on its exchange; resolves once the service has handled it. */
  const tell = async (event: CloudEvent) => {
    const acks = ackCounter(adapters.bus, event.id);
    await adapters.bus.publish(event.source === SOURCES.payments ? EXCHANGES.payments : EXCHANGES.inventory, [event]);
    await acks.reached(1);
  };
  const authorize = (orderId: string, version = 1) => tell(fromPayments('payment.authorized', orderId, version));
  const placed = async (items = [{ sku: 'CAFE-1KG', quantity: 1 }]) => {
    const response = await place(items);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; number: number; status: string };
  };
  // Whatever earlier tests left, a write shows as a new newest order.
  const newestId = async (): Promise<string | undefined> => (await inject('GET', '/api/orders?limit=1')).json().items[0]?.id;

  it('has its outbox and orders vacuumed after a fixed number of dead rows, not once a fifth of the table is dead', async () => {
    expect(await storageOptions(adapters.database, 'orders')).toEqual({ outbox: ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=5000'], orders: ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000'] });
  });

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
      paymentMethod: PAYMENT_METHOD, customer: null, shippingAddress: null,
    });
    // No address is SQL's NULL, not JSON's null.
    const { rows } = await adapters.database.db.execute<{ absent: boolean }>(sql`SELECT shipping_address IS NULL AS absent FROM orders.orders WHERE id = ${order.id}::uuid`);
    expect(rows).toEqual([{ absent: true }]);
  });

  it('keeps who ordered, from the token, and where it goes, as given: on the order, in order.created, and once read back', async () => {
    const ana = await issuer.bearer({ role: 'customer', extra: { name: 'Ana Souza', email: 'ana@example.com' } });
    const shippingAddress = { name: 'Ana Souza', line1: 'Rua Augusta, 100', city: 'São Paulo', state: 'SP', postalCode: '01305000', country: 'BR' };
    const response = await app.http.inject({
      method: 'POST', url: '/api/orders', headers: { authorization: ana },
      payload: { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: PAYMENT_METHOD, shippingAddress },
    });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    // Kept as of the order's creation; the CEP written the usual way.
    const expected = { customer: { name: 'Ana Souza', email: 'ana@example.com' }, shippingAddress: { ...shippingAddress, line2: null, postalCode: '01305-000' } };
    expect(order).toMatchObject(expected);
    expect(await getOrder(order.id)).toMatchObject(expected);
    expect((await emitted(order.id, 'order.created')).data).toMatchObject(expected);
    const listed = (await inject('GET', '/api/orders?limit=5')).json().items.find((o: Order) => o.id === order.id);
    expect(listed).toMatchObject(expected);
  });

  it('finds orders by number, by part of the customer\'s e-mail or name (any case), and by creation range', async () => {
    const tag = Math.random().toString(36).slice(2, 10);
    const bia = await issuer.bearer({ role: 'customer', extra: { name: `Beatriz ${tag}`, email: `bia.${tag}@example.com` } });
    const caio = await issuer.bearer({ role: 'customer', extra: { name: `Caio ${tag}`, email: `caio.${tag}@example.com` } });
    const placeAs = async (who: string) => {
      const response = await app.http.inject({ method: 'POST', url: '/api/orders', headers: { authorization: who }, payload: { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: PAYMENT_METHOD } });
      return response.json() as Order;
    };
    const first = await placeAs(bia);
    const second = await placeAs(caio);
    const third = await placeAs(bia);
    const numbers = async (query: string) => ((await inject('GET', `/api/orders?${query}`)).json().items as Order[]).map((o) => o.number);

    expect(await numbers(`q=BIA.${tag}`)).toEqual([third.number, first.number]);
    expect(await numbers(`q=${encodeURIComponent(`caio ${tag}`)}`)).toEqual([second.number]);
    expect(await numbers(`q=${second.number}`)).toEqual([second.number]);
    expect(await numbers(`q=${tag}&from=${encodeURIComponent(second.createdAt)}`)).toEqual([third.number, second.number]);
    expect(await numbers(`q=${tag}&to=${encodeURIComponent(second.createdAt)}`)).toEqual([second.number, first.number]);
    // A customer's search stays within their own orders.
    const own = await app.http.inject({ method: 'GET', url: `/api/orders?q=${tag}`, headers: { authorization: caio } });
    expect((own.json().items as Order[]).map((o) => o.number)).toEqual([second.number]);
    expect((await inject('GET', '/api/orders?from=yesterday')).statusCode).toBe(400);
  });

  it('exports the filtered list as CSV to admins, escaped and safe to open in a spreadsheet', async () => {
    const tag = Math.random().toString(36).slice(2, 10);
    const dora = await issuer.bearer({ role: 'customer', extra: { name: `Dora, "a" ${tag}`, email: `dora.${tag}@example.com` } });
    const placeAs = async (note: string) => (await app.http.inject({
      method: 'POST', url: '/api/orders', headers: { authorization: dora },
      payload: { items: [{ sku: 'CAFE-1KG', quantity: 2 }, { sku: 'LEITE-1L', quantity: 1 }], paymentMethod: PAYMENT_METHOD, note },
    })).json() as Order;
    const older = await placeAs('=HYPERLINK("http://x")');
    const newer = await placeAs('ring twice');

    const response = await inject('GET', `/api/orders?q=${tag}`, undefined, { accept: 'text/csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="orders.csv"');
    const lines = response.body.trimEnd().split('\n');
    expect(lines[0]).toBe('number,created_at,status,customer_name,customer_email,items,total,currency,payment_status,ship_to,address_line1,address_line2,city,state,postal_code,country,note,id');
    expect(lines.slice(1)).toEqual([
      `${newer.number},${newer.createdAt},pending,"Dora, ""a"" ${tag}",dora.${tag}@example.com,2 x CAFE-1KG; 1 x LEITE-1L,105.29,BRL,,,,,,,,,ring twice,${newer.id}`,
      `${older.number},${older.createdAt},pending,"Dora, ""a"" ${tag}",dora.${tag}@example.com,2 x CAFE-1KG; 1 x LEITE-1L,105.29,BRL,,,,,,,,,"'=HYPERLINK(""http://x"")",${older.id}`,
    ]);
    const asCustomer = await app.http.inject({ method: 'GET', url: '/api/orders', headers: { authorization: dora, accept: 'text/csv' } });
    expect(asCustomer.statusCode).toBe(403);
  });

  it('exports a list longer than a page: every order once, newest first', async () => {
    const tag = Math.random().toString(36).slice(2, 10);
    const count = 1_234;
    await adapters.database.db.execute(sql`
      INSERT INTO orders.orders (id, number, customer_id, status, total, currency, customer_name, customer_email, created_at, updated_at)
      SELECT gen_random_uuid(), nextval('orders.order_number_seq'), gen_random_uuid(), 'delivered', 100 * n, 'BRL', 'Bulk ' || n, 'bulk.' || ${tag} || '.' || n || '@example.com', now(), now()
      FROM generate_series(1, ${count}::int) AS n`);
    const response = await inject('GET', `/api/orders?q=bulk.${tag}.`, undefined, { accept: 'text/csv' });
    expect(response.statusCode).toBe(200);
    const numbers = response.body.trimEnd().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
    expect(numbers).toHaveLength(count);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(new Set(numbers).size).toBe(count);
  });

  it('refuses a Brazilian address without a CEP with a 400 naming the field, and writes nothing', async () => {
    const before = await newestId();
    const response = await inject('POST', '/api/orders', {
      items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: PAYMENT_METHOD,
      shippingAddress: { name: 'Ana', line1: 'Rua Augusta, 100', city: 'São Paulo', state: 'SP', postalCode: '1305', country: 'BR' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'ORDER.INVALID_ADDRESS', errors: [{ path: '/shippingAddress/postalCode' }] });
    const missingCity = await inject('POST', '/api/orders', {
      items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: PAYMENT_METHOD,
      shippingAddress: { name: 'Ana', line1: 'Rua Augusta, 100', state: 'SP', postalCode: '01305-000', country: 'BR' },
    });
    expect(missingCity.statusCode).toBe(400);
    expect(JSON.stringify(missingCity.json().errors)).toContain('city');
    expect(await newestId()).toBe(before);
  });

  it('confirms on payment.authorized, and a duplicate or late answer changes nothing', async () => {
    const order = await placed();
    const authorized = fromPayments('payment.authorized', order.id, 1);
    await tell(authorized);
    await tell(authorized);
    await tell(fromInventory('stock.rejected', { orderId: order.id, reason: 'out_of_stock', shortages: [] }));
    const after = await getOrder(order.id);
    expect(after.status).toBe('confirmed');
    expect(after.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'confirmed']);
  });

  it('rejects on stock.rejected with the reason out_of_stock, and keeps which lines were short by how much', async () => {
    const order = await placed();
    const shortages = [{ sku: 'CAFE-1KG', requested: 1, available: 0 }];
    await tell(fromInventory('stock.rejected', { orderId: order.id, reason: 'out_of_stock', shortages }));
    const after: Order = await getOrder(order.id);
    expect(after.status).toBe('rejected');
    expect(after.history.at(-1)).toEqual({ status: 'rejected', reason: 'out_of_stock', actor: null, at: expect.any(String), shortages });
    expect(after.history[0]).not.toHaveProperty('shortages');
    // The live stream's event carries them too: the customer's page learns them without a reload.
    const rejected = (e: CloudEvent) => e.type === 'order.status-changed' && (e.data as { order: Order }).order.id === order.id && (e.data as { order: Order }).order.status === 'rejected';
    expect((await probe.next(rejected)).data)
      .toMatchObject({ order: { history: [{ status: 'pending' }, { status: 'rejected', shortages }] } });
  });

  it('leaves the order pending on stock.reserved alone, even on a stock queue an earlier release bound to it', async () => {
    const order = await placed();
    const marker = await placed();
    if (shape === 'real') await bindEarlierRelease(adapters.urls.rabbitmq!, QUEUES.stockUpdates, EXCHANGES.inventory, 'stock.reserved');
    const reserved = fromInventory('stock.reserved', { orderId: order.id, items: [{ sku: 'CAFE-1KG', quantity: 1 }] });
    // Published after it on the same queue: once the marker is handled, so is whatever stock.reserved reached.
    const after = fromInventory('stock.rejected', { orderId: marker.id, reason: 'out_of_stock', shortages: [] });
    const acks = [reserved, after].map((e) => ackCounter(adapters.bus, e.id));
    await adapters.bus.publish(EXCHANGES.inventory, [reserved, after]);
    await acks[1]!.reached(1);
    // Where it does reach the queue it is accepted, not retried into the dead letters.
    if (shape === 'real') await acks[0]!.reached(1);
    expect((await getOrder(marker.id)).status).toBe('rejected');
    const still = await getOrder(order.id);
    expect(still.status).toBe('pending');
    expect(still.history.map((h: { status: string }) => h.status)).toEqual(['pending']);
    expect(still.payment).toBeNull();
    await authorize(order.id);
    expect((await getOrder(order.id)).status).toBe('confirmed');
  });

  it('confirms on payment.authorized with the payment\'s summary on the order, and the same event again changes nothing', async () => {
    const order = await placed();
    expect((await getOrder(order.id)).payment).toBeNull();
    const authorized = fromPayments('payment.authorized', order.id, 2, { status: 'authorized', amount: 4990, brand: 'mastercard', last4: '4444' });
    await tell(authorized);
    const confirmed = await getOrder(order.id);
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      payment: { status: 'authorized', amount: 4990, captured: 0, refunded: 0, brand: 'mastercard', last4: '4444' },
    });
    expect(confirmed.history.at(-1)).toMatchObject({ status: 'confirmed', reason: null, actor: null });
    // The live stream's copy carries the payment too.
    const changed = await probe.next((e) => e.type === 'order.status-changed' && (e.data as { order: Order }).order.id === order.id && (e.data as { order: Order }).order.status === 'confirmed');
    expect((changed.data as { order: Order }).order.payment).toEqual(confirmed.payment);
    await tell(authorized);
    expect(await getOrder(order.id)).toEqual(confirmed);
  });

  it('rejects on payment.declined with the reason payment_declined, and asks inventory to release the stock', async () => {
    const order = await placed();
    await tell(fromPayments('payment.declined', order.id, 2, { status: 'declined', brand: 'visa', last4: '0002' }, { code: 'card_declined' }));
    const after = await getOrder(order.id);
    expect(after.status).toBe('rejected');
    expect(after.history.at(-1)).toMatchObject({ status: 'rejected', reason: 'payment_declined' });
    expect(after.payment).toEqual({ status: 'declined', amount: 4990, captured: 0, refunded: 0, brand: 'visa', last4: '0002' });
    const cancelled = await emitted(order.id, 'order.cancelled');
    expect(cancelled).toMatchObject({ source: SOURCES.orders, subject: order.id });
    expect(cancelled.data).toEqual({ orderId: order.id, reason: 'payment_declined', previousStatus: 'pending' });
  });

  it('keeps the payment summary of the largest version: a late payment.authorized (version 2) after payment.captured (version 3) leaves the captured one', async () => {
    const order = await placed();
    const captured = { status: 'captured', amount: 4990, captured: 4990, refunded: 0, brand: 'visa', last4: '4242' } as const;
    await tell(fromPayments('payment.captured', order.id, 3, captured, { amount: 4990 }));
    expect((await getOrder(order.id)).payment).toEqual(captured);
    await tell(fromPayments('payment.authorized', order.id, 2, { status: 'authorized' }));
    expect((await getOrder(order.id)).payment).toEqual(captured);
  });

  it('keeps the payment of an authorization the order no longer takes: after a cancel, the order stays cancelled and shows the authorization', async () => {
    const order = await placed();
    expect((await inject('POST', `/api/orders/${order.id}/cancel`)).statusCode).toBe(200);
    await authorize(order.id);
    const after = await getOrder(order.id);
    expect(after.status).toBe('cancelled');
    expect(after.payment).toMatchObject({ status: 'authorized', amount: 4990 });
  });

  it('puts a refund on a shipped order\'s payment summary without changing its status', async () => {
    const order = await placed();
    await authorize(order.id);
    expect((await inject('POST', `/api/orders/${order.id}/ship`)).statusCode).toBe(200);
    await tell(fromPayments('payment.captured', order.id, 2, { status: 'captured', captured: 4990 }, { amount: 4990 }));
    const shipped = await getOrder(order.id);
    await tell(fromPayments('payment.refunded', order.id, 3, { status: 'partially_refunded', captured: 4990, refunded: 1000 }, { amount: 1000, reason: 'caixa amassada' }));
    const after = await getOrder(order.id);
    expect(after.status).toBe('shipped');
    expect(after.history).toEqual(shipped.history);
    expect(after.payment).toEqual({ status: 'partially_refunded', amount: 4990, captured: 4990, refunded: 1000, brand: 'visa', last4: '4242' });
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
    await authorize(order.id);
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

  it('counts the payment method in the Idempotency-Key\'s request: the same key with another paymentMethod is a 422', async () => {
    const key = { 'idempotency-key': `key-${shape}-payment` };
    const first = await place([{ sku: 'LEITE-1L', quantity: 1 }], key, undefined, 'pm_card_visa');
    expect(first.statusCode).toBe(201);
    const replay = await place([{ sku: 'LEITE-1L', quantity: 1 }], key, undefined, 'pm_card_visa');
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(first.json().id);
    const other = await place([{ sku: 'LEITE-1L', quantity: 1 }], key, undefined, 'pm_card_mastercard');
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'ORDER.IDEMPOTENCY_KEY_REUSED', errors: [{ path: '/headers/idempotency-key' }] });
    expect(await newestId()).toBe(first.json().id);
    expect((await emitted(first.json().id, 'order.created')).data).toMatchObject({ paymentMethod: 'pm_card_visa' });
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
    const counter = (text: string, name: string) => Number(new RegExp(`^${name}\\{queue="${QUEUES.paymentUpdates}",service="orders"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    const before = (await inject('GET', '/metrics')).body;
    const order = await placed();
    await authorize(order.id);
    const text = (await inject('GET', '/metrics')).body;
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{.*route="\/api\/orders".*\} \d+/m);
    expect(text).toMatch(/^outbox_backlog\{service="orders"\} \d+/m);
    expect(text).toMatch(/^outbox_oldest_age_seconds\{service="orders"\} [\d.]+/m);
    // Counted from what earlier tests left: the message handled here is processed, not dead-lettered.
    expect(counter(text, 'messages_processed_total')).toBeGreaterThan(counter(before, 'messages_processed_total') || 0);
    expect(counter(text, 'messages_dead_lettered_total')).toBe(counter(before, 'messages_dead_lettered_total') || 0);
  });

  it('measures how long each order waited to be confirmed, once per order, from its creation', async () => {
    const sample = (text: string, name: string, status: string) =>
      Number(new RegExp(`^${name}\\{[^}]*status="${status}"[^}]*\\} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
    const before = (await inject('GET', '/metrics')).body;
    const placedFrom = Date.now();
    const order = await placed();
    const authorized = fromPayments('payment.authorized', order.id, 1);
    await tell(authorized);
    // The same fact again, as at-least-once delivery may bring it: the order was decided once.
    await tell(authorized);
    const after = (await inject('GET', '/metrics')).body;
    expect(sample(after, 'order_decision_seconds_count', 'confirmed') - sample(before, 'order_decision_seconds_count', 'confirmed')).toBe(1);
    const waited = sample(after, 'order_decision_seconds_sum', 'confirmed') - sample(before, 'order_decision_seconds_sum', 'confirmed');
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual((Date.now() - placedFrom) / 1000);
    expect(sample(after, 'order_decision_seconds_count', 'rejected')).toBe(sample(before, 'order_decision_seconds_count', 'rejected'));
  });

  it('reports its outbox lag and its dead letters to administrators', async () => {
    const poison = fromInventory('stock.rejected', { orderId: 'not-a-uuid' });
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
    expect(report).toMatchObject({ outbox: { backlog: expect.any(Number) }, deadLetters: { 'orders.stock-updates': 1, 'orders.payment-updates': 0, 'orders.catalog': 0 } });
    expect((await app.http.inject({ method: 'GET', url: '/api/orders/operations' })).statusCode).toBe(401);
  });

  it('documents every route of the contract in its OpenAPI document', async () => {
    const doc = (await inject('GET', '/docs/json')).json();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/orders', '/api/orders/operations', '/api/orders/stats', '/api/orders/stream', '/api/orders/summary', '/api/orders/{id}', '/api/orders/{id}/activity',
      '/api/orders/{id}/cancel', '/api/orders/{id}/deliver', '/api/orders/{id}/notes', '/api/orders/{id}/ship',
      '/api/webhooks', '/api/webhooks/{id}', '/api/webhooks/{id}/deliveries', '/api/webhooks/{id}/deliveries/{deliveryId}/replay',
    ]);
    expect(Object.keys(doc.paths['/api/orders']).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/orders'].post.responses['201']).toBeDefined();
    expect(doc.paths['/api/orders'].post.responses['422'].content['application/problem+json']).toBeDefined();
    const body = doc.paths['/api/orders'].post.requestBody.content['application/json'].schema;
    expect(body.required).toContain('paymentMethod');
    expect(body.properties.paymentMethod).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_]+$', maxLength: 100 });
    expect(doc.paths['/api/orders/{id}'].get.responses['200'].content['application/json'].schema.required).toContain('payment');
    // The list answers JSON, or CSV when asked: both are described.
    const list = doc.paths['/api/orders'].get.responses['200'].content;
    expect(Object.keys(list).sort()).toEqual(['application/json', 'text/csv']);
    expect(list['application/json'].schema.properties.items).toMatchObject({ type: 'array' });
    expect(list['text/csv'].schema).toMatchObject({ type: 'string' });
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

/** Binds a queue as an earlier release of the service did; the binding outlives this release's subscription, as on a real broker. */
async function bindEarlierRelease(url: string, queue: string, exchange: string, routingKey: string): Promise<void> {
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    await channel.bindQueue(queue, exchange, routingKey);
  } finally {
    await connection.close();
  }
}
