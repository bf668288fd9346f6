import { batchingHandler, onlyTypes, type Bus, type CloudEvent, type ConsumerSettings, type DeliveryContext, type Subscription } from '@pedidos/platform/messaging';
import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import type { InventoryService } from '../inventory-service';

/** The queues this service consumes; each is also its inbox's consumer name. */
export const QUEUES = CONSUMER_QUEUES.inventory;

/** `dependsOn`: the service's database; while it is down, failed messages wait for it instead of dead-lettering. */
export function subscribeHandlers(bus: Bus, service: InventoryService, { prefetch, dependsOn, onBatch }: ConsumerSettings): Promise<Subscription[]> {
  const onOrderFact = (event: CloudEvent, { queue }: DeliveryContext) => service.onOrderFact(queue, event);
  return Promise.all([
    bus.subscribe({
      queue: QUEUES.newOrders,
      bindings: [{ exchange: EXCHANGES.orders, routingKey: 'order.created' }],
      // The new orders in flight are reserved in one transaction; a failing one falls back alone.
      handler: onlyTypes(['order.created'], batchingHandler({
        one: onOrderFact,
        many: (events, queue) => service.onOrdersCreated(queue, events),
        max: prefetch,
        onBatch,
      })),
      prefetch,
      dependsOn,
    }),
    bus.subscribe({
      queue: QUEUES.orderUpdates,
      bindings: [
        { exchange: EXCHANGES.orders, routingKey: 'order.cancelled' },
        { exchange: EXCHANGES.orders, routingKey: 'order.shipped' },
      ],
      handler: onlyTypes(['order.cancelled', 'order.shipped'], onOrderFact),
      prefetch,
      dependsOn,
    }),
  ]);
}
