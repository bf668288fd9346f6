import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { OrderList, OrderSort, OrderStatus } from '@pedidos/contracts/orders';
import { apiJson, queryString } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';

export const PAGE_SIZE = 20;

/** What narrows the list of all orders; `from` and `to` are instants (RFC 3339). */
export interface OrdersFilter {
  status?: OrderStatus;
  q?: string;
  from?: string;
  to?: string;
}

/** The query string of a filtered, sorted list: the same for a page, the summary and the export. */
export const listQuery = ({ status, q, from, to }: OrdersFilter, extra: Record<string, string | number | undefined> = {}) =>
  queryString({ status, q, from, to, ...extra });

export const getAllOrders = ({ cursor, limit = PAGE_SIZE, sort, signal, ...filter }: OrdersFilter & { sort?: OrderSort; cursor?: string; limit?: number; signal?: AbortSignal }) =>
  apiJson<OrderList>(`/api/orders${listQuery(filter, { sort, cursor, limit })}`, { signal });

export function useAllOrders(filter: OrdersFilter, sort: OrderSort | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: orderKeys.list({ scope: 'all', ...filter, sort, cursor }),
    queryFn: ({ signal }) => getAllOrders({ ...filter, sort, cursor, signal }),
    placeholderData: keepPreviousData,
  });
}
