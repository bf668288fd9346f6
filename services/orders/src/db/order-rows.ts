import { and, asc, eq, gt, gte, ilike, inArray, lte, max, or, sql } from 'drizzle-orm';
import { DEFAULT_ORDER_SORT, type OrderSort, type Shortage } from '@pedidos/contracts/orders';
import type { Queryable } from '@pedidos/platform/db';
import { inbox, orderHistory, orderItems, orders } from './schema';
import { after, orderByFor } from './order-sort';

export type OrderRow = typeof orders.$inferSelect;

/** Orders of `owner` only, or everyone's when undefined (an admin). */
const ownedBy = (owner: string | undefined) => (owner === undefined ? undefined : eq(orders.customerId, owner));

/** One order, if it is `owner`'s (any order without an owner); locked for update with `lock`. */
export async function findOrderRow(q: Queryable, id: string, owner: string | undefined, lock = false): Promise<OrderRow | undefined> {
  const query = q.select().from(orders).where(and(eq(orders.id, id), ownedBy(owner)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** What an order list asks for: whose, which status, a search, a creation range. */
export interface OrderFilter {
  owner: string | undefined;
  status?: string;
  /** An order number, or part of the customer's e-mail or name. */
  q?: string;
  from?: Date;
  to?: Date;
}

/** `%` and `_` in a search are the customer's characters, not patterns. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function matching({ owner, status, q, from, to }: OrderFilter) {
  const search = q === undefined ? undefined : or(
    ilike(orders.customerEmail, containing(q)),
    ilike(orders.customerName, containing(q)),
    /^\d{1,15}$/.test(q) ? eq(orders.number, Number(q)) : undefined,
  );
  return and(ownedBy(owner), status ? eq(orders.status, status) : undefined, search,
    from === undefined ? undefined : gte(orders.createdAt, from), to === undefined ? undefined : lte(orders.createdAt, to));
}

/** Up to `limit` orders matching `filter` in `sort`'s order, after the order numbered `after`. */
export const orderPage = (q: Queryable, { sort = DEFAULT_ORDER_SORT, after: number, limit, ...filter }: OrderFilter & { sort?: OrderSort; after?: number; limit: number }) =>
  q.select().from(orders)
    .where(and(matching(filter), number === undefined ? undefined : after(sort, number, filter.owner)))
    .orderBy(...orderByFor(sort))
    .limit(limit);

/** Whether order `number` is among `owner`'s (anyone's when undefined). */
export async function holdsOrder(q: Queryable, number: number, owner: string | undefined): Promise<boolean> {
  const [row] = await q.select({ number: orders.number }).from(orders).where(and(eq(orders.number, number), ownedBy(owner)));
  return row !== undefined;
}

/** How many orders match `filter` and the sum of their totals, per currency (by code). */
export const orderTotals = (q: Queryable, filter: OrderFilter) =>
  q.select({ currency: orders.currency, count: sql<number>`count(*)`.mapWith(Number), amount: sql<number>`sum(${orders.total})`.mapWith(Number) })
    .from(orders)
    .where(matching(filter))
    .groupBy(orders.currency)
    .orderBy(orders.currency);

export const orderRowsByIds = (q: Queryable, ids: string[]) => q.select().from(orders).where(inArray(orders.id, ids));

/** Pending orders created at or before `createdBefore`, oldest first, locked; rows another replica holds are skipped. */
export const lockStalePending = (q: Queryable, createdBefore: Date, limit: number) =>
  q.select().from(orders)
    .where(and(eq(orders.status, 'pending'), lte(orders.createdAt, createdBefore)))
    .orderBy(asc(orders.number))
    .limit(limit)
    .for('update', { skipLocked: true });

/** How many orders wait to be confirmed or rejected (read from the status index). */
export async function countPending(q: Queryable): Promise<number> {
  const [row] = await q.select({ count: sql<number>`count(*)`.mapWith(Number) }).from(orders).where(eq(orders.status, 'pending'));
  return row!.count;
}

/** The latest history row id among `owner`'s orders (0 if none). */
export async function latestHistoryId(q: Queryable, owner: string | undefined): Promise<number> {
  const [row] = await q
    .select({ latest: max(orderHistory.id) })
    .from(orderHistory)
    .innerJoin(orders, eq(orders.id, orderHistory.orderId))
    .where(ownedBy(owner));
  return Number(row?.latest ?? 0);
}

/** Up to `limit` of `owner`'s orders changed after history row `after`, each once with its latest history row id, in increasing id. */
export function changedAfter(q: Queryable, owner: string | undefined, after: number, limit: number) {
  const latest = sql<number>`max(${orderHistory.id})`.mapWith(Number);
  return q
    .select({ orderId: orderHistory.orderId, latest })
    .from(orderHistory)
    .innerJoin(orders, eq(orders.id, orderHistory.orderId))
    .where(and(gt(orderHistory.id, after), ownedBy(owner)))
    .groupBy(orderHistory.orderId)
    .orderBy(latest)
    .limit(limit);
}

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
  actorName: string | null;
  shortages: Shortage[] | null;
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
      (SELECT coalesce(json_agg(json_build_object('id', h.id, 'status', h.status, 'reason', h.reason, 'actor', h.actor,
        'actorName', h.actor_name, 'shortages', h.shortages, 'at', h.at) ORDER BY h.id), '[]')
        FROM ${orderHistory} h WHERE h.order_id = o.id) AS history
    FROM unnest(${sql.param(ids)}::uuid[]) AS o(id)`);
  return new Map(rows.map((r) => [r.id, { lines: r.lines, history: r.history.map((h) => ({ ...h, at: new Date(h.at) })) }]));
}

export interface StatusChange {
  orderId: string;
  status: string;
  reason: string | null;
  actor: string | null;
  actorName: string | null;
  shortages: Shortage[] | null;
  /** A payment newer than the row's, brought by the fact that moves it: written by the same update. */
  payment?: PaymentChange;
}

export interface PaymentChange {
  summary: NonNullable<OrderRow['payment']>;
  version: number;
}

/**
 * Status changes of distinct orders and their history rows, in one statement whatever their
 * number; returns the history rows' ids in the order of `changes`.
 */
export async function changeStatuses(q: Queryable, changes: StatusChange[], at: Date): Promise<number[]> {
  const when = at.toISOString();
  const { rows } = await q.execute<{ id: string | number; ord: string | number }>(sql`
    WITH c AS (
      SELECT * FROM ROWS FROM (unnest(${sql.param(changes.map((c) => c.orderId))}::uuid[]), unnest(${sql.param(changes.map((c) => c.status))}::text[]),
        unnest(${sql.param(changes.map((c) => c.reason))}::text[]), unnest(${sql.param(changes.map((c) => c.actor))}::uuid[]), unnest(${sql.param(changes.map((c) => c.actorName))}::text[]),
        jsonb_array_elements(${JSON.stringify(changes.map((c) => c.shortages))}::jsonb), jsonb_array_elements(${JSON.stringify(changes.map((c) => c.payment?.summary ?? null))}::jsonb),
        unnest(${sql.param(changes.map((c) => c.payment?.version ?? null))}::int[])) WITH ORDINALITY AS c(order_id, status, reason, actor, actor_name, shortages, payment, payment_version, ord)
    ), moved AS (
      -- One row version for the move and its payment: every update of a status is written to all the table's indexes.
      UPDATE ${orders} o SET status = c.status, updated_at = ${when}::timestamptz,
        payment = coalesce(nullif(c.payment, 'null'), o.payment), payment_version = coalesce(c.payment_version, o.payment_version)
        FROM c WHERE o.id = c.order_id RETURNING o.id
    ), written AS (
      INSERT INTO ${orderHistory} (order_id, status, reason, actor, actor_name, shortages, at)
      SELECT order_id, status, reason, actor, actor_name, nullif(shortages, 'null'), ${when}::timestamptz FROM c ORDER BY ord
      RETURNING id, order_id
    )
    SELECT written.id, c.ord FROM written JOIN c ON c.order_id = written.order_id
    WHERE (SELECT count(*) FROM moved) = ${changes.length}::int`);
  if (rows.length !== changes.length) throw new Error('an order vanished under its row lock');
  return rows.sort((a, b) => Number(a.ord) - Number(b.ord)).map((r) => Number(r.id));
}

/**
 * Records each event as handled by `consumer` and locks the orders they are about (in id order,
 * so two batches never deadlock), in one statement. Returns the ids of the events not
 * handled before, and the locked orders by id (an unknown order is missing). The fresh ids come
 * on the first row only: on every row they would be sent and parsed once per order locked.
 */
export async function claimAndLockOrders(q: Queryable, consumer: string, facts: { eventId: string; orderId: string }[]) {
  const { rows } = await q.execute<{ fresh: string[] | null; id: string | null; status: string; number: string; customer_id: string; total: string;
    currency: string; note: string | null; customer_name: string | null; customer_email: string | null; shipping_address: OrderRow['shippingAddress'];
    payment: OrderRow['payment']; payment_version: number; trace_id: string | null; created_at: string; updated_at: string }>(sql`
    WITH claimed AS (
      INSERT INTO ${inbox} (consumer, event_id) SELECT ${consumer}::text, id FROM unnest(${sql.param(facts.map((f) => f.eventId))}::text[]) AS e(id) ORDER BY id
      ON CONFLICT DO NOTHING RETURNING event_id
    ), locked AS (
      SELECT * FROM ${orders} WHERE id = ANY(${sql.param(facts.map((f) => f.orderId))}::uuid[]) ORDER BY id FOR UPDATE
    )
    SELECT CASE WHEN row_number() OVER () = 1 THEN f.fresh END AS fresh, locked.*
    FROM (SELECT coalesce(array_agg(event_id), '{}') AS fresh FROM claimed) f LEFT JOIN locked ON true`);
  const orderRows = new Map<string, OrderRow>();
  for (const r of rows) {
    if (r.id === null) continue;
    orderRows.set(r.id, {
      id: r.id, number: Number(r.number), customerId: r.customer_id, status: r.status, total: Number(r.total), currency: r.currency,
      note: r.note, customerName: r.customer_name, customerEmail: r.customer_email, shippingAddress: r.shipping_address,
      payment: r.payment, paymentVersion: Number(r.payment_version), traceId: r.trace_id, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
    });
  }
  return { fresh: new Set(rows[0]?.fresh ?? []), orders: orderRows };
}

/** The payment summaries of locked orders, one statement for all of them. */
export async function setPayments(q: Queryable, changes: ({ orderId: string } & PaymentChange)[], at: Date): Promise<void> {
  if (changes.length === 0) return;
  await q.execute(sql`
    UPDATE ${orders} o SET payment = c.payment, payment_version = c.version, updated_at = ${at.toISOString()}::timestamptz
    FROM ROWS FROM (unnest(${sql.param(changes.map((c) => c.orderId))}::uuid[]), jsonb_array_elements(${JSON.stringify(changes.map((c) => c.summary))}::jsonb),
      unnest(${sql.param(changes.map((c) => c.version))}::int[])) AS c(order_id, payment, version)
    WHERE o.id = c.order_id`);
}
