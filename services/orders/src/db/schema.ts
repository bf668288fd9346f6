import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Address, Shortage } from '@pedidos/contracts/orders';
import type { PaymentSummary } from '@pedidos/contracts/payments';
import type { CloudEvent } from '@pedidos/platform/messaging';
import { inboxTable, outboxTable } from '@pedidos/platform/messaging/tables';

/** Everything the orders service owns lives in this schema; no other service reads it. */
export const ordersSchema = pgSchema('orders');

/** Human order numbers; gaps are fine, reuse is not. */
export const orderNumbers = ordersSchema.sequence('order_number_seq', { startWith: 1001 });

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const orders = ordersSchema.table(
  'orders',
  {
    id: uuid('id').primaryKey(),
    number: bigint('number', { mode: 'number' }).notNull().unique(),
    customerId: uuid('customer_id').notNull(),
    status: text('status').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    note: text('note'),
    /** Who ordered, as the token named them at the time: the order keeps it if they change later. */
    customerName: text('customer_name'),
    customerEmail: text('customer_email'),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    /** The payments service's latest word on the order's payment (`payment.*` events); null until its first. */
    payment: jsonb('payment').$type<PaymentSummary>(),
    /** The `version` of that word: an older event arriving late never replaces a newer one. */
    paymentVersion: integer('payment_version').notNull().default(0),
    /** The W3C trace id of the request that placed it: the order's whole saga is that one trace. */
    traceId: text('trace_id'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    index('orders_customer_number_idx').on(t.customerId, t.number.desc()),
    index('orders_status_number_idx').on(t.status, t.number.desc()),
    // Date ranges: the back office's lists, exports and statistics.
    index('orders_created_at_idx').on(t.createdAt),
    // The back office's sorts (db/order-sort.ts), each ending with the number that breaks ties.
    index('orders_total_number_idx').on(t.total, t.number),
    index('orders_customer_sort_idx').on(sql`lower(coalesce(${t.customerName}, ''))`, sql`lower(coalesce(${t.customerEmail}, ''))`, t.number),
  ],
);

export const orderItems = ordersSchema.table(
  'order_items',
  {
    orderId: uuid('order_id').notNull().references(() => orders.id),
    line: integer('line').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: bigint('unit_price', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.line] })],
);

export const orderHistory = ordersSchema.table(
  'order_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    status: text('status').notNull(),
    reason: text('reason'),
    /** Who caused it: the customer or admin for commands; null for answers from other services. */
    actor: uuid('actor'),
    /** The actor's name as their token gave it then: the back office's timeline says who, without asking identity. */
    actorName: text('actor_name'),
    /** On a rejection for lack of stock: the lines that were short, as inventory saw them. */
    shortages: jsonb('shortages').$type<Shortage[]>(),
    at: at('at').notNull(),
  },
  (t) => [index('order_history_order_idx').on(t.orderId, t.id)],
);

/** Staff notes on an order: the back office's, never shown to the customer nor sent in events. */
export const orderNotes = ordersSchema.table(
  'order_notes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    author: uuid('author').notNull(),
    authorName: text('author_name'),
    body: text('body').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('order_notes_order_idx').on(t.orderId, t.id)],
);

/** One row per (customer, Idempotency-Key): a retried POST finds its order here. */
export const idempotencyKeys = ordersSchema.table(
  'idempotency_keys',
  {
    customerId: uuid('customer_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    createdAt: at('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.key] })],
);

/** The local copy of inventory's catalog, fed by product.upserted: orders never call inventory to price. */
export const catalog = ordersSchema.table('catalog', {
  sku: text('sku').primaryKey(),
  name: text('name').notNull(),
  price: bigint('price', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  updatedAt: at('updated_at').notNull(),
});

/** Where other systems want events sent (webhooks/README.md); a removed endpoint keeps its row, marked, for its deliveries' sake. */
export const webhookEndpoints = ordersSchema.table('webhook_endpoints', {
  id: uuid('id').primaryKey(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  description: text('description'),
  /** `whsec_` + base64 of the HMAC key: shown once at registration, never answered again. */
  secret: text('secret').notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: at('created_at').notNull(),
  disabledAt: at('disabled_at'),
});

/** One event for one endpoint, with its retry state on the row (claimed like the outbox's). */
export const webhookDeliveries = ordersSchema.table(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    /** Newest-first paging key: uuids do not sort by time. */
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    endpointId: uuid('endpoint_id').notNull().references(() => webhookEndpoints.id),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    event: jsonb('event').$type<CloudEvent>().notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Set while pending; the dispatcher takes rows whose time has come. */
    nextAttemptAt: at('next_attempt_at'),
    /** While an attempt is under way: until when the dispatcher that took it holds it. */
    leasedUntil: at('leased_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    /** When the current round of retries began: a replay starts a new one. */
    retryingSince: at('retrying_since').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_idx').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_seq_idx').on(t.endpointId, t.seq.desc()),
  ],
);

export const webhookAttempts = ordersSchema.table(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id').notNull().references(() => webhookDeliveries.id),
    at: at('at').notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);

export const outbox = outboxTable(ordersSchema);
export const inbox = inboxTable(ordersSchema);
