import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateWebhookBody, CreatedWebhookEndpoint } from '@pedidos/contracts/webhooks';
import { apiJson } from '../../../lib/api-client';
import { webhookKeys } from '../../../lib/query-keys';

/** The answer is the only place the endpoint's signing secret is ever shown. */
export const createWebhook = (body: CreateWebhookBody) => apiJson<CreatedWebhookEndpoint>('/api/webhooks', { method: 'POST', body });

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebhook,
    // The answer carries the secret: once the page lets go of it (reset, unmount), so does the cache.
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}
