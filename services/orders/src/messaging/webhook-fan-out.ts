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
      one: (event, { queue }) => webhooks.fanOut(queue, [event]),
      many: (events, queue) => webhooks.fanOut(queue, events),
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
 * the order then counts it a duplicate, and the deliveries are made (each step has its own inbox name).
 */
export function withPaymentFanOut(service: OrdersService, webhooks: WebhooksService): OrdersService {
  const fanOut = (queue: string, events: CloudEvent[]) => {
    const payments = events.filter((e) => PAYMENT_TYPES.has(e.type));
    return payments.length === 0 ? Promise.resolve() : webhooks.fanOut(`${queue}:webhooks`, payments);
  };
  return {
    ...service,
    async onOrderFact(queue, event) {
      await service.onOrderFact(queue, event);
      await fanOut(queue, [event]);
    },
    async onOrderFacts(queue, events) {
      await service.onOrderFacts(queue, events);
      await fanOut(queue, events);
    },
  };
}
