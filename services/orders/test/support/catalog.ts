import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { cloudEvent, type Bus } from '@pedidos/platform/messaging';
import { ackCounter } from '@pedidos/platform/testing';

/** Tells the orders service of a product as inventory would (`product.upserted`), and waits until it has it. */
export async function copyToCatalog(bus: Bus, { sku = 'CAFE-1KG', name = 'Café 1 kg', price = 4990 }: { sku?: string; name?: string; price?: number } = {}): Promise<void> {
  const product = cloudEvent({
    source: SOURCES.inventory, type: 'product.upserted', data: { sku, name, price, currency: 'BRL', updatedAt: new Date().toISOString() },
  });
  const acked = ackCounter(bus, product.id);
  await bus.publish(EXCHANGES.inventory, [product]);
  await acked.reached(1);
}
