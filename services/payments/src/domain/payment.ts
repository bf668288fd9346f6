import type { LedgerKind, PaymentStatus } from '@pedidos/contracts/payments';

/** What the payments service knows of an order's payment: the facts heard and the money moved. */
export interface PaymentState {
  /** Null until the order is known (its `order.created` may arrive after `stock.reserved`). */
  amount: number | null;
  stock: 'unknown' | 'reserved' | 'rejected';
  cancelRequested: boolean;
  shipRequested: boolean;
  /** Null until the authorization starts: nothing asked of the provider yet. */
  status: PaymentStatus | null;
  captured: number;
  refunded: number;
  /** Refunds asked of the provider and not yet answered: money already promised back. */
  refundsInFlight: number;
  /** An operation asked of the provider whose outcome is not yet recorded. */
  inFlight: boolean;
}

export type OperationKind = 'authorize' | 'capture' | 'void' | 'refund';

/** The one operation the saga asks of the provider next, or nothing. */
export type Step = { op: 'authorize' | 'capture' | 'void' } | { op: 'refund'; amount: number } | null;

export const refundable = (p: Pick<PaymentState, 'captured' | 'refunded' | 'refundsInFlight'>) => p.captured - p.refunded - p.refundsInFlight;

/**
 * The saga's rule, as one pure function: authorize once the order is known and its stock
 * reserved; never for an order cancelled or out of stock; an authorization the order no longer
 * wants is voided, a shipped order's captured; money captured for an order cancelled goes back.
 * One operation at a time: while one is in flight, nothing else starts.
 */
export function nextStep(p: PaymentState): Step {
  if (p.inFlight) return null;
  switch (p.status) {
    case null:
      if (p.cancelRequested || p.stock !== 'reserved' || p.amount === null) return null;
      return { op: 'authorize' };
    case 'authorized':
      if (p.cancelRequested) return { op: 'void' };
      return p.shipRequested ? { op: 'capture' } : null;
    case 'captured':
    case 'partially_refunded': {
      const left = refundable(p);
      return p.cancelRequested && left > 0 ? { op: 'refund', amount: left } : null;
    }
    default:
      return null;
  }
}

/** What the provider answered to an operation, as the payment records it. */
export type Outcome =
  | { kind: 'authorized' }
  | { kind: 'declined'; code: string }
  | { kind: 'failed'; code: string }
  | { kind: 'captured'; amount: number }
  | { kind: 'voided' }
  | { kind: 'refunded'; amount: number };

export interface Applied {
  status: PaymentStatus;
  captured: number;
  refunded: number;
  ledger: { kind: LedgerKind; amount: number };
}

/** The money side of the state machine: (status, outcome) → the payment after it, or null when the move does not exist. */
export function applyOutcome(p: { status: PaymentStatus | null; amount: number; captured: number; refunded: number }, o: Outcome): Applied | null {
  const same = { captured: p.captured, refunded: p.refunded };
  switch (o.kind) {
    case 'authorized':
      return p.status === 'authorizing' ? { status: 'authorized', ...same, ledger: { kind: 'authorization', amount: p.amount } } : null;
    case 'declined':
      return p.status === 'authorizing' ? { status: 'declined', ...same, ledger: { kind: 'decline', amount: 0 } } : null;
    case 'failed':
      return p.status === 'authorizing' ? { status: 'failed', ...same, ledger: { kind: 'failure', amount: 0 } } : null;
    case 'captured':
      return p.status === 'authorized' && o.amount <= p.amount
        ? { status: 'captured', captured: o.amount, refunded: 0, ledger: { kind: 'capture', amount: o.amount } }
        : null;
    case 'voided':
      return p.status === 'authorized' ? { status: 'voided', ...same, ledger: { kind: 'void', amount: 0 } } : null;
    case 'refunded': {
      if (p.status !== 'captured' && p.status !== 'partially_refunded') return null;
      const refunded = p.refunded + o.amount;
      if (refunded > p.captured) return null;
      return { status: refunded === p.captured ? 'refunded' : 'partially_refunded', captured: p.captured, refunded, ledger: { kind: 'refund', amount: o.amount } };
    }
  }
}

/** The event each recorded outcome publishes. */
export const EVENT_OF = {
  authorized: 'payment.authorized',
  declined: 'payment.declined',
  failed: 'payment.declined',
  captured: 'payment.captured',
  voided: 'payment.voided',
  refunded: 'payment.refunded',
} as const satisfies Record<Outcome['kind'], string>;
