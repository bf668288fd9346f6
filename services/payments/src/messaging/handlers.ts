import { batchingHandler, onlyTypes, type Bus, type ConsumerSettings, type Subscription } from '@pedidos/platform/messaging';
import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import type { PaymentsService } from '../payments-service';

/** The queues this service consumes; each is also its inbox's consumer name. */
export const QUEUES = CONSUMER_QUEUES.payments;

const ORDER_FACTS = ['order.created', 'order.cancelled', 'order.shipped'] as const;
const STOCK_FACTS = ['stock.reserved', 'stock.rejected'] as const;

/** `dependsOn`: the service's database; while it is down, failed messages wait for it instead of dead-lettering. */
export function subscribeHandlers(bus: Bus, service: PaymentsService, { prefetch, dependsOn, onBatch }: ConsumerSettings): Promise<Subscription[]> {
  return Promise.all([
    bus.subscribe({
      queue: QUEUES.saga,
      // One queue for every fact the saga waits on: an order's facts take turns on its row lock.
      bindings: [
        ...ORDER_FACTS.map((routingKey) => ({ exchange: EXCHANGES.orders, routingKey })),
        ...STOCK_FACTS.map((routingKey) => ({ exchange: EXCHANGES.inventory, routingKey })),
      ],
      // The facts in flight are recorded in one transaction; a failing one falls back alone.
      handler: onlyTypes([...ORDER_FACTS, ...STOCK_FACTS], batchingHandler({
        one: (event, { queue }) => service.onOrderFact(queue, event),
        many: (events, queue) => service.onOrderFacts(queue, events),
        max: prefetch,
        onBatch,
      })),
      prefetch,
      dependsOn,
    }),
  ]);
}
