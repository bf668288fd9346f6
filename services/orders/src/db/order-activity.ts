import { asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { orderHistory, orderNotes, orders } from './schema';

type ActivityHistoryRow = Pick<typeof orderHistory.$inferSelect, 'id' | 'status' | 'reason' | 'actor' | 'actorName' | 'shortages' | 'at'>;
export type NoteRow = typeof orderNotes.$inferSelect;

/** The order's owner and trace, or undefined when there is no such order. */
export async function orderOrigin(q: Queryable, orderId: string): Promise<{ customerId: string; traceId: string | null } | undefined> {
  const [row] = await q.select({ customerId: orders.customerId, traceId: orders.traceId }).from(orders).where(eq(orders.id, orderId));
  return row;
}

/** Every status change of the order, oldest first. */
export function historyOf(q: Queryable, orderId: string): Promise<ActivityHistoryRow[]> {
  return q.select({
    id: orderHistory.id, status: orderHistory.status, reason: orderHistory.reason, actor: orderHistory.actor,
    actorName: orderHistory.actorName, shortages: orderHistory.shortages, at: orderHistory.at,
  }).from(orderHistory).where(eq(orderHistory.orderId, orderId)).orderBy(asc(orderHistory.id));
}

/** Every staff note on the order, oldest first. */
export function notesOf(q: Queryable, orderId: string): Promise<NoteRow[]> {
  return q.select().from(orderNotes).where(eq(orderNotes.orderId, orderId)).orderBy(asc(orderNotes.id));
}

/** Adds a note to the order in one statement; undefined (and nothing written) when there is no such order. */
export async function insertNote(
  q: Queryable, note: { orderId: string; author: string; authorName: string | null; body: string }, at: Date,
): Promise<NoteRow | undefined> {
  const { rows } = await q.execute<{ id: string | number; order_id: string; author: string; author_name: string | null; body: string; created_at: string | Date }>(sql`
    INSERT INTO ${orderNotes} (order_id, author, author_name, body, created_at)
    SELECT o.id, ${note.author}::uuid, ${note.authorName}, ${note.body}, ${at.toISOString()}::timestamptz
    FROM ${orders} o WHERE o.id = ${note.orderId}::uuid
    RETURNING id, order_id, author, author_name, body, created_at`);
  const [row] = rows;
  if (!row) return undefined;
  return {
    id: Number(row.id), orderId: row.order_id, author: row.author, authorName: row.author_name, body: row.body, createdAt: new Date(row.created_at),
  };
}
