import { sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { inbox, orderHistory, orderItems, orders } from './schema';

export interface LineRow {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export interface HistoryRow {
  id: number;
  status: string;
  reason: string | null;
  actor: string | null;
  at: Date;
}

/**
 * The lines and the history of each order, in one statement whatever the number of orders: one
 * JSON array of each per order, in line and history order.
 */
export async function linesAndHistory(q: Queryable, ids: string[]): Promise<Map<string, { lines: LineRow[]; history: HistoryRow[] }>> {
  const { rows } = await q.execute<{ id: string; lines: LineRow[]; history: (Omit<HistoryRow, 'at'> & { at: string })[] }>(sql`
    SELECT o.id,
      (SELECT coalesce(json_agg(json_build_object('sku', i.sku, 'name', i.name, 'quantity', i.quantity, 'unitPrice', i.unit_price) ORDER BY i.line), '[]')
        FROM ${orderItems} i WHERE i.order_id = o.id) AS lines,
      (SELECT coalesce(json_agg(json_build_object('id', h.id, 'status', h.status, 'reason', h.reason, 'actor', h.actor, 'at', h.at) ORDER BY h.id), '[]')
        FROM ${orderHistory} h WHERE h.order_id = o.id) AS history
    FROM unnest(${sql.param(ids)}::uuid[]) AS o(id)`);
  return new Map(rows.map((r) => [r.id, { lines: r.lines, history: r.history.map((h) => ({ ...h, at: new Date(h.at) })) }]));
}

/** A status change and its history row, in one statement; returns the history row's id. */
export async function changeStatus(q: Queryable, change: { orderId: string; status: string; reason: string | null; actor: string | null; at: Date }): Promise<number> {
  const at = change.at.toISOString();
  const { rows } = await q.execute<{ id: string | number }>(sql`
    WITH moved AS (
      UPDATE ${orders} SET status = ${change.status}::text, updated_at = ${at}::timestamptz WHERE id = ${change.orderId}::uuid RETURNING id
    )
    INSERT INTO ${orderHistory} (order_id, status, reason, actor, at)
    SELECT id, ${change.status}::text, ${change.reason}::text, ${change.actor}::uuid, ${at}::timestamptz FROM moved
    RETURNING id`);
  if (!rows[0]) throw new Error(`order ${change.orderId} vanished under its row lock`);
  return Number(rows[0].id);
}

/**
 * Records `eventId` as handled by `consumer` and locks the order it is about, in one statement;
 * undefined when the event was handled before (or the order is unknown: `known` tells which).
 */
export async function claimAndLock(q: Queryable, consumer: string, eventId: string, orderId: string) {
  const { rows } = await q.execute<{ fresh: boolean; id: string | null; status: string | null; number: string | null; customer_id: string | null; total: string | null;
    currency: string | null; note: string | null; created_at: string | null; updated_at: string | null }>(sql`
    WITH claimed AS (
      INSERT INTO ${inbox} (consumer, event_id) VALUES (${consumer}, ${eventId}) ON CONFLICT DO NOTHING RETURNING 1
    ), locked AS (
      SELECT * FROM ${orders} WHERE id = ${orderId}::uuid AND EXISTS (SELECT 1 FROM claimed) FOR UPDATE
    )
    SELECT EXISTS (SELECT 1 FROM claimed) AS fresh, locked.* FROM (SELECT 1) AS one LEFT JOIN locked ON true`);
  const row = rows[0]!;
  if (!row.fresh) return { fresh: false as const };
  if (row.id === null) return { fresh: true as const, order: undefined };
  return {
    fresh: true as const,
    order: {
      id: row.id, number: Number(row.number), customerId: row.customer_id!, status: row.status!, total: Number(row.total), currency: row.currency!,
      note: row.note, createdAt: new Date(row.created_at!), updatedAt: new Date(row.updated_at!),
    },
  };
}
