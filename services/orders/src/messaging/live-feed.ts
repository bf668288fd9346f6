import type { Logger } from '@pedidos/platform/logger';
import type { Bus, Subscription } from '@pedidos/platform/messaging';
import { EXCHANGES, parseEventData } from '@pedidos/contracts/events';
import type { OrderChange } from '../orders-service';

/** Each replica declares `orders.live.<uuid>`, exclusive to its connection, while it has listeners. */
export const LIVE_QUEUE_PREFIX = 'orders.live';

export type ChangeListener = (change: OrderChange) => void;

export interface LiveFeedOptions {
  bus: Bus;
  log: Logger;
  /**
   * How long the queue outlives the last listener: a browser reconnecting (an EventSource waits
   * 3 s) or the next page's stream finds it still there.
   */
  idleMs: number;
}

/**
 * Every `order.status-changed`, on every replica that has a stream open: a queue of its own per
 * process (so a change made through any replica reaches the streams open on all of them), fanned
 * out in memory to listeners. A replica with no stream open has no queue, and the broker sends it
 * nothing: at a flash sale's pace each change would otherwise reach every replica for no one.
 */
export function createLiveFeed({ bus, log, idleMs }: LiveFeedOptions) {
  const listeners = new Set<ChangeListener>();
  let subscription: Subscription | undefined;
  let subscribing: Promise<void> | undefined;
  let cancelling: Promise<void> | undefined;
  let idle: NodeJS.Timeout | undefined;
  let stopped = false;

  function subscribe(): Promise<void> {
    subscribing ??= bus.subscribe({
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
    }).then(async (subscribed) => {
      subscription = subscribed;
      if (stopped) await unsubscribe();
    }).finally(() => {
      subscribing = undefined;
    });
    return subscribing;
  }

  /** Resolves once the queue is gone, whichever call cancelled it (stop() waits for the idle timer's). */
  function unsubscribe(): Promise<void> {
    cancelling = subscription?.cancel() ?? cancelling;
    subscription = undefined;
    return cancelling ?? Promise.resolve();
  }

  /** The last listener left `idleMs` ago: the queue goes, unless someone came back meanwhile. */
  async function unsubscribeIdle(): Promise<void> {
    await subscribing?.catch(() => {});
    if (listeners.size === 0) await unsubscribe();
  }

  return {
    /**
     * Calls `listener` with every change from now on, and resolves once the broker routes changes
     * to this replica, so that whatever commits afterwards reaches it. Rejects, listening to
     * nothing, when the broker cannot be reached. Resolves to the function that stops it.
     */
    async listen(listener: ChangeListener): Promise<() => void> {
      listeners.add(listener);
      clearTimeout(idle);
      try {
        if (!subscription) await subscribe();
      } catch (error) {
        listeners.delete(listener);
        throw error;
      }
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0 || stopped) return;
        idle = setTimeout(() => {
          unsubscribeIdle().catch((error: unknown) => log.warn({ err: error }, 'live order feed could not cancel its queue'));
        }, idleMs);
        idle.unref();
      };
    },

    async stop() {
      stopped = true;
      clearTimeout(idle);
      await subscribing?.catch(() => {});
      await unsubscribe();
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
