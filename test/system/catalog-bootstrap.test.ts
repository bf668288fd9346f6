import { expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { metric } from '../support/http';
import { useRealSystem } from '../support/system';

const CATALOG_QUEUE = 'orders.catalog';
const system = useRealSystem({ orders: false });

it('orders started after the products were created prices an order from the catalog it copied at startup', async () => {
  const { inventory, inventoryApi, broker } = system();
  await inventoryApi.createProduct({ sku: 'BOOT-ACAI', name: 'Polpa de açaí 1 kg', price: 3190, onHand: 10 });
  await inventoryApi.createProduct({ sku: 'BOOT-TAPIOCA', name: 'Goma de tapioca 500 g', price: 749, onHand: 10 });
  // Their product.upserted events must be gone, with no queue to keep them, before orders exists.
  await eventually(async () => ((await metric(inventory.url, 'outbox_backlog')) === 0 ? true : undefined), 10_000, 'inventory outbox drained');
  await broker.deleteQueue(CATALOG_QUEUE);
  expect(await broker.queueExists(CATALOG_QUEUE)).toBe(false);

  await system().startOrders();
  const { ordersApi } = system();
  const order = await ordersApi.placeOrder([{ sku: 'BOOT-ACAI', quantity: 2 }, { sku: 'BOOT-TAPIOCA', quantity: 3 }]);
  expect(order.items).toEqual([
    { sku: 'BOOT-ACAI', name: 'Polpa de açaí 1 kg', quantity: 2, unitPrice: 3190 },
    { sku: 'BOOT-TAPIOCA', name: 'Goma de tapioca 500 g', quantity: 3, unitPrice: 749 },
  ]);
  expect(order.total).toBe(2 * 3190 + 3 * 749);
  expect((await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'])).status).toBe('confirmed');
});
