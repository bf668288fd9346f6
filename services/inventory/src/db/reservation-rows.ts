import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { CloudEvent } from '@pedidos/platform/messaging';
import type { ReservationStatus } from '../domain/reservation';
import { inbox, movements, outbox, products, reservations } from './schema';

/**
 * Records each event as handled by `consumer` and takes the advisory lock of each order, in one
 * statement; returns the ids of the events not handled before. The locks make the facts of one
 * order, which arrive on different queues, take turns; they are taken in order id order, so two
 * batches never deadlock. What they guard must be read by a later statement, whose
 * snapshot comes after the locks.
 */
export async function claimAndLockOrders(q: Queryable, consumer: string, facts: { eventId: string; orderId: string }[]): Promise<Set<string>> {
  const orderIds = [...new Set(facts.map((f) => f.orderId))].sort();
  const { rows } = await q.execute<{ fresh: string[] }>(sql`
    WITH claimed AS (
      INSERT INTO ${inbox} (consumer, event_id) SELECT ${consumer}::text, id FROM unnest(${sql.param(facts.map((f) => f.eventId))}::text[]) AS e(id) ORDER BY id
      ON CONFLICT DO NOTHING RETURNING event_id
    ), locks AS (
      SELECT count(pg_advisory_xact_lock(hashtext(id))) AS taken
      FROM (SELECT id FROM unnest(${sql.param(orderIds)}::text[]) AS o(id) ORDER BY id COLLATE "C") AS ordered
    )
    SELECT (SELECT coalesce(array_agg(event_id), '{}') FROM claimed) AS fresh, locks.taken FROM locks`);
  return new Set(rows[0]!.fresh);
}

/** What inventory holds for each of `orderIds` that it has heard of. */
export async function heldFor(q: Queryable, orderIds: string[]) {
  return q.select().from(reservations).where(sql`${reservations.orderId} = ANY(${sql.param(orderIds)}::uuid[])`);
}

/** What is held for `orderId` becomes `status` (released, shipped). */
export async function setReservationStatus(q: Queryable, orderId: string, status: ReservationStatus, at: Date): Promise<void> {
  await q.update(reservations).set({ status, updatedAt: at }).where(eq(reservations.orderId, orderId));
}

/** A tombstone for an order cancelled before it was heard of: its late order.created then reserves nothing. */
export async function rememberCancelled(q: Queryable, orderId: string, at: Date): Promise<void> {
  await q.insert(reservations).values({ orderId, status: 'cancelled', items: [], updatedAt: at });
}

/**
 * The products of `skus`, locked in SKU order (by code point, as `inLockOrder` sorts: a linguistic
 * collation would order `-` and `.` otherwise) so that two transactions never deadlock.
 */
export async function lockProducts(q: Queryable, skus: string[]) {
  return q.select().from(products).where(sql`${products.sku} = ANY(${sql.param(skus)}::text[])`).orderBy(sql`${products.sku} COLLATE "C"`).for('update');
}

export interface ReservationWrites {
  /** The change of `reserved` per SKU, each applied with the availability guard in SQL. */
  deltas: { sku: string; quantity: number }[];
  /** One ledger row per line, in order, with the levels it leaves. */
  ledger: { sku: string; quantity: number; orderId: string; onHand: number; reserved: number }[];
  held: { orderId: string; status: ReservationStatus; items: { sku: string; quantity: number }[] }[];
  events: CloudEvent[];
  exchange: string;
  at: Date;
}

/**
 * Everything a batch of reservations writes, in one statement: the stock of each SKU (the
 * guard repeated in SQL, so even a slip in the caller cannot oversell), the ledger, what is held
 * for each order, and the events in the outbox. Returns how many SKUs took their change; fewer
 * than given means the caller must roll back.
 */
export async function writeReservations(q: Queryable, w: ReservationWrites): Promise<number> {
  const at = w.at.toISOString();
  const { rows } = await q.execute<{ taken: string | number }>(sql`
    WITH taken AS (
      UPDATE ${products} p SET reserved = p.reserved + d.quantity, updated_at = ${at}::timestamptz
      FROM unnest(${sql.param(w.deltas.map((d) => d.sku))}::text[], ${sql.param(w.deltas.map((d) => d.quantity))}::int[]) AS d(sku, quantity)
      WHERE p.sku = d.sku AND p.on_hand - p.reserved >= d.quantity
      RETURNING p.sku
    ), complete AS (
      SELECT count(*) = ${w.deltas.length}::int AS ok FROM taken
    ), ledger AS (
      INSERT INTO ${movements} (sku, kind, quantity, order_id, on_hand, reserved, at)
      SELECT l.sku, 'reservation', l.quantity, l.order_id, l.on_hand, l.reserved, ${at}::timestamptz
      FROM unnest(${sql.param(w.ledger.map((l) => l.sku))}::text[], ${sql.param(w.ledger.map((l) => l.quantity))}::int[],
        ${sql.param(w.ledger.map((l) => l.orderId))}::uuid[], ${sql.param(w.ledger.map((l) => l.onHand))}::int[],
        ${sql.param(w.ledger.map((l) => l.reserved))}::int[]) WITH ORDINALITY AS l(sku, quantity, order_id, on_hand, reserved, ord), complete
      WHERE complete.ok ORDER BY l.ord
    ), held AS (
      INSERT INTO ${reservations} (order_id, status, items, updated_at)
      SELECT h.order_id, h.status, h.items, ${at}::timestamptz
      FROM ROWS FROM (unnest(${sql.param(w.held.map((h) => h.orderId))}::uuid[]), unnest(${sql.param(w.held.map((h) => h.status))}::text[]),
        jsonb_array_elements(${JSON.stringify(w.held.map((h) => h.items))}::jsonb)) AS h(order_id, status, items), complete
      WHERE complete.ok
    ), published AS (
      INSERT INTO ${outbox} (id, exchange, event)
      SELECT e.event ->> 'id', ${w.exchange}::text, e.event
      FROM jsonb_array_elements(${JSON.stringify(w.events)}::jsonb) WITH ORDINALITY AS e(event, ord), complete
      WHERE complete.ok ORDER BY e.ord
    )
    SELECT count(*) AS taken FROM taken`);
  return Number(rows[0]!.taken);
}
