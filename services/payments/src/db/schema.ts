import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { LedgerKind, PaymentStatus } from '@pedidos/contracts/payments';
import { inboxTable, outboxTable } from '@pedidos/platform/messaging/tables';
import type { OperationKind } from '../domain/payment';

/** Everything the payments service owns lives in this schema; no other service reads it. */
export const paymentsSchema = pgSchema('payments');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const money = (name: string) => bigint(name, { mode: 'number' });

/** One payment per order: the facts the saga has heard about it and the money moved so far. */
export const payments = paymentsSchema.table(
  'payments',
  {
    orderId: uuid('order_id').primaryKey(),
    /** From `order.created`; null while only other facts have arrived. */
    customerId: uuid('customer_id'),
    amount: money('amount'),
    currency: text('currency'),
    paymentMethod: text('payment_method'),
    stock: text('stock').$type<'unknown' | 'reserved' | 'rejected'>().notNull().default('unknown'),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    shipRequested: boolean('ship_requested').notNull().default(false),
    /** Null until the authorization starts. */
    status: text('status').$type<PaymentStatus>(),
    captured: money('captured').notNull().default(0),
    refunded: money('refunded').notNull().default(0),
    brand: text('brand'),
    last4: text('last4'),
    provider: text('provider'),
    /** The provider's id of the authorization. */
    reference: text('reference'),
    /** Counts recorded outcomes: the `version` of the `payment.*` events. */
    version: integer('version').notNull().default(0),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    // However the code errs, the database never records more refunded than captured.
    check('payments_money_check', sql`${t.refunded} >= 0 AND ${t.captured} >= ${t.refunded}`),
    // A provider's webhook names the authorization by its reference.
    index('payments_reference_idx').on(t.reference),
  ],
);

/**
 * Every operation asked of the provider, with the idempotency key it was asked with. A pending
 * one is in flight (or its answer was lost in a crash): the reconciler asks again with the same
 * key once `checkAfter` has passed. Settled ones are the payment's ledger.
 */
export const operations = paymentsSchema.table(
  'operations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id').notNull().references(() => payments.orderId),
    kind: text('kind').$type<OperationKind>().notNull(),
    /** The provider's idempotency key: the same for every try of this operation. */
    key: text('key').notNull(),
    amount: money('amount').notNull(),
    status: text('status').$type<'pending' | 'settled' | 'refused'>().notNull(),
    /** The ledger's name for it once settled (an authorize settles as authorization, decline or failure). */
    outcome: text('outcome').$type<LedgerKind>(),
    actor: uuid('actor'),
    reason: text('reason'),
    /** The trace of what caused it, carried on to the event its outcome publishes. */
    traceparent: text('traceparent'),
    providerReference: text('provider_reference'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    checkAfter: at('check_after').notNull(),
    createdAt: at('created_at').notNull(),
    settledAt: at('settled_at'),
  },
  (t) => [
    uniqueIndex('operations_key_idx').on(t.key),
    index('operations_order_idx').on(t.orderId, t.id),
    index('operations_pending_idx').on(t.checkAfter).where(sql`${t.status} = 'pending'`),
  ],
);

export const outbox = outboxTable(paymentsSchema);
export const inbox = inboxTable(paymentsSchema);
