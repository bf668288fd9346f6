import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchingHandler } from '../src/messaging/batching';
import type { DeliveryContext } from '../src/messaging/bus';
import { onlyTypes } from '../src/messaging/only-types';
import { cloudEvent, type CloudEvent } from '../src/messaging/cloud-event';
import { SHAPES, openTestAdapters, type TestAdapters } from '../src/testing/shapes';

const EXCHANGE = 'batching.events';
const fact = (n: number) => cloudEvent({ source: '/tests', type: 'thing.happened', data: { n } });
const isPoison = (e: CloudEvent) => (e.data as { n: number }).n === 7;

describe.each(SHAPES)('a batching consumer (%s shape)', (shape) => {
  let adapters: TestAdapters;
  beforeEach(async () => {
    adapters = await openTestAdapters(shape);
  });
  afterEach(async () => {
    await adapters?.close();
  });

  it('applies the deliveries in flight as one batch, and when a poison message fails it, applies its neighbours once each and dead-letters the poison alone', async () => {
    const applied: number[] = [];
    const batches: number[] = [];
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const apply = (e: CloudEvent) => {
      if (isPoison(e)) throw new Error('poison');
      applied.push((e.data as { n: number }).n);
    };
    const dead = new Promise<CloudEvent | null>((resolve) => adapters.bus.on((s) => s.kind === 'dead' && resolve(s.event)));

    await adapters.bus.subscribe({
      queue: 'batching-test', bindings: [{ exchange: EXCHANGE, routingKey: '#' }], prefetch: 30,
      handler: batchingHandler({
        one: async (e) => {
          if ((e.data as { n: number }).n === 0) {
            held();
            await gate;
          }
          apply(e);
        },
        // Like a transaction: all of the batch or, when one fails, none of it.
        many: async (events) => {
          batches.push(events.length);
          if (events.some(isPoison)) throw new Error('poison in the batch');
          events.forEach(apply);
        },
      }),
    });
    // The first message holds the consumer while the next twenty arrive and wait together.
    await adapters.bus.publish(EXCHANGE, [fact(0)]);
    await holding;
    await adapters.bus.publish(EXCHANGE, Array.from({ length: 20 }, (_, i) => fact(i + 1)));
    await expect.poll(() => adapters.bus.queueDepth('batching-test'), { timeout: 10_000 }).toBe(0);
    openGate();

    const poison = await dead;
    expect(poison && isPoison(poison)).toBe(true);
    // One batch of the twenty (the first went alone); the poison failed it, so each went again alone.
    expect(batches).toEqual([20]);
    expect([...applied].sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, n) => n).filter((n) => n !== 7));
  });
});

describe('a handler for some event types only', () => {
  it('refuses another type without calling the handler, naming the queue and the type', async () => {
    const seen: string[] = [];
    const handler = onlyTypes(['thing.happened'], async (e) => void seen.push(e.type));
    const ctx: DeliveryContext = { queue: 'things', attempt: 1 };

    await handler(fact(1), ctx);
    await expect(handler(cloudEvent({ source: '/tests', type: 'thing.unknown', data: {} }), ctx)).rejects.toThrow('things does not handle thing.unknown');
    expect(seen).toEqual(['thing.happened']);
  });
});
