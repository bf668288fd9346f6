import { describe, expect, it } from 'vitest';
import { createBatcher } from '../src/batcher';

describe('a batcher', () => {
  it('does the calls made together in one batch, the calls made meanwhile in the next, and answers each caller on its own', async () => {
    const batches: number[][] = [];
    const call = createBatcher<number, number>({
      many: async (items) => {
        batches.push(items);
        return items.map((n) => (n % 5 === 0 ? { status: 'rejected', reason: new Error(`no ${n}`) } : { status: 'fulfilled', value: n * 10 }));
      },
      one: async (n) => n * 10,
    });
    const first = Array.from({ length: 6 }, (_, i) => call(i + 1));
    const results = await Promise.allSettled(first);
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 30, 40, 'no 5', 60]);
    // A lone call goes at once, alone.
    expect(await call(7)).toBe(70);
    expect(batches).toHaveLength(1);
  });

  it('does a batch that fails as a whole again call by call, so that the bad call fails alone', async () => {
    const alone: number[] = [];
    const call = createBatcher<number, number>({
      many: async (items) => {
        if (items.includes(3)) throw new Error('the batch failed');
        return items.map((n) => ({ status: 'fulfilled', value: n }));
      },
      one: async (n) => {
        alone.push(n);
        if (n === 3) throw new Error('three is bad');
        return n;
      },
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map(call));
    expect(alone).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });

  it('does not do the calls again when the batch says its outcome is unknown: each caller gets the error of the batch', async () => {
    const alone: number[] = [];
    const call = createBatcher<number, number>({
      many: async () => {
        throw new Error('connection lost around the commit');
      },
      one: async (n) => {
        alone.push(n);
        return n;
      },
      redoAlone: () => false,
    });
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(alone).toEqual([]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'fulfilled'))).toEqual(Array(3).fill('connection lost around the commit'));
    // The batcher is free again for the next callers.
    expect(await Promise.all([4, 5].map(call)).catch((error: Error) => error.message)).toBe('connection lost around the commit');
  });
});


describe('a batcher whose redoAlone throws', () => {
  it('answers every caller of the batch with that error instead of leaving them waiting', async () => {
    const call = createBatcher<number, number>({
      many: async () => {
        throw new Error('the batch failed');
      },
      one: async (n) => n,
      redoAlone: () => {
        throw new Error('cannot tell');
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'fulfilled'))).toEqual(Array(3).fill('cannot tell'));
    expect(await call(4)).toBe(4);
  });
});
