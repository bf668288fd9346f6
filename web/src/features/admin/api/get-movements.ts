import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Movement } from '@pedidos/contracts/inventory';
import { apiJson, queryString } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export interface MovementPage {
  items: Movement[];
  nextCursor: string | null;
}

export const getMovements = (sku: string, cursor: string | undefined, signal?: AbortSignal) =>
  apiJson<MovementPage>(`/api/products/${encodeURIComponent(sku)}/movements${queryString({ cursor, limit: 25 })}`, { signal });

export const useMovements = (sku: string, cursor: string | undefined) =>
  useQuery({
    queryKey: productKeys.movements(sku, cursor),
    queryFn: ({ signal }) => getMovements(sku, cursor, signal),
    placeholderData: keepPreviousData,
  });
