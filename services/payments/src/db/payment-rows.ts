import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '@pedidos/platform/db';
import type { OperationKind } from '../domain/payment';
import { operations, payments } from './schema';

export type PaymentRow = typeof payments.$inferSelect;
export type OperationRow = typeof operations.$inferSelect;

/** The facts events bring about an order's payment; absent fields are left as they are. */
export type Facts = Partial<Pick<PaymentRow, 'customerId' | 'amount' | 'currency' | 'paymentMethod' | 'stock' | 'cancelRequested' | 'shipRequested'>>;

/**
 * Records the facts heard about orders' payments, in one statement however many orders, creating
 * each row the first time any fact arrives, and locks the rows (in order id order, so two batches
 * never deadlock): the facts of one order, arriving side by side or by webhook, take turns. A fact
 * never takes back another: a known stock answer stays, a cancel or a shipment once asked stays.
 */
export async function recordFacts(q: Queryable, facts: { orderId: string; facts: Facts }[], at: Date): Promise<PaymentRow[]> {
  const rows = [...facts].sort((a, b) => (a.orderId < b.orderId ? -1 : 1)).map(({ orderId, facts: f }) => ({
    orderId, ...f, stock: f.stock ?? 'unknown', cancelRequested: f.cancelRequested ?? false, shipRequested: f.shipRequested ?? false, createdAt: at, updatedAt: at,
  }));
  const kept = (column: AnyPgColumn) => sql`coalesce(excluded.${sql.identifier(column.name)}, ${column})`;
  return q
    .insert(payments)
    .values(rows)
    .onConflictDoUpdate({
      target: payments.orderId,
      set: {
        customerId: kept(payments.customerId),
        amount: kept(payments.amount),
        currency: kept(payments.currency),
        paymentMethod: kept(payments.paymentMethod),
        stock: sql`CASE WHEN excluded.stock = 'unknown' THEN ${payments.stock} ELSE excluded.stock END`,
        cancelRequested: sql`${payments.cancelRequested} OR excluded.cancel_requested`,
        shipRequested: sql`${payments.shipRequested} OR excluded.ship_requested`,
        updatedAt: at,
      },
    })
    .returning();
}

export async function lockPayment(q: Queryable, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await q.select().from(payments).where(eq(payments.orderId, orderId)).for('update');
  return row;
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
  return q.select().from(operations).where(and(inArray(operations.orderId, orderIds), eq(operations.status, 'pending')));
}

export type NewOperation = { orderId: string; kind: OperationKind; key: string; amount: number; actor: string | null; reason: string | null; traceparent: string | null; checkAfter: Date; createdAt: Date };

export async function insertOperations(q: Queryable, ops: NewOperation[]): Promise<OperationRow[]> {
  if (ops.length === 0) return [];
  return q.insert(operations).values(ops.map((op) => ({ ...op, status: 'pending' as const }))).returning();
}

/** These payments' authorizations start: one statement for all of them. */
export async function markAuthorizing(q: Queryable, orderIds: string[], provider: string, at: Date): Promise<void> {
  if (orderIds.length === 0) return;
  await q.update(payments).set({ status: 'authorizing', provider, updatedAt: at }).where(inArray(payments.orderId, orderIds));
}

export async function findOperationByKey(q: Queryable, key: string, lock = false): Promise<OperationRow | undefined> {
  const query = q.select().from(operations).where(eq(operations.key, key));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

export async function updateOperation(q: Queryable, id: number, set: Partial<OperationRow>): Promise<void> {
  await q.update(operations).set(set).where(eq(operations.id, id));
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
