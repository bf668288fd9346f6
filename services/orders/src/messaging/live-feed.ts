import type { Logger } from '@pedidos/platform/logger';
import type { Bus, Subscription } from '@pedidos/platform/messaging';
import { EXCHANGES, parseEventData } from '@pedidos/contracts/events';
import type { OrderChange } from '../orders-service';

/** Each replica declares `orders.live.<uuid>`, exclusive to its connection. */
export const LIVE_QUEUE_PREFIX = 'orders.live';

export type ChangeListener = (change: OrderChange) => void;

/**
 * Every `order.status-changed`, on every replica: a queue of its own per process (so a change made
 * through any replica reaches the streams open on all of them), fanned out in memory to listeners.
 */
export function createLiveFeed({ bus, log }: { bus: Bus; log: Logger }) {
  const listeners = new Set<ChangeListener>();
  let subscription: Subscription | undefined;

  return {
    async start() {
      subscription ??= await bus.subscribe({
        queue: LIVE_QUEUE_PREFIX,
        exclusive: true,
        prefetch: 100,
        bindings: [{ exchange: EXCHANGES.orders, routingKey: 'order.status-changed' }],
        handler: async (event) => {
          const { historyId, order } = parseEventData('order.status-changed', event.data);
          for (const listener of listeners) {
            try {
              listener({ historyId, order });
            } catch (error) {
              log.error({ err: error, eventId: event.id }, 'live order listener threw');
            }
          }
        },
      });
    },

    /** Calls `listener` with every change from now on; returns the function that stops it. */
    listen(listener: ChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async stop() {
      const cancelling = subscription?.cancel();
      subscription = undefined;
      await cancelling;
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
