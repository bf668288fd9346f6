import { batchingHandler, onlyTypes, type Bus, type ConsumerSettings, type Subscription } from '@pedidos/platform/messaging';
import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import type { OrdersService } from '../orders-service';

/** The queues this service consumes; each is also its inbox's consumer name. */
export const QUEUES = CONSUMER_QUEUES.orders;

const PAYMENT_FACTS = ['payment.authorized', 'payment.declined', 'payment.captured', 'payment.voided', 'payment.refunded'] as const;

/** The facts in flight are applied in one transaction; a failing one falls back alone. */
const applyInBatches = (service: OrdersService, { prefetch, onBatch }: ConsumerSettings) => batchingHandler({
  one: (event, { queue }) => service.onOrderFact(queue, event),
  many: (events, queue) => service.onOrderFacts(queue, events),
  max: prefetch,
  onBatch,
});

/** `dependsOn`: the service's database; while it is down, failed messages wait for it instead of dead-lettering. */
export function subscribeHandlers(bus: Bus, service: OrdersService, settings: ConsumerSettings): Promise<Subscription[]> {
  const { prefetch, dependsOn } = settings;
  return Promise.all([
    bus.subscribe({
      queue: QUEUES.stockUpdates,
      // Only a rejection moves an order; `stock.reserved` is accepted (and dropped) for queues an earlier release bound to it.
      bindings: [{ exchange: EXCHANGES.inventory, routingKey: 'stock.rejected' }],
      handler: onlyTypes(['stock.reserved', 'stock.rejected'], applyInBatches(service, settings)),
      prefetch,
      dependsOn,
    }),
    bus.subscribe({
      queue: QUEUES.paymentUpdates,
      bindings: PAYMENT_FACTS.map((routingKey) => ({ exchange: EXCHANGES.payments, routingKey })),
      handler: onlyTypes(PAYMENT_FACTS, applyInBatches(service, settings)),
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
