import type { QueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { orderKeys } from '../../../lib/query-keys';
import { applyOrderEvent, holdsOrder, type OrdersCacheEntry } from '../live-status';

/**
 * Puts a fresher order into every cached view of it. Lists that filter by status, and first
 * pages that do not hold it yet (a new order), are refetched: only the server knows where it goes.
 */
export function updateOrderCache(queryClient: QueryClient, order: Order): void {
  queryClient.setQueryData<Order>(orderKeys.detail(order.id), (old) => applyOrderEvent(old, order));
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
}
