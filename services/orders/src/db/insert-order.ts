import { sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { CloudEvent } from '@pedidos/platform/messaging';
import { catalog, idempotencyKeys, orderHistory, orderItems, orders, outbox } from './schema';

export interface NewOrder {
  id: string;
  customerId: string;
  total: number;
  currency: string;
  note: string | null;
  at: Date;
  lines: { sku: string; name: string; quantity: number; unitPrice: number }[];
  /** With it, the order is written only if this customer has not used the key before. */
  idempotency?: { key: string; requestHash: string };
  /** `order.created`, whose `data.number` the statement fills in. */
  created: CloudEvent;
  /** `order.status-changed`, whose `data.historyId` and `data.order.number` the statement fills in. */
  changed: CloudEvent;
  exchange: string;
}

/**
 * Accepting an order is one statement, so one round trip and its own transaction: the order, its
 * lines, its first history row, its Idempotency-Key and both events in the outbox, all or none.
 * The number and the history row's id come from sequences, so the events get them in SQL.
 * Returns undefined, having written nothing, when the key was already taken.
 */
export async function insertOrder(q: Queryable, o: NewOrder): Promise<{ number: number; historyId: number } | undefined> {
  const key = o.idempotency?.key ?? null;
  const at = o.at.toISOString();
  const { rows } = await q.execute<{ number: string | number; history_id: string | number }>(sql`
    WITH kept AS (
      INSERT INTO ${idempotencyKeys} (customer_id, key, request_hash, order_id, created_at)
      SELECT ${o.customerId}::uuid, ${key}::text, ${o.idempotency?.requestHash ?? null}::text, ${o.id}::uuid, ${at}::timestamptz
      WHERE ${key}::text IS NOT NULL
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), placed AS (
      INSERT INTO ${orders} (id, number, customer_id, status, total, currency, note, created_at, updated_at)
      SELECT ${o.id}::uuid, nextval('orders.order_number_seq'), ${o.customerId}::uuid, 'pending', ${o.total}::bigint, ${o.currency}::text, ${o.note}::text, ${at}::timestamptz, ${at}::timestamptz
      WHERE ${key}::text IS NULL OR EXISTS (SELECT 1 FROM kept)
      RETURNING id, number
    ), lines AS (
      INSERT INTO ${orderItems} (order_id, line, sku, name, quantity, unit_price)
      SELECT placed.id, l.ord - 1, l.sku, l.name, l.quantity, l.unit_price
      FROM placed, unnest(${sql.param(o.lines.map((l) => l.sku))}::text[], ${sql.param(o.lines.map((l) => l.name))}::text[],
        ${sql.param(o.lines.map((l) => l.quantity))}::int[], ${sql.param(o.lines.map((l) => l.unitPrice))}::bigint[]) WITH ORDINALITY AS l(sku, name, quantity, unit_price, ord)
    ), first AS (
      INSERT INTO ${orderHistory} (order_id, status, reason, actor, at)
      SELECT id, 'pending', NULL, ${o.customerId}::uuid, ${at}::timestamptz FROM placed
      RETURNING id
    ), events AS (
      INSERT INTO ${outbox} (id, exchange, event)
      SELECT e.id, ${o.exchange}::text, CASE e.kind
        WHEN 'created' THEN jsonb_set(e.event, '{data,number}', to_jsonb(placed.number))
        ELSE jsonb_set(jsonb_set(e.event, '{data,historyId}', to_jsonb(first.id)), '{data,order,number}', to_jsonb(placed.number))
      END
      FROM placed, first, (VALUES (1, ${o.created.id}::text, 'created', ${JSON.stringify(o.created)}::jsonb),
        (2, ${o.changed.id}::text, 'changed', ${JSON.stringify(o.changed)}::jsonb)) AS e(position, id, kind, event)
      ORDER BY e.position
    )
    SELECT placed.number, first.id AS history_id FROM placed, first`);
  const [row] = rows;
  return row ? { number: Number(row.number), historyId: Number(row.history_id) } : undefined;
}

/** The catalog entries of `skus`, for pricing. */
export const catalogEntries = (q: Queryable, skus: string[]) => q.select().from(catalog).where(sql`${catalog.sku} = ANY(${sql.param(skus)}::text[])`);
