import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { OperationKind } from '../domain/payment';
import { operations, payments } from './schema';

export type PaymentRow = typeof payments.$inferSelect;
export type OperationRow = typeof operations.$inferSelect;

/** The facts an event brings about an order's payment; absent fields are left as they are. */
export type Facts = Partial<Pick<PaymentRow, 'customerId' | 'amount' | 'currency' | 'paymentMethod' | 'stock' | 'cancelRequested' | 'shipRequested'>>;

/**
 * Records facts about an order's payment, creating the row the first time any fact arrives, and
 * locks it: the facts of one order, arriving on one queue side by side or by webhook, take turns.
 */
export async function recordFacts(q: Queryable, orderId: string, facts: Facts, at: Date): Promise<PaymentRow> {
  const [row] = await q
    .insert(payments)
    .values({ orderId, ...facts, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({ target: payments.orderId, set: { ...facts, updatedAt: at } })
    .returning();
  return row!;
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

/** The operations of an order still waiting for the provider's answer. */
export async function pendingOperations(q: Queryable, orderId: string): Promise<OperationRow[]> {
  return q.select().from(operations).where(and(eq(operations.orderId, orderId), eq(operations.status, 'pending')));
}

export async function insertOperation(
  q: Queryable,
  op: { orderId: string; kind: OperationKind; key: string; amount: number; actor: string | null; reason: string | null; traceparent: string | null; checkAfter: Date; createdAt: Date },
): Promise<OperationRow> {
  const [row] = await q.insert(operations).values({ ...op, status: 'pending' }).returning();
  return row!;
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
