import { expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { rabbitmqctl, waitForBroker } from '../support/broker';
import { send } from '../support/http';
import { useRealSystem } from '../support/system';

// Stopping the broker's app drops every vhost's connections: this file must run alone.
const SKU = 'OUTAGE-GUARANA';
const system = useRealSystem({ products: [{ sku: SKU, name: 'Guaraná 2 l', price: 899, onHand: 100 }] });

interface Readiness {
  detail?: string;
  checks?: Record<string, string>;
}

it('orders placed while RabbitMQ is down are all accepted, orders reports the broker not ready, and all are confirmed once it is back', async () => {
  const { orders, ordersApi, rabbitmqUrl } = system();
  const ready = () => send<Readiness>('GET', `${orders.url}/health/ready`);
  let ids: string[] = [];
  try {
    await rabbitmqctl('stop_app');
    const down = await eventually(async () => {
      const reply = await ready();
      return reply.status === 503 ? reply : undefined;
    }, 30_000, 'orders /health/ready answering 503');
    expect(down.body.checks).toMatchObject({ database: 'ok', broker: expect.stringMatching(/^down/) });
    expect(down.body.detail).toMatch(/broker/);

    const replies = await Promise.all(Array.from({ length: 20 }, () => ordersApi.place([{ sku: SKU, quantity: 1 }])));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    ids = replies.map((r) => r.body.id);
    expect(replies.every((r) => r.body.status === 'pending')).toBe(true);

    const stillDown = await ready();
    expect(stillDown.status).toBe(503);
    expect(stillDown.body.detail).toMatch(/broker/);
  } finally {
    await rabbitmqctl('start_app');
    await waitForBroker(rabbitmqUrl);
  }

  // The services reconnect with back-off and the outbox re-sends what waited.
  await ordersApi.waitUntilNonePending(60_000);
  const statuses = await Promise.all(ids.map(async (id) => (await ordersApi.getOrder(id)).status));
  expect(statuses).toEqual(Array(20).fill('confirmed'));
  expect((await ready()).status).toBe(200);
});
