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

interface Waiting {
  event: CloudEvent;
  ctx: DeliveryContext;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A handler that applies together the deliveries a transport holds in flight at once (up to its
 * prefetch), so that a busy queue costs one transaction per batch rather than per message. It
 * sits above the transport: each delivery still resolves or rejects on its own, so acks, retries
 * and dead letters stay per message on both transports. While a batch runs, new deliveries wait
 * for the next one; an idle queue sends a lone message through at once, so batching adds no
 * latency of its own.
 *
 * A batch that fails is applied again message by message, so a poison message fails alone and
 * its neighbours are applied once (`many` must have written nothing when it throws: one
 * transaction). A redelivered message (attempt > 1) goes alone from the start.
 */
export function batchingHandler({ one, many, max = 100 }: BatchingOptions): Handler {
  const waiting: Waiting[] = [];
  let running = false;

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, max);
      if (batch.length > 1) {
        try {
          await many(batch.map((w) => w.event), batch[0]!.ctx.queue);
          for (const w of batch) w.resolve();
          continue;
        } catch {
          // Someone in the batch failed it: each is tried alone below and answers for itself.
        }
      }
      for (const w of batch) await one(w.event, w.ctx).then(w.resolve, w.reject);
    }
    running = false;
  }

  return (event, ctx) => {
    if (ctx.attempt > 1) return one(event, ctx);
    return new Promise<void>((resolve, reject) => {
      waiting.push({ event, ctx, resolve, reject });
      if (running) return;
      running = true;
      // The deliveries that arrived together (one socket read) join the first batch.
      setImmediate(() => void drain());
    });
  };
}
