import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import { WEBHOOK_EVENT_TYPES } from '@pedidos/contracts/webhooks';
import { batchingHandler, onlyTypes, type Bus, type CloudEvent, type ConsumerSettings, type Subscription } from '@pedidos/platform/messaging';
import type { OrdersService } from '../orders-service';
import type { WebhooksService } from '../webhooks-service';

const ORDER_TYPES = WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith('order.'));
const PAYMENT_TYPES = new Set<string>(WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith('payment.')));

/**
 * The orders' own events reach this durable queue whether or not an endpoint wants them now: the
 * broker keeps what arrives while the service is down, so no change is missed.
 */
export function subscribeWebhookFanOut(bus: Bus, webhooks: WebhooksService, { prefetch, dependsOn, onBatch }: ConsumerSettings): Promise<Subscription> {
  return bus.subscribe({
    queue: CONSUMER_QUEUES.orders.webhooks,
    bindings: ORDER_TYPES.map((routingKey) => ({ exchange: EXCHANGES.orders, routingKey })),
    handler: onlyTypes(ORDER_TYPES, batchingHandler({
      one: (event) => webhooks.fanOut([event]),
      many: (events) => webhooks.fanOut(events),
      max: prefetch,
      onBatch,
    })),
    prefetch,
    dependsOn,
  });
}

/**
 * The payments' facts already come to the orders service's own queue: each message is acked once
 * the order has it and its deliveries exist. A failure between the two sends the message again;
 * the order then counts it a duplicate, and the deliveries are made (they are idempotent too).
 */
export function withPaymentFanOut(service: OrdersService, webhooks: WebhooksService): OrdersService {
  const fanOut = (events: CloudEvent[]) => {
    const payments = events.filter((e) => PAYMENT_TYPES.has(e.type));
    return payments.length === 0 ? Promise.resolve() : webhooks.fanOut(payments);
  };
  return {
    ...service,
    async onOrderFact(queue, event) {
      await service.onOrderFact(queue, event);
      await fanOut([event]);
    },
    async onOrderFacts(queue, events) {
      await service.onOrderFacts(queue, events);
      await fanOut(events);
    },
  };
}
