import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { OrderSummary } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';
import { listQuery, type OrdersFilter } from './get-all-orders';

export const getOrderSummary = (filter: OrdersFilter, signal?: AbortSignal) => apiJson<OrderSummary>(`/api/orders/summary${listQuery(filter)}`, { signal });

/** How many orders the filter selects and what they add up to, per currency. */
export function useOrderSummary(filter: OrdersFilter) {
  return useQuery({
    queryKey: orderKeys.summary(filter),
    queryFn: ({ signal }) => getOrderSummary(filter, signal),
    placeholderData: keepPreviousData,
  });
}
