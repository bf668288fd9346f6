import { expect, it } from 'vitest';
import { useRealSystem } from '../support/system';

const SKU = 'ULTIMAS-10';
const system = useRealSystem({ products: [{ sku: SKU, name: 'Dez últimas unidades', price: 990, onHand: 10 }] });

it('50 simultaneous orders for the last 10 units confirm exactly 10 and reject 40 as out_of_stock, never overselling', async () => {
  const { ordersApi, inventoryApi } = system();
  let lowestAvailable = Infinity;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      lowestAvailable = Math.min(lowestAvailable, (await inventoryApi.getProduct(SKU)).available);
    }
  })();

  try {
    const replies = await Promise.all(Array.from({ length: 50 }, () => ordersApi.place([{ sku: SKU, quantity: 1 }])));
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(201));
    await ordersApi.waitUntilNonePending(30_000);
  } finally {
    watching = false;
    await watcher;
  }

  const orders = await ordersApi.listAll();
  expect(orders).toHaveLength(50);
  const confirmed = orders.filter((o) => o.status === 'confirmed');
  const rejected = orders.filter((o) => o.status === 'rejected');
  expect(confirmed).toHaveLength(10);
  expect(rejected).toHaveLength(40);
  for (const order of rejected) expect(order.history.at(-1)).toMatchObject({ status: 'rejected', reason: 'out_of_stock' });

  expect(await inventoryApi.getProduct(SKU)).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
  expect(lowestAvailable).toBeGreaterThanOrEqual(0);
  const reservedFor = (await inventoryApi.movements(SKU)).filter((m) => m.kind === 'reservation').map((m) => m.orderId);
  expect(reservedFor.sort()).toEqual(confirmed.map((o) => o.id).sort());
});
