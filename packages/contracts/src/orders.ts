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

/** A line inventory could not cover: how many were asked for and how many there were at that moment. */
export const Shortage = Type.Object({ sku: Sku, requested: Type.Integer({ minimum: 1 }), available: Type.Integer({ minimum: 0 }) });
export type Shortage = Static<typeof Shortage>;

export const HistoryEntry = Type.Object({
  status: OrderStatus,
  at: Timestamp,
  reason: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Uuid, Type.Null()], { description: 'who caused the change: the customer or an admin; null when another service did' }),
  shortages: Type.Optional(Type.Array(Shortage, { description: 'on a rejection for `out_of_stock`: the lines that were short' })),
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

/** How an order list is sorted: by number, total or customer (name, then e-mail); `-` first is descending. */
export const ORDER_SORTS = ['-number', 'number', '-total', 'total', 'customer', '-customer'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
/** Newest first: the sort of a list that names none. */
export const DEFAULT_ORDER_SORT: OrderSort = '-number';

/** What narrows an order list: the same for a page, the CSV export and the summary. */
const OrderFilterQuery = {
  status: Type.Optional(OrderStatus),
  q: Type.Optional(SingleLineText({ minLength: 1, maxLength: 200, description: 'an order number, or part of the customer\'s e-mail or name (case-insensitive)' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after (RFC 3339)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'created at or before (RFC 3339)' })),
};

export const ListOrdersQuery = Type.Object(
  {
    ...OrderFilterQuery,
    sort: Type.Optional(Type.Enum(ORDER_SORTS, {
      description: '`-number` (the default: newest first), `number`, `-total`, `total`, `customer` or `-customer` (by name, then e-mail, any case); '
        + 'ties go by number in the same direction. A cursor is only valid with the sort it came from.',
    })),
    ...PageQuery,
    // Any list's cursor, but valid only with the sort it came from.
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'the `nextCursor` of the previous page, with the same sort' })),
  },
  { additionalProperties: false },
);
export type ListOrdersQuery = Static<typeof ListOrdersQuery>;

export const OrderSummaryQuery = Type.Object(OrderFilterQuery, { additionalProperties: false });
export type OrderSummaryQuery = Static<typeof OrderSummaryQuery>;

/** One currency's sum, in minor units. */
export const CurrencyAmount = Type.Object({ currency: Currency, amount: Type.Integer({ minimum: 0, description: 'minor units (centavos)' }) });
export type CurrencyAmount = Static<typeof CurrencyAmount>;

/** `GET /api/orders/summary`: how many orders a filter selects and what they add up to. */
export const OrderSummary = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  totals: Type.Array(CurrencyAmount, { description: 'the sum of the orders\' totals, one entry per currency present, by currency code' }),
});
export type OrderSummary = Static<typeof OrderSummary>;

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

/* ---- Order statistics (`GET /api/orders/stats`) ---- */

/** Statuses whose orders took the customer's money: revenue counts these only. */
export const MONEY_TAKEN_STATUSES = ['confirmed', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

/** The longest range the statistics cover, and the most buckets one answer holds. */
export const STATS_MAX_DAYS = 366;
export const STATS_MAX_BUCKETS = 400;
export const STATS_BUCKETS = ['hour', 'day'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

export const OrderStatsQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'orders created at or after this instant (RFC 3339)' }),
    to: Type.String({ format: 'date-time', description: `orders created before this instant; after \`from\`, at most ${STATS_MAX_DAYS} days later` }),
    bucket: Type.Optional(Type.Enum(STATS_BUCKETS, { default: 'day', description: `the series' step; the range may hold at most ${STATS_MAX_BUCKETS} of them` })),
    tz: Type.Optional(Type.String({
      minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+)*$', default: 'UTC',
      description: 'IANA time zone (America/Sao_Paulo) whose midnights and hours bound the buckets',
    })),
  },
  { additionalProperties: false },
);
export type OrderStatsQuery = Static<typeof OrderStatsQuery>;

const byCurrency = (description: string) => Type.Array(CurrencyAmount, { description: `${description}; one entry per currency, in currency order` });

export const STATS_TOP_PRODUCTS = 5;

export const StatsTopProduct = Type.Object({
  sku: Sku,
  name: Type.String({ description: 'as in its most recent order of the range' }),
  units: Type.Integer({ minimum: 1 }),
  revenue: byCurrency('the lines\' totals (units × unit price)'),
});
export type StatsTopProduct = Static<typeof StatsTopProduct>;

export const OrderStats = Type.Object({
  from: Timestamp,
  to: Timestamp,
  bucket: Type.Enum(STATS_BUCKETS),
  tz: Type.String(),
  orders: Type.Integer({ minimum: 0, description: 'orders created in [from, to), whatever their status' }),
  byStatus: Type.Object(Object.fromEntries(ORDER_STATUSES.map((s) => [s, Type.Integer({ minimum: 0 })])) as Record<OrderStatus, ReturnType<typeof Type.Integer>>, {
    description: 'those orders by their current status; every status present',
  }),
  revenue: byCurrency('totals of the orders that took money (confirmed, shipped, delivered)'),
  averageOrder: byCurrency('revenue divided by the number of orders that took money, rounded to the minor unit'),
  captured: byCurrency('money captured from the cards of those orders, whatever their status, as the payments service last told'),
  refunded: byCurrency('money refunded of those captures, as the payments service last told'),
  topProducts: Type.Array(StatsTopProduct, {
    maxItems: STATS_TOP_PRODUCTS,
    description: `the ${STATS_TOP_PRODUCTS} products most sold by units in the orders that took money; most units first, then by SKU`,
  }),
  series: Type.Array(Type.Object({
    start: Timestamp,
    orders: Type.Integer({ minimum: 0 }),
    revenue: byCurrency('as `revenue`, within the bucket'),
  }), { description: 'one entry per bucket from the one holding `from` to the one holding the instant before `to`, oldest first; empty buckets are zeros' }),
});
export type OrderStats = Static<typeof OrderStats>;

/* ---- Staff notes and the activity timeline (`GET /api/orders/{id}/activity`, `POST /api/orders/{id}/notes`) ---- */

export const STAFF_NOTE_MAX_LENGTH = 2000;

/** Who did it: the order's own customer, or a member of staff (any other account: an admin). */
export const ActivityActor = Type.Object({
  id: Uuid,
  name: Type.Union([Type.String(), Type.Null()], { description: 'the name (or e-mail) their token carried then; null when it carried neither' }),
  role: Type.Enum(['customer', 'staff'] as const),
});
export type ActivityActor = Static<typeof ActivityActor>;

export const ActivityStatus = Type.Object({
  kind: Type.Literal('status'),
  status: OrderStatus,
  reason: Type.Union([Type.String(), Type.Null()]),
  at: Timestamp,
  by: Type.Union([ActivityActor, Type.Null()], { description: 'null when another service caused it (inventory, payments, the expiry of a pending order)' }),
  shortages: Type.Optional(Type.Array(Shortage, { description: 'on a rejection for `out_of_stock`: the lines that were short' })),
});
export type ActivityStatus = Static<typeof ActivityStatus>;

export const ActivityNote = Type.Object({
  kind: Type.Literal('note'),
  id: Type.Integer({ minimum: 1 }),
  body: Type.String(),
  at: Timestamp,
  by: Type.Object({ id: Uuid, name: Type.Union([Type.String(), Type.Null()]), role: Type.Literal('staff') }),
});
export type ActivityNote = Static<typeof ActivityNote>;

export const ActivityItem = Type.Union([ActivityStatus, ActivityNote]);
export type ActivityItem = Static<typeof ActivityItem>;

/** The back office's timeline of an order: its status changes and its staff notes, oldest first. Never shown to the customer. */
export const OrderActivity = Type.Object({
  traceId: Type.Union([Type.String({ pattern: '^[0-9a-f]{32}$' }), Type.Null()], {
    description: 'the W3C trace id of the request that placed the order, which its saga (reservation, payment, confirmation or rejection) continues across services; later commands (ship, cancel) are traces of their own. Null for orders placed before it was kept',
  }),
  items: Type.Array(ActivityItem, { description: 'oldest first; on the same instant a status change comes before a note' }),
});
export type OrderActivity = Static<typeof OrderActivity>;

export const StaffNoteBody = Type.Object(
  {
    body: MultiLineText({
      minLength: 1, maxLength: STAFF_NOTE_MAX_LENGTH, pattern: '\\S',
      description: 'plain text, line breaks kept; not blank. Seen by staff only: never in the order, its events or the customer\'s views',
    }),
  },
  { additionalProperties: false },
);
export type StaffNoteBody = Static<typeof StaffNoteBody>;
