import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { useRealSystem } from '../support/system';

const SKU = 'LOTE-CAFE';
const NEIGHBOURS = 19;
const system = useRealSystem({ products: [{ sku: SKU, name: 'Café em lote', price: 1990, onHand: 1000 }] });

const CLOUDEVENTS = 'application/cloudevents+json';
const authorized = (orderId: string) => ({
  specversion: '1.0', id: randomUUID(), source: '/tests/payments', type: 'payment.authorized', time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: { orderId, version: 1, payment: { status: 'authorized', amount: 1990, captured: 0, refunded: 0, brand: 'visa', last4: '4242' } },
});

it('a poison message inside a full consumer batch is dead-lettered alone while its neighbours are applied once', async () => {
  const { inventory, orders, ordersApi, broker } = system();
  // Inventory stays away, so no stock is reserved, nothing is paid, and only the facts published below answer the orders.
  await inventory.stop();
  const placed = [];
  for (let i = 0; i < NEIGHBOURS; i++) placed.push(await ordersApi.placeOrder([{ sku: SKU, quantity: 1 }]));

  // With orders stopped the facts pile up in its queue, and its prefetch (CONSUMER_PREFETCH) hands them over together.
  await orders.stop();
  const facts = placed.map((o) => authorized(o.id));
  const poison = authorized(randomUUID());
  facts.splice(7, 0, poison);
  for (const fact of facts) {
    await broker.publish('payments.events', 'payment.authorized', JSON.stringify(fact), { persistent: true, contentType: CLOUDEVENTS, messageId: fact.id });
  }
  await orders.restart();

  const parked = await broker.take('orders.payment-updates.dlq', 30_000);
  parked.ack();
  expect(parked.message.properties.messageId).toBe(poison.id);
  expect(parked.message.properties.headers).toMatchObject({ 'x-attempts': 4, 'x-last-error': expect.stringMatching(/unknown order/) });

  for (const order of placed) {
    const confirmed = await ordersApi.waitForStatus(order.id, 'confirmed');
    expect(confirmed.history.map((h) => h.status)).toEqual(['pending', 'confirmed']);
  }
  expect(await broker.readyCount('orders.payment-updates.dlq')).toBe(0);
  await inventory.restart();
});
