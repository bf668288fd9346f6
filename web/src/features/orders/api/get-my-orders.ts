import { useInfiniteQuery } from '@tanstack/react-query';
import type { OrderList } from '@pedidos/contracts/orders';
import { apiJson, queryString } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';

export const getMyOrders = ({ cursor, signal }: { cursor?: string; signal?: AbortSignal }) =>
  apiJson<OrderList>(`/api/orders${queryString({ limit: 20, cursor })}`, { signal });

export function useMyOrders() {
  return useInfiniteQuery({
    queryKey: orderKeys.list({ scope: 'mine' }),
    queryFn: ({ pageParam, signal }) => getMyOrders({ cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
