import { useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { WebhookEndpointList } from '@pedidos/contracts/webhooks';
import { apiJson } from '../../../lib/api-client';
import { webhookKeys } from '../../../lib/query-keys';

export const getWebhooks = (signal?: AbortSignal) => apiJson<Static<typeof WebhookEndpointList>>('/api/webhooks', { signal });

export const useWebhooks = () => useQuery({ queryKey: webhookKeys.list(), queryFn: ({ signal }) => getWebhooks(signal) });
