import type { Order } from '@pedidos/contracts/orders';
import { expect, it } from 'vitest';
import type { OrderLine } from '../support/http';
import { useRealSystem } from '../support/system';

const SKUS = ['CRASH-A', 'CRASH-B', 'CRASH-C'];
const TOTAL = 300;
const KILL_AFTER = 100;
const CLIENTS = 8;
const system = useRealSystem({ products: SKUS.map((sku, i) => ({ sku, name: `Produto ${sku}`, price: 100 * (i + 1), onHand: 100_000 })) });

/** One to three lines over distinct SKUs, varied but reproducible. */
const linesFor = (n: number): OrderLine[] =>
  Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: SKUS[(n + i) % SKUS.length]!, quantity: 1 + ((n + 2 * i) % 5) }));

it('inventory killed with SIGKILL amid 300 orders: every order ends final and none is reserved twice', async () => {
  const { inventory, ordersApi, inventoryApi } = system();
  let next = 0;
  let accepted = 0;
  let crash: Promise<void> | undefined;
  const failures: string[] = [];

  const client = async () => {
    while (next < TOTAL) {
      const n = next++;
      const reply = await ordersApi.place(linesFor(n));
      if (reply.status !== 201) failures.push(`order ${n}: ${reply.status} ${JSON.stringify(reply.body)}`);
      else if (++accepted === KILL_AFTER) {
        crash = (async () => {
          await inventory.kill();
          await inventory.restart();
        })();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CLIENTS }, client));
  } finally {
    await crash;
  }
  expect(failures).toEqual([]);
  expect(accepted).toBe(TOTAL);

  await ordersApi.waitUntilNonePending(90_000);
  const orders = await ordersApi.listAll();
  expect(orders).toHaveLength(TOTAL);
  // Stock is ample, so the only right answer for each of them is a reservation.
  expect(orders.filter((o) => o.status !== 'confirmed').map((o) => `${o.id} ${o.status}`)).toEqual([]);

  const confirmed = orders.filter((o) => o.status === 'confirmed');
  for (const sku of SKUS) {
    const containing = confirmed.flatMap((o: Order) => o.items.filter((i) => i.sku === sku).map((i) => ({ orderId: o.id, quantity: i.quantity })));
    const product = await inventoryApi.getProduct(sku);
    expect(product.reserved, `reserved of ${sku}`).toBe(containing.reduce((sum, l) => sum + l.quantity, 0));

    const reservations = (await inventoryApi.movements(sku)).filter((m) => m.kind === 'reservation');
    const byOrder = (rows: { orderId: string | null; quantity: number }[]) => rows.map((r) => `${r.orderId}:${r.quantity}`).sort();
    expect(byOrder(reservations), `ledger of ${sku}`).toEqual(byOrder(containing));
  }
});
