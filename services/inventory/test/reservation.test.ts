import { describe, expect, it } from 'vitest';
import { inLockOrder, nextStep, type OrderFact, type ReservationStatus } from '../src/domain/reservation';

describe('what inventory does with each order fact', () => {
  const cases: [ReservationStatus | null, OrderFact, string][] = [
    [null, 'order.created', 'reserve'],
    [null, 'order.cancelled', 'remember-cancelled'],
    [null, 'order.shipped', 'ignore'],
    ['reserved', 'order.created', 'ignore'],
    ['reserved', 'order.cancelled', 'release'],
    ['reserved', 'order.shipped', 'ship'],
    ['rejected', 'order.created', 'ignore'],
    ['rejected', 'order.cancelled', 'ignore'],
    ['rejected', 'order.shipped', 'ignore'],
    ['released', 'order.created', 'ignore'],
    ['released', 'order.cancelled', 'ignore'],
    ['released', 'order.shipped', 'ignore'],
    ['shipped', 'order.created', 'ignore'],
    ['shipped', 'order.cancelled', 'ignore'],
    ['shipped', 'order.shipped', 'ignore'],
    ['cancelled', 'order.created', 'ignore'],
    ['cancelled', 'order.cancelled', 'ignore'],
    ['cancelled', 'order.shipped', 'ignore'],
  ];
  for (const [current, fact, step] of cases) {
    it(`${current ?? 'unknown order'} + ${fact} → ${step}`, () => expect(nextStep(current, fact)).toBe(step));
  }

  it('a cancel that overtakes its order means the order never reserves', () => {
    const afterCancel = nextStep(null, 'order.cancelled');
    expect(afterCancel).toBe('remember-cancelled');
    expect(nextStep('cancelled', 'order.created')).toBe('ignore');
  });

  it('locks lines in SKU order whatever order the customer typed them', () => {
    expect(inLockOrder([{ sku: 'B', quantity: 1 }, { sku: 'A-2', quantity: 2 }, { sku: 'A', quantity: 3 }]).map((l) => l.sku)).toEqual(['A', 'A-2', 'B']);
  });
});
