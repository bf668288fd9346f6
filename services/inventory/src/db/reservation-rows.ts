import { sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { CloudEvent } from '@pedidos/platform/messaging';
import type { Line } from '../domain/reservation';
import { inbox, movements, outbox, products, reservations } from './schema';

/**
 * Records `eventId` as handled by `consumer` and takes the order's advisory lock, in one
 * statement; false when the event was handled before. The lock makes the facts of one order,
 * which arrive on different queues, take turns; what it guards must be read by a later
 * statement, whose snapshot comes after the lock.
 */
export async function claimAndLockOrder(q: Queryable, consumer: string, eventId: string, orderId: string): Promise<boolean> {
  const { rows } = await q.execute<{ fresh: boolean }>(sql`
    WITH claimed AS (
      INSERT INTO ${inbox} (consumer, event_id) VALUES (${consumer}, ${eventId}) ON CONFLICT DO NOTHING RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM claimed) AS fresh, pg_advisory_xact_lock(hashtext(${orderId})) IS NULL AS locked`);
  return rows[0]!.fresh;
}

/**
 * Reserves every line of an order whose rows the caller has locked and checked, in one
 * statement: the stock of each line (the guard repeated in SQL, so even a slip in the caller
 * cannot oversell), a ledger row per line in SKU order, the reservation, and its event in the
 * outbox. Returns how many lines were reserved; fewer than given means the caller must roll back.
 */
export async function reserveLines(q: Queryable, r: { orderId: string; lines: Line[]; at: Date; event: CloudEvent; exchange: string }): Promise<number> {
  const at = r.at.toISOString();
  const { rows } = await q.execute<{ reserved: string | number }>(sql`
    WITH wanted AS (
      SELECT * FROM unnest(${sql.param(r.lines.map((l) => l.sku))}::text[], ${sql.param(r.lines.map((l) => l.quantity))}::int[]) AS w(sku, quantity)
    ), taken AS (
      UPDATE ${products} p SET reserved = p.reserved + w.quantity, updated_at = ${at}::timestamptz
      FROM wanted w WHERE p.sku = w.sku AND p.on_hand - p.reserved >= w.quantity
      RETURNING p.sku, p.on_hand, p.reserved, w.quantity
    ), complete AS (
      SELECT count(*) = ${r.lines.length}::int AS ok FROM taken
    ), ledger AS (
      INSERT INTO ${movements} (sku, kind, quantity, order_id, on_hand, reserved, at)
      SELECT sku, 'reservation', quantity, ${r.orderId}::uuid, on_hand, reserved, ${at}::timestamptz FROM taken ORDER BY sku
    ), held AS (
      INSERT INTO ${reservations} (order_id, status, items, updated_at)
      SELECT ${r.orderId}::uuid, 'reserved', ${JSON.stringify(r.lines)}::jsonb, ${at}::timestamptz FROM complete WHERE ok
    ), published AS (
      INSERT INTO ${outbox} (id, exchange, event)
      SELECT ${r.event.id}::text, ${r.exchange}::text, ${JSON.stringify(r.event)}::jsonb FROM complete WHERE ok
    )
    SELECT count(*) AS reserved FROM taken`);
  return Number(rows[0]!.reserved);
}
