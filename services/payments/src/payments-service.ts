import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { createBatcher } from '@pedidos/platform/batcher';
import type { Principal } from '@pedidos/platform/auth';
import type { Db, Tx } from '@pedidos/platform/db';
import { errorSummary } from '@pedidos/platform/error-summary';
import { DomainError } from '@pedidos/platform/errors';
import { claimEvents, cloudEvent, type CloudEvent, type Outbox } from '@pedidos/platform/messaging';
import { continueTrace } from '@pedidos/platform/trace';
import { inTraceOf } from '@pedidos/platform/tracing';
import { EXCHANGES, SOURCES, parseEventData, type EventData, type EventType } from '@pedidos/contracts/events';
import type { Payment, PaymentSummary, RefundBody } from '@pedidos/contracts/payments';
import { applyOutcome, nextStep, refundable, type Outcome, type PaymentState } from './domain/payment';
import {
  claimDueOperations, findOperationByKey, findPayment, findPaymentByReference, insertOperations, lockOperations, lockPayment, lockPayments, markAuthorizing,
  pendingOperations, recordFacts, settledOperations, settleOperations, updateOperation, updatePayment, updatePayments,
  type Facts, type OperationRow, type OperationSettlement, type PaymentRow,
} from './db/payment-rows';
import { inbox } from './db/schema';
import { ProviderRefused, type Authorization, type PaymentProvider, type WebhookEvent } from './provider/port';

export interface PaymentsServiceOptions {
  db: Db;
  outbox: Outbox;
  provider: PaymentProvider;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** How long an operation may stay unanswered before the reconciler asks the provider again. */
  reconcileAfterMs: number;
  /** Capture as soon as the authorization succeeds (goods that leave at once), rather than when the order ships. */
  captureOnAuthorize?: boolean;
  /** The most calls to the provider in flight at once from the saga and the reconciler. */
  maxProviderCalls?: number;
  /** Told how many provider answers each transaction recorded (a metric). */
  onAnswersRecorded?: (answers: number) => void;
  now?: () => Date;
}

/** The longest wait between two tries of an operation the provider does not answer. */
const MAX_RETRY_MS = 10 * 60_000;

/** An operation to ask of the provider, with its payment as the transaction that started it left it. */
type Next = { op: OperationRow; row: PaymentRow };
type Settled = { applied: boolean; next: Next | null };
/** A provider's answer, to record against the operation it answers. */
type Settlement = { key: string; orderId: string; answer: Exclude<Answer, { pending: true }> };
const withRow = (op: OperationRow | undefined, row: PaymentRow): Next | null => (op === undefined ? null : { op, row });

/** What the provider's answer means for the operation asked. */
type Answer =
  | { settled: Outcome; reference?: string | null; card?: { brand?: string | null; last4?: string | null }; authorization?: string }
  | { pending: true; reference: string; card?: { brand?: string | null; last4?: string | null } }
  | { refused: ProviderRefused };

const summaryOf = (row: PaymentRow): PaymentSummary => ({
  status: row.status!,
  amount: row.amount ?? 0,
  captured: row.captured,
  refunded: row.refunded,
  brand: row.brand,
  last4: row.last4,
});

const event = <K extends EventType>(type: K, data: EventData<K>, traceparent?: string) =>
  cloudEvent({ source: SOURCES.payments, type, data, subject: (data as { orderId: string }).orderId, traceparent: continueTrace(traceparent) });

/** The facts each consumed event brings, or null for an event the payments service has nothing to do with. */
function factsOf(e: CloudEvent): { orderId: string; facts: Facts } | null {
  switch (e.type) {
    case 'order.created': {
      const d = parseEventData('order.created', e.data);
      // An order placed without a payment method owes nothing here.
      if (d.paymentMethod === undefined) return null;
      return { orderId: d.orderId, facts: { customerId: d.customerId, amount: d.total, currency: d.currency, paymentMethod: d.paymentMethod } };
    }
    case 'stock.reserved':
      return { orderId: parseEventData('stock.reserved', e.data).orderId, facts: { stock: 'reserved' } };
    case 'stock.rejected':
      return { orderId: parseEventData('stock.rejected', e.data).orderId, facts: { stock: 'rejected' } };
    case 'order.cancelled':
      return { orderId: parseEventData('order.cancelled', e.data).orderId, facts: { cancelRequested: true } };
    case 'order.shipped':
      return { orderId: parseEventData('order.shipped', e.data).orderId, facts: { shipRequested: true } };
    default:
      throw new Error(`the payments service does not consume ${e.type}`);
  }
}

/** The provider's view of an authorization, as an answer to the operation that made it. */
function authorizationAnswer(a: Authorization): Answer {
  const card = { brand: a.brand ?? null, last4: a.last4 ?? null };
  switch (a.status) {
    case 'pending':
      return { pending: true, reference: a.reference, card };
    case 'declined':
      return { settled: { kind: 'declined', code: a.code }, reference: a.reference, authorization: a.reference, card };
    default:
      // Captured or voided at the provider already means it was authorized: later operations settle the rest.
      return { settled: { kind: 'authorized' }, reference: a.reference, authorization: a.reference, card };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createPaymentsService({ db, outbox, provider, log, reconcileAfterMs, captureOnAuthorize = false, maxProviderCalls = 64, onAnswersRecorded, now = () => new Date() }: PaymentsServiceOptions) {
  /** The one place transactions open; events leave through the outbox after commit. */
  async function inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await db.transaction(work);
    outbox.relay.kick();
    return result;
  }

  const later = (ms: number) => new Date(now().getTime() + ms);

  function stateOf(row: PaymentRow, pending: OperationRow[]): PaymentState {
    return {
      amount: row.amount,
      stock: row.stock,
      cancelRequested: row.cancelRequested,
      shipRequested: row.shipRequested || captureOnAuthorize,
      status: row.status,
      captured: row.captured,
      refunded: row.refunded,
      refundsInFlight: pending.filter((o) => o.kind === 'refund').reduce((sum, o) => sum + o.amount, 0),
      inFlight: pending.some((o) => o.kind !== 'refund'),
    };
  }

  /**
   * In the caller's transaction, with the payments locked: records the saga's next operation of
   * each, if any, before it is asked of the provider, so that a crash in between leaves it for the
   * reconciler. Keys are derived from the order and the operation: asking again never repeats one.
   */
  async function startNext(tx: Tx, changed: { row: PaymentRow; traceparent?: string }[]): Promise<OperationRow[]> {
    if (changed.length === 0) return [];
    const pending = await pendingOperations(tx, changed.map((c) => c.row.orderId));
    const at = now();
    const steps = changed.flatMap(({ row, traceparent }) => {
      const step = nextStep(stateOf(row, pending.filter((o) => o.orderId === row.orderId)));
      return step === null ? [] : [{ row, step, traceparent }];
    });
    await markAuthorizing(tx, steps.filter((s) => s.step.op === 'authorize').map((s) => s.row.orderId), provider.name, at);
    return insertOperations(tx, steps.map(({ row, step, traceparent }) => ({
      orderId: row.orderId,
      kind: step.op,
      // A cancelled order's money goes back once: one refund key per order for the saga's refund.
      key: step.op === 'refund' ? `${row.orderId}:refund:cancelled` : `${row.orderId}:${step.op}`,
      amount: step.op === 'refund' ? step.amount : step.op === 'void' ? 0 : row.amount!,
      actor: null,
      reason: step.op === 'refund' ? 'order cancelled' : null,
      traceparent: traceparent ?? null,
      checkAfter: later(reconcileAfterMs),
      createdAt: at,
    })));
  }

  /** The `payment.*` event of a recorded outcome. */
  function paymentEvent(outcome: Outcome, row: PaymentRow, op: OperationRow): CloudEvent {
    const base = { orderId: row.orderId, payment: summaryOf(row), version: row.version };
    const trace = op.traceparent ?? undefined;
    switch (outcome.kind) {
      case 'authorized':
        return event('payment.authorized', base, trace);
      case 'declined':
      case 'failed':
        return event('payment.declined', { ...base, code: outcome.code }, trace);
      case 'captured':
        return event('payment.captured', { ...base, amount: outcome.amount }, trace);
      case 'voided':
        return event('payment.voided', base, trace);
      case 'refunded':
        return event('payment.refunded', { ...base, amount: outcome.amount, reason: op.reason }, trace);
    }
  }

  /** With the payment locked and `op` still pending: how `answer` leaves the operation and the payment. */
  function recordOne(row: PaymentRow, op: OperationRow, answer: Exclude<Answer, { pending: true }>, at: Date): { op: OperationSettlement; row: PaymentRow | null; goesOn: boolean } {
    const kept = { id: op.id, outcome: null, amount: op.amount, reason: op.reason, providerReference: op.providerReference, lastError: op.lastError, settledAt: at };
    if ('refused' in answer) {
      log.error({ orderId: op.orderId, operation: op.kind, code: answer.refused.code }, 'the provider refused an operation');
      return { op: { ...kept, status: 'refused', lastError: `${answer.refused.code}: ${answer.refused.message}`.slice(0, 2000) }, row: null, goesOn: true };
    }
    const applied = applyOutcome({ status: row.status, amount: row.amount ?? 0, captured: row.captured, refunded: row.refunded }, answer.settled);
    if (!applied) {
      log.error({ orderId: op.orderId, operation: op.kind, outcome: answer.settled.kind, status: row.status }, 'an answer does not fit the payment');
      return { op: { ...kept, status: 'refused', lastError: `${answer.settled.kind} does not apply to a payment that is ${row.status}` }, row: null, goesOn: false };
    }
    const reason = answer.settled.kind === 'declined' || answer.settled.kind === 'failed' ? answer.settled.code : op.reason;
    return {
      op: { ...kept, status: 'settled', outcome: applied.ledger.kind, amount: applied.ledger.amount, reason, providerReference: answer.reference ?? null },
      row: {
        ...row,
        status: applied.status,
        captured: applied.captured,
        refunded: applied.refunded,
        version: row.version + 1,
        updatedAt: at,
        reference: answer.authorization ?? row.reference,
        // A pending answer told of the card already: an answer without it never blanks it.
        brand: answer.card?.brand || row.brand,
        last4: answer.card?.last4 || row.last4,
      },
      goesOn: true,
    };
  }

  /**
   * Records providers' answers to pending operations, each once, in the same few statements
   * however many answers: an answer that arrives again (a webhook after the call's own answer,
   * the reconciler after a crash, twice in one batch) finds its operation settled and does
   * nothing (`applied` false). Each payment's next operation starts in the same transaction and
   * goes back with the last of its answers.
   */
  async function settleIn(tx: Tx, answers: Settlement[]): Promise<Settled[]> {
    const at = now();
    // The payments first, then the operations: the order every transaction here locks them in.
    const rows = new Map((await lockPayments(tx, [...new Set(answers.map((a) => a.orderId))])).map((row) => [row.orderId, row]));
    const ops = new Map((await lockOperations(tx, answers.map((a) => a.key))).map((op) => [op.key, op]));
    const settled: OperationSettlement[] = [];
    const events: CloudEvent[] = [];
    const changed = new Set<string>();
    // The payments whose saga may go on, with the answer that hands on their next operation.
    const goingOn = new Map<string, { answer: number; traceparent?: string }>();
    const applied = answers.map(({ key, orderId, answer }, i) => {
      const row = rows.get(orderId);
      const op = ops.get(key);
      if (row === undefined || op?.orderId !== orderId || op.status !== 'pending') return false;
      const result = recordOne(row, op, answer, at);
      ops.set(key, { ...op, status: result.op.status });
      settled.push(result.op);
      if (result.row !== null && 'settled' in answer) {
        rows.set(orderId, result.row);
        changed.add(orderId);
        events.push(paymentEvent(answer.settled, result.row, op));
      }
      if (result.goesOn) goingOn.set(orderId, { answer: i, traceparent: op.traceparent ?? undefined });
      return true;
    });
    await settleOperations(tx, settled);
    await updatePayments(tx, [...changed].map((orderId) => rows.get(orderId)!));
    await outbox.enqueue(tx, EXCHANGES.payments, events);
    const started = await startNext(tx, [...goingOn].map(([orderId, { traceparent }]) => ({ row: rows.get(orderId)!, traceparent })));
    const handedOn = new Map(started.map((op) => [goingOn.get(op.orderId)!.answer, op]));
    return applied.map((wasApplied, i) => ({ applied: wasApplied, next: withRow(handedOn.get(i), rows.get(answers[i]!.orderId)!) }));
  }

  // Answers arriving together are recorded in one transaction (group commit): at a burst's pace
  // the provider's answers come faster than one commit each could keep up with.
  // The keys of operations this process settled lately: a settled operation stays settled, so a
  // webhook about one is answered from memory (a replica that did not settle it reads the table).
  const recentlySettled = new LRUCache<string, true>({ max: 20_000 });

  async function settleAll(answers: Settlement[]): Promise<Settled[]> {
    const settled = await inTransaction((tx) => settleIn(tx, answers));
    settled.forEach(({ applied }, i) => applied && recentlySettled.set(answers[i]!.key, true));
    onAnswersRecorded?.(answers.length);
    return settled;
  }
  const settle = createBatcher<Settlement, Settled>({
    many: async (answers) => (await settleAll(answers)).map((value) => ({ status: 'fulfilled' as const, value })),
    one: async (answer) => (await settleAll([answer]))[0]!,
  });

  // Bounded: a burst of orders queues here instead of opening a thousand calls to the provider.
  const providerCalls = pLimit(maxProviderCalls);

  /** Asks the provider for an operation (again, with the same key, when `reconciling`). */
  async function ask(op: OperationRow, row: PaymentRow, reconciling: boolean): Promise<Answer> {
    try {
      switch (op.kind) {
        case 'authorize': {
          // After a crash or a lost answer the provider may know the outcome already; if it never
          // got the request, it gets it now, under the same key.
          const known = reconciling ? await provider.get(op.key) : null;
          const authorization = known ?? await provider.authorize({ key: op.key, amount: op.amount, currency: row.currency!, paymentMethod: row.paymentMethod!, orderId: row.orderId });
          return authorizationAnswer(authorization);
        }
        case 'capture': {
          const { reference } = await provider.capture({ key: op.key, reference: row.reference!, amount: op.amount });
          return { settled: { kind: 'captured', amount: op.amount }, reference };
        }
        case 'void': {
          const { reference } = await provider.void({ key: op.key, reference: row.reference! });
          return { settled: { kind: 'voided' }, reference };
        }
        case 'refund': {
          const { reference } = await provider.refund({ key: op.key, reference: row.reference!, amount: op.amount });
          return { settled: { kind: 'refunded', amount: op.amount }, reference };
        }
      }
    } catch (error) {
      if (!(error instanceof ProviderRefused)) throw error;
      // A payment method the provider does not take fails the payment; any other refusal leaves it as it is.
      if (op.kind === 'authorize') return { settled: { kind: 'failed', code: error.code }, reference: null };
      return { refused: error };
    }
  }

  /**
   * Carries the saga forward from `op`: asks the provider, records the answer, and goes on with
   * whatever that makes next (an authorization the order no longer wants is voided at once).
   * Never throws: an answer that does not come leaves the operation pending for the reconciler.
   */
  async function perform(first: OperationRow | Next | null, reconciling = false): Promise<void> {
    let next: OperationRow | Next | null = first;
    while (next) {
      const current: OperationRow = 'op' in next ? next.op : next;
      const known: PaymentRow | undefined = 'op' in next ? next.row : undefined;
      try {
        const row = known ?? (await findPayment(db, current.orderId))!;
        // Only the call holds one of the provider's slots: recording its answer waits for the database, not for the provider.
        // In the trace of what asked for the operation, not of the batch or request that started this loop.
        const answer = await providerCalls(() => inTraceOf(current.traceparent, () => ask(current, row, reconciling)));
        if ('pending' in answer) {
          // The outcome follows by webhook; the reconciler asks if it does not.
          await inTransaction(async (tx) => {
            await updateOperation(tx, current.id, { providerReference: answer.reference, checkAfter: later(reconcileAfterMs) });
            await updatePayment(tx, current.orderId, {
              reference: answer.reference, updatedAt: now(),
              ...(answer.card?.brand ? { brand: answer.card.brand } : {}), ...(answer.card?.last4 ? { last4: answer.card.last4 } : {}),
            });
          });
          return;
        }
        next = (await settle({ key: current.key, orderId: current.orderId, answer })).next;
        reconciling = false;
      } catch (error) {
        const retryInMs = Math.min(reconcileAfterMs * 2 ** current.attempts, MAX_RETRY_MS);
        log.warn({ err: error, orderId: current.orderId, operation: current.kind, retryInMs }, 'payment operation not answered; will ask again');
        await updateOperation(db, current.id, { lastError: errorSummary(error).slice(0, 2000), checkAfter: later(retryInMs) }).catch((e: unknown) =>
          log.error({ err: e, orderId: current.orderId }, 'could not record a payment operation failure; the reconciler will ask again at its due time'));
        return;
      }
    }
  }

  /**
   * Facts about orders from other services, however many, in one transaction: each recorded once
   * (inbox), the facts of one order merged in the order they came; then the operations they make
   * next are asked of the provider side by side.
   */
  async function onOrderFacts(consumer: string, batch: CloudEvent[]): Promise<void> {
    const facts = batch.flatMap((e) => {
      const fact = factsOf(e);
      return fact === null ? [] : [{ e, ...fact }];
    });
    if (facts.length === 0) return;
    const started = await inTransaction(async (tx) => {
      const fresh = await claimEvents(tx, inbox, consumer, facts.map((f) => f.e.id));
      const merged = new Map<string, { orderId: string; facts: Facts; traceparent?: string }>();
      for (const f of facts.filter((f) => fresh.has(f.e.id))) {
        const known = merged.get(f.orderId);
        merged.set(f.orderId, { orderId: f.orderId, facts: { ...known?.facts, ...f.facts }, traceparent: f.e.traceparent ?? known?.traceparent });
      }
      if (merged.size === 0) return [];
      const rows = await recordFacts(tx, [...merged.values()], now());
      const byOrder = new Map(rows.map((row) => [row.orderId, row]));
      const ops = await startNext(tx, rows.map((row) => ({ row, traceparent: merged.get(row.orderId)!.traceparent })));
      return ops.map((op) => ({ op, row: byOrder.get(op.orderId)! }));
    });
    // The facts are recorded and the operations pending: the messages are done with. The provider
    // is asked in the background, so the queue moves at the database's pace rather than the
    // provider's; a crash meanwhile leaves the operations to the reconciler.
    for (const next of started) inBackground(next);
  }

  const background = new Set<Promise<void>>();
  function inBackground(next: Next): void {
    const call = perform(next).finally(() => background.delete(call));
    background.add(call);
  }

  async function toPayment(row: PaymentRow): Promise<Payment> {
    const ledger = await settledOperations(db, row.orderId);
    return {
      orderId: row.orderId,
      ...summaryOf(row),
      currency: row.currency ?? 'BRL',
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      ledger: ledger.map((o) => ({
        kind: o.outcome!,
        amount: o.amount,
        at: (o.settledAt ?? o.createdAt).toISOString(),
        actor: o.actor,
        providerReference: o.providerReference,
        reason: o.reason,
      })),
    };
  }

  /** A payment `who` may see; another customer's is reported missing, as is one not started. */
  async function visiblePayment(who: Principal, orderId: string): Promise<PaymentRow> {
    const row = await findPayment(db, orderId);
    if (!row || row.status === null || (who.role !== 'admin' && row.customerId !== who.id)) {
      throw new DomainError('PAYMENT.NOT_FOUND', `No payment for order ${orderId}.`);
    }
    return row;
  }

  return {
    onOrderFact: (consumer: string, e: CloudEvent) => onOrderFacts(consumer, [e]),
    onOrderFacts,

    async getPayment(who: Principal, orderId: string): Promise<Payment> {
      return toPayment(await visiblePayment(who, orderId));
    },

    /**
     * An administrator gives back part or all of what was captured. The refund is recorded (its
     * amount promised) before the provider is asked, so two refunds at once can never exceed the
     * capture, and a crash leaves it for the reconciler. `settled` is false while the provider
     * has not answered (it is asked again until it does).
     */
    async refund(who: Principal, orderId: string, { amount, reason }: RefundBody, traceparent: string): Promise<{ payment: Payment; settled: boolean }> {
      const op = await inTransaction(async (tx) => {
        const row = await lockPayment(tx, orderId);
        if (!row || row.status === null) throw new DomainError('PAYMENT.NOT_FOUND', `No payment for order ${orderId}.`);
        // A refunded payment had money captured: asking for more is "more than is left", not "nothing captured".
        if (row.status !== 'captured' && row.status !== 'partially_refunded' && row.status !== 'refunded') {
          throw new DomainError('PAYMENT.NOT_CAPTURED', `A payment that is ${row.status} has no captured money to refund.`);
        }
        const left = refundable(stateOf(row, await pendingOperations(tx, [orderId])));
        if (amount > left) {
          throw new DomainError('PAYMENT.REFUND_EXCEEDS_CAPTURED', `At most ${left} can be refunded: captured ${row.captured}, refunded or being refunded ${row.captured - left}.`, {
            errors: [{ path: '/amount', message: `must be at most ${left}` }],
          });
        }
        const [refund] = await insertOperations(tx, [{
          orderId, kind: 'refund', key: `${orderId}:refund:${randomUUID()}`, amount, actor: who.id, reason, traceparent, checkAfter: later(reconcileAfterMs), createdAt: now(),
        }]);
        return refund!;
      });
      await perform(op);
      const after = await findOperationByKey(db, op.key);
      if (after?.status === 'refused') throw new DomainError('PAYMENT.REFUND_REFUSED', `The payment provider refused the refund: ${after.lastError ?? 'no reason given'}.`);
      return { payment: await toPayment((await findPayment(db, orderId))!), settled: after?.status === 'settled' };
    },

    /**
     * A provider's webhook, already read and verified: applied once, whatever order and however
     * often it arrives. An authorization's outcome is an answer like the call's own, recorded by
     * the same `settle`; its operation, settled once, is what makes every later copy do nothing.
     */
    async onWebhook(hook: WebhookEvent): Promise<'applied' | 'ignored'> {
      if (hook.type === 'authorization.succeeded' || hook.type === 'authorization.declined') {
        // Most such webhooks tell of an answer the call itself brought, recorded here moments ago.
        if (recentlySettled.has(hook.key)) return 'ignored';
        // Any other goes with the answers being recorded, without a lookup of its own: one whose
        // operation is unknown, settled, or not of that order is not applied there. An order id
        // that is no UUID names no order here (and would fail the whole group's statement).
        if (!UUID.test(hook.orderId)) return 'ignored';
        const answer: Answer = hook.type === 'authorization.succeeded'
          ? { settled: { kind: 'authorized' }, reference: hook.reference, authorization: hook.reference, card: { brand: hook.brand, last4: hook.last4 } }
          : { settled: { kind: 'declined', code: hook.code }, reference: hook.reference, authorization: hook.reference, card: { brand: hook.brand ?? null, last4: hook.last4 ?? null } };
        const result = await settle({ key: hook.key, orderId: hook.orderId, answer });
        await perform(result.next);
        // Not applied: the call's own answer (or the reconciler) recorded it first.
        return result.applied ? 'applied' : 'ignored';
      }
      // Captures, voids and refunds are answered when asked; their webhooks only tell of an
      // answer that may have been lost: ask again (same key) for whatever is still pending.
      const row = await findPaymentByReference(db, hook.reference);
      if (!row) return 'ignored';
      const kind = hook.type === 'capture.succeeded' ? 'capture' : hook.type === 'void.succeeded' ? 'void' : 'refund';
      const pending = (await pendingOperations(db, [row.orderId])).filter((o) => o.kind === kind);
      for (const op of pending) await perform(op);
      return pending.length > 0 ? 'applied' : 'ignored';
    },

    /** Waits for the provider calls started in the background (at shutdown). */
    async drain(): Promise<void> {
      while (background.size > 0) await Promise.allSettled([...background]);
    },

    /**
     * Asks the provider about operations left unanswered past their time (a crash between the
     * call and the commit, a timeout, a webhook that never came) and settles them. Safe on every
     * replica at once. Returns how many were asked about.
     */
    async reconcile(limit = 50): Promise<number> {
      const due = await claimDueOperations(db, limit, reconcileAfterMs);
      await Promise.all(due.map((op) => perform(op, true)));
      return due.length;
    },
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
