import { useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { OperationsReport } from '@pedidos/contracts/common';
import { apiJson } from '../../../lib/api-client';

export type Operations = Static<typeof OperationsReport>;

/** Each service reports its own outbox and dead letters; the operations page shows them side by side. */
export const SERVICES_WITH_OPERATIONS = {
  orders: '/api/orders/operations',
  inventory: '/api/products/operations',
  payments: '/api/payments/operations',
} as const;

export const getOperations = async (signal?: AbortSignal) => {
  const entries = await Promise.all(
    Object.entries(SERVICES_WITH_OPERATIONS).map(async ([service, url]) => [service, await apiJson<Operations>(url, { signal })] as const),
  );
  return Object.fromEntries(entries) as Record<keyof typeof SERVICES_WITH_OPERATIONS, Operations>;
};

export const useOperations = () =>
  useQuery({ queryKey: ['admin', 'operations'], queryFn: ({ signal }) => getOperations(signal), refetchInterval: 10_000 });
