import { useEffect, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { apiFetch } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';
import { followEventStream, type StreamState } from '../../../lib/sse';
import { updateOrderCache } from '../../../lib/update-order-cache';

let state: StreamState = 'closed';
const listeners = new Set<() => void>();
const setState = (next: StreamState) => {
  if (next === state) return;
  state = next;
  listeners.forEach((l) => l());
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useOrderStreamState = (): StreamState => useSyncExternalStore(subscribe, () => state, () => state);

const isOrder = (value: unknown): value is Order =>
  typeof value === 'object' && value !== null && typeof (value as Order).id === 'string' && typeof (value as Order).status === 'string'
  && Array.isArray((value as Order).history);

/**
 * One connection to `GET /api/orders/stream` while signed in; each `order` event updates every
 * cached view of that order. Read with fetch (see followEventStream): EventSource cannot send the
 * Authorization header.
 */
export function useOrderStream(userId: string | null) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!userId) return;
    const controller = new AbortController();
    void followEventStream({
      url: '/api/orders/stream',
      open: (url, init) => apiFetch(url, init),
      signal: controller.signal,
      onState: (next) => {
        setState(next);
        // Subscribe, then read: whatever changed before this connection was listening (an order
        // answered while the stream was still connecting, or while it was down) is fetched again.
        if (next === 'open') void queryClient.invalidateQueries({ queryKey: orderKeys.all });
      },
      onMessage: (message) => {
        if (message.type !== 'order') return;
        try {
          const order: unknown = JSON.parse(message.data);
          if (isOrder(order)) updateOrderCache(queryClient, order);
        } catch {
          // A malformed event is skipped; the next one or a refetch brings the truth.
        }
      },
    });
    return () => {
      controller.abort();
      setState('closed');
    };
  }, [userId, queryClient]);
}
