import { createBatcher } from '../batcher';
import { activeContext, inContext, traceBatch } from '../tracing';
import type { CloudEvent } from './cloud-event';
import type { DeliveryContext, Handler, SubscriptionSpec } from './bus';

export interface BatchingOptions {
  /** Applies one event; what a batch falls back to, message by message. */
  one: Handler;
  /** Applies several events at once (one transaction), or throws having applied none. */
  many: (events: CloudEvent[], queue: string) => Promise<void>;
  /** The most events in one batch; the subscription's prefetch bounds it too. */
  max?: number;
  /** Told how many first deliveries each batch took (a metric: `Metrics.observeBatch`). */
  onBatch?: (queue: string, size: number) => void;
}

/** What a service's subscriptions take from its configuration and metrics. */
export type ConsumerSettings = Required<Pick<SubscriptionSpec, 'prefetch' | 'dependsOn'>> & Pick<BatchingOptions, 'onBatch'>;

/**
 * A handler that applies together the deliveries a transport holds in flight at once (up to its
 * prefetch), so that a busy queue costs one transaction per batch rather than per message. It
 * sits above the transport: each delivery still resolves or rejects on its own, so acks, retries
 * and dead letters stay per message on both transports.
 *
 * A batch that fails is applied again message by message, so a poison message fails alone and
 * its neighbours are applied once (`many` must have written nothing when it throws: one
 * transaction). A redelivered message (attempt > 1) goes alone from the start.
 */
export function batchingHandler({ one, many, max, onBatch }: BatchingOptions): Handler {
  // Each delivery keeps the trace context it arrived in (its CONSUMER span): a delivery applied
  // alone runs in its own, not in that of whichever delivery started the batcher's loop.
  const batched = createBatcher<{ event: CloudEvent; ctx: DeliveryContext; trace: ReturnType<typeof activeContext> }, void>({
    many: async (deliveries) => {
      const events = deliveries.map((d) => d.event);
      const queue = deliveries[0]!.ctx.queue;
      await traceBatch(queue, events, () => many(events, queue));
      return deliveries.map(() => ({ status: 'fulfilled', value: undefined }));
    },
    one: (d) => inContext(d.trace, () => one(d.event, d.ctx)),
    max,
    onBatch: onBatch && ((deliveries) => onBatch(deliveries[0]!.ctx.queue, deliveries.length)),
  });
  return (event, ctx) => (ctx.attempt > 1 ? one(event, ctx) : batched({ event, ctx, trace: activeContext() }));
}
