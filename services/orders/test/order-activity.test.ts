import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, type CloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, eventProbe, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import type { ActivityItem, ActivityNote } from '@pedidos/contracts/orders';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { copyToCatalog } from './support/catalog';

const PAYMENT_METHOD = 'pm_card_visa';
const ADMIN_ID = '7f3b3c2e-52d4-4a57-9c1e-0d1f5f7c9a11';
const ANA_ID = '2c7d8e0f-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

describe.each(SHAPES)('an order\'s activity and staff notes (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let probe: Awaited<ReturnType<typeof eventProbe>>;
  let issuer: TestIssuer;
  let admin: string;
  let ana: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin', sub: ADMIN_ID, extra: { name: 'Admin', email: 'admin@example.com' } });
    ana = await issuer.bearer({ role: 'customer', sub: ANA_ID, extra: { name: 'Ana Souza', email: 'ana@example.com' } });
    const config = loadConfig({ OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec);
    app = await buildOrders({ ...adapters, config });
    await app.start();
    probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.orders, routingKey: '#' }]);
    await copyToCatalog(adapters.bus);
  });
  afterAll(async () => {
    await probe?.cancel();
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: unknown, authorization = admin) =>
    app.http.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { authorization } });
  const activity = async (id: string): Promise<ActivityItem[]> => {
    const response = await inject('GET', `/api/orders/${id}/activity`);
    expect(response.statusCode).toBe(200);
    return response.json().items;
  };
  const placedByAna = async (quantity = 1) => {
    const response = await inject('POST', '/api/orders', { items: [{ sku: 'CAFE-1KG', quantity }], paymentMethod: PAYMENT_METHOD }, ana);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string };
  };
  const tell = async (event: CloudEvent) => {
    const acked = ackCounter(adapters.bus, event.id);
    await adapters.bus.publish(event.source === SOURCES.payments ? EXCHANGES.payments : EXCHANGES.inventory, [event]);
    await acked.reached(1);
  };
  const authorized = (orderId: string) => cloudEvent({
    source: SOURCES.payments, type: 'payment.authorized', subject: orderId,
    data: { orderId, payment: { status: 'authorized', amount: 4990, captured: 0, refunded: 0, brand: 'visa', last4: '4242' }, version: 1 },
  });
  const addNote = (id: string, body: unknown, authorization = admin) => inject('POST', `/api/orders/${id}/notes`, body, authorization);

  it('says who moved the order: its customer placed it, the payments service confirmed it, a member of staff shipped it', async () => {
    const order = await placedByAna();
    await tell(authorized(order.id));
    expect((await inject('POST', `/api/orders/${order.id}/ship`)).statusCode).toBe(200);
    expect(await activity(order.id)).toEqual([
      { kind: 'status', status: 'pending', reason: null, at: expect.any(String), by: { id: ANA_ID, name: 'Ana Souza', role: 'customer' } },
      { kind: 'status', status: 'confirmed', reason: null, at: expect.any(String), by: null },
      { kind: 'status', status: 'shipped', reason: null, at: expect.any(String), by: { id: ADMIN_ID, name: 'Admin', role: 'staff' } },
    ]);
  });

  it('keeps the trace of the request that placed the order, which its events carry on, for the back office to show', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await app.http.inject({
      method: 'POST', url: '/api/orders', payload: { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: PAYMENT_METHOD },
      headers: { authorization: ana, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(response.statusCode).toBe(201);
    const { id } = response.json() as { id: string };
    const created = await probe.next((e) => e.type === 'order.created' && (e.data as { orderId: string }).orderId === id);
    expect(created.traceparent?.split('-')[1]).toBe(traceId);
    expect((await inject('GET', `/api/orders/${id}/activity`)).json().traceId).toBe(traceId);
    // Without a caller's trace, the order starts one of its own: still a trace id, still its events'.
    const own = await placedByAna();
    const ownTrace = (await inject('GET', `/api/orders/${own.id}/activity`)).json().traceId as string;
    expect(ownTrace).toMatch(/^[0-9a-f]{32}$/);
    expect(ownTrace).not.toBe(traceId);
    const ownCreated = await probe.next((e) => e.type === 'order.created' && (e.data as { orderId: string }).orderId === own.id);
    expect(ownCreated.traceparent?.split('-')[1]).toBe(ownTrace);
  });

  it('names the customer as customer when they cancel their own order themselves, and by e-mail when the token has no name', async () => {
    const bia = await issuer.bearer({ role: 'customer', extra: { email: `bia.${shape}@example.com` } });
    const response = await inject('POST', '/api/orders', { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: PAYMENT_METHOD }, bia);
    const order = response.json() as { id: string; customerId: string };
    expect((await inject('POST', `/api/orders/${order.id}/cancel`, { reason: 'changed my mind' }, bia)).statusCode).toBe(200);
    const by = { id: order.customerId, name: `bia.${shape}@example.com`, role: 'customer' };
    expect(await activity(order.id)).toMatchObject([{ status: 'pending', by }, { status: 'cancelled', reason: 'changed my mind', by }]);
  });

  it('shows which lines were short on a rejection for lack of stock, caused by no one', async () => {
    const order = await placedByAna(15);
    const shortages = [{ sku: 'CAFE-1KG', requested: 15, available: 10 }];
    await tell(cloudEvent({ source: SOURCES.inventory, type: 'stock.rejected', subject: order.id, data: { orderId: order.id, reason: 'out_of_stock', shortages } }));
    const items = await activity(order.id);
    expect(items.at(-1)).toEqual({ kind: 'status', status: 'rejected', reason: 'out_of_stock', at: expect.any(String), by: null, shortages });
    expect(items[0]).not.toHaveProperty('shortages');
  });

  it('adds a staff note, multi-line and with its author, after the status changes, oldest first', async () => {
    const order = await placedByAna();
    const body = 'Cliente ligou:\n  quer entregar depois das 18h.\r\n\tOK.';
    const first = await addNote(order.id, { body });
    expect(first.statusCode).toBe(201);
    const note: ActivityNote = first.json();
    expect(note).toEqual({ kind: 'note', id: expect.any(Number), body, at: expect.any(String), by: { id: ADMIN_ID, name: 'Admin', role: 'staff' } });
    const second = (await addNote(order.id, { body: 'x'.repeat(2000) })).json() as ActivityNote;
    expect(second.id).toBeGreaterThan(note.id);
    const items = await activity(order.id);
    expect(items.map((i) => i.kind)).toEqual(['status', 'note', 'note']);
    expect(items.slice(1)).toEqual([note, second]);
    expect(Date.parse(items[0]!.at)).toBeLessThanOrEqual(Date.parse(note.at));
  });

  it('keeps staff notes out of the order, its events and its stream, and from customers altogether', async () => {
    const order = await placedByAna();
    const secret = `only-for-staff-${shape}-${Date.now()}`;
    expect((await addNote(order.id, { body: secret })).statusCode).toBe(201);
    await tell(authorized(order.id));
    expect((await inject('POST', `/api/orders/${order.id}/ship`)).statusCode).toBe(200);
    await probe.next((e) => e.type === 'order.shipped' && (e.data as { orderId: string }).orderId === order.id);

    expect((await inject('GET', `/api/orders/${order.id}`)).body).not.toContain(secret);
    expect((await inject('GET', `/api/orders/${order.id}`, undefined, ana)).body).not.toContain(secret);
    expect((await inject('GET', '/api/orders?limit=100')).body).not.toContain(secret);
    expect(probe.seen.filter((e) => (e.data as { orderId?: string; order?: { id: string } }).orderId === order.id
      || (e.data as { order?: { id: string } }).order?.id === order.id).length).toBeGreaterThanOrEqual(3);
    expect(probe.seen.filter((e) => JSON.stringify(e).includes(secret))).toEqual([]);
    const { changes } = await app.service.changesSince({ id: ADMIN_ID, role: 'admin' }, 0, 10_000);
    expect(changes.some((c) => c.order.id === order.id)).toBe(true);
    expect(JSON.stringify(changes)).not.toContain(secret);

    const asCustomer = [await inject('GET', `/api/orders/${order.id}/activity`, undefined, ana), await addNote(order.id, { body: 'from a customer' }, ana)];
    expect(asCustomer.map((r) => r.statusCode)).toEqual([403, 403]);
    expect(asCustomer.map((r) => r.body).join()).not.toContain(secret);
    expect((await inject('GET', `/api/orders/${order.id}/activity`, undefined, '')).statusCode).toBe(401);
    expect((await activity(order.id)).filter((i) => i.kind === 'note').map((i) => (i as ActivityNote).body)).toEqual([secret]);
  });

  const BAD_BODIES: [string, unknown][] = [
    ['an empty note', { body: '' }],
    ['a note of blanks only', { body: ' \n\t ' }],
    ['a note over 2000 characters', { body: 'x'.repeat(2001) }],
    ['a note with a control character', { body: 'bell \u0007' }],
    ['a note that is not text', { body: 42 }],
    ['no note', {}],
  ];
  for (const [what, payload] of BAD_BODIES) {
    it(`refuses ${what} with a 400 problem naming /body, and writes nothing`, async () => {
      const order = await placedByAna();
      const response = await addNote(order.id, payload);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors.map((e: { path: string }) => e.path)).toContain('/body');
      expect((await activity(order.id)).map((i) => i.kind)).toEqual(['status']);
    });
  }

  it('refuses an unknown field in the note', async () => {
    const order = await placedByAna();
    const response = await addNote(order.id, { body: 'ok', pinned: true });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain('/pinned');
    expect((await activity(order.id)).map((i) => i.kind)).toEqual(['status']);
  });

  it('answers 404 for an order that does not exist, on both routes, writing nothing; 400 for an id that is no uuid', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const [read, write] = [await inject('GET', `/api/orders/${missing}/activity`), await addNote(missing, { body: 'lost' })];
    expect([read.statusCode, write.statusCode]).toEqual([404, 404]);
    expect(write.json()).toMatchObject({ code: 'ORDER.NOT_FOUND' });
    expect((await inject('GET', `/api/orders/${missing}/activity`)).statusCode).toBe(404);
    expect((await inject('GET', '/api/orders/nope/activity')).json().errors.map((e: { path: string }) => e.path)).toContain('/params/id');
  });

  it('documents both routes in the OpenAPI document, with their answers and the note\'s rules', async () => {
    const doc = (await inject('GET', '/docs/json')).json();
    const read = doc.paths['/api/orders/{id}/activity'].get;
    const write = doc.paths['/api/orders/{id}/notes'].post;
    expect(Object.keys(read.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    expect(write.responses['201'].content['application/json']).toBeDefined();
    expect(write.responses['400'].content['application/problem+json']).toBeDefined();
    expect(write.requestBody.content['application/json'].schema.properties.body).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000, format: 'multi-line-text' });
  });

  it('leaves the order\'s own routes where they were: the order, and the static paths beside it', async () => {
    const order = await placedByAna();
    expect((await inject('GET', `/api/orders/${order.id}`)).json()).toMatchObject({ id: order.id, status: 'pending' });
    expect((await inject('GET', '/api/orders/operations')).statusCode).toBe(200);
    expect((await inject('GET', `/api/orders/${order.id}/activity`)).json()).toMatchObject({ items: [{ kind: 'status', status: 'pending' }] });
  });
});
