import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { createTestIssuer, eventually } from '@pedidos/platform/testing';
import { inventoryApi, ordersApi, send } from '../support/http';
import { useRealSystem } from '../support/system';

const SKU = 'HOOK-CAFE';
const ORDERS = 1_000;
const AT_ONCE = 20;

// Webhooks are an administrator's: the services trust this issuer, whose tokens the test mints.
const issuer = await createTestIssuer();
const admin = await issuer.bearer({ role: 'admin', expiresIn: 3600 });
const system = useRealSystem({
  env: { ...issuer.env, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_MIN_MS: '50', WEBHOOK_POLL_MS: '100' },
});

interface Receipt {
  id: string;
  type: string;
  orderId: string;
  status: number;
}

/** A receiver that answers 503 to a tenth of the first tries, so that retries are part of the run. */
async function startReceiver() {
  const receipts: Receipt[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; type: string; data: { orderId: string } };
      const id = String(req.headers['webhook-id']);
      const first = !receipts.some((r) => r.id === id);
      const status = first && receipts.length % 10 === 3 ? 503 : 200;
      receipts.push({ id, type: event.type, orderId: event.data.orderId, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    receipts,
    accepted: () => receipts.filter((r) => r.status === 200),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('outbound webhooks on the real shape', () => {
  let all: Awaited<ReturnType<typeof startReceiver>>;
  let some: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    [all, some] = await Promise.all([startReceiver(), startReceiver()]);
  });
  afterAll(async () => {
    await Promise.all([all?.close(), some?.close()]);
    await issuer.close();
  });

  it(`${ORDERS} orders with 2 endpoints: each endpoint gets every event it subscribed to, accepted once`, async () => {
    const orders = ordersApi(system().orders.url, admin);
    const register = async (url: string, events: string[]) => {
      const reply = await send<{ id: string }>('POST', `${system().orders.url}/api/webhooks`, { url, events }, { authorization: admin });
      expect(reply.status).toBe(201);
    };
    await register(all.url, ['order.created', 'order.status-changed', 'order.cancelled', 'order.shipped', 'payment.authorized', 'payment.declined', 'payment.captured']);
    await register(some.url, ['order.created', 'order.status-changed']);
    await inventoryApi(system().inventory.url, admin).createProduct({ sku: SKU, name: 'Café dos ganchos', price: 1500, onHand: ORDERS * 2 });
    // The catalog reaches orders by event: the first order is taken once it has.
    await eventually(async () => ((await orders.place([{ sku: SKU, quantity: 1 }])).status === 201 ? true : undefined), 20_000, 'product in the orders catalog');

    for (let placed = 1; placed < ORDERS; placed += AT_ONCE) {
      await Promise.all(Array.from({ length: Math.min(AT_ONCE, ORDERS - placed) }, () => orders.placeOrder([{ sku: SKU, quantity: 1 }])));
    }
    const settled = await eventually(async () => {
      const list = await orders.listAll();
      return list.length === ORDERS && list.every((o) => o.status === 'confirmed') ? list : undefined;
    }, 120_000, 'every order confirmed');

    // What each endpoint must get: the creation, every status change (creation included), the payment's authorization.
    const expected = (o: Order, withPayment: boolean) => [
      `${o.id} order.created`,
      ...o.history.map(() => `${o.id} order.status-changed`),
      ...(withPayment ? [`${o.id} payment.authorized`] : []),
    ];
    const got = (receiver: typeof all) => receiver.accepted().map((r) => `${r.orderId} ${r.type}`).sort();
    const wantAll = settled.flatMap((o) => expected(o, true)).sort();
    const wantSome = settled.flatMap((o) => expected(o, false)).sort();
    await eventually(async () => (got(all).length >= wantAll.length && got(some).length >= wantSome.length ? true : undefined), 180_000, 'every delivery accepted');
    expect(got(all)).toEqual(wantAll);
    expect(got(some)).toEqual(wantSome);
    for (const receiver of [all, some]) {
      const ids = receiver.accepted().map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      // The refused first tries came again, under the same webhook-id, and were accepted.
      const refused = receiver.receipts.filter((r) => r.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((r) => ids.includes(r.id))).toBe(true);
    }
  }, 300_000);
});
