import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

/** Client errors are answers, not glitches: retrying a 404 or 403 only delays showing it. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
