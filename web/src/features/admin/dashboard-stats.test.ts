import { describe, expect, it } from 'vitest';
import { order, product } from '../../test/fixtures';
import { lowStock, ordersPerMinute, paymentTotals, topProducts } from './dashboard-stats';

const now = Date.parse('2026-11-29T12:30:20.000Z');

describe('dashboard stats', () => {
  it('counts orders per minute by current status over the last hour, oldest minute first', () => {
    const buckets = ordersPerMinute([
      order({ createdAt: '2026-11-29T12:30:05.000Z', status: 'confirmed' }),
      order({ createdAt: '2026-11-29T12:30:59.000Z', status: 'rejected' }),
      order({ createdAt: '2026-11-29T11:31:00.000Z', status: 'pending' }),
      order({ createdAt: '2026-11-29T11:30:59.000Z', status: 'pending' }),
    ], now);
    expect(buckets).toHaveLength(60);
    expect(buckets[59]).toMatchObject({ minute: Date.parse('2026-11-29T12:30:00.000Z'), confirmed: 1, rejected: 1 });
    expect(buckets[0]).toMatchObject({ minute: Date.parse('2026-11-29T11:31:00.000Z'), pending: 1 });
    expect(buckets.reduce((n, b) => n + b.pending, 0)).toBe(1);
  });

  it('ranks products by units sold, not counting rejected or cancelled orders', () => {
    const top = topProducts([
      order({ items: [{ sku: 'A', name: 'Açúcar', quantity: 3, unitPrice: 100 }, { sku: 'B', name: 'Bolo', quantity: 1, unitPrice: 100 }] }),
      order({ status: 'confirmed', items: [{ sku: 'B', name: 'Bolo', quantity: 5, unitPrice: 100 }] }),
      order({ status: 'rejected', items: [{ sku: 'A', name: 'Açúcar', quantity: 50, unitPrice: 100 }] }),
    ]);
    expect(top).toEqual([{ sku: 'B', name: 'Bolo', units: 6 }, { sku: 'A', name: 'Açúcar', units: 3 }]);
  });

  it('lists products with fewer than 10 available, scarcest first', () => {
    const low = lowStock([product({ sku: 'X', available: 10 }), product({ sku: 'Y', available: 3 }), product({ sku: 'Z', available: 0 })]);
    expect(low.map((p) => p.sku)).toEqual(['Z', 'Y']);
  });

  it('sums the money captured and refunded over the orders, counting orders without a payment as nothing', () => {
    const paid = (captured: number, refunded: number) =>
      order({ payment: { status: refunded ? 'partially_refunded' : 'captured', amount: captured, captured, refunded, brand: 'visa', last4: '4242' } });
    expect(paymentTotals([
      paid(9980, 0),
      paid(4990, 1500),
      order({ payment: { status: 'authorized', amount: 2000, captured: 0, refunded: 0, brand: 'visa', last4: '4242' } }),
      order(),
    ])).toEqual({ captured: 14970, refunded: 1500 });
    expect(paymentTotals([])).toEqual({ captured: 0, refunded: 0 });
  });
});
