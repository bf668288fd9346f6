import { createHash, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lt, lte, max, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@pedidos/platform/db';
import { claimEvent, cloudEvent, type CloudEvent, type Outbox } from '@pedidos/platform/messaging';
import { conflict, notFound, unprocessable } from '@pedidos/platform/errors';
import { decodeIntCursor, encodeCursor } from '@pedidos/platform/cursor';
import { continueTrace } from '@pedidos/platform/trace';
import { EXCHANGES, SOURCES, parseEventData, type EventData, type EventType } from '@pedidos/contracts/events';
import type { ListOrdersQuery, Order, OrderStatus, PlaceOrderBody } from '@pedidos/contracts/orders';
import { transition, type OrderEvent } from './domain/order-status';
import { priceOrder, type CatalogEntry } from './domain/pricing';
import { catalog, idempotencyKeys, inbox, orderHistory, orderItems, orders } from './db/schema';
import type { Principal } from './principal';

type OrderRow = typeof orders.$inferSelect;

/** Every event carries a trace: its cause's, or a new one for work nobody asked for (expiry). */
const event = <K extends EventType>(type: K, data: EventData<K>, traceparent?: string) =>
  cloudEvent({ source: SOURCES.orders, type, data, subject: (data as { orderId: string }).orderId, traceparent: continueTrace(traceparent) });

/** An order as it stood right after its history row `historyId`: what the live stream sends. */
export interface OrderChange {
  historyId: number;
  order: Order;
}

type LineRow = Pick<typeof orderItems.$inferSelect, 'sku' | 'name' | 'quantity' | 'unitPrice'>;
type HistoryRow = Pick<typeof orderHistory.$inferSelect, 'status' | 'at' | 'reason' | 'actor'>;

const toOrder = (r: OrderRow, items: LineRow[], history: HistoryRow[]): Order => ({
  id: r.id,
  number: r.number,
  customerId: r.customerId,
  status: r.status as OrderStatus,
  items: items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice })),
  total: r.total,
  currency: r.currency,
  note: r.note,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  history: history.map((h) => ({ status: h.status as OrderStatus, at: h.at.toISOString(), reason: h.reason, actor: h.actor })),
});

/** Signals a lost race on an Idempotency-Key: the transaction rolls back and the winner's order is returned. */
class KeyTaken extends Error {}

const hashRequest = (body: PlaceOrderBody) =>
  createHash('sha256').update(JSON.stringify({ items: body.items.map((i) => [i.sku, i.quantity]), note: body.note ?? null })).digest('base64url');

const PRICING_PROBLEMS = {
  unknown_sku: 'no product has this SKU',
  duplicate_sku: 'this SKU is already on another line',
  mixed_currency: 'priced in another currency than the other lines',
} as const;

export function createOrdersService({ db, outbox, now = () => new Date() }: { db: Db; outbox: Outbox; now?: () => Date }) {
  async function inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await db.transaction(work);
    outbox.relay.kick();
    return result;
  }

  const publish = (tx: Tx, ...events: CloudEvent[]) => outbox.enqueue(tx, EXCHANGES.orders, events);

  /** Orders with their lines and history (and its latest row id), in two extra queries whatever the page size. */
  async function load(q: Db | Tx, rows: OrderRow[]): Promise<OrderChange[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [items, history] = await Promise.all([
      q.select().from(orderItems).where(inArray(orderItems.orderId, ids)).orderBy(asc(orderItems.orderId), asc(orderItems.line)),
      q.select().from(orderHistory).where(inArray(orderHistory.orderId, ids)).orderBy(asc(orderHistory.id)),
    ]);
    return rows.map((r) => {
      const own = history.filter((h) => h.orderId === r.id);
      return { order: toOrder(r, items.filter((i) => i.orderId === r.id), own), historyId: own.at(-1)?.id ?? 0 };
    });
  }

  const hydrate = async (q: Db | Tx, rows: OrderRow[]): Promise<Order[]> => (await load(q, rows)).map((c) => c.order);

  const statusChanged = ({ order, historyId }: OrderChange, traceparent?: string) =>
    event('order.status-changed', { orderId: order.id, historyId, order }, traceparent);

  /** Another customer's order is reported missing: its existence is not revealed. */
  const visibleTo = (who: Principal): SQL | undefined => (who.role === 'admin' ? undefined : eq(orders.customerId, who.id));

  async function findOrder(q: Db | Tx, who: Principal, id: string, lock = false) {
    const query = q.select().from(orders).where(and(eq(orders.id, id), visibleTo(who)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw notFound('ORDER.NOT_FOUND', `No order ${id}.`);
    return row;
  }

  /** Applies one state-machine event; false when the machine refuses it (nothing is written). */
  async function move(tx: Tx, row: OrderRow, e: OrderEvent, cause: { traceparent?: string; actor?: string } = {}): Promise<boolean> {
    const { traceparent, actor = null } = cause;
    const next = transition(row.status as OrderStatus, e);
    if (!next.ok) return false;
    const at = now();
    await tx.update(orders).set({ status: next.status, updatedAt: at }).where(eq(orders.id, row.id));
    await tx.insert(orderHistory).values({ orderId: row.id, status: next.status, reason: next.reason, actor, at });
    // The row is locked, so the history row just written is this order's latest.
    const [change] = await load(tx, [{ ...row, status: next.status, updatedAt: at }]);
    await publish(tx, statusChanged(change!, traceparent));
    if (next.status === 'cancelled' || (next.status === 'rejected' && next.reason === 'expired')) {
      // Whatever inventory holds (or will hold, if this overtakes order.created) is given back.
      await publish(tx, event('order.cancelled', { orderId: row.id, reason: next.reason, previousStatus: row.status }, traceparent));
    } else if (next.status === 'shipped') {
      await publish(tx, event('order.shipped', { orderId: row.id }, traceparent));
    }
    return true;
  }

  async function command(who: Principal, id: string, e: OrderEvent, traceparent: string) {
    const result = await inTransaction(async (tx) => {
      const row = await findOrder(tx, who, id, true);
      if (!(await move(tx, row, e, { traceparent, actor: who.id }))) {
        throw conflict('ORDER.INVALID_TRANSITION', `An order that is ${row.status} cannot be ${e.type === 'cancel' ? 'cancelled' : e.type === 'ship' ? 'shipped' : 'delivered'}.`);
      }
      return row.id;
    });
    return (await hydrate(db, [await findOrder(db, who, result)]))[0]!;
  }

  async function placeOrder(who: Principal, body: PlaceOrderBody, idempotencyKey: string | undefined, traceparent: string) {
    const skus = body.items.map((i) => i.sku);
    const entries = await db.select().from(catalog).where(inArray(catalog.sku, skus));
    const priced = priceOrder(body.items, new Map<string, CatalogEntry>(entries.map((e) => [e.sku, e])));
    if (!priced.ok) {
      throw unprocessable(`ORDER.${priced.problem.toUpperCase()}`, `Line ${priced.index + 1} (${priced.sku}): ${PRICING_PROBLEMS[priced.problem]}.`, [
        { path: `/items/${priced.index}/sku`, message: PRICING_PROBLEMS[priced.problem] },
      ]);
    }
    const requestHash = hashRequest(body);
    try {
      const order = await inTransaction(async (tx) => {
        const at = now();
        const id = randomUUID();
        const [row] = await tx
          .insert(orders)
          .values({ id, number: sql`nextval('orders.order_number_seq')`, customerId: who.id, status: 'pending', total: priced.total, currency: priced.currency, note: body.note ?? null, createdAt: at, updatedAt: at })
          .returning();
        if (idempotencyKey !== undefined) {
          const [kept] = await tx
            .insert(idempotencyKeys)
            .values({ customerId: who.id, key: idempotencyKey, requestHash, orderId: id, createdAt: at })
            .onConflictDoNothing()
            .returning();
          if (!kept) throw new KeyTaken();
        }
        const first = { orderId: id, status: 'pending', reason: null, actor: who.id, at };
        await tx.insert(orderItems).values(priced.lines.map((l, line) => ({ orderId: id, line, ...l })));
        const [history] = await tx.insert(orderHistory).values(first).returning({ id: orderHistory.id });
        const order = toOrder(row!, priced.lines, [first]);
        await publish(tx, event('order.created', {
          orderId: id,
          number: row!.number,
          customerId: who.id,
          items: priced.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
          total: priced.total,
          currency: priced.currency,
          createdAt: at.toISOString(),
        }, traceparent), statusChanged({ order, historyId: history!.id }, traceparent));
        // Everything the answer needs was just written: no need to read it back.
        return order;
      });
      return { order, replayed: false };
    } catch (error) {
      if (!(error instanceof KeyTaken)) throw error;
      const [kept] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.customerId, who.id), eq(idempotencyKeys.key, idempotencyKey!)));
      if (!kept) throw error;
      if (kept.requestHash !== requestHash) {
        throw unprocessable('ORDER.IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.', [
          { path: '/headers/idempotency-key', message: 'already used with a different body' },
        ]);
      }
      return { order: (await hydrate(db, [await findOrder(db, who, kept.orderId)]))[0]!, replayed: true };
    }
  }

  /** A fact from inventory about an order: deduplicated by event id; refused moves are no-ops. */
  async function onStockFact(consumer: string, e: CloudEvent) {
    const type = e.type as 'stock.reserved' | 'stock.rejected';
    const { orderId } = parseEventData(type, e.data);
    await inTransaction(async (tx) => {
      if (!(await claimEvent(tx, inbox, consumer, e.id))) return;
      const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
      if (!row) throw new Error(`${type} for unknown order ${orderId}`);
      await move(tx, row, { type }, { traceparent: e.traceparent });
    });
  }

  /** Newest updatedAt wins, so a replayed or late event never rolls a price back. */
  async function upsertCatalog(entry: { sku: string; name: string; price: number; currency: string; updatedAt: string }) {
    const values = { ...entry, updatedAt: new Date(entry.updatedAt) };
    await db
      .insert(catalog)
      .values(values)
      .onConflictDoUpdate({
        target: catalog.sku,
        set: { name: values.name, price: values.price, currency: values.currency, updatedAt: values.updatedAt },
        setWhere: lt(catalog.updatedAt, values.updatedAt),
      });
  }

  return {
    placeOrder,

    async getOrder(who: Principal, id: string) {
      return (await hydrate(db, [await findOrder(db, who, id)]))[0]!;
    },

    async listOrders(who: Principal, { status, limit = 20, cursor }: ListOrdersQuery) {
      const before = cursor === undefined ? undefined : decodeIntCursor(cursor);
      const rows = await db
        .select()
        .from(orders)
        .where(and(visibleTo(who), status ? eq(orders.status, status) : undefined, before === undefined ? undefined : lt(orders.number, before)))
        .orderBy(desc(orders.number))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      return { items: await hydrate(db, page), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.number) : null };
    },

    /** The latest history row id among the orders `who` may see (0 if none): where a fresh stream starts. */
    async streamPosition(who: Principal): Promise<number> {
      const [row] = await db
        .select({ latest: max(orderHistory.id) })
        .from(orderHistory)
        .innerJoin(orders, eq(orders.id, orderHistory.orderId))
        .where(visibleTo(who));
      return Number(row?.latest ?? 0);
    },

    /**
     * One page of what changed after history row `after` among the orders `who` may see: each
     * order once, as it stands now, in increasing `historyId`. `cursor` is where the next page
     * starts; `more` is false on the last page.
     */
    async changesSince(who: Principal, after: number, limit = 100): Promise<{ changes: OrderChange[]; cursor: number; more: boolean }> {
      const latest = sql<number>`max(${orderHistory.id})`.mapWith(Number);
      const page = await db
        .select({ orderId: orderHistory.orderId, latest })
        .from(orderHistory)
        .innerJoin(orders, eq(orders.id, orderHistory.orderId))
        .where(and(gt(orderHistory.id, after), visibleTo(who)))
        .groupBy(orderHistory.orderId)
        .orderBy(latest)
        .limit(limit);
      if (page.length === 0) return { changes: [], cursor: after, more: false };
      const cursor = page.at(-1)!.latest;
      const rows = await db.select().from(orders).where(inArray(orders.id, page.map((p) => p.orderId)));
      // An order that changed again since the page was read waits for a later page (or the live
      // feed), so ids only increase and a client cut off mid-replay resumes without a gap.
      const changes = (await load(db, rows)).filter((c) => c.historyId <= cursor).sort((a, b) => a.historyId - b.historyId);
      return { changes, cursor, more: page.length === limit };
    },

    cancel: (who: Principal, id: string, reason: string | null, traceparent: string) => command(who, id, { type: 'cancel', reason }, traceparent),
    ship: (who: Principal, id: string, traceparent: string) => command(who, id, { type: 'ship' }, traceparent),
    deliver: (who: Principal, id: string, traceparent: string) => command(who, id, { type: 'deliver' }, traceparent),

    onStockFact,
    upsertCatalog,
    async onProductUpserted(e: CloudEvent) {
      await upsertCatalog(parseEventData('product.upserted', e.data));
    },

    /** Rejects orders left pending longer than `timeoutMs`; safe to run on every replica at once. */
    async expirePending(timeoutMs: number, batch = 100) {
      return inTransaction(async (tx) => {
        const stale = await tx
          .select()
          .from(orders)
          .where(and(eq(orders.status, 'pending'), lte(orders.createdAt, new Date(now().getTime() - timeoutMs))))
          .orderBy(asc(orders.number))
          .limit(batch)
          .for('update', { skipLocked: true });
        for (const row of stale) await move(tx, row, { type: 'expire' });
        return stale.length;
      });
    },
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
