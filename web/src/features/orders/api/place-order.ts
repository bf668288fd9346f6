import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Order, PlaceOrderBody } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { storeOrder } from '../../../lib/update-order-cache';

/** The same Idempotency-Key with the same body returns the first order instead of placing another. */
export const placeOrder = (body: PlaceOrderBody, idempotencyKey: string) =>
  apiJson<Order>('/api/orders', { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey } });

export function usePlaceOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: PlaceOrderBody; idempotencyKey: string }) => placeOrder(body, idempotencyKey),
    onSuccess: (order) => storeOrder(queryClient, order),
  });
}
