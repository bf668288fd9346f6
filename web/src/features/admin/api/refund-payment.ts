import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Payment, RefundBody } from '@pedidos/contracts/payments';
import { apiFetch, errorFromResponse } from '../../../lib/api-client';
import { orderKeys, paymentKeys } from '../../../lib/query-keys';

/** `settled` is false on a 202: the provider has not answered yet and the service will ask it again. */
export async function refundPayment(orderId: string, body: RefundBody): Promise<{ payment: Payment; settled: boolean }> {
  const response = await apiFetch(`/api/payments/${encodeURIComponent(orderId)}/refunds`, {
    method: 'POST',
    headers: { accept: 'application/json, application/problem+json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return { payment: (await response.json()) as Payment, settled: response.status === 201 };
}

export function useRefundPayment(orderId: string) {
  const queryClient = useQueryClient();
  const refresh = () => {
    // The order carries a summary of its payment; the dashboard sums it.
    void queryClient.invalidateQueries({ queryKey: orderKeys.detail(orderId) });
    void queryClient.invalidateQueries({ queryKey: orderKeys.dashboard() });
  };
  return useMutation({
    mutationFn: (body: RefundBody) => refundPayment(orderId, body),
    onSuccess: ({ payment }) => {
      queryClient.setQueryData(paymentKeys.detail(orderId), payment);
      refresh();
    },
    // A refusal (more than is left, not captured) means this page's figures are stale.
    onError: () => {
      void queryClient.invalidateQueries({ queryKey: paymentKeys.detail(orderId) });
      refresh();
    },
  });
}
