import { batchingHandler, type Bus, type CloudEvent, type Subscription, type SubscriptionSpec } from '@pedidos/platform/messaging';
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
      // The stock facts in flight are applied in one transaction; a failing one falls back alone.
      handler: batchingHandler({
        one: async (event: CloudEvent, { queue }) => {
          if (event.type !== 'stock.reserved' && event.type !== 'stock.rejected') throw new Error(`${queue} does not handle ${event.type}`);
          await service.onStockFact(queue, event);
        },
        many: async (events, queue) => {
          const stranger = events.find((e) => e.type !== 'stock.reserved' && e.type !== 'stock.rejected');
          if (stranger) throw new Error(`${queue} does not handle ${stranger.type}`);
          await service.onStockFacts(queue, events);
        },
        max: prefetch,
      }),
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
