import { Type, type Static } from 'typebox';
import { Currency, Money, MultiLineText, PageQuery, SingleLineText, Sku, Timestamp, Uuid, page } from './common';
import { MAX_LINES, MAX_QUANTITY, ORDER_NOTE_MAX_LENGTH } from './limits';
import { PaymentMethod, PaymentSummary } from './payments';

export { MAX_LINES, MAX_QUANTITY } from './limits';

export const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'delivered', 'rejected', 'cancelled'] as const;
export const OrderStatus = Type.Enum(ORDER_STATUSES);
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PlaceOrderBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: MAX_LINES, description: 'each SKU at most once' },
    ),
    note: Type.Optional(Type.Union([MultiLineText({ maxLength: ORDER_NOTE_MAX_LENGTH }), Type.Null()])),
    paymentMethod: PaymentMethod,
  },
  { additionalProperties: false },
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const OrderItem = Type.Object({
  sku: Sku,
  name: Type.String(),
  quantity: Type.Integer({ minimum: 1 }),
  unitPrice: Money,
});
export type OrderItem = Static<typeof OrderItem>;

export const HistoryEntry = Type.Object({
  status: OrderStatus,
  at: Timestamp,
  reason: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Uuid, Type.Null()], { description: 'who caused the change: the customer or an admin; null when another service did' }),
});
export type HistoryEntry = Static<typeof HistoryEntry>;

export const Order = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  customerId: Uuid,
  status: OrderStatus,
  items: Type.Array(OrderItem),
  total: Type.Integer({ minimum: 0, description: 'minor units (centavos)' }),
  currency: Currency,
  note: Type.Union([Type.String(), Type.Null()]),
  payment: Type.Union([PaymentSummary, Type.Null()], { description: 'null until the payments service has answered' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  history: Type.Array(HistoryEntry),
});
export type Order = Static<typeof Order>;

export const OrderList = page(Order);
export type OrderList = Static<typeof OrderList>;

export const ListOrdersQuery = Type.Object({ status: Type.Optional(OrderStatus), ...PageQuery }, { additionalProperties: false });
export type ListOrdersQuery = Static<typeof ListOrdersQuery>;

export const OrderIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const CancelOrderBody = Type.Union([
  Type.Object({ reason: Type.Optional(SingleLineText({ maxLength: 200 })) }, { additionalProperties: false }),
  Type.Null(),
]);

/** A history row id as SSE sends it in `id:`; at most 15 digits, so it stays a safe integer. */
const StreamPosition = Type.String({ pattern: '^(0|[1-9][0-9]{0,14})$', description: 'the `id:` of the last event received' });

/** `GET /api/orders/stream`: where to resume, for clients that cannot set the Last-Event-ID header. */
export const OrderStreamQuery = Type.Object({ lastEventId: Type.Optional(StreamPosition) }, { additionalProperties: false });
export type OrderStreamQuery = Static<typeof OrderStreamQuery>;

export const OrderStreamHeaders = Type.Object({ 'last-event-id': Type.Optional(StreamPosition) });

/** The SSE event name of `GET /api/orders/stream`; its data is an `Order`. */
export const ORDER_STREAM_EVENT = 'order';
