import { Type, type Static, type TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Currency, Money, Sku, Timestamp, Uuid } from './common';
import { Address, Customer, Order, Shortage } from './orders';
import { PaymentMethod, PaymentSummary } from './payments';

/** Each service publishes to its own durable topic exchange; routing key = event type. */
export const EXCHANGES = {
  orders: 'orders.events',
  inventory: 'inventory.events',
  payments: 'payments.events',
} as const;

export { NEW_ORDERS_QUEUE } from './queues';

export const SOURCES = {
  orders: '/services/orders',
  inventory: '/services/inventory',
  payments: '/services/payments',
} as const;

const Line = Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1 }) });

export const OrderCreated = Type.Object({
  orderId: Uuid,
  number: Type.Integer(),
  customerId: Uuid,
  items: Type.Array(Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1 }), unitPrice: Money }), { minItems: 1 }),
  total: Money,
  currency: Currency,
  createdAt: Timestamp,
  /** The provider's token the customer paid with; the payments service authorizes it once stock is reserved. */
  paymentMethod: Type.Optional(PaymentMethod),
  /** Who ordered and where it goes, for the systems that ship and bill it. */
  customer: Type.Optional(Type.Union([Customer, Type.Null()])),
  shippingAddress: Type.Optional(Type.Union([Address, Type.Null()])),
});

export const OrderCancelled = Type.Object({
  orderId: Uuid,
  reason: Type.Union([Type.String(), Type.Null()]),
  /** Status the order left: inventory releases what it holds either way. */
  previousStatus: Type.String(),
});

export const OrderShipped = Type.Object({ orderId: Uuid });

/** Every status change, the creation (`pending`) included: what live views (`GET /api/orders/stream`) follow. */
export const OrderStatusChanged = Type.Object({
  orderId: Uuid,
  /** The change's `order_history` row id: a later change of the same order has a larger one. */
  historyId: Type.Integer({ minimum: 1 }),
  /** The order right after the change, exactly as `GET /api/orders/{id}` returns it. */
  order: Order,
});

export const StockReserved = Type.Object({ orderId: Uuid, items: Type.Array(Line) });

export const StockRejected = Type.Object({
  orderId: Uuid,
  reason: Type.Literal('out_of_stock'),
  /** The lines that could not be covered, with what was available when tried. */
  shortages: Type.Array(Shortage),
});

export const StockReleased = Type.Object({ orderId: Uuid, items: Type.Array(Line) });

export const StockShipped = Type.Object({ orderId: Uuid, items: Type.Array(Line) });

export const ProductUpserted = Type.Object({
  sku: Sku,
  name: Type.String(),
  price: Money,
  currency: Currency,
  /** Newest wins: a copy ignores an event older than what it holds. */
  updatedAt: Timestamp,
});

/** What every `payment.*` event carries: the payment as it stands after the change. */
const paymentFact = <P extends Record<string, TSchema>>(extra: P) =>
  Type.Object({
    orderId: Uuid,
    payment: PaymentSummary,
    /** Counts the payment's changes: a copy keeps the summary of the largest, whatever order events arrive in. */
    version: Type.Integer({ minimum: 1 }),
    ...extra,
  });

export const PaymentAuthorized = paymentFact({});
export const PaymentDeclined = paymentFact({ code: Type.String({ description: 'why: card_declined, insufficient_funds, invalid_payment_method, …' }) });
export const PaymentCaptured = paymentFact({ amount: Money });
export const PaymentVoided = paymentFact({});
export const PaymentRefunded = paymentFact({ amount: Money, reason: Type.Union([Type.String(), Type.Null()]) });

/** Every event type and its `data` schema: the one definition of the wire format. */
export const EVENT_SCHEMAS = {
  'order.created': OrderCreated,
  'order.cancelled': OrderCancelled,
  'order.shipped': OrderShipped,
  'order.status-changed': OrderStatusChanged,
  'stock.reserved': StockReserved,
  'stock.rejected': StockRejected,
  'stock.released': StockReleased,
  'stock.shipped': StockShipped,
  'product.upserted': ProductUpserted,
  'payment.authorized': PaymentAuthorized,
  'payment.declined': PaymentDeclined,
  'payment.captured': PaymentCaptured,
  'payment.voided': PaymentVoided,
  'payment.refunded': PaymentRefunded,
} as const satisfies Record<string, TSchema>;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<K extends EventType> = Static<(typeof EVENT_SCHEMAS)[K]>;

// Each schema compiled once, when its first event is read: every consumed event is checked, and a
// compiled check costs a fraction of walking the schema each time.
const validators = new Map<EventType, Validator>();
function validatorOf(type: EventType): Validator {
  let validator = validators.get(type);
  if (validator === undefined) validators.set(type, (validator = Compile(EVENT_SCHEMAS[type])));
  return validator;
}

/** Checks an event's `data` against its type's schema; throws naming the first bad field. */
export function parseEventData<K extends EventType>(type: K, data: unknown): EventData<K> {
  const validator = validatorOf(type);
  if (validator.Check(data)) return data as EventData<K>;
  const first = validator.Errors(data)[0];
  throw new Error(`invalid ${type} data at "${first?.instancePath || '/'}": ${first?.message ?? 'does not match schema'}`);
}
