import { useQuery } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';
import { useOrderStreamState } from './order-stream';

export const getOrder = (id: string, signal?: AbortSignal) => apiJson<Order>(`/api/orders/${encodeURIComponent(id)}`, { signal });

const FINAL = new Set(['delivered', 'rejected', 'cancelled']);

export function useOrder(id: string) {
  const stream = useOrderStreamState();
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: ({ signal }) => getOrder(id, signal),
    // The live stream normally carries changes; while it is down, poll an order that can still change.
    refetchInterval: (query) => (stream !== 'open' && query.state.data && !FINAL.has(query.state.data.status) ? 5000 : false),
  });
}
