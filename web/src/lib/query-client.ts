import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';
import { orderKeys } from './query-keys';
import { neverOlder } from './update-order-cache';

/** Client errors are answers, not glitches: retrying a 404 or 403 only delays showing it. */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
  // Every query of orders, whichever feature makes it: an answer never takes an order back to an
  // older state than the cache holds (see neverOlder). Not the dashboard: it holds no orders.
  for (const key of [orderKeys.lists(), orderKeys.details()]) client.setQueryDefaults(key, { structuralSharing: neverOlder });
  return client;
}
