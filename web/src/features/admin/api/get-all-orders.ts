import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { OrderList, OrderStatus } from '@pedidos/contracts/orders';
import { apiJson, queryString } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';

export const PAGE_SIZE = 20;

export const getAllOrders = ({ status, cursor, limit = PAGE_SIZE, signal }: { status?: OrderStatus; cursor?: string; limit?: number; signal?: AbortSignal }) =>
  apiJson<OrderList>(`/api/orders${queryString({ status, cursor, limit })}`, { signal });

export function useAllOrders(status: OrderStatus | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: orderKeys.list({ scope: 'all', status, cursor }),
    queryFn: ({ signal }) => getAllOrders({ status, cursor, signal }),
    placeholderData: keepPreviousData,
  });
}
