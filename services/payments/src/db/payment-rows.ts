import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { OperationKind } from '../domain/payment';
import { operations, payments } from './schema';

export type PaymentRow = typeof payments.$inferSelect;
export type OperationRow = typeof operations.$inferSelect;

/** The columns of a payment as a statement written in SQL returns them. */
type RawPayment = { [K in keyof PaymentRow as SnakeCase<K & string>]: unknown };
type RawOperation = { [K in keyof OperationRow as SnakeCase<K & string>]: unknown };
type SnakeCase<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}` : S;

// The hot statements below are written in SQL with one array parameter per column: their text is
// the same whatever the batch, and nothing is built per row. Their rows are read here; each
// driver returns bigint as a string and may return timestamps as strings.
const money = (value: unknown) => Number(value);
const instant = (value: unknown) => new Date(value as string | Date);

function paymentOf(r: RawPayment): PaymentRow {
  return {
    orderId: r.order_id as string,
    customerId: r.customer_id as string | null,
    amount: r.amount === null ? null : money(r.amount),
    currency: r.currency as string | null,
    paymentMethod: r.payment_method as string | null,
    stock: r.stock as PaymentRow['stock'],
    cancelRequested: r.cancel_requested as boolean,
    shipRequested: r.ship_requested as boolean,
    status: r.status as PaymentRow['status'],
    captured: money(r.captured),
    refunded: money(r.refunded),
    brand: r.brand as string | null,
    last4: r.last4 as string | null,
    provider: r.provider as string | null,
    reference: r.reference as string | null,
    version: Number(r.version),
    createdAt: instant(r.created_at),
    updatedAt: instant(r.updated_at),
  };
}

function operationOf(r: RawOperation): OperationRow {
  return {
    id: Number(r.id),
    orderId: r.order_id as string,
    kind: r.kind as OperationRow['kind'],
    key: r.key as string,
    amount: money(r.amount),
    status: r.status as OperationRow['status'],
    outcome: r.outcome as OperationRow['outcome'],
    actor: r.actor as string | null,
    reason: r.reason as string | null,
    traceparent: r.traceparent as string | null,
    providerReference: r.provider_reference as string | null,
    attempts: Number(r.attempts),
    lastError: r.last_error as string | null,
    checkAfter: instant(r.check_after),
    createdAt: instant(r.created_at),
    settledAt: r.settled_at === null ? null : instant(r.settled_at),
  };
}

/** The facts events bring about an order's payment; absent fields are left as they are. */
export type Facts = Partial<Pick<PaymentRow, 'customerId' | 'amount' | 'currency' | 'paymentMethod' | 'stock' | 'cancelRequested' | 'shipRequested'>>;

/**
 * Records the facts heard about orders' payments, in one statement however many orders, creating
 * each row the first time any fact arrives, and locks the rows (in order id order, so two batches
 * never deadlock): the facts of one order, arriving side by side or by webhook, take turns. A fact
 * never takes back another: a known stock answer stays, a cancel or a shipment once asked stays.
 */
export async function recordFacts(q: Queryable, facts: { orderId: string; facts: Facts }[], at: Date): Promise<PaymentRow[]> {
  const rows = [...facts].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
  const column = <T>(pick: (f: Facts, orderId: string) => T) => sql.param(rows.map((r) => pick(r.facts, r.orderId)));
  const { rows: written } = await q.execute<RawPayment>(sql`
    INSERT INTO ${payments} AS p (order_id, customer_id, amount, currency, payment_method, stock, cancel_requested, ship_requested, created_at, updated_at)
    SELECT f.order_id, f.customer_id, f.amount, f.currency, f.payment_method, f.stock, f.cancel_requested, f.ship_requested, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    FROM unnest(${column((_, orderId) => orderId)}::uuid[], ${column((f) => f.customerId ?? null)}::uuid[], ${column((f) => f.amount ?? null)}::bigint[],
      ${column((f) => f.currency ?? null)}::text[], ${column((f) => f.paymentMethod ?? null)}::text[], ${column((f) => f.stock ?? 'unknown')}::text[],
      ${column((f) => f.cancelRequested ?? false)}::boolean[], ${column((f) => f.shipRequested ?? false)}::boolean[])
      WITH ORDINALITY AS f(order_id, customer_id, amount, currency, payment_method, stock, cancel_requested, ship_requested, ord)
    ORDER BY f.ord
    ON CONFLICT (order_id) DO UPDATE SET
      customer_id = coalesce(excluded.customer_id, p.customer_id),
      amount = coalesce(excluded.amount, p.amount),
      currency = coalesce(excluded.currency, p.currency),
      payment_method = coalesce(excluded.payment_method, p.payment_method),
      stock = CASE WHEN excluded.stock = 'unknown' THEN p.stock ELSE excluded.stock END,
      cancel_requested = p.cancel_requested OR excluded.cancel_requested,
      ship_requested = p.ship_requested OR excluded.ship_requested,
      updated_at = excluded.updated_at
    RETURNING p.*`);
  return written.map(paymentOf);
}

export async function lockPayment(q: Queryable, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await lockPayments(q, [orderId]);
  return row;
}

/** Locks these payments, in order id order as every transaction here does, so that two never deadlock. */
export async function lockPayments(q: Queryable, orderIds: string[]): Promise<PaymentRow[]> {
  const { rows } = await q.execute<RawPayment>(sql`
    SELECT * FROM ${payments} WHERE order_id = ANY(${sql.param(orderIds)}::uuid[]) ORDER BY order_id FOR UPDATE`);
  return rows.map(paymentOf);
}

/**
 * Writes what recording outcomes changed on these payments, in one statement however many: the
 * money, the status and what the provider told of the card and the authorization.
 */
export async function updatePayments(q: Queryable, rows: PaymentRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (row: PaymentRow) => T) => sql.param(rows.map(pick));
  await q.execute(sql`
    UPDATE ${payments} AS p SET status = v.status, captured = v.captured, refunded = v.refunded, version = v.version,
      reference = v.reference, brand = v.brand, last4 = v.last4, updated_at = v.updated_at
    FROM unnest(${column((r) => r.orderId)}::uuid[], ${column((r) => r.status)}::text[], ${column((r) => r.captured)}::bigint[],
      ${column((r) => r.refunded)}::bigint[], ${column((r) => r.version)}::int[], ${column((r) => r.reference)}::text[],
      ${column((r) => r.brand)}::text[], ${column((r) => r.last4)}::text[], ${column((r) => r.updatedAt.toISOString())}::timestamptz[])
      AS v(order_id, status, captured, refunded, version, reference, brand, last4, updated_at)
    WHERE p.order_id = v.order_id`);
}

export async function findPayment(q: Queryable, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await q.select().from(payments).where(eq(payments.orderId, orderId));
  return row;
}

export async function findPaymentByReference(q: Queryable, reference: string): Promise<PaymentRow | undefined> {
  const [row] = await q.select().from(payments).where(eq(payments.reference, reference));
  return row;
}

export async function updatePayment(q: Queryable, orderId: string, set: Partial<PaymentRow>): Promise<PaymentRow> {
  const [row] = await q.update(payments).set(set).where(eq(payments.orderId, orderId)).returning();
  return row!;
}

/** The operations of these orders still waiting for the provider's answer. */
export async function pendingOperations(q: Queryable, orderIds: string[]): Promise<OperationRow[]> {
  const { rows } = await q.execute<RawOperation>(sql`
    SELECT * FROM ${operations} WHERE order_id = ANY(${sql.param(orderIds)}::uuid[]) AND status = 'pending'`);
  return rows.map(operationOf);
}

export type NewOperation = { orderId: string; kind: OperationKind; key: string; amount: number; actor: string | null; reason: string | null; traceparent: string | null; checkAfter: Date; createdAt: Date };

export async function insertOperations(q: Queryable, ops: NewOperation[]): Promise<OperationRow[]> {
  if (ops.length === 0) return [];
  const column = <T>(pick: (op: NewOperation) => T) => sql.param(ops.map(pick));
  const { rows } = await q.execute<RawOperation>(sql`
    INSERT INTO ${operations} (order_id, kind, key, amount, status, actor, reason, traceparent, check_after, created_at)
    SELECT o.order_id, o.kind, o.key, o.amount, 'pending', o.actor, o.reason, o.traceparent, o.check_after, o.created_at
    FROM unnest(${column((o) => o.orderId)}::uuid[], ${column((o) => o.kind)}::text[], ${column((o) => o.key)}::text[], ${column((o) => o.amount)}::bigint[],
      ${column((o) => o.actor)}::uuid[], ${column((o) => o.reason)}::text[], ${column((o) => o.traceparent)}::text[],
      ${column((o) => o.checkAfter.toISOString())}::timestamptz[], ${column((o) => o.createdAt.toISOString())}::timestamptz[])
      WITH ORDINALITY AS o(order_id, kind, key, amount, actor, reason, traceparent, check_after, created_at, ord)
    ORDER BY o.ord
    RETURNING *`);
  return rows.map(operationOf);
}

/** These payments' authorizations start: one statement for all of them. */
export async function markAuthorizing(q: Queryable, orderIds: string[], provider: string, at: Date): Promise<void> {
  if (orderIds.length === 0) return;
  await q.execute(sql`
    UPDATE ${payments} SET status = 'authorizing', provider = ${provider}::text, updated_at = ${at.toISOString()}::timestamptz
    WHERE order_id = ANY(${sql.param(orderIds)}::uuid[])`);
}

export async function findOperationByKey(q: Queryable, key: string): Promise<OperationRow | undefined> {
  const { rows } = await q.execute<RawOperation>(sql`SELECT * FROM ${operations} WHERE key = ${key}::text`);
  return rows.map(operationOf)[0];
}

/** Locks these operations (their payments locked first), in id order. */
export async function lockOperations(q: Queryable, keys: string[]): Promise<OperationRow[]> {
  const { rows } = await q.execute<RawOperation>(sql`
    SELECT * FROM ${operations} WHERE key = ANY(${sql.param(keys)}::text[]) ORDER BY id FOR UPDATE`);
  return rows.map(operationOf);
}

export async function updateOperation(q: Queryable, id: number, set: Partial<OperationRow>): Promise<void> {
  await q.update(operations).set(set).where(eq(operations.id, id));
}

/** How an answer leaves its operation: settled in the ledger, or refused. */
export type OperationSettlement = Pick<OperationRow, 'id' | 'status' | 'outcome' | 'amount' | 'reason' | 'providerReference' | 'lastError' | 'settledAt'>;

/** Settles or refuses these operations, in one statement however many. */
export async function settleOperations(q: Queryable, ops: OperationSettlement[]): Promise<void> {
  if (ops.length === 0) return;
  const column = <T>(pick: (op: OperationSettlement) => T) => sql.param(ops.map(pick));
  await q.execute(sql`
    UPDATE ${operations} AS o SET status = v.status, outcome = v.outcome, amount = v.amount, reason = v.reason,
      provider_reference = v.provider_reference, last_error = v.last_error, settled_at = v.settled_at
    FROM unnest(${column((o) => o.id)}::bigint[], ${column((o) => o.status)}::text[], ${column((o) => o.outcome)}::text[],
      ${column((o) => o.amount)}::bigint[], ${column((o) => o.reason)}::text[], ${column((o) => o.providerReference)}::text[],
      ${column((o) => o.lastError)}::text[], ${column((o) => o.settledAt?.toISOString() ?? null)}::timestamptz[])
      AS v(id, status, outcome, amount, reason, provider_reference, last_error, settled_at)
    WHERE o.id = v.id`);
}

/** Settled operations of an order, oldest first: its ledger. */
export async function settledOperations(q: Queryable, orderId: string): Promise<OperationRow[]> {
  return q
    .select()
    .from(operations)
    .where(and(eq(operations.orderId, orderId), sql`${operations.outcome} IS NOT NULL`))
    .orderBy(asc(operations.settledAt), asc(operations.id));
}

/**
 * Takes up to `limit` pending operations whose time has come, pushing their next check `leaseMs`
 * ahead, in one autocommitted statement: replicas sweeping at once take different rows, and a
 * crash mid-sweep leaves rows that come due again.
 */
export async function claimDueOperations(q: Queryable, limit: number, leaseMs: number): Promise<OperationRow[]> {
  const due = q
    .select({ id: operations.id })
    .from(operations)
    .where(and(eq(operations.status, 'pending'), sql`${operations.checkAfter} <= now()`))
    .orderBy(asc(operations.checkAfter))
    .limit(limit)
    .for('update', { skipLocked: true });
  return q
    .update(operations)
    .set({ checkAfter: sql`now() + (${Math.round(leaseMs)}::int * interval '1 millisecond')`, attempts: sql`${operations.attempts} + 1` })
    .where(inArray(operations.id, due))
    .returning();
}
