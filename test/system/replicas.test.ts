import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { metric, type OrderLine } from '../support/http';
import { useRealSystem } from '../support/system';

const HOT = 'DISPUTADO-20';
const SKUS = ['LARGO-A', 'LARGO-B', 'LARGO-C'];
const system = useRealSystem({
  products: [
    { sku: HOT, name: 'Vinte unidades disputadas', price: 1990, onHand: 20 },
    ...SKUS.map((sku) => ({ sku, name: `Estoque ${sku}`, price: 500, onHand: 1_000_000 })),
  ],
});

it('two orders and two inventory processes on one PostgreSQL and RabbitMQ: 1,000 orders, each final once, exactly 20 of the hot ones confirmed', async () => {
  const { ordersApi: a, inventoryApi, inventory, startReplica } = system();
  const [{ ordersApi: b }, { service: inventoryB }] = await Promise.all([startReplica('orders'), startReplica('inventory')]);

  // 900 ordinary orders and 100 for the last 20 units, spread over both orders replicas.
  const bodies: OrderLine[][] = Array.from({ length: 1000 }, (_, i) =>
    i % 10 === 0 ? [{ sku: HOT, quantity: 1 }] : [{ sku: SKUS[i % 3]!, quantity: 1 + (i % 2) }]);
  const replies: { status: number; body: { id: string } }[] = [];
  for (let start = 0; start < bodies.length; start += 50) {
    replies.push(...(await Promise.all(bodies.slice(start, start + 50).map((items, i) => ((start + i) % 2 ? b : a).place(items)))));
  }
  expect(replies.filter((r) => r.status !== 201)).toEqual([]);

  // An Idempotency-Key means one order whichever replica the retry lands on.
  const key = { 'idempotency-key': randomUUID() };
  const first = await a.place([{ sku: 'LARGO-A', quantity: 1 }], key);
  const retry = await b.place([{ sku: 'LARGO-A', quantity: 1 }], key);
  expect(retry.body.id).toBe(first.body.id);

  await a.waitUntilNonePending(120_000);
  const orders = await b.listAll();
  expect(orders).toHaveLength(1001);
  const hot = orders.filter((o) => o.items[0]!.sku === HOT);
  expect(hot.filter((o) => o.status === 'confirmed')).toHaveLength(20);
  expect(hot.filter((o) => o.status === 'rejected')).toHaveLength(80);
  expect(orders.filter((o) => o.items[0]!.sku !== HOT).every((o) => o.status === 'confirmed')).toBe(true);

  // No event applied twice: what is reserved is exactly what confirmed orders hold, one ledger row each.
  for (const sku of [HOT, ...SKUS]) {
    const held = orders.filter((o) => o.status === 'confirmed').flatMap((o) => o.items).filter((i) => i.sku === sku);
    const product = await inventoryApi.getProduct(sku);
    expect(product.reserved, sku).toBe(held.reduce((sum, i) => sum + i.quantity, 0));
    const reservations = (await inventoryApi.movements(sku)).filter((m) => m.kind === 'reservation');
    expect(reservations, sku).toHaveLength(held.length);
  }
  expect((await inventoryApi.getProduct(HOT)).available).toBe(0);

  // Both inventory replicas took their share of novos_pedidos.
  for (const replica of [inventory, inventoryB]) {
    expect(await metric(replica.url, 'messages_processed_total', { queue: 'novos_pedidos' })).toBeGreaterThan(0);
  }
});
