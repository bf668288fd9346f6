import type { Bus, CloudEvent, Subscription, SubscriptionSpec } from '@pedidos/platform/messaging';
import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import type { OrdersService } from '../orders-service';

/** The queues this service consumes; each is also its inbox's consumer name. */
export const QUEUES = CONSUMER_QUEUES.orders;

/** `dependsOn`: the service's database; while it is down, failed messages wait for it instead of dead-lettering. */
export function subscribeHandlers(bus: Bus, service: OrdersService, { prefetch, dependsOn }: Required<Pick<SubscriptionSpec, 'prefetch' | 'dependsOn'>>): Promise<Subscription[]> {
  return Promise.all([
    bus.subscribe({
      queue: QUEUES.stockUpdates,
      bindings: [
        { exchange: EXCHANGES.inventory, routingKey: 'stock.reserved' },
        { exchange: EXCHANGES.inventory, routingKey: 'stock.rejected' },
      ],
      handler: async (event: CloudEvent, { queue }) => {
        if (event.type !== 'stock.reserved' && event.type !== 'stock.rejected') throw new Error(`${queue} does not handle ${event.type}`);
        await service.onStockFact(queue, event);
      },
      prefetch,
      dependsOn,
    }),
    bus.subscribe({
      queue: QUEUES.catalog,
      bindings: [{ exchange: EXCHANGES.inventory, routingKey: 'product.upserted' }],
      handler: async (event: CloudEvent, { queue }) => {
        if (event.type !== 'product.upserted') throw new Error(`${queue} does not handle ${event.type}`);
        await service.onProductUpserted(event);
      },
      prefetch,
      dependsOn,
    }),
  ]);
}
