import { useQuery } from '@tanstack/react-query';
import type { Order, OrderActivity } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { useRefreshOnOrderChange } from '../../../lib/follow-order';
import { orderKeys } from '../../../lib/query-keys';

export const getOrderActivity = (orderId: string, signal?: AbortSignal) =>
  apiJson<OrderActivity>(`/api/orders/${encodeURIComponent(orderId)}/activity`, { signal });

/** What of an order moves when its activity does: a new status change always changes these. */
const versionOf = (order: Order) => JSON.stringify([order.updatedAt, order.status, order.history.length]);

/**
 * The activity of an order the page already watches live: each change of the order (from the
 * stream, or an action on this page) reads the activity again, so who moved it shows at once.
 */
export function useOrderActivity(order: Order) {
  useRefreshOnOrderChange(order, orderKeys.activity(order.id), versionOf);
  return useQuery({ queryKey: orderKeys.activity(order.id), queryFn: ({ signal }) => getOrderActivity(order.id, signal) });
}
