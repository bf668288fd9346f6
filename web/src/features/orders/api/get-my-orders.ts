import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { OrderList } from '@pedidos/contracts/orders';
import { apiJson, queryString } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';

export const getMyOrders = ({ cursor, signal }: { cursor?: string; signal?: AbortSignal }) =>
  apiJson<OrderList>(`/api/orders${queryString({ limit: 20, cursor })}`, { signal });

/** One page of the customer's own orders, newest first; `cursor` from the page before (see useCursorPages). */
export function useMyOrders(cursor: string | undefined) {
  return useQuery({
    queryKey: orderKeys.list({ scope: 'mine', cursor }),
    queryFn: ({ signal }) => getMyOrders({ cursor, signal }),
    placeholderData: keepPreviousData,
  });
}
