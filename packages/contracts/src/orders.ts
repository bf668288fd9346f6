import { Type, type Static } from 'typebox';
import { Currency, Money, MultiLineText, PageQuery, SingleLineText, Sku, Timestamp, Uuid, page } from './common';
import { MAX_LINES, MAX_QUANTITY, ORDER_NOTE_MAX_LENGTH } from './limits';
import { PaymentMethod, PaymentSummary } from './payments';

export { MAX_LINES, MAX_QUANTITY } from './limits';

export const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'delivered', 'rejected', 'cancelled'] as const;
export const OrderStatus = Type.Enum(ORDER_STATUSES);
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Brazil's CEP: eight digits, written `01305-000` (the hyphen optional on the way in). */
const CEP = /^\d{5}-?\d{3}$/;

export const Address = Type.Object(
  {
    name: SingleLineText({ minLength: 1, maxLength: 120 }),
    line1: SingleLineText({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.Union([SingleLineText({ maxLength: 200 }), Type.Null()])),
    city: SingleLineText({ minLength: 1, maxLength: 100 }),
    state: SingleLineText({ minLength: 1, maxLength: 100 }),
    postalCode: SingleLineText({ minLength: 1, maxLength: 20 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. BR' }),
  },
  { additionalProperties: false, description: 'where the order goes; with country BR, postalCode is a CEP (01305-000)' },
);
export type Address = Static<typeof Address>;

/**
 * The rules a schema cannot say: a Brazilian address's postal code is a CEP. Paths are relative
 * to the address. The server refuses what this finds; the shop checks it before sending.
 */
export function addressProblems(address: Pick<Address, 'postalCode' | 'country'>): { path: string; message: string }[] {
  if (address.country === 'BR' && !CEP.test(address.postalCode.trim())) return [{ path: '/postalCode', message: 'must be a CEP: eight digits, e.g. 01305-000' }];
  return [];
}

/** The address as stored: `line2` always present, a CEP written with its hyphen. */
export function normalizeAddress(address: Address): Address & { line2: string | null } {
  const postalCode = address.postalCode.trim();
  return {
    ...address,
    line2: address.line2 ?? null,
    postalCode: address.country === 'BR' ? postalCode.replace(/^(\d{5})-?(\d{3})$/, '$1-$2') : postalCode,
  };
}

/** Who ordered, as the token named them when the order was placed. */
export const Customer = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
});
export type Customer = Static<typeof Customer>;

export const PlaceOrderBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: MAX_LINES, description: 'each SKU at most once' },
    ),
    note: Type.Optional(Type.Union([MultiLineText({ maxLength: ORDER_NOTE_MAX_LENGTH }), Type.Null()])),
    shippingAddress: Type.Optional(Address),
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
  customer: Type.Union([Customer, Type.Null()], { description: 'name and e-mail as of the order\'s creation; null for orders placed before they were kept' }),
  shippingAddress: Type.Union([Address, Type.Null()], { description: 'null when the order was placed without one' }),
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

export const ListOrdersQuery = Type.Object(
  {
    status: Type.Optional(OrderStatus),
    q: Type.Optional(SingleLineText({ minLength: 1, maxLength: 200, description: 'an order number, or part of the customer\'s e-mail or name (case-insensitive)' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after (RFC 3339)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created at or before (RFC 3339)' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
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
