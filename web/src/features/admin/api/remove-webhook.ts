import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiJson } from '../../../lib/api-client';
import { webhookKeys } from '../../../lib/query-keys';

export const removeWebhook = (id: string) => apiJson<void>(`/api/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useRemoveWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeWebhook,
    // A refusal (already removed elsewhere) also means the list shown is stale.
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}
