import { useQuery } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import type { Payment } from '@pedidos/contracts/payments';
import { ApiError, apiJson } from './api-client';
import { useRefreshOnOrderChange } from './follow-order';
import { paymentKeys } from './query-keys';

/** An order's payment; null while there is none yet (the payments service answers 404 until it starts). */
export async function getPayment(orderId: string, signal?: AbortSignal): Promise<Payment | null> {
  try {
    return await apiJson<Payment>(`/api/payments/${encodeURIComponent(orderId)}`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** What of an order moves when its payment does: its state and the payment summary it carries. */
const versionOf = (order: Order) => JSON.stringify([order.updatedAt, order.status, order.payment]);

/** The payment of an order the caller already watches, read again as the order changes: an authorization or a capture shows without a reload. */
export function usePayment(order: Order) {
  useRefreshOnOrderChange(order, paymentKeys.detail(order.id), versionOf);
  return useQuery({
    queryKey: paymentKeys.detail(order.id),
    queryFn: ({ signal }) => getPayment(order.id, signal),
  });
}
