import { randomUUID } from 'node:crypto';
import type { Options } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { metric } from '../support/http';
import { useRealSystem } from '../support/system';

const DUPLICATED = 'DUP-FEIJAO';
const AFTER_POISON = 'AFTER-POISON';
const system = useRealSystem({
  products: [
    { sku: DUPLICATED, name: 'Feijão entregue três vezes', price: 899, onHand: 50 },
    { sku: AFTER_POISON, name: 'Arroz depois do veneno', price: 2790, onHand: 50 },
  ],
});

const CLOUDEVENTS = 'application/cloudevents+json';

async function expectAnOrderStillConfirms(): Promise<void> {
  const { ordersApi } = system();
  const order = await ordersApi.placeOrder([{ sku: AFTER_POISON, quantity: 1 }]);
  expect((await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'])).status).toBe('confirmed');
}

describe('at-least-once delivery', () => {
  it('the same order.created delivered three times reserves the stock once', async () => {
    const { inventory, ordersApi, inventoryApi, broker } = system();
    await inventory.stop();
    let orderId: string;
    try {
      const order = await ordersApi.placeOrder([{ sku: DUPLICATED, quantity: 3 }]);
      orderId = order.id;
      const original = await broker.take('novos_pedidos');
      original.ack();
      const p = original.message.properties;
      const copy: Options.Publish = { persistent: true, contentType: p.contentType, messageId: p.messageId, type: p.type, timestamp: p.timestamp, headers: p.headers };
      for (let i = 0; i < 3; i++) await broker.publish('orders.events', 'order.created', original.message.content, copy);
    } finally {
      await inventory.restart();
    }

    // A fresh process counts from zero: three acks on novos_pedidos are our three copies.
    await eventually(async () => ((await metric(inventory.url, 'messages_processed_total', { queue: 'novos_pedidos' })) ?? 0) >= 3 || undefined, 20_000, 'three deliveries acked');
    expect((await ordersApi.waitForStatus(orderId, ['confirmed', 'rejected'])).status).toBe('confirmed');
    expect(await inventoryApi.getProduct(DUPLICATED)).toMatchObject({ onHand: 50, reserved: 3, available: 47 });
    const reservations = (await inventoryApi.movements(DUPLICATED)).filter((m) => m.kind === 'reservation');
    expect(reservations).toEqual([expect.objectContaining({ orderId, quantity: 3 })]);
  });
});

describe('a poison message in novos_pedidos', () => {
  it('whose body is not JSON is parked in novos_pedidos.dlq at once, and orders keep being confirmed', async () => {
    const { broker } = system();
    const body = 'this is not json {';
    await broker.publish('orders.events', 'order.created', body, { persistent: true, contentType: CLOUDEVENTS, messageId: 'poison-not-json' });

    const parked = await broker.take('novos_pedidos.dlq');
    parked.ack();
    expect(parked.message.properties.messageId).toBe('poison-not-json');
    expect(parked.body).toBe(body);
    expect(parked.message.properties.headers).toMatchObject({
      'x-original-queue': 'novos_pedidos',
      'x-attempts': 1,
      'x-last-error': expect.stringMatching(/JSON/),
    });
    await expectAnOrderStillConfirms();
  });

  it('whose order.created data breaks the schema is parked in novos_pedidos.dlq after three retries, and orders keep being confirmed', async () => {
    const { broker } = system();
    const id = randomUUID();
    const event = {
      specversion: '1.0', id, source: '/tests/poison', type: 'order.created', time: new Date().toISOString(), datacontenttype: 'application/json',
      data: { orderId: randomUUID(), number: 1, customerId: randomUUID(), items: 'x', total: 100, currency: 'BRL', createdAt: new Date().toISOString() },
    };
    await broker.publish('orders.events', 'order.created', JSON.stringify(event), { persistent: true, contentType: CLOUDEVENTS, messageId: id });

    const parked = await broker.take('novos_pedidos.dlq');
    parked.ack();
    expect(parked.message.properties.messageId).toBe(id);
    expect(JSON.parse(parked.body)).toEqual(event);
    // RETRY_DELAYS_MS=50,100,200: the first try and three retries.
    expect(parked.message.properties.headers).toMatchObject({
      'x-original-queue': 'novos_pedidos',
      'x-attempts': 4,
      'x-last-error': expect.stringMatching(/order\.created.*items/),
    });
    await expectAnOrderStillConfirms();
  });
});
