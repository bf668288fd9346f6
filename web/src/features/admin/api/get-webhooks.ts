import { useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { WebhookEndpointList } from '@pedidos/contracts/webhooks';
import { apiJson } from '../../../lib/api-client';

/** The endpoints and their deliveries; whatever changes an endpoint refreshes everything under `all`. */
export const webhookKeys = {
  all: ['webhooks'] as const,
  list: () => ['webhooks', 'list'] as const,
  deliveries: (id: string) => ['webhooks', 'deliveries', id] as const,
  deliveryPage: (id: string, cursor: string | undefined) => ['webhooks', 'deliveries', id, cursor ?? null] as const,
};

export const getWebhooks = (signal?: AbortSignal) => apiJson<Static<typeof WebhookEndpointList>>('/api/webhooks', { signal });

export const useWebhooks = () => useQuery({ queryKey: webhookKeys.list(), queryFn: ({ signal }) => getWebhooks(signal) });
