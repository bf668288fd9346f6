import type { Order } from '@pedidos/contracts/orders';
import { expect } from 'vitest';
import type { InventoryApi, OrderLine, OrdersApi } from './http';

/** One to three lines over distinct SKUs, varied but reproducible. */
export const linesFor = (skus: readonly string[], n: number): OrderLine[] =>
  Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: skus[(n + i) % skus.length]!, quantity: 1 + ((n + 2 * i) % 5) }));

export interface BurstOptions {
  total: number;
  clients: number;
  /** Runs once, when this many orders have been accepted, while the clients go on. */
  faultAfter: number;
  fault: () => Promise<void>;
  /** How long one order may keep being retried before it counts as refused. */
  retryForMs?: number;
}

/**
 * `total` orders from `clients` concurrent clients that behave like a careful shop front: each
 * order has its own Idempotency-Key and is sent again, with that key, after a 5xx or a network
 * error until it is accepted. Resolves with the ids accepted (one per order) once the fault
 * has run its course; rejects if any order was refused or never got through.
 */
export async function burstThroughFault(api: OrdersApi, skus: readonly string[], opts: BurstOptions): Promise<string[]> {
  const run = `${Date.now()}`;
  const retryForMs = opts.retryForMs ?? 60_000;
  const ids: string[] = [];
  const failures: string[] = [];
  let next = 0;
  let fault: Promise<void> | undefined;

  const placeOne = async (n: number) => {
    const headers = { 'idempotency-key': `burst-${run}-${n}` };
    const deadline = Date.now() + retryForMs;
    let last = '';
    while (Date.now() < deadline) {
      const reply = await api.place(linesFor(skus, n), headers).catch((error: Error) => ({ status: 0, body: error.message }));
      if (reply.status === 201) return (reply.body as Order).id;
      last = `${reply.status} ${JSON.stringify(reply.body)}`;
      if (reply.status >= 400 && reply.status < 500) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    failures.push(`order ${n}: ${last}`);
    return undefined;
  };

  const client = async () => {
    while (next < opts.total) {
      const id = await placeOne(next++);
      if (id === undefined) continue;
      ids.push(id);
      if (ids.length === opts.faultAfter) {
        fault = opts.fault();
        // Awaited once the clients are done; until then a failure must not go unhandled.
        fault.catch(() => {});
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.clients }, client));
  } finally {
    await fault;
  }
  expect(failures).toEqual([]);
  return ids;
}

/**
 * Every accepted order is confirmed (stock is ample, so nothing else is right), each exactly
 * once: no order beyond those accepted, and for every SKU the reserved quantity and the
 * reservation ledger match the confirmed orders line for line.
 */
export async function expectAllConfirmedOnce(orders: OrdersApi, inventory: InventoryApi, skus: readonly string[], accepted: readonly string[]): Promise<void> {
  const all = await orders.listAll();
  expect(all.map((o) => o.id).sort()).toEqual([...accepted].sort());
  expect(all.filter((o) => o.status !== 'confirmed').map((o) => `${o.id} ${o.status}`)).toEqual([]);

  for (const sku of skus) {
    const containing = all.flatMap((o) => o.items.filter((i) => i.sku === sku).map((i) => ({ orderId: o.id, quantity: i.quantity })));
    const product = await inventory.getProduct(sku);
    expect(product.reserved, `reserved of ${sku}`).toBe(containing.reduce((sum, l) => sum + l.quantity, 0));

    const reservations = (await inventory.movements(sku)).filter((m) => m.kind === 'reservation');
    const byOrder = (rows: { orderId: string | null; quantity: number }[]) => rows.map((r) => `${r.orderId}:${r.quantity}`).sort();
    expect(byOrder(reservations), `ledger of ${sku}`).toEqual(byOrder(containing));
  }
}
