import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { storeOrder } from '../../../lib/update-order-cache';

export type OrderAction = 'ship' | 'deliver' | 'cancel';

export const runOrderAction = (id: string, action: OrderAction) =>
  apiJson<Order>(`/api/orders/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: {} });

export function useOrderAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: OrderAction }) => runOrderAction(id, action),
    onSuccess: (order) => storeOrder(queryClient, order),
  });
}
