import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { createInProcessBus, createRabbitMqBus, type CloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, TEST_RETRY, createTestIssuer, eventually, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import { WEBHOOK_EVENT_TYPES } from '@pedidos/contracts/webhooks';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { copyToCatalog } from './support/catalog';

const QUEUE = CONSUMER_QUEUES.orders.webhooks;
const ORDER_TYPES = WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith('order.'));

describe.each(SHAPES)('which order events reach the webhook queue (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let config: ReturnType<typeof loadConfig<typeof ordersConfigSpec>>;
  let admin: string;
  let customer: string;
  /** `type orderId` of every event the webhook queue's consumer acked, in order. */
  const taken: string[] = [];

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    customer = await issuer.bearer({ role: 'customer' });
    // The queue as an earlier release left it: bound to every order event.
    await (await adapters.bus.subscribe({ queue: QUEUE, bindings: ORDER_TYPES.map((routingKey) => ({ exchange: EXCHANGES.orders, routingKey })), handler: async () => {} })).cancel();
    adapters.bus.on((signal) => {
      if (signal.kind === 'ack' && signal.queue === QUEUE) taken.push(`${signal.event.type} ${(signal.event as CloudEvent<{ orderId?: string }>).data.orderId}`);
    });
    config = loadConfig({ OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ROUTES_CHECK_MS: '200', ...issuer.env }, ordersConfigSpec);
    app = await buildOrders({ ...adapters, config });
    await app.start();
    await copyToCatalog(adapters.bus);
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (method: 'POST' | 'DELETE', url: string, authorization: string, payload?: object) =>
    app.http.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization } });
  const placeOrder = async () => {
    const response = await inject('POST', '/api/orders', customer, { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa' });
    expect(response.statusCode).toBe(201);
    return (response.json() as { id: string }).id;
  };
  const register = async (events: string[]) => {
    const response = await inject('POST', '/api/webhooks', admin, { url: 'http://127.0.0.1:9/hook', events });
    expect(response.statusCode).toBe(201);
    return (response.json() as { id: string }).id;
  };
  /** Every event committed so far is published, so routed wherever the broker's routes sent it. */
  const published = () => eventually(async () => ((await app.outbox.relay.stats()).backlog === 0 ? true : undefined), 10_000, 'outbox drained');
  const wasTaken = (entry: string) => eventually(async () => (taken.includes(entry) ? true : undefined), 10_000, entry);
  const takenFor = (orderId: string) => taken.filter((entry) => entry.endsWith(` ${orderId}`));

  it('takes only the order events some endpoint wants: none without one, an endpoint\'s from its registration on, none after its removal', async () => {
    // No endpoint (and the earlier release's routes gone at startup): the broker sends none.
    const before = await placeOrder();
    await published();
    const wanted = await register(['order.status-changed']);
    const during = await placeOrder();
    await wasTaken(`order.status-changed ${during}`);
    // Each queue delivers in order: had `before`'s events or `during`'s order.created reached it, they would have come first.
    expect(takenFor(before)).toEqual([]);
    expect(takenFor(during)).toEqual([`order.status-changed ${during}`]);

    expect((await inject('DELETE', `/api/webhooks/${wanted}`, admin)).statusCode).toBe(204);
    const after = await placeOrder();
    await published();
    await register(['order.cancelled']);
    expect((await inject('POST', `/api/orders/${after}/cancel`, admin)).statusCode).toBe(200);
    await wasTaken(`order.cancelled ${after}`);
    expect(takenFor(after)).toEqual([`order.cancelled ${after}`]);
  });

  it('refuses to register an endpoint while the broker cannot be reached, writing nothing, and removes one all the same', async () => {
    const away = shape === 'real' ? await createRabbitMqBus({ url: adapters.urls.rabbitmq!, retry: TEST_RETRY, log: adapters.log }) : createInProcessBus();
    await away.close();
    const cut = await buildOrders({ ...adapters, bus: away, config });
    const listed = async () => ((await app.http.inject({ method: 'GET', url: '/api/webhooks', headers: { authorization: admin } })).json() as { items: { id: string; url: string }[] }).items;
    try {
      const refused = await cut.http.inject({ method: 'POST', url: '/api/webhooks', payload: { url: 'http://127.0.0.1:9/refused', events: ['order.created'] }, headers: { authorization: admin } });
      expect(refused.statusCode).toBe(500);
      expect((await listed()).map((e) => e.url)).not.toContain('http://127.0.0.1:9/refused');
      // A removal goes through: the routes it leaves cost only the broker's work, until the next check.
      const removed = await register(['order.shipped']);
      expect((await cut.http.inject({ method: 'DELETE', url: `/api/webhooks/${removed}`, headers: { authorization: admin } })).statusCode).toBe(204);
      expect((await listed()).map((e) => e.id)).not.toContain(removed);
    } finally {
      await cut.http.close();
    }
  });

  it('puts back, at its next check, a route taken away behind its back (the queue declared again)', async () => {
    await register(['order.created']);
    await adapters.bus.unbind(QUEUE, [{ exchange: EXCHANGES.orders, routingKey: 'order.created' }]);
    // WEBHOOK_ROUTES_CHECK_MS is 200 here: an order placed a little later is taken again.
    const placed: string[] = [];
    await eventually(async () => {
      placed.push(await placeOrder());
      return placed.some((id) => taken.includes(`order.created ${id}`)) || undefined;
    }, 10_000, 'order.created routed again');
  });
});
