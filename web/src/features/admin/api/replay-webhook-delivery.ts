import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { ReplayAccepted } from '@pedidos/contracts/webhooks';
import { apiJson } from '../../../lib/api-client';
import { webhookKeys } from '../../../lib/query-keys';

export const replayWebhookDelivery = (id: string, deliveryId: string) =>
  apiJson<Static<typeof ReplayAccepted>>(`/api/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`, {
    method: 'POST',
    body: {},
  });

export function useReplayWebhookDelivery(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => replayWebhookDelivery(id, deliveryId),
    // Pending again: reading the page now shows it so, which starts the refresh until it settles.
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(id) }),
  });
}
