import { sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { CloudEvent } from '@pedidos/platform/messaging';
import type { Address, Customer } from '@pedidos/contracts/orders';
import { idempotencyKeys, orderHistory, orderItems, orders, outbox } from './schema';

export interface NewOrder {
  id: string;
  customerId: string;
  customer: Customer | null;
  shippingAddress: Address | null;
  total: number;
  currency: string;
  note: string | null;
  /** The trace the placing request belongs to. */
  traceId: string;
  lines: { sku: string; name: string; quantity: number; unitPrice: number }[];
  /** With it, the order is written only if this customer has not used the key before. */
  idempotency?: { key: string; requestHash: string };
  /** `order.created`, whose `data.number` the statement fills in. */
  created: CloudEvent;
  /** `order.status-changed`, whose `data.historyId` and `data.order.number` the statement fills in. */
  changed: CloudEvent;
}

/**
 * Accepting orders is one statement however many arrive together, so one round trip and one
 * commit: each order, its lines, its first history row, its Idempotency-Key and both its events
 * in the outbox, all of them or none. Numbers and history ids come from sequences, so the events
 * get them in SQL. For each order: its number and history row id, or undefined (nothing written
 * for it) when its Idempotency-Key was already taken. JSON values come as one JSON array each
 * (a jsonb[] parameter would escape every document again as an array element), zipped with the
 * other columns by ROWS FROM.
 */
export async function insertOrders(q: Queryable, batch: NewOrder[], at: Date, exchange: string): Promise<({ number: number; historyId: number } | undefined)[]> {
  const when = at.toISOString();
  const lines = batch.flatMap((o) => o.lines.map((l, line) => ({ ...l, orderId: o.id, line })));
  const { rows } = await q.execute<{ id: string; number: string | number; history_id: string | number }>(sql`
    WITH o AS (
      SELECT * FROM ROWS FROM (unnest(${sql.param(batch.map((o) => o.id))}::uuid[]), unnest(${sql.param(batch.map((o) => o.customerId))}::uuid[]),
        unnest(${sql.param(batch.map((o) => o.total))}::bigint[]), unnest(${sql.param(batch.map((o) => o.currency))}::text[]), unnest(${sql.param(batch.map((o) => o.note))}::text[]),
        unnest(${sql.param(batch.map((o) => o.customer?.name ?? null))}::text[]), unnest(${sql.param(batch.map((o) => o.customer?.email ?? null))}::text[]),
        jsonb_array_elements(${JSON.stringify(batch.map((o) => o.shippingAddress))}::jsonb),
        unnest(${sql.param(batch.map((o) => o.idempotency?.key ?? null))}::text[]), unnest(${sql.param(batch.map((o) => o.idempotency?.requestHash ?? null))}::text[]),
        jsonb_array_elements(${JSON.stringify(batch.map((o) => [o.created, o.changed]))}::jsonb),
        unnest(${sql.param(batch.map((o) => o.traceId))}::text[]))
        WITH ORDINALITY AS o(id, customer_id, total, currency, note, customer_name, customer_email, shipping_address, key, request_hash, events, trace_id, ord)
    ), kept AS (
      INSERT INTO ${idempotencyKeys} (customer_id, key, request_hash, order_id, created_at)
      SELECT customer_id, key, request_hash, id, ${when}::timestamptz FROM o WHERE key IS NOT NULL ORDER BY customer_id, key, ord
      ON CONFLICT DO NOTHING
      RETURNING order_id
    ), placed AS (
      INSERT INTO ${orders} (id, number, customer_id, status, total, currency, note, customer_name, customer_email, shipping_address, trace_id, created_at, updated_at)
      SELECT id, nextval('orders.order_number_seq'), customer_id, 'pending', total, currency, note, customer_name, customer_email,
        nullif(shipping_address, 'null'), trace_id, ${when}::timestamptz, ${when}::timestamptz
      FROM o WHERE key IS NULL OR id IN (SELECT order_id FROM kept) ORDER BY ord
      RETURNING id, number
    ), written_lines AS (
      INSERT INTO ${orderItems} (order_id, line, sku, name, quantity, unit_price)
      SELECT l.order_id, l.line, l.sku, l.name, l.quantity, l.unit_price
      FROM unnest(${sql.param(lines.map((l) => l.orderId))}::uuid[], ${sql.param(lines.map((l) => l.line))}::int[], ${sql.param(lines.map((l) => l.sku))}::text[],
        ${sql.param(lines.map((l) => l.name))}::text[], ${sql.param(lines.map((l) => l.quantity))}::int[], ${sql.param(lines.map((l) => l.unitPrice))}::bigint[])
        AS l(order_id, line, sku, name, quantity, unit_price)
      WHERE l.order_id IN (SELECT id FROM placed)
    ), first AS (
      INSERT INTO ${orderHistory} (order_id, status, reason, actor, actor_name, at)
      SELECT o.id, 'pending', NULL, o.customer_id, coalesce(o.customer_name, o.customer_email), ${when}::timestamptz FROM o JOIN placed ON placed.id = o.id ORDER BY o.ord
      RETURNING id, order_id
    ), events AS (
      INSERT INTO ${outbox} (id, exchange, event)
      SELECT e.id, ${exchange}::text, e.event FROM (
        SELECT o.ord, 1 AS position, o.events -> 0 ->> 'id' AS id, jsonb_set(o.events -> 0, '{data,number}', to_jsonb(placed.number)) AS event
        FROM o JOIN placed ON placed.id = o.id
        UNION ALL
        SELECT o.ord, 2, o.events -> 1 ->> 'id', jsonb_set(jsonb_set(o.events -> 1, '{data,historyId}', to_jsonb(first.id)), '{data,order,number}', to_jsonb(placed.number))
        FROM o JOIN placed ON placed.id = o.id JOIN first ON first.order_id = o.id
      ) AS e ORDER BY e.ord, e.position
    )
    SELECT placed.id, placed.number, first.id AS history_id FROM placed JOIN first ON first.order_id = placed.id`);
  const written = new Map(rows.map((r) => [r.id, { number: Number(r.number), historyId: Number(r.history_id) }]));
  return batch.map((o) => written.get(o.id));
}
