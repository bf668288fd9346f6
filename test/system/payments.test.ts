import { describe, expect, it } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { eventually } from '@pedidos/platform/testing';
import { TEST_CARDS, type ProviderAuthorization } from '../support/http';
import { useRealSystem } from '../support/system';

const SKU = 'PAGO-CAFE';
const PRICE = 2500;
const ON_HAND = 10_000;
const system = useRealSystem({ products: [{ sku: SKU, name: 'Café pago', price: PRICE, onHand: ON_HAND }] });

/** What the provider holds for an order: a live authorization's amount, or what was captured and not given back. */
function heldBy(authorizations: ProviderAuthorization[], orderId: string): number {
  return authorizations
    .filter((a) => a.orderId === orderId)
    .reduce((sum, a) => sum + (a.status === 'authorized' ? a.amount : a.captured - a.refunded), 0);
}

/** What the order's final state says the provider should hold. */
function owed(order: Order): number {
  if (order.status === 'confirmed') return order.total;
  if (order.status === 'shipped' || order.status === 'delivered') return (order.payment?.captured ?? 0) - (order.payment?.refunded ?? 0);
  return 0;
}

async function reservedNow(): Promise<number> {
  return (await system().inventoryApi.getProduct(SKU)).reserved;
}

describe('the payment step of the saga', () => {
  it('a declined card rejects the order with payment_declined and gives the stock back', async () => {
    const { ordersApi } = system();
    const reservedBefore = await reservedNow();
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 3 }], {}, TEST_CARDS.declined);
    const rejected = await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected']);
    expect(rejected.status).toBe('rejected');
    expect(rejected.history.at(-1)).toMatchObject({ status: 'rejected', reason: 'payment_declined' });
    expect(rejected.payment).toMatchObject({ status: 'declined', captured: 0 });
    await eventually(async () => ((await reservedNow()) === reservedBefore ? true : undefined), 20_000, 'stock released');
    expect(heldBy(await system().sandboxApi.authorizations(), order.id)).toBe(0);
  });

  it('a cancel before capture voids the authorization: the provider holds nothing', async () => {
    const { ordersApi, sandboxApi } = system();
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 1 }]);
    const confirmed = await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected']);
    expect(confirmed.payment).toMatchObject({ status: 'authorized', amount: PRICE, brand: 'visa', last4: '4242' });
    await ordersApi.cancel(order.id);
    const voided = await eventually(async () => {
      const o = await ordersApi.getOrder(order.id);
      return o.payment?.status === 'voided' ? o : undefined;
    }, 20_000, 'payment voided');
    expect(voided.status).toBe('cancelled');
    expect((await sandboxApi.authorizations()).filter((a) => a.orderId === order.id)).toEqual([expect.objectContaining({ status: 'voided', captured: 0 })]);
  });

  it('an authorization answered only after the payments service was killed is settled after its restart, and charged once', async () => {
    const { ordersApi, sandboxApi, payments } = system();
    // The sandbox records this card's authorization at once and holds its answer for seconds:
    // the provider has acted, the payments service has not recorded it, and then it dies.
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 2 }], {}, TEST_CARDS.timeoutThenSuccess);
    await eventually(async () => ((await sandboxApi.authorizations()).some((a) => a.orderId === order.id) ? true : undefined), 20_000, 'the provider authorized');
    await payments.kill();
    await payments.restart();
    const confirmed = await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'], 30_000);
    expect(confirmed.status).toBe('confirmed');
    expect((await sandboxApi.authorizations()).filter((a) => a.orderId === order.id)).toHaveLength(1);
    const payment = await system().paymentsApi.getPayment(order.id);
    expect(payment.ledger.map((l) => l.kind)).toEqual(['authorization']);
  });

  it('a provider that times out and then succeeds confirms the order with one authorization', async () => {
    const { ordersApi, sandboxApi } = system();
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 1 }], {}, TEST_CARDS.timeoutThenSuccess);
    expect((await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'], 30_000)).status).toBe('confirmed');
    expect((await sandboxApi.authorizations()).filter((a) => a.orderId === order.id)).toHaveLength(1);
  });

  it('the same webhook delivered three times and out of order is applied once', async () => {
    const { ordersApi, sandboxApi, paymentsApi } = system();
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 1 }], {}, TEST_CARDS.webhookOnly);
    expect((await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'], 30_000)).status).toBe('confirmed');
    await ordersApi.ship(order.id);
    await eventually(async () => ((await paymentsApi.getPayment(order.id)).status === 'captured' ? true : undefined), 20_000, 'captured');
    const ours = (await sandboxApi.events()).filter((e) => e.event.data.orderId === order.id);
    const authorized = ours.find((e) => e.event.type === 'authorization.succeeded')!;
    const captured = ours.find((e) => e.event.type === 'capture.succeeded')!;
    // The capture's news again, then the authorization's three times: older news after newer.
    await sandboxApi.redeliver(captured.event.id, 1);
    await sandboxApi.redeliver(authorized.event.id, 3);
    await eventually(async () => {
      const attempts = (await sandboxApi.events()).find((e) => e.event.id === authorized.event.id) as unknown as { attempts: unknown[] };
      return attempts.attempts.length >= 4 ? true : undefined;
    }, 20_000, 'the redeliveries reached the payments service');
    const payment = await paymentsApi.getPayment(order.id);
    expect(payment).toMatchObject({ status: 'captured', captured: PRICE, refunded: 0 });
    expect(payment.ledger.map((l) => l.kind)).toEqual(['authorization', 'capture']);
    expect(await ordersApi.waitForPayment(order.id, 'captured')).toMatchObject({ captured: PRICE });
  });

  it('200 concurrent orders with a mix of cards: what the provider holds for each is what its final state says', async () => {
    const { ordersApi, sandboxApi } = system();
    const cards = [TEST_CARDS.visa, TEST_CARDS.mastercard, TEST_CARDS.declined, TEST_CARDS.insufficientFunds, TEST_CARDS.webhookOnly, TEST_CARDS.visa, TEST_CARDS.timeoutThenSuccess];
    const placed = await Promise.all(Array.from({ length: 200 }, (_, i) => ordersApi.placeOrder([{ sku: SKU, quantity: 1 + (i % 3) }], {}, cards[i % cards.length])));
    await ordersApi.waitUntilNonePending(60_000);
    const ours = new Set(placed.map((o) => o.id));
    const settled = (await ordersApi.listAll()).filter((o) => ours.has(o.id));
    const confirmed = settled.filter((o) => o.status === 'confirmed');
    const rejected = settled.filter((o) => o.status === 'rejected');
    expect(confirmed.length + rejected.length).toBe(200);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((o) => o.history.at(-1)?.reason === 'payment_declined')).toBe(true);
    // Every fifth confirmed order is cancelled (voided), every fifth + 1 shipped (captured).
    const expected = new Map(confirmed.map((o, i) => [o.id, i % 5 === 0 ? 'voided' : i % 5 === 1 ? 'captured' : 'authorized']));
    await Promise.all(confirmed.map(async (o, i) => {
      if (i % 5 === 0) await ordersApi.cancel(o.id);
      if (i % 5 === 1) await ordersApi.ship(o.id);
    }));
    const finals = await eventually(async () => {
      const now = (await ordersApi.listAll()).filter((o) => expected.has(o.id));
      return now.every((o) => o.payment?.status === expected.get(o.id)) ? now : undefined;
    }, 60_000, 'every payment voided, captured or still authorized as its order says');

    const authorizations = await sandboxApi.authorizations();
    for (const order of [...finals, ...rejected]) {
      expect(heldBy(authorizations, order.id), `order ${order.number} (${order.status}, payment ${order.payment?.status})`).toBe(owed(order));
      expect(authorizations.filter((a) => a.orderId === order.id).length, `order ${order.number}: one authorization at most`).toBeLessThanOrEqual(1);
    }
  });
});
