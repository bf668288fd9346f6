import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { storeOrder } from '../../../lib/update-order-cache';

export const cancelOrder = (id: string) => apiJson<Order>(`/api/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} });

export function useCancelOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelOrder,
    onSuccess: (order) => storeOrder(queryClient, order),
  });
}
