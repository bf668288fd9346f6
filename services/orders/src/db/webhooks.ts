import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '@pedidos/platform/db';
import type { CloudEvent } from '@pedidos/platform/messaging';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './schema';

const d = webhookDeliveries;
const w = webhookEndpoints;

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

export async function insertEndpoint(q: Queryable, row: typeof webhookEndpoints.$inferInsert): Promise<EndpointRow> {
  const [inserted] = await q.insert(w).values(row).returning();
  return inserted!;
}

export const activeEndpoints = (q: Queryable) => q.select().from(w).where(isNull(w.disabledAt)).orderBy(w.createdAt, w.id);

export async function activeEndpoint(q: Queryable, id: string): Promise<EndpointRow | undefined> {
  const [row] = await q.select().from(w).where(and(eq(w.id, id), isNull(w.disabledAt)));
  return row;
}

/**
 * Taken to the end of `tx` by whoever changes which events reach the webhook queue, so that two
 * replicas' changes never interleave: the last to take it reads every endpoint committed before.
 */
export async function lockWebhookRoutes(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('orders.webhook-routes'))`);
}

/** The event types some active endpoint wants. */
export async function wantedEventTypes(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.execute<{ type: string }>(sql`SELECT DISTINCT unnest(${w.events}) AS type FROM ${w} WHERE ${w.disabledAt} IS NULL`);
  return new Set(rows.map((r) => r.type));
}

/** Removes an endpoint from service; its deliveries stay readable, and those still waiting end failed. */
export async function disableEndpoint(tx: Tx, id: string, at: Date): Promise<boolean> {
  const disabled = await tx.update(w).set({ disabledAt: at }).where(and(eq(w.id, id), isNull(w.disabledAt))).returning({ id: w.id });
  if (disabled.length === 0) return false;
  await tx.update(d)
    .set({ status: 'failed', nextAttemptAt: null, lastError: 'endpoint removed', updatedAt: at })
    .where(and(eq(d.endpointId, id), eq(d.status, 'pending')));
  return true;
}

/**
 * One pending delivery per active endpoint subscribed to each event's type, in one statement; an
 * event already given to an endpoint is skipped (the unique key), so a redelivered message adds nothing.
 */
export async function insertDeliveries(q: Queryable, events: CloudEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const { rows } = await q.execute<{ id: string }>(sql`
    INSERT INTO ${d} (id, endpoint_id, event_id, event_type, event, status, attempts, next_attempt_at, retrying_since, created_at, updated_at)
    SELECT gen_random_uuid(), ep.id, e.event ->> 'id', e.event ->> 'type', e.event, 'pending', 0, now(), now(), now(), now()
      FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY AS e(event, ord)
      JOIN ${w} ep ON ep.disabled_at IS NULL AND e.event ->> 'type' = ANY(ep.events)
      ORDER BY e.ord, ep.id
    ON CONFLICT (endpoint_id, event_id) DO NOTHING
    RETURNING id`);
  return rows.length;
}

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  event: CloudEvent;
  attempts: number;
  retryingSince: Date;
  url: string;
  secret: string;
}

/**
 * Takes due deliveries for `leaseMs`, in one autocommitted statement: no transaction stays open
 * while they are sent, other replicas skip the rows taken, and a crash leaves them due again when
 * the lease ends. Only an active endpoint's: a delivery a fan-out or a replay made while its
 * endpoint was being removed is failed here instead of sent.
 */
export async function claimDueDeliveries(db: Db, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await db.execute<{ id: string; event_id: string; event: CloudEvent | string; attempts: number; retrying_since: Date | string; url: string; secret: string }>(sql`
    WITH due AS (
      SELECT dl.id, ep.disabled_at IS NOT NULL AS removed FROM ${d} dl JOIN ${w} ep ON ep.id = dl.endpoint_id
       WHERE dl.status = 'pending' AND dl.next_attempt_at <= now()
       ORDER BY dl.next_attempt_at, dl.seq
       LIMIT ${limit}
       FOR UPDATE OF dl SKIP LOCKED
    ), dropped AS (
      UPDATE ${d} SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint removed', updated_at = now()
       WHERE id IN (SELECT id FROM due WHERE removed)
    ), taken AS (
      UPDATE ${d} SET next_attempt_at = now() + (${Math.round(leaseMs)}::int * interval '1 millisecond'),
                      leased_until = now() + (${Math.round(leaseMs)}::int * interval '1 millisecond')
       WHERE id IN (SELECT id FROM due WHERE NOT removed)
       RETURNING id, endpoint_id, event_id, event, attempts, retrying_since
    )
    SELECT taken.id, taken.event_id, taken.event, taken.attempts, taken.retrying_since, ep.url, ep.secret
      FROM taken JOIN ${w} ep ON ep.id = taken.endpoint_id`);
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    event: typeof r.event === 'string' ? (JSON.parse(r.event) as CloudEvent) : r.event,
    attempts: Number(r.attempts),
    retryingSince: new Date(r.retrying_since),
    url: r.url,
    secret: r.secret,
  }));
}

export async function releaseDeliveries(db: Db, ids: string[]): Promise<void> {
  await db.update(d).set({ nextAttemptAt: sql`now()`, leasedUntil: null }).where(and(inArray(d.id, ids), eq(d.status, 'pending')));
}

export interface AttemptResult {
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The delivery's state after this attempt; `nextAttemptAt` set only while pending. */
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: Date | null;
}

export async function recordAttempt(tx: Tx, deliveryId: string, r: AttemptResult): Promise<void> {
  await tx.insert(webhookAttempts).values({ deliveryId, at: r.at, statusCode: r.statusCode, durationMs: r.durationMs, error: r.error });
  // Only while pending: an endpoint removed during the attempt has failed its deliveries already.
  await tx.update(d).set({
    status: r.status,
    attempts: sql`${d.attempts} + 1`,
    nextAttemptAt: r.nextAttemptAt,
    leasedUntil: null,
    lastStatusCode: r.statusCode,
    lastDurationMs: r.durationMs,
    lastError: r.error,
    updatedAt: r.at,
  }).where(and(eq(d.id, deliveryId), eq(d.status, 'pending')));
}

/** An endpoint's deliveries, newest first, with every attempt of each. */
export async function deliveryPage(q: Queryable, endpointId: string, limit: number, beforeSeq?: number) {
  const rows = await q.select().from(d)
    .where(and(eq(d.endpointId, endpointId), beforeSeq === undefined ? undefined : lt(d.seq, beforeSeq)))
    .orderBy(desc(d.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const attempts = page.length === 0 ? [] : await q.select().from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, page.map((r) => r.id)))
    .orderBy(webhookAttempts.id);
  return { rows: page, attempts, more: rows.length > limit };
}

/** Sends a delivery again now, whatever became of it, with a new window of retries. */
export async function replayDelivery(q: Queryable, endpointId: string, deliveryId: string, at: Date): Promise<'replayed' | 'pending' | 'missing'> {
  // A delivery whose attempt is under way (leased) is left as it is: a replay now would send it a
  // second time at once. One waiting for its next retry is brought forward.
  const rows = await q.update(d)
    .set({ status: 'pending', nextAttemptAt: at, retryingSince: at, updatedAt: at })
    .where(and(eq(d.id, deliveryId), eq(d.endpointId, endpointId), or(isNull(d.leasedUntil), lt(d.leasedUntil, sql`now()`))))
    .returning({ id: d.id });
  if (rows.length > 0) return 'replayed';
  const [found] = await q.select({ id: d.id }).from(d).where(and(eq(d.id, deliveryId), eq(d.endpointId, endpointId)));
  return found ? 'pending' : 'missing';
}
