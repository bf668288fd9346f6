import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTcpProxy, type TcpProxy } from '@pedidos/platform/testing';
import { burstThroughFault, expectAllConfirmedOnce } from '../support/burst';
import { send } from '../support/http';
import { useRealSystem } from '../support/system';

const SKUS = ['PARTITION-A', 'PARTITION-B', 'PARTITION-C'];
const PARTITION_MS = 8_000;

// The services reach PostgreSQL only through this proxy; the harness itself goes direct.
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
});
afterAll(async () => {
  await proxy.close();
});
const system = useRealSystem({
  products: SKUS.map((sku, i) => ({ sku, name: `Produto ${sku}`, price: 100 * (i + 1), onHand: 100_000 })),
  serviceDatabaseUrl: (url) => {
    const through = new URL(url);
    through.port = String(proxy.port);
    return through.toString();
  },
});

interface Readiness {
  checks?: Record<string, string>;
}

it('PostgreSQL unreachable at the TCP level amid 300 orders: both services report it, live through it and confirm every accepted order once', { timeout: 240_000 }, async () => {
  const { orders, inventory, ordersApi, inventoryApi } = system();
  const accepted = await burstThroughFault(ordersApi, SKUS, {
    total: 300,
    clients: 20,
    faultAfter: 100,
    fault: async () => {
      proxy.cut();
      try {
        const started = Date.now();
        for (const url of [orders.url, inventory.url]) {
          const reply = await eventually(async () => {
            const answer = await send<Readiness>('GET', `${url}/health/ready`);
            return answer.status === 503 ? answer : undefined;
          }, 30_000, `${url}/health/ready answering 503`);
          expect(reply.body.checks?.database, url).toMatch(/^down/);
          expect(reply.body.checks?.broker, url).toBe('ok');
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, PARTITION_MS - (Date.now() - started))));
      } finally {
        proxy.heal();
      }
    },
  });
  expect({ orders: orders.running, inventory: inventory.running }).toEqual({ orders: true, inventory: true });

  await ordersApi.waitUntilNonePending(90_000);
  await expectAllConfirmedOnce(ordersApi, inventoryApi, SKUS, accepted);
  for (const url of [orders.url, inventory.url]) expect((await send('GET', `${url}/health/ready`)).status).toBe(200);
});
