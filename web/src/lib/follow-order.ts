import { useEffect, useRef } from 'react';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';

/**
 * Reads `queryKey` again whenever the order the page watches changes. The order arrives live
 * (stream or polling); what hangs off it (its payment, its activity) does not, so each change of
 * the order is the cue. `versionOf` says which of the order's fields move with it.
 */
export function useRefreshOnOrderChange(order: Order, queryKey: QueryKey, versionOf: (order: Order) => string): void {
  const queryClient = useQueryClient();
  const version = versionOf(order);
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    void queryClient.invalidateQueries({ queryKey });
    // Not on `queryKey`: callers build it anew each render, from the order's id alone.
  }, [version, order.id, queryClient]);
}
