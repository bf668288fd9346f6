import { replaceEqualDeep, type QueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { orderKeys } from './query-keys';
import { applyOrderEvent, holdsOrder, keepNewerOrders, type OrdersCacheEntry } from './live-status';

/**
 * Puts a fresher order into every cached view of it. Lists that filter by status, and first
 * pages that do not hold it yet (a new order), are refetched: only the server knows where it goes.
 */
export function updateOrderCache(queryClient: QueryClient, order: Order): void {
  // Kept even when nothing shows this order yet: a change can beat to the browser the 201 that placed
  // it, and the answer, older, must then not win (applyOrderEvent keeps the newer of the two).
  queryClient.setQueryData<Order>(orderKeys.detail(order.id), (old) => (old === undefined ? order : applyOrderEvent(old, order)));
  queryClient.setQueriesData<OrdersCacheEntry>({ queryKey: orderKeys.lists() }, (old) => applyOrderEvent(old, order));
  void queryClient.invalidateQueries({
    queryKey: orderKeys.lists(),
    predicate: (query) => {
      const params = query.queryKey[2] as { status?: string; cursor?: string } | undefined;
      if (params?.status) return true;
      return !params?.cursor && !holdsOrder(query.state.data as OrdersCacheEntry | undefined, order.id);
    },
  });
  void queryClient.invalidateQueries({ queryKey: orderKeys.dashboard() });
  // A list's count and sum change when an order enters or leaves its status filter.
  void queryClient.invalidateQueries({ queryKey: orderKeys.summaries() });
}

/**
 * Stores the order a request answered with (placed, cancelled, shipped...). The stream may have
 * delivered a newer state before this answer arrived (an order can be rejected before the browser
 * has read the 201 that placed it): the newer of the two is kept, and the order is read once more.
 */
export function storeOrder(queryClient: QueryClient, order: Order): void {
  updateOrderCache(queryClient, order);
  void queryClient.invalidateQueries({ queryKey: orderKeys.detail(order.id) });
}

/**
 * `structuralSharing` for every query of orders: an answer never takes an order back to an older
 * state than the cache holds (see keepNewerOrders); the rest is TanStack Query's own sharing.
 */
export const neverOlder = (cached: unknown, fresh: unknown): unknown =>
  replaceEqualDeep(cached, keepNewerOrders(cached as OrdersCacheEntry | undefined, fresh as OrdersCacheEntry));
