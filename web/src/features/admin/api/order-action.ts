import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';

export type OrderAction = 'ship' | 'deliver' | 'cancel';

export const runOrderAction = (id: string, action: OrderAction) =>
  apiJson<Order>(`/api/orders/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: {} });

export function useOrderAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: OrderAction }) => runOrderAction(id, action),
    onSuccess: (order) => {
      queryClient.setQueryData(orderKeys.detail(order.id), order);
      return queryClient.invalidateQueries({ queryKey: orderKeys.lists() });
    },
  });
}
