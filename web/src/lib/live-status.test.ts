import { describe, expect, it } from 'vitest';
import type { InfiniteData } from '@tanstack/react-query';
import type { OrderList } from '@pedidos/contracts/orders';
import { order } from '../test/fixtures';
import { applyOrderEvent, holdsOrder, keepNewerOrders } from './live-status';

const pending = order();
const confirmed = order({
  status: 'confirmed',
  updatedAt: '2026-11-29T12:00:01.500Z',
  history: [...pending.history, { status: 'confirmed', at: '2026-11-29T12:00:01.500Z', reason: null, actor: null }],
});
const shipped = order({
  status: 'shipped',
  updatedAt: '2026-11-29T13:00:00.000Z',
  history: [...confirmed.history, { status: 'shipped', at: '2026-11-29T13:00:00.000Z', reason: null, actor: null }],
});
const other = order({ id: 'f3c1e2d4-5a6b-4c7d-8e9f-0a1b2c3d4e5f', number: 1043 });

describe('applyOrderEvent', () => {
  it('replaces an order with a newer version of it', () => {
    expect(applyOrderEvent(pending, confirmed)).toBe(confirmed);
  });

  it('ignores a replayed or late event: an older or identical version changes nothing', () => {
    expect(applyOrderEvent(confirmed, pending)).toBe(confirmed);
    expect(applyOrderEvent(confirmed, { ...confirmed })).toBe(confirmed);
    expect(applyOrderEvent(shipped, confirmed)).toBe(shipped);
  });

  it('takes the longer history when two versions carry the same time', () => {
    const sameTime = { ...confirmed, updatedAt: pending.updatedAt };
    expect(applyOrderEvent(pending, sameTime)).toBe(sameTime);
  });

  it('leaves another order alone, and an empty cache empty', () => {
    expect(applyOrderEvent(other, confirmed)).toBe(other);
    expect(applyOrderEvent(undefined, confirmed)).toBeUndefined();
  });

  it('updates the order inside a page of a list, keeping the rest of the page', () => {
    const page: OrderList = { items: [other, pending], nextCursor: 'abc' };
    const next = applyOrderEvent(page, confirmed);
    expect(next).not.toBe(page);
    expect(next.items).toEqual([other, confirmed]);
    expect(next.items[0]).toBe(other);
    expect(next.nextCursor).toBe('abc');
    expect(page.items[1]).toBe(pending);
  });

  it('returns the same page when it does not hold the order: new orders are the server’s to place', () => {
    const page: OrderList = { items: [other], nextCursor: null };
    expect(applyOrderEvent(page, confirmed)).toBe(page);
  });

  it('updates infinite lists page by page, leaving untouched pages as they were', () => {
    const data: InfiniteData<OrderList> = {
      pages: [{ items: [other], nextCursor: 'c1' }, { items: [pending], nextCursor: null }],
      pageParams: [undefined, 'c1'],
    };
    const next = applyOrderEvent(data, shipped);
    expect(next.pages[0]).toBe(data.pages[0]);
    expect(next.pages[1]!.items[0]).toBe(shipped);
    expect(next.pageParams).toBe(data.pageParams);
    expect(applyOrderEvent(next, confirmed)).toBe(next);
  });

  it('applied in any order, a burst of events ends on the newest state', () => {
    const events = [confirmed, shipped, pending];
    for (const sequence of [events, [...events].reverse(), [shipped, pending, confirmed]]) {
      expect(sequence.reduce((state, e) => applyOrderEvent(state, e), pending)).toBe(shipped);
    }
  });
});

describe('holdsOrder', () => {
  it('finds an order in a detail, a page or pages', () => {
    expect(holdsOrder(pending, pending.id)).toBe(true);
    expect(holdsOrder({ items: [other], nextCursor: null }, pending.id)).toBe(false);
    expect(holdsOrder({ pages: [{ items: [pending], nextCursor: null }], pageParams: [undefined] }, pending.id)).toBe(true);
    expect(holdsOrder(undefined, pending.id)).toBe(false);
  });
});

describe('keepNewerOrders', () => {
  const page = (items: typeof pending[]): OrderList => ({ items, nextCursor: null });

  it('keeps the newer state the cache holds over an answer read before it', () => {
    expect(keepNewerOrders(confirmed, pending)).toBe(confirmed);
    expect(keepNewerOrders(page([confirmed, other]), page([pending, other])).items).toEqual([confirmed, other]);
  });

  it('takes the answer where it is the newer one, and whatever the cache did not hold', () => {
    expect(keepNewerOrders(confirmed, shipped)).toBe(shipped);
    expect(keepNewerOrders(undefined, pending)).toBe(pending);
    expect(keepNewerOrders(page([other]), page([pending, other])).items).toEqual([pending, other]);
  });
});
