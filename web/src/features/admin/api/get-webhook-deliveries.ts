import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { WebhookDeliveryPage } from '@pedidos/contracts/webhooks';
import { apiJson, queryString } from '../../../lib/api-client';
import { webhookKeys } from '../../../lib/query-keys';

/** While a delivery is being tried its attempts change every few seconds; once none is, the page stands still. */
const PENDING_REFRESH_MS = 2_000;

/** Whether a delivery of the page is still being tried. */
export const hasPending = (page: WebhookDeliveryPage | undefined) => page?.items.some((d) => d.status === 'pending') ?? false;

export const getWebhookDeliveries = (id: string, cursor: string | undefined, signal?: AbortSignal) =>
  apiJson<WebhookDeliveryPage>(`/api/webhooks/${encodeURIComponent(id)}/deliveries${queryString({ cursor, limit: 20 })}`, { signal });

export const useWebhookDeliveries = (id: string, cursor: string | undefined) =>
  useQuery({
    queryKey: webhookKeys.deliveryPage(id, cursor),
    queryFn: ({ signal }) => getWebhookDeliveries(id, cursor, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (hasPending(query.state.data) ? PENDING_REFRESH_MS : false),
  });
