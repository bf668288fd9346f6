import { describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { useRealSystem } from '../support/system';

const SKU = 'REEMBOLSO-CHA';
const PRICE = 4000;
// The money is taken as soon as the card is authorized: a cancel then has captured money to give back.
const system = useRealSystem({ products: [{ sku: SKU, name: 'Chá reembolsável', price: PRICE, onHand: 100 }], paymentsEnv: { CAPTURE: 'on-authorize' } });

async function capturedOrder(quantity: number) {
  const { ordersApi, paymentsApi } = system();
  const order = await ordersApi.placeOrder([{ sku: SKU, quantity }]);
  expect((await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'])).status).toBe('confirmed');
  await eventually(async () => ((await paymentsApi.getPayment(order.id)).status === 'captured' ? true : undefined), 20_000, 'captured');
  return order;
}

describe('money captured at authorization', () => {
  it('a cancel after capture refunds all of it: the provider holds nothing', async () => {
    const { ordersApi, paymentsApi, sandboxApi } = system();
    const order = await capturedOrder(2);
    expect((await ordersApi.cancel(order.id)).status).toBe('cancelled');
    const payment = await eventually(async () => {
      const p = await paymentsApi.getPayment(order.id);
      return p.status === 'refunded' ? p : undefined;
    }, 20_000, 'refunded');
    expect(payment).toMatchObject({ captured: 2 * PRICE, refunded: 2 * PRICE });
    expect(payment.ledger.map((l) => [l.kind, l.amount, l.reason])).toEqual([
      ['authorization', 2 * PRICE, null], ['capture', 2 * PRICE, null], ['refund', 2 * PRICE, 'order cancelled'],
    ]);
    expect((await sandboxApi.authorizations()).filter((a) => a.orderId === order.id)).toEqual([
      expect.objectContaining({ captured: 2 * PRICE, refunded: 2 * PRICE }),
    ]);
    expect(await ordersApi.waitForPayment(order.id, 'refunded')).toMatchObject({ refunded: 2 * PRICE });
  });

  it('partial refunds add up to the capture, and one more is refused', async () => {
    const { paymentsApi, sandboxApi } = system();
    const order = await capturedOrder(3);
    for (const amount of [5_000, 4_000, 3_000]) expect((await paymentsApi.refund(order.id, amount, `part of ${amount}`)).status).toBe(201);
    const oneMore = await paymentsApi.refund(order.id, 1, 'one more');
    expect(oneMore.status).toBe(409);
    expect(oneMore.body).toMatchObject({ code: 'PAYMENT.REFUND_EXCEEDS_CAPTURED' });
    expect(await paymentsApi.getPayment(order.id)).toMatchObject({ status: 'refunded', captured: 3 * PRICE, refunded: 3 * PRICE });
    expect((await sandboxApi.authorizations()).find((a) => a.orderId === order.id)).toMatchObject({ captured: 3 * PRICE, refunded: 3 * PRICE });
  });
});
