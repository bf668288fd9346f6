import { describe, expect, it } from 'vitest';
import { product } from '../../test/fixtures';
import { change, currenciesOf, customRangeProblems, lowStock, moneyOf, rangeChoiceFrom, rejectedShare, resolveRange } from './dashboard-stats';

// Local times: the ranges are the merchant's calendar days, whatever the machine's zone.
const now = new Date(2026, 11, 7, 14, 31);
const today = '2026-12-07';
const params = (search: string) => new URLSearchParams(search);

describe('dashboard range', () => {
  it('reads a preset or a custom range from the address, and anything else as today', () => {
    expect(rangeChoiceFrom(params('range=7d'), today)).toEqual({ kind: '7d' });
    expect(rangeChoiceFrom(params('range=30d'), today)).toEqual({ kind: '30d' });
    expect(rangeChoiceFrom(params('from=2026-11-01&to=2026-11-30'), today)).toEqual({ kind: 'custom', from: '2026-11-01', to: '2026-11-30' });
    expect(rangeChoiceFrom(params(''), today)).toEqual({ kind: 'today' });
    expect(rangeChoiceFrom(params('range=year'), today)).toEqual({ kind: 'today' });
    expect(rangeChoiceFrom(params('from=2026-11-30&to=2026-11-01'), today)).toEqual({ kind: 'today' });
    expect(rangeChoiceFrom(params('from=2026-02-30&to=2026-03-01&range=7d'), today)).toEqual({ kind: '7d' });
  });

  it('today is by the hour since midnight, beside yesterday up to the same time', () => {
    expect(resolveRange({ kind: 'today' }, now)).toEqual({
      current: { from: new Date(2026, 11, 7), to: now },
      previous: { from: new Date(2026, 11, 6), to: new Date(2026, 11, 6, 14, 31) },
      bucket: 'hour',
    });
  });

  it('today ending at midnight is still the day that ends there', () => {
    const endOfDay = new Date(2026, 11, 8);
    expect(resolveRange({ kind: 'today' }, endOfDay).current).toEqual({ from: new Date(2026, 11, 7), to: endOfDay });
  });

  it('7 days is by the day, today included, beside the 7 days before', () => {
    expect(resolveRange({ kind: '7d' }, now)).toEqual({
      current: { from: new Date(2026, 11, 1), to: now },
      previous: { from: new Date(2026, 10, 24), to: new Date(2026, 10, 30, 14, 31) },
      bucket: 'day',
    });
    expect(resolveRange({ kind: '30d' }, now).current.from).toEqual(new Date(2026, 10, 8));
  });

  it('a custom range covers its days whole, up to now at most, beside as many days before it', () => {
    expect(resolveRange({ kind: 'custom', from: '2026-11-01', to: '2026-11-30' }, now)).toEqual({
      current: { from: new Date(2026, 10, 1), to: new Date(2026, 11, 1) },
      previous: { from: new Date(2026, 9, 2), to: new Date(2026, 10, 1) },
      bucket: 'day',
    });
    expect(resolveRange({ kind: 'custom', from: '2026-12-06', to: '2026-12-07' }, now).current).toEqual({ from: new Date(2026, 11, 6), to: now });
  });

  it('says what is wrong with a custom range', () => {
    expect(customRangeProblems('2026-12-01', '2026-12-07', today)).toEqual({});
    expect(customRangeProblems('', '2026-12-07', today)).toEqual({ from: 'fromMissing' });
    expect(customRangeProblems('2026-12-01', '', today)).toEqual({ to: 'toMissing' });
    expect(customRangeProblems('2026-12-05', '2026-12-04', today)).toEqual({ to: 'toBeforeFrom' });
    expect(customRangeProblems('2026-12-08', '2026-12-09', today)).toEqual({ from: 'inFuture' });
    expect(customRangeProblems('2025-12-08', '2026-12-07', today)).toEqual({});
    expect(customRangeProblems('2025-12-07', '2026-12-07', today)).toEqual({ to: 'tooLong' });
  });
});

describe('dashboard figures', () => {
  it('compares with the previous period in whole percent, and says when there was nothing before', () => {
    expect(change(15, 10)).toEqual({ direction: 'up', percent: 50 });
    expect(change(2, 3)).toEqual({ direction: 'down', percent: 33 });
    expect(change(4, 4)).toEqual({ direction: 'same' });
    expect(change(0, 0)).toEqual({ direction: 'same' });
    expect(change(3, 0)).toEqual({ direction: 'new' });
    expect(change(0, 7)).toEqual({ direction: 'down', percent: 100 });
  });

  it('shows every currency either period took, or reais when none', () => {
    expect(currenciesOf([{ currency: 'USD', amount: 1 }], [{ currency: 'BRL', amount: 2 }, { currency: 'USD', amount: 3 }])).toEqual(['BRL', 'USD']);
    expect(currenciesOf([], [])).toEqual(['BRL']);
  });

  it('counts a currency that only captured or refunded money among those to show', () => {
    const money = (revenue: string[], captured: string[], refunded: string[]) => {
      const sums = (currencies: string[]) => currencies.map((currency) => ({ currency, amount: 1 }));
      return moneyOf({ revenue: sums(revenue), captured: sums(captured), refunded: sums(refunded) });
    };
    expect(currenciesOf(...money(['BRL'], [], ['USD']), ...money([], ['EUR'], []))).toEqual(['BRL', 'EUR', 'USD']);
  });

  it('gives the rejected share as a whole percentage', () => {
    expect(rejectedShare(1, 3)).toBe(33);
    expect(rejectedShare(0, 0)).toBe(0);
  });

  it('lists products with fewer than 10 available, scarcest first', () => {
    const low = lowStock([product({ sku: 'X', available: 10 }), product({ sku: 'Y', available: 3 }), product({ sku: 'Z', available: 0 })]);
    expect(low.map((p) => p.sku)).toEqual(['Z', 'Y']);
  });
});
