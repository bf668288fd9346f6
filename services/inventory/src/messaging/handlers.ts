import { batchingHandler, type Bus, type CloudEvent, type Subscription, type SubscriptionSpec } from '@pedidos/platform/messaging';
import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import type { InventoryService } from '../inventory-service';

/** The queues this service consumes; each is also its inbox's consumer name. */
export const QUEUES = CONSUMER_QUEUES.inventory;

const ORDER_FACTS = new Set(['order.created', 'order.cancelled', 'order.shipped']);

/** `dependsOn`: the service's database; while it is down, failed messages wait for it instead of dead-lettering. */
export function subscribeHandlers(bus: Bus, service: InventoryService, { prefetch, dependsOn }: Required<Pick<SubscriptionSpec, 'prefetch' | 'dependsOn'>>): Promise<Subscription[]> {
  const handler = async (event: CloudEvent, { queue }: { queue: string }) => {
    // A message the queue should never carry is a bug upstream: fail it so it reaches the DLQ.
    if (!ORDER_FACTS.has(event.type)) throw new Error(`${queue} does not handle ${event.type}`);
    await service.onOrderFact(queue, event);
  };
  return Promise.all([
    bus.subscribe({
      queue: QUEUES.newOrders,
      bindings: [{ exchange: EXCHANGES.orders, routingKey: 'order.created' }],
      // The new orders in flight are reserved in one transaction; a failing one falls back alone.
      handler: batchingHandler({
        one: handler,
        many: async (events, queue) => {
          const stranger = events.find((e) => e.type !== 'order.created');
          if (stranger) throw new Error(`${queue} batches only order.created, not ${stranger.type}`);
          await service.onOrdersCreated(queue, events);
        },
        max: prefetch,
      }),
      prefetch,
      dependsOn,
    }),
    bus.subscribe({
      queue: QUEUES.orderUpdates,
      bindings: [
        { exchange: EXCHANGES.orders, routingKey: 'order.cancelled' },
        { exchange: EXCHANGES.orders, routingKey: 'order.shipped' },
      ],
      handler,
      prefetch,
      dependsOn,
    }),
  ]);
}
