import { createHash, randomUUID } from 'node:crypto';
import type { Db, Tx } from '@pedidos/platform/db';
import { cloudEvent, type CloudEvent, type Outbox } from '@pedidos/platform/messaging';
import { createBatcher } from '@pedidos/platform/batcher';
import { refusedByDatabase } from '@pedidos/platform/error-summary';
import { DomainError } from '@pedidos/platform/errors';
import { continueTrace, traceIdOf } from '@pedidos/platform/trace';
import { recordSpan, tracingActive } from '@pedidos/platform/tracing';
import { EXCHANGES, SOURCES, parseEventData, type EventData, type EventType } from '@pedidos/contracts/events';
import {
  addressProblems, DEFAULT_ORDER_SORT, normalizeAddress, type ListOrdersQuery, type Order, type OrderStatus, type OrderSummary, type OrderSummaryQuery, type PlaceOrderBody, type Shortage,
} from '@pedidos/contracts/orders';
import { transition, type OrderEvent } from './domain/order-status';
import { priceOrder, type CatalogEntry } from './domain/pricing';
import { catalogEntries, upsertCatalogEntry } from './db/catalog';
import { keptIdempotencyKey, type KeptIdempotencyKey } from './db/idempotency-keys';
import { insertOrders, type NewOrder } from './db/insert-order';
import {
  changeStatuses, changedAfter, claimAndLockOrders, findOrderRow, holdsOrder, latestHistoryId, linesAndHistory, lockStalePending, orderPage, orderRowsByIds, orderTotals,
  setPayments, type HistoryRow, type LineRow, type OrderFilter, type OrderRow, type PaymentChange,
} from './db/order-rows';
import { cursorFor, numberFromCursor, unknownCursor } from './db/order-sort';
import type { OrderAdmission } from './order-admission';
import { displayNameOf, type Principal } from '@pedidos/platform/auth';

/** Every event carries a trace: its cause's, or a new one for work nobody asked for (expiry). */
const event = <K extends EventType>(type: K, data: EventData<K>, traceparent?: string) =>
  cloudEvent({ source: SOURCES.orders, type, data, subject: (data as { orderId: string }).orderId, traceparent: continueTrace(traceparent) });

/** An order as it stood right after its history row `historyId`: what the live stream sends. */
export interface OrderChange {
  historyId: number;
  order: Order;
}

const toOrder = (r: OrderRow, items: LineRow[], history: Omit<HistoryRow, 'id'>[]): Order => ({
  id: r.id,
  number: r.number,
  customerId: r.customerId,
  customer: r.customerName === null && r.customerEmail === null ? null : { name: r.customerName, email: r.customerEmail },
  shippingAddress: r.shippingAddress ?? null,
  status: r.status as OrderStatus,
  items: items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice })),
  total: r.total,
  currency: r.currency,
  note: r.note,
  payment: r.payment ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  history: history.map((h) => ({
    status: h.status as OrderStatus, at: h.at.toISOString(), reason: h.reason, actor: h.actor, ...(h.shortages ? { shortages: h.shortages } : {}),
  })),
});

const hashRequest = (body: PlaceOrderBody) =>
  createHash('sha256')
    .update(JSON.stringify({ items: body.items.map((i) => [i.sku, i.quantity]), note: body.note ?? null, paymentMethod: body.paymentMethod, shippingAddress: body.shippingAddress ?? null }))
    .digest('base64url');

/** A refusal of what the body's schema cannot say (a Brazilian address needs a CEP); nothing is written. */
function checkAddress(body: PlaceOrderBody): void {
  if (body.shippingAddress === undefined) return;
  const errors = addressProblems(body.shippingAddress).map((e) => ({ ...e, path: `/shippingAddress${e.path}` }));
  if (errors.length > 0) throw new DomainError('ORDER.INVALID_ADDRESS', `Invalid shipping address: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, { errors });
}

/** Orders read at once by an export. */
const EXPORT_PAGE = 500;

const PRICING_PROBLEMS = {
  unknown_sku: 'no product has this SKU',
  duplicate_sku: 'this SKU is already on another line',
  mixed_currency: 'priced in another currency than the other lines',
} as const;

export function createOrdersService({ db, outbox, admission, now = () => new Date(), onExportPage, onDecided }: {
  db: Db;
  outbox: Outbox;
  /** Holds new orders while the saga's backlog is full; none admits every order at once. */
  admission?: Pick<OrderAdmission, 'admit' | 'full'>;
  now?: () => Date;
  /** Told the size of each page an export reads, as it reads it. */
  onExportPage?: (orders: number) => void;
  /** Told, once committed, how long a pending order waited to be confirmed or rejected. */
  onDecided?: (status: 'confirmed' | 'rejected', seconds: number) => void;
}) {
  /** Runs `work` in one transaction; what it leaves in `committed` runs only once the commit succeeded. */
  async function inTransaction<T>(work: (tx: Tx, committed: (() => void)[]) => Promise<T>): Promise<T> {
    const committed: (() => void)[] = [];
    const result = await db.transaction((tx) => work(tx, committed));
    outbox.relay.kick();
    for (const then of committed) then();
    return result;
  }

  const publish = (tx: Tx, ...events: CloudEvent[]) => outbox.enqueue(tx, EXCHANGES.orders, events);

  /** Orders with their lines and history (and its latest row id), in one extra statement whatever the page size. */
  async function load(q: Db | Tx, rows: OrderRow[]): Promise<OrderChange[]> {
    if (rows.length === 0) return [];
    const details = await linesAndHistory(q, rows.map((r) => r.id));
    return rows.map((r) => {
      const { lines, history } = details.get(r.id) ?? { lines: [], history: [] };
      return { order: toOrder(r, lines, history), historyId: history.at(-1)?.id ?? 0 };
    });
  }

  /** The rows a list's filters select among those `who` may see. */
  const filterFor = (who: Principal, { status, q, from, to }: Pick<ListOrdersQuery, 'status' | 'q' | 'from' | 'to'>): OrderFilter => ({
    owner: ownerFor(who), status, q, from: from === undefined ? undefined : new Date(from), to: to === undefined ? undefined : new Date(to),
  });

  const hydrate = async (q: Db | Tx, rows: OrderRow[]): Promise<Order[]> => (await load(q, rows)).map((c) => c.order);

  const statusChanged = ({ order, historyId }: OrderChange, traceparent?: string) =>
    event('order.status-changed', { orderId: order.id, historyId, order }, traceparent);

  /** Whose orders `who` may see: their own, or (an admin) everyone's. Another customer's order is reported missing: its existence is not revealed. */
  const ownerFor = (who: Principal) => (who.role === 'admin' ? undefined : who.id);

  async function findOrder(q: Db | Tx, who: Principal, id: string, lock = false) {
    const row = await findOrderRow(q, id, ownerFor(who), lock);
    if (!row) throw new DomainError('ORDER.NOT_FOUND', `No order ${id}.`);
    return row;
  }

  interface Move {
    row: OrderRow;
    e: OrderEvent;
    cause?: { traceparent?: string; actor?: Principal };
    /** What inventory said was short, on a rejection for lack of stock. */
    shortages?: Shortage[];
    /** The payment the fact brought, newer than the row's: written with the move. */
    payment?: PaymentChange;
  }

  /**
   * Applies state-machine events to locked rows of distinct orders: for each, whether it moved
   * (false when the machine refuses it, and nothing is written for it). One statement each for the
   * statuses with their history, the orders as they now are, and the events, whatever the count.
   */
  async function moveAll(tx: Tx, committed: (() => void)[], moves: Move[]): Promise<boolean[]> {
    const at = now();
    const planned = moves.map((m) => ({ ...m, next: transition(m.row.status as OrderStatus, m.e) }));
    const accepted = planned.flatMap((p) => (p.next.ok ? [{ ...p, next: p.next }] : []));
    if (accepted.length === 0) return planned.map(() => false);
    await changeStatuses(tx, accepted.map(({ row, next, cause, shortages, payment }) => ({
      orderId: row.id, status: next.status, reason: next.reason,
      actor: cause?.actor?.id ?? null, actorName: cause?.actor ? displayNameOf(cause.actor) : null, shortages: shortages ?? null, payment,
    })), at);
    // The rows are locked, so the history rows just written are their orders' latest.
    const changes = await load(tx, accepted.map(({ row, next }) => ({ ...row, status: next.status, updatedAt: at })));
    const events = accepted.flatMap(({ row, next, cause }, i): CloudEvent[] => {
      const traceparent = cause?.traceparent;
      const changed = statusChanged(changes[i]!, traceparent);
      if (next.status === 'cancelled' || (next.status === 'rejected' && next.reason !== 'out_of_stock')) {
        // Whatever inventory holds (or will hold, if this overtakes order.created) is given back,
        // and whatever the payment holds: voided, or refunded if it was captured.
        return [changed, event('order.cancelled', { orderId: row.id, reason: next.reason, previousStatus: row.status }, traceparent)];
      }
      if (next.status === 'shipped') return [changed, event('order.shipped', { orderId: row.id }, traceparent)];
      return [changed];
    });
    await publish(tx, ...events);
    committed.push(() => {
      for (const { row, next, cause } of accepted) {
        // A span per order (its trace is its cause's), though one statement moved them all.
        if (tracingActive()) {
          recordSpan(`order ${next.status}`, cause?.traceparent, at, {
            'pedidos.order.id': row.id, 'pedidos.order.status.previous': row.status, 'pedidos.order.status': next.status,
            ...(next.reason ? { 'pedidos.order.status.reason': next.reason } : {}),
          });
        }
        if (row.status === 'pending' && (next.status === 'confirmed' || next.status === 'rejected')) {
          onDecided?.(next.status, Math.max(0, at.getTime() - row.createdAt.getTime()) / 1000);
        }
      }
    });
    return planned.map((p) => p.next.ok);
  }

  async function command(who: Principal, id: string, e: OrderEvent, traceparent: string) {
    const result = await inTransaction(async (tx, committed) => {
      const row = await findOrder(tx, who, id, true);
      const [moved] = await moveAll(tx, committed, [{ row, e, cause: { traceparent, actor: who } }]);
      if (!moved) {
        throw new DomainError('ORDER.INVALID_TRANSITION', `An order that is ${row.status} cannot be ${e.type === 'cancel' ? 'cancelled' : e.type === 'ship' ? 'shipped' : 'delivered'}.`);
      }
      return row.id;
    });
    return (await hydrate(db, [await findOrder(db, who, result)]))[0]!;
  }

  interface Placement {
    who: Principal;
    body: PlaceOrderBody;
    idempotencyKey: string | undefined;
    traceparent: string;
  }

  /**
   * Orders placed together: one catalog read and one statement for all of them (group commit);
   * each answers for itself: its order, the order its Idempotency-Key already made, or its refusal.
   */
  async function placeOrders(placements: Placement[]): Promise<PromiseSettledResult<{ order: Order; replayed: boolean }>[]> {
    const entries = await catalogEntries(db, [...new Set(placements.flatMap((p) => p.body.items.map((i) => i.sku)))]);
    const prices = new Map<string, CatalogEntry>(entries.map((e) => [e.sku, e]));
    const at = now();
    const drafts = placements.map(({ who, body, idempotencyKey, traceparent }) => {
      const priced = priceOrder(body.items, prices);
      if (!priced.ok) {
        return new DomainError(`ORDER.${priced.problem.toUpperCase()}`, `Line ${priced.index + 1} (${priced.sku}): ${PRICING_PROBLEMS[priced.problem]}.`, {
          errors: [{ path: `/items/${priced.index}/sku`, message: PRICING_PROBLEMS[priced.problem] }],
        });
      }
      const id = randomUUID();
      const traceId = traceIdOf(traceparent);
      // The number and the first history row's id are the statement's to give: 0 until it has.
      const row: OrderRow = {
        id, number: 0, customerId: who.id, status: 'pending', total: priced.total, currency: priced.currency, note: body.note ?? null,
        customerName: who.name ?? null, customerEmail: who.email ?? null,
        shippingAddress: body.shippingAddress === undefined ? null : normalizeAddress(body.shippingAddress),
        payment: null, paymentVersion: 0, traceId, createdAt: at, updatedAt: at,
      };
      const order = toOrder(row, priced.lines, [{ status: 'pending', reason: null, actor: who.id, actorName: displayNameOf(who), shortages: null, at }]);
      const requestHash = hashRequest(body);
      const created = event('order.created', {
        orderId: id, number: 0, customerId: who.id,
        items: priced.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
        total: priced.total, currency: priced.currency, createdAt: at.toISOString(), paymentMethod: body.paymentMethod,
        customer: order.customer, shippingAddress: order.shippingAddress,
      }, traceparent);
      const written: NewOrder = {
        id, customerId: who.id, customer: order.customer, shippingAddress: order.shippingAddress, total: priced.total, currency: priced.currency, note: row.note,
        traceId, lines: priced.lines,
        idempotency: idempotencyKey === undefined ? undefined : { key: idempotencyKey, requestHash },
        created, changed: statusChanged({ order, historyId: 0 }, traceparent),
      };
      return { order, requestHash, written };
    });
    const valid = drafts.flatMap((d) => (d instanceof Error ? [] : [d]));
    const outcomes = valid.length === 0 ? [] : await insertOrders(db, valid.map((d) => d.written), at, EXCHANGES.orders);
    if (outcomes.some((o) => o !== undefined)) outbox.relay.kick();

    const results: PromiseSettledResult<{ order: Order; replayed: boolean }>[] = [];
    for (const [i, draft] of drafts.entries()) {
      if (draft instanceof Error) {
        results.push({ status: 'rejected', reason: draft });
        continue;
      }
      const outcome = outcomes[valid.indexOf(draft)];
      if (outcome) {
        results.push({ status: 'fulfilled', value: { order: { ...draft.order, number: outcome.number }, replayed: false } });
        continue;
      }
      // The key was taken: by this very request sent before, or by another body.
      results.push(await replayFor(placements[i]!, draft.requestHash).then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      ));
    }
    return results;
  }

  /** The order a placement whose Idempotency-Key was already taken made before (`known`: the key as read already); refused if the body differs. */
  async function replayFor({ who, idempotencyKey }: Placement, requestHash: string, known?: KeptIdempotencyKey): Promise<{ order: Order; replayed: boolean }> {
    const kept = known ?? await keptIdempotencyKey(db, who.id, idempotencyKey!);
    if (!kept) throw new Error('an Idempotency-Key refused the order but is not stored');
    if (kept.requestHash !== requestHash) {
      throw new DomainError('ORDER.IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.', {
        errors: [{ path: '/headers/idempotency-key', message: 'already used with a different body' }],
      });
    }
    return { order: (await hydrate(db, [await findOrder(db, who, kept.orderId)]))[0]!, replayed: true };
  }

  const placeOne = async (placement: Placement) => {
    const [result] = await placeOrders([placement]);
    if (result!.status === 'rejected') throw result!.reason;
    return result!.value;
  };
  // A group the database refused wrote nothing and is placed order by order; a group whose commit is
  // in doubt (a lost connection, a timeout) is not, or its orders without an Idempotency-Key could be placed twice.
  const place = createBatcher({ many: placeOrders, one: placeOne, redoAlone: refusedByDatabase });

  /**
   * Facts from other services about orders, applied in one transaction however many:
   * deduplicated by event id, refused moves are no-ops. Two facts about one order in one batch
   * are refused (the batch is then applied message by message). A payment fact also brings the
   * payment as it now stands, kept unless a newer one is already there.
   */
  async function onOrderFacts(consumer: string, batch: CloudEvent[]) {
    // Stock reserved moves nothing (the payment's answer does); a queue still bound to it from an
    // earlier release drops it here without a transaction.
    const facts = batch.filter((e) => e.type !== 'stock.reserved').map((e) => {
      const type = e.type as 'stock.rejected' | 'payment.authorized' | 'payment.declined' | 'payment.captured' | 'payment.voided' | 'payment.refunded';
      const data = parseEventData(type, e.data);
      return {
        e, type, orderId: data.orderId,
        payment: 'payment' in data ? { summary: data.payment, version: data.version } : undefined,
        shortages: 'shortages' in data ? data.shortages : undefined,
      };
    });
    if (facts.length === 0) return;
    if (new Set(facts.map((f) => f.orderId)).size !== facts.length) throw new Error('two facts about one order in one batch');
    await inTransaction(async (tx, committed) => {
      const claimed = await claimAndLockOrders(tx, consumer, facts.map((f) => ({ eventId: f.e.id, orderId: f.orderId })));
      const fresh = facts.filter((f) => claimed.fresh.has(f.e.id)).map((f) => {
        const row = claimed.orders.get(f.orderId);
        if (!row) throw new Error(`${f.type} for unknown order ${f.orderId}`);
        return { ...f, row };
      });
      const at = now();
      // A newer payment goes on the row (and so into the event of a move), and to the database
      // with the move it brings, or on its own when it brings none.
      const newer = new Map<string, PaymentChange>();
      for (const { orderId, payment, row } of fresh) {
        if (payment === undefined || payment.version <= row.paymentVersion) continue;
        newer.set(orderId, payment);
        Object.assign(row, { payment: payment.summary, paymentVersion: payment.version, updatedAt: at });
      }
      const moving = fresh.flatMap((f) => (f.type === 'stock.rejected' || f.type === 'payment.authorized' || f.type === 'payment.declined' ? [{ ...f, type: f.type }] : []));
      const moved = await moveAll(tx, committed, moving.map((f) => ({
        row: f.row, e: { type: f.type }, cause: { traceparent: f.e.traceparent }, shortages: f.shortages, payment: newer.get(f.orderId),
      })));
      moving.forEach((f, i) => moved[i] && newer.delete(f.orderId));
      await setPayments(tx, [...newer].map(([orderId, payment]) => ({ orderId, ...payment })), at);
    });
  }

  /** Newest updatedAt wins, so a replayed or late event never rolls a price back. */
  async function upsertCatalog({ sku, name, price, currency, updatedAt }: { sku: string; name: string; price: number; currency: string; updatedAt: string }) {
    await upsertCatalogEntry(db, { sku, name, price, currency, updatedAt: new Date(updatedAt) });
  }

  return {
    placeOrder: async (who: Principal, body: PlaceOrderBody, idempotencyKey: string | undefined, traceparent: string) => {
      checkAddress(body);
      const placement = { who, body, idempotencyKey, traceparent };
      // The retry of an order placed already is answered at once, not held at the door with new ones.
      const kept = idempotencyKey !== undefined && admission?.full() ? await keptIdempotencyKey(db, who.id, idempotencyKey) : undefined;
      if (kept) return replayFor(placement, hashRequest(body), kept);
      const release = await admission?.admit();
      try {
        return await place(placement);
      } finally {
        release?.();
      }
    },

    async getOrder(who: Principal, id: string) {
      return (await hydrate(db, [await findOrder(db, who, id)]))[0]!;
    },

    async listOrders(who: Principal, { limit = 20, cursor, sort = DEFAULT_ORDER_SORT, ...query }: ListOrdersQuery) {
      const after = cursor === undefined ? undefined : numberFromCursor(sort, cursor);
      const filter = filterFor(who, query);
      const rows = await orderPage(db, { ...filter, sort, after, limit: limit + 1 });
      // Nothing follows an order the list does not hold; only an empty page needs to ask which it was.
      if (rows.length === 0 && after !== undefined && !(await holdsOrder(db, after, filter.owner))) throw unknownCursor();
      const page = rows.slice(0, limit);
      return { items: await hydrate(db, page), nextCursor: rows.length > limit ? cursorFor(sort, page.at(-1)!.number) : null };
    },

    /**
     * Every order of the list `query` filters, in its sort's order, read a page at a time as the
     * caller takes them: an export of any size holds one page in memory.
     */
    async *exportOrders(who: Principal, { limit: _limit, cursor: _cursor, sort = DEFAULT_ORDER_SORT, ...query }: ListOrdersQuery): AsyncGenerator<Order> {
      const filter = filterFor(who, query);
      for (let after: number | undefined; ;) {
        const rows = await orderPage(db, { ...filter, sort, after, limit: EXPORT_PAGE });
        onExportPage?.(rows.length);
        yield* await hydrate(db, rows);
        if (rows.length < EXPORT_PAGE) return;
        after = rows.at(-1)!.number;
      }
    },

    /** How many orders the filter selects among those `who` may see, and their totals summed per currency. */
    async summarizeOrders(who: Principal, query: OrderSummaryQuery): Promise<OrderSummary> {
      const groups = await orderTotals(db, filterFor(who, query));
      return { count: groups.reduce((n, g) => n + g.count, 0), totals: groups.map(({ currency, amount }) => ({ currency, amount })) };
    },

    /** The latest history row id among the orders `who` may see (0 if none): where a fresh stream starts. */
    streamPosition: (who: Principal): Promise<number> => latestHistoryId(db, ownerFor(who)),

    /**
     * One page of what changed after history row `after` among the orders `who` may see: each
     * order once, as it stands now, in increasing `historyId`. `cursor` is where the next page
     * starts; `more` is false on the last page.
     */
    async changesSince(who: Principal, after: number, limit = 100): Promise<{ changes: OrderChange[]; cursor: number; more: boolean }> {
      const page = await changedAfter(db, ownerFor(who), after, limit);
      if (page.length === 0) return { changes: [], cursor: after, more: false };
      const cursor = page.at(-1)!.latest;
      const rows = await orderRowsByIds(db, page.map((p) => p.orderId));
      // An order that changed again since the page was read waits for a later page (or the live
      // feed), so ids only increase and a client cut off mid-replay resumes without a gap.
      const changes = (await load(db, rows)).filter((c) => c.historyId <= cursor).sort((a, b) => a.historyId - b.historyId);
      return { changes, cursor, more: page.length === limit };
    },

    cancel: (who: Principal, id: string, reason: string | null, traceparent: string) => command(who, id, { type: 'cancel', reason }, traceparent),
    ship: (who: Principal, id: string, traceparent: string) => command(who, id, { type: 'ship' }, traceparent),
    deliver: (who: Principal, id: string, traceparent: string) => command(who, id, { type: 'deliver' }, traceparent),

    onOrderFact: (consumer: string, e: CloudEvent) => onOrderFacts(consumer, [e]),
    onOrderFacts,
    upsertCatalog,
    async onProductUpserted(e: CloudEvent) {
      await upsertCatalog(parseEventData('product.upserted', e.data));
    },

    /** Rejects orders left pending longer than `timeoutMs`; safe to run on every replica at once. */
    async expirePending(timeoutMs: number, batch = 100) {
      return inTransaction(async (tx, committed) => {
        const stale = await lockStalePending(tx, new Date(now().getTime() - timeoutMs), batch);
        await moveAll(tx, committed, stale.map((row) => ({ row, e: { type: 'expire' } })));
        return stale.length;
      });
    },
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
