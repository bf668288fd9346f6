import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdjustmentBody, Product } from '@pedidos/contracts/inventory';
import { ApiError, apiJson } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export const adjustStock = (sku: string, body: AdjustmentBody) =>
  apiJson<Product>(`/api/products/${encodeURIComponent(sku)}/adjustments`, { method: 'POST', body });

const wholeNumber = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);

/** How much stock may be taken away, and how much of what is on hand is reserved for orders. */
export interface RemovalLimit {
  maxRemovable: number;
  reserved: number;
}

/** What the refusal to take away more than is free says of it; undefined for any other error. */
export function belowReserved(error: unknown): RemovalLimit | undefined {
  if (!(error instanceof ApiError) || error.code !== 'STOCK.BELOW_RESERVED') return undefined;
  const maxRemovable = wholeNumber(error.problem.maxRemovable);
  const reserved = wholeNumber(error.problem.reserved);
  return maxRemovable === undefined || reserved === undefined ? undefined : { maxRemovable, reserved };
}

export function useAdjustStock(sku: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AdjustmentBody) => adjustStock(sku, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
