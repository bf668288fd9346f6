import { EXCHANGES } from '@pedidos/contracts/events';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import { WEBHOOK_EVENT_TYPES } from '@pedidos/contracts/webhooks';
import { batchingHandler, onlyTypes, type Bus, type CloudEvent, type ConsumerSettings, type Subscription } from '@pedidos/platform/messaging';
import type { OrdersService } from '../orders-service';
import type { WebhooksService } from '../webhooks-service';

const ORDER_TYPES = WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith('order.'));
const PAYMENT_TYPES = new Set<string>(WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith('payment.')));

const routes = (types: readonly string[]) => types.map((routingKey) => ({ exchange: EXCHANGES.orders, routingKey }));

/**
 * The orders' own events that some endpoint wants reach this durable queue, and only those
 * (`routeWebhookEvents`, which the webhooks service calls as endpoints change): the broker keeps
 * what arrives while the service is down, so no change an endpoint wants is missed.
 */
export function subscribeWebhookFanOut(bus: Bus, webhooks: WebhooksService, { prefetch, dependsOn, onBatch }: ConsumerSettings): Promise<Subscription> {
  return bus.subscribe({
    queue: CONSUMER_QUEUES.orders.webhooks,
    bindings: [],
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
 * Binds the webhook queue to the order events among `wanted` and unbinds the others: with no
 * endpoint, the orders' own events (three an order) cost the broker and this service nothing here.
 */
export function routeWebhookEvents(bus: Bus) {
  return async (wanted: ReadonlySet<string>): Promise<void> => {
    await bus.bind(CONSUMER_QUEUES.orders.webhooks, routes(ORDER_TYPES.filter((type) => wanted.has(type))));
    await bus.unbind(CONSUMER_QUEUES.orders.webhooks, routes(ORDER_TYPES.filter((type) => !wanted.has(type))));
  };
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
