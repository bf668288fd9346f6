import { batchingHandler, onlyTypes, type Bus, type Subscription, type SubscriptionSpec } from '@pedidos/platform/messaging';
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
      handler: onlyTypes(['stock.reserved', 'stock.rejected'], batchingHandler({
        one: (event, { queue }) => service.onStockFact(queue, event),
        many: (events, queue) => service.onStockFacts(queue, events),
        max: prefetch,
      })),
      prefetch,
      dependsOn,
    }),
    bus.subscribe({
      queue: QUEUES.catalog,
      bindings: [{ exchange: EXCHANGES.inventory, routingKey: 'product.upserted' }],
      handler: onlyTypes(['product.upserted'], (event) => service.onProductUpserted(event)),
      prefetch,
      dependsOn,
    }),
  ]);
}
