import { createBatcher } from '../batcher';
import type { CloudEvent } from './cloud-event';
import type { DeliveryContext, Handler } from './bus';

export interface BatchingOptions {
  /** Applies one event; what a batch falls back to, message by message. */
  one: Handler;
  /** Applies several events at once (one transaction), or throws having applied none. */
  many: (events: CloudEvent[], queue: string) => Promise<void>;
  /** The most events in one batch; the subscription's prefetch bounds it too. */
  max?: number;
}

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
export function batchingHandler({ one, many, max }: BatchingOptions): Handler {
  const batched = createBatcher<{ event: CloudEvent; ctx: DeliveryContext }, void>({
    many: async (deliveries) => {
      await many(deliveries.map((d) => d.event), deliveries[0]!.ctx.queue);
      return deliveries.map(() => ({ status: 'fulfilled', value: undefined }));
    },
    one: (d) => one(d.event, d.ctx),
    max,
  });
  return (event, ctx) => (ctx.attempt > 1 ? one(event, ctx) : batched({ event, ctx }));
}
