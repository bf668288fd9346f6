import type { OrderStatus } from '@pedidos/contracts/orders';

/** What can happen to an order: facts from other services and commands from people. */
export type OrderEvent =
  | { type: 'stock.rejected' }
  | { type: 'payment.authorized' }
  | { type: 'payment.declined' }
  | { type: 'expire' }
  | { type: 'cancel'; reason?: string | null }
  | { type: 'ship' }
  | { type: 'deliver' };

export type Transition =
  | { ok: true; status: OrderStatus; reason: string | null }
  | { ok: false; from: OrderStatus; event: OrderEvent['type'] };

/**
 * Every allowed move, and nothing else. Stock reserved is not a move: the payments service
 * authorizes then, and its answer confirms or rejects the order.
 */
const MOVES: Partial<Record<OrderStatus, Partial<Record<OrderEvent['type'], { to: OrderStatus; reason: string | null }>>>> = {
  pending: {
    'stock.rejected': { to: 'rejected', reason: 'out_of_stock' },
    'payment.authorized': { to: 'confirmed', reason: null },
    'payment.declined': { to: 'rejected', reason: 'payment_declined' },
    expire: { to: 'rejected', reason: 'expired' },
    cancel: { to: 'cancelled', reason: null },
  },
  confirmed: {
    cancel: { to: 'cancelled', reason: null },
    ship: { to: 'shipped', reason: null },
  },
  shipped: {
    deliver: { to: 'delivered', reason: null },
  },
};

/** The order state machine: (status, event) → new status, or a refusal that changes nothing. */
export function transition(status: OrderStatus, event: OrderEvent): Transition {
  const move = MOVES[status]?.[event.type];
  if (!move) return { ok: false, from: status, event: event.type };
  const reason = event.type === 'cancel' ? (event.reason ?? null) : move.reason;
  return { ok: true, status: move.to, reason };
}

/** Statuses no event moves out of. */
export const isFinal = (status: OrderStatus) => !MOVES[status];
