/**
 * The durable queues each service consumes; each also has `<queue>.retry.<ms>` queues and a
 * `<queue>.dlq`. Plain names without schemas, so that tools (`npm run dlq`) read them without
 * loading the rest of the contracts.
 */

/** The seed's queue: `order.created` for the inventory service. */
export const NEW_ORDERS_QUEUE = 'novos_pedidos';

export const CONSUMER_QUEUES = {
  inventory: { newOrders: NEW_ORDERS_QUEUE, orderUpdates: 'inventory.order-updates' },
  orders: { stockUpdates: 'orders.stock-updates', paymentUpdates: 'orders.payment-updates', catalog: 'orders.catalog', webhooks: 'orders.webhooks' },
  payments: { saga: 'payments.order-facts' },
} as const;
