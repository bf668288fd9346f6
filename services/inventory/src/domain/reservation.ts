/** What inventory knows of one order. `cancelled` with nothing held is a tombstone. */
export type ReservationStatus = 'reserved' | 'rejected' | 'released' | 'shipped' | 'cancelled';

export type OrderFact = 'order.created' | 'order.cancelled' | 'order.shipped';

/** What to do with a fact, given what we hold for the order (null: never heard of it). */
export type ReservationStep = 'reserve' | 'release' | 'ship' | 'remember-cancelled' | 'ignore';

/**
 * Events cross different queues and retries, so they arrive in any order: a cancel that
 * overtakes its order leaves a tombstone, and the late order then reserves nothing.
 */
export function nextStep(current: ReservationStatus | null, fact: OrderFact): ReservationStep {
  switch (fact) {
    case 'order.created':
      return current === null ? 'reserve' : 'ignore';
    case 'order.cancelled':
      if (current === null) return 'remember-cancelled';
      return current === 'reserved' ? 'release' : 'ignore';
    case 'order.shipped':
      return current === 'reserved' ? 'ship' : 'ignore';
  }
}

export interface Line {
  sku: string;
  quantity: number;
}

/** Rows are always locked in SKU order (by code point), so two orders can never deadlock. */
export const inLockOrder = (lines: readonly Line[]): Line[] => [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
