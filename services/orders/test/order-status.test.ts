import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderStatus } from '@pedidos/contracts/orders';
import { isFinal, transition, type OrderEvent } from '../src/domain/order-status';

const EVENTS: OrderEvent['type'][] = ['stock.rejected', 'payment.authorized', 'payment.declined', 'expire', 'cancel', 'ship', 'deliver'];

// The whole table: anything not listed here must be refused.
const ALLOWED: Record<string, [OrderStatus, string | null]> = {
  'pending stock.rejected': ['rejected', 'out_of_stock'],
  'pending payment.authorized': ['confirmed', null],
  'pending payment.declined': ['rejected', 'payment_declined'],
  'pending expire': ['rejected', 'expired'],
  'pending cancel': ['cancelled', null],
  'confirmed cancel': ['cancelled', null],
  'confirmed ship': ['shipped', null],
  'shipped deliver': ['delivered', null],
};

describe('order state machine', () => {
  for (const from of ORDER_STATUSES) {
    for (const type of EVENTS) {
      const expected = ALLOWED[`${from} ${type}`];
      it(`${from} + ${type} → ${expected ? expected[0] : 'refused'}`, () => {
        const result = transition(from, { type } as OrderEvent);
        if (expected) expect(result).toEqual({ ok: true, status: expected[0], reason: expected[1] });
        else expect(result).toEqual({ ok: false, from, event: type });
      });
    }
  }

  it('keeps the reason a person gives for a cancellation', () => {
    expect(transition('confirmed', { type: 'cancel', reason: 'changed my mind' })).toEqual({
      ok: true,
      status: 'cancelled',
      reason: 'changed my mind',
    });
  });

  it('treats a duplicate event as a refusal, so replays change nothing', () => {
    const first = transition('pending', { type: 'payment.authorized' });
    expect(first.ok && transition(first.status, { type: 'payment.authorized' }).ok).toBe(false);
  });

  it('knows the final statuses', () => {
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['delivered', 'rejected', 'cancelled']);
  });
});
