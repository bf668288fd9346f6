import { useInfiniteQuery } from '@tanstack/react-query';
import type { ProductList } from '@pedidos/contracts/inventory';
import { apiJson, queryString } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export const getProductPage = ({ q, cursor, signal }: { q?: string; cursor?: string; signal?: AbortSignal }) =>
  apiJson<ProductList>(`/api/products${queryString({ q, cursor, limit: 100 })}`, { signal });

export function useAdminProducts(q: string) {
  const search = q.trim() || undefined;
  return useInfiniteQuery({
    queryKey: [...productKeys.list({ q: search }), 'admin'],
    queryFn: ({ pageParam, signal }) => getProductPage({ q: search, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
