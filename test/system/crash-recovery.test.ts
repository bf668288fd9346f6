import { expect, it } from 'vitest';
import { burstThroughFault, expectAllConfirmedOnce } from '../support/burst';
import { useRealSystem } from '../support/system';

const SKUS = ['CRASH-A', 'CRASH-B', 'CRASH-C'];
const system = useRealSystem({ products: SKUS.map((sku, i) => ({ sku, name: `Produto ${sku}`, price: 100 * (i + 1), onHand: 100_000 })) });

it('inventory killed with SIGKILL amid 300 orders: every order ends final and none is reserved twice', async () => {
  const { inventory, ordersApi, inventoryApi } = system();
  const accepted = await burstThroughFault(ordersApi, SKUS, {
    total: 300,
    clients: 8,
    faultAfter: 100,
    fault: async () => {
      await inventory.kill();
      await inventory.restart();
    },
  });
  expect(accepted).toHaveLength(300);

  await ordersApi.waitUntilNonePending(90_000);
  await expectAllConfirmedOnce(ordersApi, inventoryApi, SKUS, accepted);
});
