import { describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { useRealSystem } from '../support/system';

const CANCELLED = 'CICLO-CANCELA';
const SHIPPED = 'CICLO-ENVIA';
const system = useRealSystem({
  products: [
    { sku: CANCELLED, name: 'Goiabada que volta à prateleira', price: 990, onHand: 20 },
    { sku: SHIPPED, name: 'Cachaça que sai do armazém', price: 5990, onHand: 20 },
  ],
});

async function confirmedOrder(sku: string, quantity: number) {
  const { ordersApi, inventoryApi } = system();
  const placed = await ordersApi.placeOrder([{ sku, quantity }]);
  expect((await ordersApi.waitForStatus(placed.id, ['confirmed', 'rejected'])).status).toBe('confirmed');
  expect(await inventoryApi.getProduct(sku)).toMatchObject({ onHand: 20, reserved: quantity, available: 20 - quantity });
  return placed;
}

describe('a confirmed order', () => {
  it('when cancelled gives its reserved stock back, with a release in the ledger', async () => {
    const { ordersApi, inventoryApi } = system();
    const order = await confirmedOrder(CANCELLED, 3);

    expect((await ordersApi.cancel(order.id)).status).toBe('cancelled');
    const product = await eventually(async () => {
      const p = await inventoryApi.getProduct(CANCELLED);
      return p.reserved === 0 ? p : undefined;
    }, 20_000, 'reservation released');
    expect(product).toMatchObject({ onHand: 20, reserved: 0, available: 20 });
    const ledger = (await inventoryApi.movements(CANCELLED)).filter((m) => m.orderId === order.id);
    expect(ledger.map((m) => [m.kind, m.quantity])).toEqual([['reservation', 3], ['release', -3]]);
  });

  it('when shipped turns its reservation into a shipment: on hand and reserved both drop', async () => {
    const { ordersApi, inventoryApi } = system();
    const order = await confirmedOrder(SHIPPED, 4);

    expect((await ordersApi.ship(order.id)).status).toBe('shipped');
    const product = await eventually(async () => {
      const p = await inventoryApi.getProduct(SHIPPED);
      return p.reserved === 0 ? p : undefined;
    }, 20_000, 'reservation shipped');
    expect(product).toMatchObject({ onHand: 16, reserved: 0, available: 16 });
    const ledger = (await inventoryApi.movements(SHIPPED)).filter((m) => m.orderId === order.id);
    expect(ledger.map((m) => [m.kind, m.quantity])).toEqual([['reservation', 4], ['shipment', -4]]);
  });
});
